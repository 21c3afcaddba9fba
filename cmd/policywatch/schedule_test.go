package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policywatch/policywatch/store"
)

// serveInBackground runs 'policywatch serve' in-process until the returned
// stop is called; stop returns the exit status.
func serveInBackground(t *testing.T, args ...string) (stop func() int) {
	t.Helper()
	stop, _ = serveInBackgroundLogged(t, args...)
	return stop
}

// serveInBackgroundLogged is serveInBackground that also gives what serve
// writes on stderr, its log.
func serveInBackgroundLogged(t *testing.T, args ...string) (stop func() int, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	stderr = &syncBuffer{}
	listening := make(chan struct{})
	env := &environment{stdout: &stdout, stderr: stderr, getenv: func(string) string { return "" },
		onListen: func(string) { close(listening) }}
	code := make(chan int, 1)
	go func() { code <- run(ctx, env, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)) }()
	select {
	case <-listening:
	case c := <-code:
		t.Fatalf("serve exited with %d: %s", c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	return func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second): // generous: CI machines are busy; the 2 s requirement is checked by TestSIGTERMStopsACrawlCleanlyAndTheNextOneResumes
			t.Fatalf("serve still running 10 s after cancellation\n%s", stderr.String())
			return -1
		}
	}, stderr
}

func TestServeEveryCrawlsAtStartAndKeepsDueTimesAcrossRestarts(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "<html><body>"+policyBody(false)+"</body></html>")
	}))
	defer ts.Close()
	f := newCrawlFixture(t, map[string]string{
		"A.json": declarationOf("A", "Privacy Policy", ts.URL+"/a", ""),
		"B.json": declarationOf("B", "Privacy Policy", ts.URL+"/b", ""),
	})
	f.st.Close()
	args := []string{"--db", f.dbPath, "--declarations", f.decls, "--every", "1h", "--delay", "0", "--allow-private-networks"}

	stop := serveInBackground(t, args...)
	waitForCrawlStates(t, f.dbPath, 2)
	if code := stop(); code != exitOK {
		t.Errorf("serve exited with %d", code)
	}
	if hits.Load() != 2 {
		t.Fatalf("the first crawl fetched %d pages, want 2", hits.Load())
	}

	st := openTestStore(t, f.dbPath)
	states, err := st.CrawlStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 2 {
		t.Fatalf("%d crawl states, want 2", len(states))
	}
	for _, s := range states {
		if in := time.Until(s.DueAt); in < 50*time.Minute || in > 70*time.Minute {
			t.Errorf("%s / %s is due in %s, want 1h ± 10%%", s.Service, s.Type, in)
		}
	}
	logs := logJSON(t, f.dbPath)
	if len(logs) != 2 || len(logs[0].Versions) != 1 {
		t.Fatalf("log after serve --every: %+v", logs)
	}
	st.Close()

	stop = serveInBackground(t, args...)
	time.Sleep(500 * time.Millisecond)
	stop()
	if hits.Load() != 2 {
		t.Errorf("a restart fetched %d pages that were not due", hits.Load()-2)
	}
}

func TestServeEveryStopsACrawlInProgress(t *testing.T) {
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	f := newCrawlFixture(t, map[string]string{"A.json": declarationOf("A", "Privacy Policy", ts.URL+"/a", "")})
	f.st.Close()
	stop := serveInBackground(t, "--db", f.dbPath, "--declarations", f.decls, "--every", "6h", "--allow-private-networks")
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	stop() // fails the test past 2 s
	t.Logf("stopped %s after cancellation", time.Since(start))
	st := openTestStore(t, f.dbPath)
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Error(err)
	}
}

// waitForCrawlStates waits until the serve running on the database at
// path has recorded n documents' crawl states, which it writes with each
// document's fetch: a busy machine may take seconds.
func waitForCrawlStates(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	var last int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		st, err := store.OpenReadOnly(ctx, path)
		if err != nil {
			continue // serve may still be creating the database
		}
		states, err := st.CrawlStates(ctx)
		st.Close()
		if last = len(states); err == nil && last >= n {
			return
		}
	}
	t.Fatalf("%d crawl states after 30 s, want %d", last, n)
}

func openTestStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.OpenExisting(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
