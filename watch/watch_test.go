package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// policyServer serves /doc/N as a small policy page of its own, after
// delay, and counts the fetches of each document.
type policyServer struct {
	delay time.Duration
	mu    sync.Mutex
	hits  map[string]int
	order []string
}

func (p *policyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	time.Sleep(p.delay)
	p.mu.Lock()
	if p.hits == nil {
		p.hits = map[string]int{}
	}
	p.hits[r.URL.Path]++
	p.order = append(p.order, r.URL.Path)
	p.mu.Unlock()
	fmt.Fprintf(w, "<html><body><main><h1>Privacy Policy</h1><p>Document %s keeps your name for a year.</p></main></body></html>", r.URL.Path)
}

func targetsOf(base string, n int) []crawler.Target {
	var targets []crawler.Target
	for i := range n {
		targets = append(targets, crawler.Target{Service: fmt.Sprintf("Service %02d", i), Type: "Privacy Policy",
			Sources: []crawler.Source{{URL: base + "/doc/" + strconv.Itoa(i)}}})
	}
	return targets
}

func testConfig() crawler.Config {
	return crawler.Config{Delay: -1, AllowPrivateNetworks: true, Parallelism: 2, Retries: -1, Timeout: 5 * time.Second}
}

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// killedCrawlEnv names the child process's database and server.
const killedCrawlEnv = "POLICYWATCH_TEST_KILLED_CRAWL"

