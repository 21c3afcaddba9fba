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
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/policywatch/policywatch/store"
)

// buildPolicywatch builds the binary for tests that need a real process.
func buildPolicywatch(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "policywatch")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestSIGTERMStopsACrawlCleanlyAndTheNextOneResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildPolicywatch(t)
	var slow atomic.Bool
	slow.Store(true)
	var mu sync.Mutex
	var requested []string
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested = append(requested, r.URL.Path)
		mu.Unlock()
		if slow.Load() {
			select {
			case <-time.After(400 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprintf(w, "<html><body><h1>Policy of %s</h1><p>We keep what you give us.</p></body></html>", r.URL.Path)
	}))
	defer ts.Close()

	dir := t.TempDir()
	decls := filepath.Join(dir, "declarations")
	os.Mkdir(decls, 0o755)
	for i := range 100 {
		decl := declarationOf(fmt.Sprintf("Service %03d", i), "Privacy Policy", fmt.Sprintf("%s/doc/%03d", ts.URL, i), "")
		if err := os.WriteFile(filepath.Join(decls, fmt.Sprintf("service-%03d.json", i)), []byte(decl), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "crawl.db")
	args := []string{"crawl", "--db", db, "--declarations", decls, "--delay", "0", "--allow-private-networks", "--parallelism", "4"}

	cmd := exec.Command(bin, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // about 12 pages done, 4 in flight
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		t.Logf("exited %s after SIGTERM: %v", time.Since(signalled), err)
		if err == nil {
			t.Error("an interrupted crawl exited with status 0")
		}
	case <-time.After(2 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 2 s after SIGTERM\n%s", stderr.String())
	}

	ctx := context.Background()
	st, err := store.OpenExisting(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Versions == 1 {
			done[d.URL] = true
		}
	}
	st.Close()
	if len(done) == 0 || len(done) >= 100 {
		t.Fatalf("%d documents recorded before SIGTERM; the test needs some but not all", len(done))
	}

	slow.Store(false)
	mu.Lock()
	firstRun := len(requested)
	mu.Unlock()
	// One page at a time, so that the order pages reach the server is the
	// order the crawl chose (with four workers, neighbours can swap).
	resume := append(args[:len(args)-2:len(args)-2], "--parallelism", "1")
	out, err := exec.Command(bin, resume...).CombinedOutput()
	if err != nil {
		t.Fatalf("second crawl: %v\n%s", err, out)
	}
	mu.Lock()
	secondRun := requested[firstRun:]
	mu.Unlock()
	for _, path := range secondRun[:100-len(done)] {
		if done[ts.URL+path] {
			t.Errorf("the second crawl fetched %s, done before the interruption, before the documents left undone", path)
		}
	}
	st, err = store.OpenExisting(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, _ = st.Documents(ctx, store.DocumentFilter{})
	versions := 0
	for _, d := range docs {
		versions += d.Versions
	}
	if len(docs) != 100 || versions != 100 {
		t.Errorf("after the second crawl: %d documents, %d versions; want 100 and 100", len(docs), versions)
	}
}
