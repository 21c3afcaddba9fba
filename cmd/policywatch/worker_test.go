package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/pgtest"
	"github.com/policywatch/policywatch/store"
)

// TestWorkerProcessesShareAPostgreSQLQueue runs four 'policywatch worker'
// processes on one PostgreSQL database, as four machines would, and kills
// one with SIGKILL while it is fetching: the others take its documents
// over when its leases run out, every declared document is fetched and
// recorded once, and they exit when the round is over (--until-idle).
func TestWorkerProcessesShareAPostgreSQLQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts PostgreSQL")
	}
	db := pgtest.Own(t)
	bin := buildPolicywatch(t)
	const victim = "policywatch-test machine-0"
	var mu sync.Mutex
	hits := map[string][]string{} // path → the workers that fetched it
	victimInFlight := 0
	handler := withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path] = append(hits[r.URL.Path], r.UserAgent())
		slow := r.UserAgent() == victim
		if slow {
			victimInFlight++
		}
		mu.Unlock()
		if slow {
			select {
			case <-time.After(2500 * time.Millisecond):
			case <-r.Context().Done():
			}
			mu.Lock()
			victimInFlight--
			mu.Unlock()
		}
		fmt.Fprint(w, policyBody(strings.HasSuffix(r.URL.Path, "7")))
	})
	var hosts []string
	for range 4 {
		ts := httptest.NewServer(handler)
		defer ts.Close()
		hosts = append(hosts, ts.URL)
	}
	const docs = 40
	decls := filepath.Join(t.TempDir(), "declarations")
	os.Mkdir(decls, 0o755)
	for i := range docs {
		decl := declarationOf(fmt.Sprintf("Service %02d", i), "Privacy Policy", fmt.Sprintf("%s/doc/%02d", hosts[i%len(hosts)], i), "")
		if err := os.WriteFile(filepath.Join(decls, fmt.Sprintf("service-%02d.json", i)), []byte(decl), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var outputs [4]strings.Builder
	var cmds []*exec.Cmd
	for i := range 4 {
		name := fmt.Sprintf("machine-%d", i)
		cmd := exec.Command(bin, "worker", "--db", db, "--declarations", decls, "--name", name,
			"--user-agent", "policywatch-test "+name, "--until-idle", "--delay", "0", "--allow-private-networks",
			"--lease", "3s", "--timeout", "3s", "--browser-timeout", "3s")
		cmd.Stdout, cmd.Stderr = &outputs[i], &outputs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		mu.Lock()
		inFlight := victimInFlight
		mu.Unlock()
		if inFlight > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("machine-0 fetched nothing in a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmds[0].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmds[0].Wait()
	for i, cmd := range cmds[1:] {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", i+1, err, outputs[i+1].String())
		}
	}

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, err := st.Documents(context.Background(), store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != docs {
		t.Fatalf("%d documents recorded, want %d", len(all), docs)
	}
	for _, d := range all {
		fetches, err := st.Fetches(context.Background(), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(fetches) != 1 || fetches[0].ErrorClass != "" || d.Versions != 1 {
			t.Errorf("%s: %d fetches recorded (%+v), %d versions; want one fetch, one version", d.Service, len(fetches), fetches, d.Versions)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	takenOver := 0
	for path, agents := range hits {
		if agents[0] == victim && len(agents) > 1 {
			takenOver++
		} else if len(agents) != 1 {
			t.Errorf("%s fetched by %v", path, agents)
		}
	}
	if len(hits) != docs || takenOver == 0 {
		t.Fatalf("%d of %d documents fetched, %d of them taken over from the killed worker", len(hits), docs, takenOver)
	}
	for i, out := range outputs[1:] {
		if !strings.Contains(out.String(), fmt.Sprintf("machine-%d: ", i+1)) || !strings.Contains(out.String(), "worker stopped") {
			t.Errorf("worker %d printed no summary:\n%s", i+1, out.String())
		}
	}
}

func TestWorkerRefusesALeaseTooShortToRenew(t *testing.T) {
	r := runCommand(t, nil, "worker", "--db", filepath.Join(t.TempDir(), "w.db"), "--lease", "1s")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--lease 1s") {
		t.Fatalf("exit %d, stderr %q; want a usage error naming --lease", r.code, r.stderr)
	}
}

func TestCrawlAndWorkerRefuseAShrinkThresholdOutOfRange(t *testing.T) {
	decls := filepath.Join(t.TempDir(), "declarations")
	os.Mkdir(decls, 0o755)
	if err := os.WriteFile(filepath.Join(decls, "example.json"), []byte(declarationOf("Example", "Privacy Policy", "https://example.com/privacy", "")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, command := range []string{"crawl", "worker"} {
		db := filepath.Join(t.TempDir(), "pw.db")
		r := runCommand(t, nil, command, "--db", db, "--declarations", decls, "--shrink-threshold", "1.5")
		if r.code != exitUsage || !strings.Contains(r.stderr, "--shrink-threshold") {
			t.Errorf("%s: exit %d, stderr %q; want a usage error naming --shrink-threshold", command, r.code, r.stderr)
		}
	}
}
