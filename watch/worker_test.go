package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// testWorker is a worker as 'policywatch worker' wires one: its own store
// handle (as another process has), its crawler pacing hosts through the
// database's turns (held at most lease, like its documents), its clock
// shifted by offset (a later round).
func testWorker(t testing.TB, db, name string, targets []crawler.Target, rest, lease, offset time.Duration) *Worker {
	t.Helper()
	return clockedWorker(t, db, name, targets, rest, lease, func(*store.Store) func() time.Time {
		return func() time.Time { return time.Now().Add(offset) }
	})
}

// clockedWorker is testWorker with the clock clock makes for its store.
func clockedWorker(t testing.TB, db, name string, targets []crawler.Target, rest, lease time.Duration, clock func(*store.Store) func() time.Time) *Worker {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := clock(st)
	cfg := crawler.Config{UserAgent: "policywatch-test " + name, AllowPrivateNetworks: true, Retries: -1, Timeout: 10 * time.Second,
		Turns: &SharedTurns{Store: st, Holder: name, Delay: rest, Hold: lease, Now: now}}
	return &Worker{
		Run:     &Run{Store: st, Archive: archive.New(st), Fetcher: crawler.New(cfg), Now: now, Every: time.Hour},
		Targets: targets, Name: name, Lease: lease, Parallelism: 4, UntilIdle: true, Poll: time.Second,
	}
}

