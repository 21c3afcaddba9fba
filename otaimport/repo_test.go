package otaimport

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// fakeCommit is one commit of a fake OTA repository.
type fakeCommit struct {
	Date    time.Time
	Message string
	Files   map[string]string // path → content
}

// buildRepo makes a git repository at dir with commits, through
// git fast-import (one process, fast enough for 100,000 commits).
func buildRepo(tb testing.TB, dir string, commits []fakeCommit) {
	tb.Helper()
	var stream bytes.Buffer
	for _, c := range commits {
		writeCommit(&stream, c)
	}
	importStream(tb, dir, &stream)
}

func writeCommit(w *bytes.Buffer, c fakeCommit) {
	when := fmt.Sprintf("%d +0000", c.Date.Unix())
	fmt.Fprintf(w, "commit refs/heads/main\nauthor OTA Bot <bot@example.org> %s\ncommitter OTA Bot <bot@example.org> %s\ndata %d\n%s\n", when, when, len(c.Message), c.Message)
	paths := make([]string, 0, len(c.Files))
	for p := range c.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", p, len(c.Files[p]), c.Files[p])
	}
}

func importStream(tb testing.TB, dir string, stream *bytes.Buffer) {
	tb.Helper()
	run := func(stdin *bytes.Buffer, args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		if stdin != nil {
			cmd.Stdin = stdin
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	run(nil, "init", "--quiet", "--initial-branch=main")
	run(stream, "fast-import", "--quiet")
}

// commitHashes returns the hashes of a repository's commits, oldest first.
func commitHashes(tb testing.TB, dir string) []string {
	tb.Helper()
	out, err := exec.Command("git", "-C", dir, "rev-list", "--reverse", "HEAD").Output()
	if err != nil {
		tb.Fatalf("git rev-list in %s: %v", dir, err)
	}
	return strings.Fields(string(out))
}

// writeFiles writes files (path → content) under dir.
func writeFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}
