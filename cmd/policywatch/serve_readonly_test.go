package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serve without --every on a 0-byte file (a mistyped --db) says so and
// leaves the file empty: it never makes a database of it.
func TestServeRefusesAnEmptyFile(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Bounded: a serve that took the file would serve until stopped.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(ctx, env, []string{"serve", "--db", empty, "--listen", "127.0.0.1:0"})
	if code != exitFailure || !strings.Contains(stderr.String(), "empty.db is an empty file, not a policywatch database") {
		t.Errorf("serve on a 0-byte file: exit %d, %q", code, stderr.String())
	}
	if info, _ := os.Stat(empty); info.Size() != 0 {
		t.Errorf("serve wrote %d bytes into the empty file", info.Size())
	}
}

// readOnlyServeEnv names the database the child process serves.
const readOnlyServeEnv = "POLICYWATCH_TEST_READONLY_SERVE"

// TestServeInAReadOnlyDirectory serves a database whose directory and file
// cannot be written: its pages are served, read-only, with a warning that
// says why, and the file is left as it was. Root ignores permissions, so
// as root the serve runs in a child process as an unprivileged user.
func TestServeInAReadOnlyDirectory(t *testing.T) {
	if db := os.Getenv(readOnlyServeEnv); db != "" {
		serveReadOnly(t, db)
		return
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "policies.db")
	importedHistory(t, &cookiesTemplate, db)
	before := fileBytes(t, db)
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if os.Geteuid() != 0 {
		serveReadOnly(t, db)
	} else {
		// The directories above must let the other user through, and the
		// test binary lives where only its owner may enter.
		for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
			if info, err := os.Stat(p); err == nil && info.Mode().Perm()&0o001 == 0 {
				os.Chmod(p, info.Mode().Perm()|0o001)
			}
		}
		self, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		binary := filepath.Join(filepath.Dir(dir), "policywatch.test")
		if err := os.WriteFile(binary, self, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(binary, "-test.run", "^TestServeInAReadOnlyDirectory$", "-test.v")
		cmd.Env = append(os.Environ(), readOnlyServeEnv+"="+db, "HOME=/")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("serving as an unprivileged user from a read-only directory: %v\n%s", err, out)
		}
	}
	if after := fileBytes(t, db); string(after) != string(before) {
		t.Error("the database file changed")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the read-only directory holds %d files, want the database alone", len(entries))
	}
}

// serveReadOnly serves db, reads its home page and health, and stops.
func serveReadOnly(t *testing.T, db string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	addr := make(chan string, 1)
	env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
		onListen: func(a string) { addr <- a }}
	code := make(chan int, 1)
	go func() { code <- run(ctx, env, []string{"serve", "--db", db, "--listen", "127.0.0.1:0"}) }()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case c := <-code:
		t.Fatalf("serve exited with %d: %s", c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	for _, path := range []string{"/", "/healthz"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || path == "/" && !strings.Contains(string(body), "Cookies") && !strings.Contains(string(body), "Trackers") {
			t.Errorf("GET %s: %d\n%.300s", path, resp.StatusCode, body)
		}
	}
	cancel()
	if c := <-code; c != exitOK {
		t.Errorf("serve exited with %d: %s", c, stderr.String())
	}
	log := stderr.String()
	if !strings.Contains(log, "serving read-only") || strings.Contains(log, "not a policywatch database") || !strings.Contains(log, "cannot be written") {
		t.Errorf("the warning does not say why it serves read-only:\n%s", log)
	}
}
