package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/notify"
	"github.com/policywatch/policywatch/store"
)

// childEnv makes the test binary a child process that runs one policywatch
// command (its arguments in JSON), says so on stdout, and then hangs until
// it is killed: a process stopped dead between recording a version and
// delivering its alerts.
const childEnv = "PW_TEST_RUN_THEN_HANG"

// deliverChildEnv makes the test binary a child that runs one delivery
// pass on the database named, with a one-second lease, so that the test
// can kill it mid-attempt.
const deliverChildEnv = "PW_TEST_DELIVER"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		runThenHang(args)
		return
	}
	if db := os.Getenv(deliverChildEnv); db != "" {
		deliverOnce(db)
		return
	}
	code := m.Run()
	storetest.RemoveTemplates()
	os.Exit(code)
}

func deliverOnce(db string) {
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err == nil {
		var w *notify.Worker
		if w, err = notify.NewWorker(st, notify.Options{AllowPrivateNetworks: true, Lease: time.Second, Timeout: time.Minute}); err == nil {
			_, err = w.RunOnce(ctx)
		}
	}
	fmt.Println("pass ended:", err)
	os.Exit(0)
}

func runThenHang(argsJSON string) {
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	env := &environment{stdout: os.Stderr, stderr: os.Stderr, getenv: func(string) string { return "" }}
	code := run(context.Background(), env, args)
	fmt.Printf("ran %s: exit %d\n", args[0], code)
	select {} // wait for SIGKILL
}

func TestKill9AfterRecordingThenNotifyDelivers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	db := filepath.Join(t.TempDir(), "pw.db")
	site := newEditablePolicySite(t)
	hook := newHookReceiver(t)
	mustRun(t, site.crawlArgs(db)...)
	mustRun(t, "subscribe", "add", "--db", db, "--webhook", hook.URL, "--allow-private-networks")
	site.edited.Store(true)

	// The child records the edit through the crawl command, then is
	// killed with SIGKILL before anything delivers it.
	args, _ := json.Marshal(site.crawlArgs(db))
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+string(args))
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	select {
	case l := <-line:
		if !strings.Contains(l, "ran crawl: exit 0") {
			t.Fatalf("child: %q\n%s", l, stderr.String())
		}
	case <-time.After(60 * time.Second):
		child.Process.Kill()
		t.Fatalf("the child did not finish crawling:\n%s", stderr.String())
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v, want killed", err)
	}
	if n := len(hook.received()); n != 0 {
		t.Fatalf("the receiver got %d webhooks before the restart", n)
	}

	// The outbox survived the kill: the restart delivers it, with the id
	// it was queued with.
	queued := deliveriesJSON(t, db)
	if len(queued) != 1 || queued[0].State != "pending" || len(queued[0].Attempts) != 0 {
		t.Fatalf("after the kill: %+v", queued)
	}
	r := mustRun(t, "notify", "--db", db, "--allow-private-networks")
	if !strings.Contains(r.stdout, "1 delivered") {
		t.Errorf("notify: %s", r.stdout)
	}
	got := hook.received()
	if len(got) != 1 || got[0] != queued[0].WebhookID {
		t.Fatalf("the receiver got %v, want the one webhook %s", got, queued[0].WebhookID)
	}
	if d := deliveriesJSON(t, db); d[0].State != "delivered" || len(d[0].Attempts) != 1 {
		t.Errorf("after notify: %+v", d[0])
	}
}

func TestKill9MidDeliveryThenNotifyDeliversAgainWithTheSameID(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	db := filepath.Join(t.TempDir(), "pw.db")
	site := newEditablePolicySite(t)
	arrived := make(chan string, 4)
	var first atomic.Bool
	first.Store(true)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // with the body read, the server notices the client is gone
		arrived <- r.Header.Get("webhook-id")
		if first.CompareAndSwap(true, false) {
			<-r.Context().Done() // never answers: the worker is killed meanwhile
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer hook.Close()
	mustRun(t, site.crawlArgs(db)...)
	mustRun(t, "subscribe", "add", "--db", db, "--webhook", hook.URL, "--allow-private-networks")
	site.edited.Store(true)
	mustRun(t, site.crawlArgs(db)...)

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), deliverChildEnv+"="+db)
	var out strings.Builder
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var firstID string
	select {
	case firstID = <-arrived:
	case <-time.After(60 * time.Second):
		child.Process.Kill()
		t.Fatalf("no webhook from the child: %s", out.String())
	}
	child.Process.Signal(syscall.SIGKILL)
	if err := child.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v (%s), want killed", err, out.String())
	}
	if d := deliveriesJSON(t, db); len(d) != 1 || d[0].State != "pending" || len(d[0].Attempts) != 1 || d[0].Attempts[0].Finished {
		t.Fatalf("after the kill: %+v", d)
	}

	// Until the dead worker's lease runs out, the delivery is its own.
	if r := mustRun(t, "notify", "--db", db, "--allow-private-networks"); !strings.Contains(r.stdout, "0 attempts") {
		t.Errorf("notify during the lease: %s", r.stdout)
	}
	time.Sleep(1100 * time.Millisecond)
	if r := mustRun(t, "notify", "--db", db, "--allow-private-networks"); !strings.Contains(r.stdout, "1 delivered") {
		t.Errorf("notify after the lease: %s", r.stdout)
	}
	select {
	case again := <-arrived:
		if again != firstID {
			t.Errorf("delivered again as %s, want the same webhook-id %s", again, firstID)
		}
	default:
		t.Fatal("the delivery was not made again")
	}
	d := deliveriesJSON(t, db)[0]
	if d.State != "delivered" || len(d.Attempts) != 2 || !strings.HasPrefix(d.Attempts[0].Error, "interrupted") || d.Attempts[1].Status != 200 {
		t.Errorf("log: %+v", d)
	}
}
