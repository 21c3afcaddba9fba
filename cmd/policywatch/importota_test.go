package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/policywatch/policywatch/store"
)

// otaRepo writes an OTA-shaped snapshots repository of n commits (four
// services' privacy policies, in turn, each capture a new text) with
// git fast-import, and its declarations; it returns both directories.
func otaRepo(t *testing.T, n int) (repo, decl string) {
	t.Helper()
	root := t.TempDir()
	repo, decl = filepath.Join(root, "snapshots"), filepath.Join(root, "declarations")
	if err := os.MkdirAll(decl, 0o755); err != nil {
		t.Fatal(err)
	}
	var stream bytes.Buffer
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("svc%d", i%4)
		if i < 4 {
			d := fmt.Sprintf(`{"name": "Service %d", "terms": {"Privacy Policy": {"fetch": "https://%s.example/privacy", "select": "main"}}}`, i, id)
			if err := os.WriteFile(filepath.Join(decl, id+".json"), []byte(d), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		html := fmt.Sprintf("<html><body><nav>Menu %d</nav><main><h1>Privacy</h1><p>We keep data for %d days.</p></main></body></html>", i, i/4+1)
		msg := "Record new changes of " + id + " Privacy Policy"
		when := fmt.Sprintf("%d +0000", start.Add(time.Duration(i)*time.Hour).Unix())
		fmt.Fprintf(&stream, "commit refs/heads/main\nauthor Bot <b@example.org> %s\ncommitter Bot <b@example.org> %s\ndata %d\n%s\nM 100644 inline %s/Privacy Policy.html\ndata %d\n%s\n",
			when, when, len(msg), msg, id, len(html), html)
	}
	for _, args := range [][]string{{"init", "--quiet", "--initial-branch=main"}, {"fast-import", "--quiet"}} {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		if args[0] == "fast-import" {
			cmd.Stdin = &stream
		} else {
			os.MkdirAll(repo, 0o755)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return repo, decl
}

func gitOutput(t *testing.T, repo string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", repo}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// snapshotOf is what a database holds of the import: each document's
// versions (time and text) and number of fetches.
func snapshotOf(t *testing.T, db string) map[string]string {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range docs {
		var b strings.Builder
		vs, _ := st.Versions(ctx, d.ID)
		for _, v := range vs {
			full, _ := st.Version(ctx, v.ID)
			fmt.Fprintf(&b, "%s %s\n", v.CapturedAt.Format(time.RFC3339Nano), full.Markdown)
		}
		fetches, _ := st.Fetches(ctx, d.ID)
		fmt.Fprintf(&b, "%d fetches", len(fetches))
		out[d.Service+"/"+d.Type] = b.String()
	}
	return out
}

func TestImportOTAKilledThenResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	// The kill comes within milliseconds of the cursor passing 50 commits;
	// the 350 after it keep the child from finishing first, and cost CI
	// a third of what 1,200 did.
	const commits = 400
	repo, decl := otaRepo(t, commits)
	hashes := strings.Fields(gitOutput(t, repo, "rev-list", "--reverse", "HEAD"))
	source := "ota-snapshots:" + hashes[0]
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	args := []string{"import-ota", "--db", db, "--declarations", decl, "--snapshots", repo}

	// The child imports; once its cursor has passed 50 commits it is
	// killed with SIGKILL, mid-import.
	argsJSON, _ := json.Marshal(args)
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+string(argsJSON))
	var childOut strings.Builder
	child.Stdout, child.Stderr = &childOut, &childOut
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	position := func() int {
		st, err := store.OpenReadOnly(context.Background(), db)
		if err != nil {
			return -1 // not created yet
		}
		defer st.Close()
		c, ok, err := st.ImportCursor(context.Background(), source, "")
		if err != nil || !ok {
			return -1
		}
		for i, h := range hashes {
			if h == c.Position {
				return i
			}
		}
		t.Fatalf("cursor at %q, not a commit of the repository", c.Position)
		return -1
	}
	deadline := time.Now().Add(60 * time.Second)
	for position() < 50 {
		if time.Now().After(deadline) {
			child.Process.Kill()
			t.Fatalf("the child's cursor did not pass 50 commits:\n%s", childOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	at := position()
	if at >= commits-1 || strings.Contains(childOut.String(), "ran import-ota") {
		t.Fatalf("the child finished (cursor at %d) before it was killed: make the repository larger", at)
	}

	// The second run goes on from the cursor and completes the import.
	r := mustRun(t, args...)
	want := fmt.Sprintf("%d commits read, going on from the last run", commits-1-at)
	if !strings.Contains(r.stdout, want) {
		t.Errorf("second run said %q; want %q", r.stdout, want)
	}
	// Same history as one uninterrupted import.
	fresh := filepath.Join(dir, "fresh.db")
	mustRun(t, "import-ota", "--db", fresh, "--declarations", decl, "--snapshots", repo)
	got, wantHistory := snapshotOf(t, db), snapshotOf(t, fresh)
	if len(got) != 4 {
		t.Fatalf("%d documents, want 4", len(got))
	}
	for k, w := range wantHistory {
		if got[k] != w {
			t.Errorf("%s after kill and resume differs from an uninterrupted import:\n%.300s\nwant\n%.300s", k, got[k], w)
		}
	}
	// And a third run has nothing left to do.
	r = mustRun(t, args...)
	if !strings.Contains(r.stdout, "0 commits read") {
		t.Errorf("third run: %s", r.stdout)
	}
}

func TestImportOTAUsage(t *testing.T) {
	repo, decl := otaRepo(t, 3)
	db := filepath.Join(t.TempDir(), "pw.db")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import-ota", "--db", db}, exitUsage, "nothing to import"},
		{[]string{"import-ota", "--db", db, "--snapshots", repo, "--versions", repo}, exitUsage, "add --text"},
		{[]string{"import-ota", "--db", db, "--dataset", "x.zip", "--versions", repo}, exitUsage, "give it alone"},
		{[]string{"import-ota", "--db", db, "--declarations", decl, "--versions", repo}, exitFailure, "give it as --snapshots"},
		{[]string{"import-ota", "--db", db, "--snapshots", decl}, exitFailure, "not a git repository"},
	} {
		r := runCommand(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args[3:], r.code, r.stderr, tc.code, tc.want)
		}
	}
	r := mustRun(t, "import-ota", "--db", db, "--declarations", decl, "--snapshots", repo)
	if !strings.Contains(r.stdout, "3 commits read: 3 captures recorded, 3 new versions, 0 failed") {
		t.Errorf("import-ota: %s", r.stdout)
	}
}