// TestKilledCrawlsKeepTheirProgress kills a crawl with SIGKILL five times
// while it runs. Every document recorded keeps its crawl state (written in
// the same transaction as its fetch), so each restart fetches the
// documents never fetched first and the crawl gets through them all,
// instead of fetching the same first ones again every time.
func TestKilledCrawlsKeepTheirProgress(t *testing.T) {
	if spec := os.Getenv(killedCrawlEnv); spec != "" {
		db, base, _ := strings.Cut(spec, " ")
		st := openStore(t, db)
		run := &Run{Store: st, Archive: archive.New(st), Fetcher: crawler.New(testConfig())}
		run.Once(context.Background(), targetsOf(base, 40), false)
		return
	}
	srv := &policyServer{delay: 30 * time.Millisecond}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	db := storetest.DB(t, "crawl.db")
	openStore(t, db).Close() // created and migrated before the children race to it

	recorded := map[string]bool{} // documents with a crawl state, by service
	for kill := range 5 {
		srv.mu.Lock()
		before := len(srv.order)
		srv.mu.Unlock()
		cmd := exec.Command(os.Args[0], "-test.run", "^TestKilledCrawlsKeepTheirProgress$")
		cmd.Env = append(os.Environ(), killedCrawlEnv+"="+db+" "+ts.URL)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once it has fetched a handful of documents.
		deadline := time.Now().Add(20 * time.Second)
		for {
			srv.mu.Lock()
			n := len(srv.order) - before
			srv.mu.Unlock()
			if n >= 5 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		st := openStore(t, db)
		states, err := st.CrawlStates(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		docs, err := st.Documents(context.Background(), store.DocumentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		// A document is stored only with its fetch, and its state with both.
		if len(states) != len(docs) {
			t.Fatalf("after kill %d: %d crawl states for %d recorded documents", kill+1, len(states), len(docs))
		}
		if len(states) < 3*(kill+1) {
			t.Fatalf("after kill %d: only %d documents kept their progress", kill+1, len(states))
		}
		// This run fetched only documents no earlier run had recorded: the
		// never-fetched go first. (One in flight when a run was killed is
		// fetched again: it was never recorded.)
		srv.mu.Lock()
		for _, path := range srv.order[before:] {
			n, _ := strconv.Atoi(strings.TrimPrefix(path, "/doc/"))
			if recorded[fmt.Sprintf("Service %02d", n)] {
				t.Errorf("run %d fetched %s again, recorded by an earlier run", kill+1, path)
			}
		}
		srv.mu.Unlock()
		for _, s := range states {
			recorded[s.Service] = true
		}
	}
}

// TestSchedulerCrawlsWhatIsDueWithoutSleeping runs the schedule on a clock
// of its own: the first run fetches everything, the scheduler waits until
// the first document is due, and the next run fetches only what is due.
func TestSchedulerCrawlsWhatIsDueWithoutSleeping(t *testing.T) {
	srv := &policyServer{}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	st := openStore(t, storetest.DB(t, "schedule.db"))
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	current := func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	// Due times: document 0 after one hour, the others after two.
	jitter := func(d time.Duration) time.Duration { return d }
	targets := targetsOf(ts.URL, 3)
	run := &Run{Store: st, Archive: archive.New(st), Every: time.Hour, Now: current, Jitter: jitter}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	var runs []Summary
	s := &Scheduler{
		Run: run, Targets: targets, Recheck: 3 * time.Hour,
		NewFetcher: func() Fetcher { return crawler.New(testConfig()) },
		OnRun:      func(sum Summary, err error) { runs = append(runs, sum) },
		Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			if len(waits) == 3 {
				cancel()
				return ctx.Err()
			}
			clock.Lock()
			now = now.Add(d)
			clock.Unlock()
			return nil
		},
	}
	start := time.Now()
	s.Loop(ctx)
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("the schedule took %v: it slept", elapsed)
	}
	if len(runs) != 3 || runs[0].Documents != 3 {
		t.Fatalf("runs %+v: want 3 runs, the first over every document", runs)
	}
	if waits[0] != time.Hour {
		t.Errorf("waited %v after the first run, want the hour until the next due document", waits[0])
	}
	if runs[1].Documents != 3 {
		t.Errorf("the run an hour later fetched %d documents, want all 3 (all due after an hour)", runs[1].Documents)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for path, n := range srv.hits {
		if n != 3 {
			t.Errorf("%s fetched %d times in 3 runs an hour apart, want 3", path, n)
		}
	}
}

// TestNothingDueNothingFetched: a run with every document due later
// fetches nothing.
func TestNothingDueNothingFetched(t *testing.T) {
	srv := &policyServer{}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	st := openStore(t, storetest.DB(t, "due.db"))
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	run := &Run{Store: st, Archive: archive.New(st), Fetcher: crawler.New(testConfig()), Every: time.Hour, Now: func() time.Time { return now }}
	if sum, err := run.Once(context.Background(), targetsOf(ts.URL, 2), true); err != nil || sum.Documents != 2 {
		t.Fatalf("first run: %+v, %v", sum, err)
	}
	now = now.Add(30 * time.Minute)
	var fetched atomic.Int32
	run.Progress = func(int, int) { fetched.Add(1) }
	if sum, err := run.Once(context.Background(), targetsOf(ts.URL, 2), true); err != nil || sum.Documents != 0 || fetched.Load() != 0 {
		t.Errorf("half an hour later: %+v, %v; want nothing fetched", sum, err)
	}
}

// TestOneLogEventPerFetch: a daemon's log says, for each fetch, which
// document, its status, class, duration and bytes.
func TestOneLogEventPerFetch(t *testing.T) {
	ts := httptest.NewServer(&policyServer{})
	defer ts.Close()
	st := openStore(t, storetest.DB(t, "log.db"))
	var buf bytes.Buffer
	var observed atomic.Int32
	run := &Run{Store: st, Archive: archive.New(st), Fetcher: crawler.New(testConfig()),
		Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Observe: func(Result) { observed.Add(1) }}
	targets := append(targetsOf(ts.URL, 2), crawler.Target{Service: "Gone", Type: "Privacy Policy",
		Sources: []crawler.Source{{URL: "http://127.0.0.1:1/nothing-listens-here"}}})
	if _, err := run.Once(context.Background(), targets, false); err != nil {
		t.Fatal(err)
	}
	events := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if e["msg"] == "fetch" {
			events[e["service"].(string)] = e
		}
	}
	if len(events) != 3 || observed.Load() != 3 {
		t.Fatalf("%d fetch events, %d observed, want 3:\n%s", len(events), observed.Load(), buf.String())
	}
	ok := events["Service 00"]
	if ok["outcome"] != "new-version" || ok["status"] != float64(200) || ok["bytes"].(float64) < 50 || ok["type"] != "Privacy Policy" || ok["duration"] == nil {
		t.Errorf("fetch event %v", ok)
	}
	if gone := events["Gone"]; gone["outcome"] != "failed" || gone["class"] != "network" {
		t.Errorf("failed fetch event %v", gone)
	}
}