// roundOf runs workers until the queue is idle and returns their summaries.
func roundOf(t *testing.T, workers ...*Worker) []WorkSummary {
	t.Helper()
	sums := make([]WorkSummary, len(workers))
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Go(func() { sums[i], errs[i] = w.Work(context.Background()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
	}
	return sums
}

// versionsOf returns each farm document's versions, by document number.
func versionsOf(t *testing.T, st *store.Store, docs int) map[int][]store.VersionSummary {
	t.Helper()
	ctx := context.Background()
	all, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int][]store.VersionSummary{}
	for _, d := range all {
		n, err := strconv.Atoi(strings.TrimPrefix(d.Service, "Farm Service "))
		if err != nil || n >= docs {
			t.Fatalf("unexpected document %s / %s", d.Service, d.Type)
		}
		vs, err := st.Versions(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = vs
	}
	return out
}

// TestWorkersShareTheQueueAndTheHosts runs three workers, each with its own
// store handle as three processes have, over 60 documents on 3 hosts: each
// document is fetched once a round, one request at a time per host with
// the rest between two whoever sends it, and the next round (a later
// clock) fetches every document again and records the edited ones only.
func TestWorkersShareTheQueueAndTheHosts(t *testing.T) {
	const docs, rest = 60, 15 * time.Millisecond
	f := newFarm(t, docs, 3)
	f.rest = rest
	db := storetest.DB(t, "workers.db")
	targets := farmTargets(f.urls(), docs)
	var workers []*Worker
	for i := range 3 {
		workers = append(workers, testWorker(t, db, fmt.Sprintf("worker-%d", i), targets, rest, time.Minute, 0))
	}
	sums := roundOf(t, workers...)
	total := 0
	for i, s := range sums {
		if s.Failed > 0 || s.LeasesLost > 0 || s.Unknown > 0 {
			t.Fatalf("worker %d: %+v", i, s)
		}
		total += s.Documents
	}
	requests := f.since(0)
	if total != docs || len(requests) != docs {
		t.Fatalf("the workers recorded %d fetches and the farm served %d requests, want %d each", total, len(requests), docs)
	}
	f.mu.Lock()
	overlaps, tooSoon := f.overlaps, f.tooSoon
	f.mu.Unlock()
	if overlaps > 0 || tooSoon > 0 {
		t.Fatalf("%d requests overlapped another to their host and %d came sooner than the rest after one", overlaps, tooSoon)
	}

	st := storetest.OpenAt(t, db)
	for _, n := range []int{4, 17, 33} {
		f.edit(n)
	}
	mark := f.mark()
	var later []*Worker
	for i := range 3 {
		later = append(later, testWorker(t, db, fmt.Sprintf("later-%d", i), targets, rest, time.Minute, 2*time.Hour))
	}
	sums = roundOf(t, later...)
	fetched := map[int]int{}
	for _, r := range f.since(mark) {
		fetched[r.doc]++
	}
	newVersions := 0
	for _, s := range sums {
		newVersions += s.NewVersions
	}
	if len(fetched) != docs || newVersions != 3 {
		t.Fatalf("round 2 fetched %d documents and made %d new versions, want %d and 3", len(fetched), newVersions, docs)
	}
	for n, vs := range versionsOf(t, st, docs) {
		want := 1
		if n == 4 || n == 17 || n == 33 {
			want = 2
		}
		if len(vs) != want {
			t.Errorf("document %d has %d versions, want %d", n, len(vs), want)
		}
	}
}

// killedWorkerEnv hands a worker process its farm and database.
const killedWorkerEnv = "POLICYWATCH_TEST_KILLED_WORKER"

// EnvFarmSize sets the number of documents of the kill simulation (200
// when unset; the simulation is 10,000).
const EnvFarmSize = "POLICYWATCH_TEST_FARM"

// TestAKilledWorkersDocumentsAreTakenOver is the simulation of many
// crawler processes: a farm of documents on 8 hosts, 4 worker processes
// (this test binary, each with its own store) crawling one database. A
// first round fetches everything; then some documents are edited and a
// second round starts, and one worker, caught in the middle of slow
// fetches, is killed with SIGKILL. Its leases run out and the others take
// them over: every document is fetched in the round, no version is
// recorded twice, no capture is lost.
func TestAKilledWorkersDocumentsAreTakenOver(t *testing.T) {
	if spec := os.Getenv(killedWorkerEnv); spec != "" {
		runWorkerProcess(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	docs := 200
	if v := os.Getenv(EnvFarmSize); v != "" {
		var err error
		if docs, err = strconv.Atoi(v); err != nil || docs < 20 {
			t.Fatalf("%s=%q: want a number of documents, at least 20", EnvFarmSize, v)
		}
	}
	f := newFarm(t, docs, 8)
	db := storetest.DB(t, "workers.db")
	storetest.OpenAt(t, db).Close() // created and migrated before the workers race to it
	const lease = 3 * time.Second   // longer than the victim's slow fetches

	start := func(name string, offset time.Duration) *exec.Cmd {
		return startWorkerProcess(t, db, name, offset, lease, 4, docs, f.urls())
	}
	wait := func(cmds ...*exec.Cmd) { waitWorkerProcesses(t, cmds...) }

	round1Start := time.Now()
	var round1 []*exec.Cmd
	for i := range 4 {
		round1 = append(round1, start(fmt.Sprintf("first-%d", i), 0))
	}
	wait(round1...)
	t.Logf("round 1: %s", time.Since(round1Start).Round(time.Millisecond))

	edited := map[int]bool{}
	for n := 0; n < docs; n += 10 {
		f.edit(n)
		edited[n] = true
	}
	victim := "second-0"
	f.mu.Lock()
	f.slowAgent, f.slow = "policywatch-test "+victim, 2*time.Second
	f.mu.Unlock()
	mark := f.mark()
	round2Start := time.Now()
	var round2 []*exec.Cmd
	for i := range 4 {
		round2 = append(round2, start(fmt.Sprintf("second-%d", i), 2*time.Hour))
	}
	// Kill the victim when a third of the round is done and it has
	// fetches in flight.
	deadline := time.Now().Add(5 * time.Minute)
	var victimDocs []int
	for {
		victimDocs = victimDocs[:0]
		requests := f.since(mark)
		for _, r := range requests {
			if r.agent == "policywatch-test "+victim {
				victimDocs = append(victimDocs, r.doc)
			}
		}
		if len(requests) >= docs/3 && len(victimDocs) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("round 2 made %d requests in 5 minutes, %d of them by %s", len(requests), len(victimDocs), victim)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := round2[0].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	round2[0].Wait()
	t.Logf("round 2: %s killed after %s", victim, time.Since(round2Start).Round(time.Millisecond))
	wait(round2[1:]...)
	t.Logf("round 2: over after %s", time.Since(round2Start).Round(time.Millisecond))

	st := storetest.OpenAt(t, db)
	fetchedBy := map[int][]string{}
	for _, r := range f.since(mark) {
		fetchedBy[r.doc] = append(fetchedBy[r.doc], r.agent)
	}
	takenOver := 0
	for _, n := range victimDocs {
		for _, agent := range fetchedBy[n] {
			if agent != "policywatch-test "+victim {
				takenOver++
				break
			}
		}
	}
	if takenOver == 0 {
		t.Errorf("none of the %d documents %s was fetching when killed was fetched by another worker", len(victimDocs), victim)
	}
	ctx := context.Background()
	versions := versionsOf(t, st, docs)
	if len(versions) != docs {
		t.Fatalf("%d of %d documents recorded", len(versions), docs)
	}
	for n := range docs {
		vs := versions[n]
		want := 1
		if edited[n] {
			want = 2
		}
		if len(vs) != want {
			t.Errorf("document %d: %d versions, want %d (edited: %v)", n, len(vs), want, edited[n])
			continue
		}
		if want == 2 && vs[0].TextHash == vs[1].TextHash {
			t.Errorf("document %d: its two versions have the same text", n)
		}
		fetches, err := st.Fetches(ctx, vs[0].DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		inRound := 0
		for _, fe := range fetches {
			if !fe.At.Before(round2Start) {
				inRound++
				if fe.ErrorClass != "" || fe.SnapshotHash == "" {
					t.Errorf("document %d: round 2's fetch failed: %+v", n, fe)
				}
			}
		}
		if inRound != 1 {
			t.Errorf("document %d: %d fetches recorded in round 2, want 1", n, inRound)
		}
	}
	t.Logf("%d documents, %d requests in round 2, %d of the killed worker's taken over", docs, len(f.since(mark)), takenOver)
}

// startWorkerProcess starts this test binary as a worker process of the
// farm at urls (see runWorkerProcess).
func startWorkerProcess(t testing.TB, db, name string, offset, lease time.Duration, lanes, docs int, urls []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestAKilledWorkersDocumentsAreTakenOver$")
	spec := strings.Join([]string{db, name, offset.String(), lease.String(), strconv.Itoa(lanes), strconv.Itoa(docs), strings.Join(urls, ",")}, "|")
	cmd.Env = append(os.Environ(), killedWorkerEnv+"="+spec)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func waitWorkerProcesses(t testing.TB, cmds ...*exec.Cmd) {
	t.Helper()
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("worker process: %v", err)
		}
	}
}

// runWorkerProcess is a worker process of the kill simulation and of the
// workers' benchmark.
func runWorkerProcess(t *testing.T, spec string) {
	parts := strings.Split(spec, "|")
	if len(parts) != 7 {
		t.Fatalf("%s=%q: want 7 fields", killedWorkerEnv, spec)
	}
	offset, err1 := time.ParseDuration(parts[2])
	lease, err2 := time.ParseDuration(parts[3])
	lanes, err3 := strconv.Atoi(parts[4])
	docs, err4 := strconv.Atoi(parts[5])
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		t.Fatalf("%s=%q: %v", killedWorkerEnv, spec, err)
	}
	w := testWorker(t, parts[0], parts[1], farmTargets(strings.Split(parts[6], ","), docs), 0, lease, offset)
	w.Parallelism = lanes
	if dir := os.Getenv("POLICYWATCH_TEST_WORKER_PROFILE"); dir != "" {
		out, err := os.Create(filepath.Join(dir, parts[1]+".prof"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		pprof.StartCPUProfile(out)
		defer pprof.StopCPUProfile()
	}
	sum, err := w.Work(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %+v", parts[1], sum.Summary)
}
