package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A retired subtype's page is one part of today's Community Guidelines:
// importing two of them must not make one document whose second capture,
// another page, reads as a substantive new version.
func TestImportKeepsEachRetiredSubtypeAsItsOwnDocument(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	hate := filepath.Join(dir, "hate.html")
	spam := filepath.Join(dir, "spam.html")
	os.WriteFile(hate, []byte("<html><body><main><h1>Hate speech</h1><p>We remove attacks on people for who they are.</p></main></body></html>"), 0o644)
	os.WriteFile(spam, []byte("<html><body><main><h1>Spam</h1><p>Do not post the same link again and again.</p></main></body></html>"), 0o644)
	for _, c := range []struct{ typ, file, date string }{
		{"Community Guidelines - Hate Speech", hate, "2022-03-01"},
		{"community guidelines - spam", spam, "2022-03-02"},
	} {
		r := runCommand(t, nil, "import", "--db", db, "--service", "Facebook", "--type", c.typ, "--date", c.date, c.file)
		if r.code != exitOK {
			t.Fatalf("import --type %q: exit %d: %s", c.typ, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "retired in 2023") || !strings.Contains(r.stderr, `not as "Community Guidelines"`) {
			t.Errorf("import --type %q says nothing of the retired type on stderr: %q", c.typ, r.stderr)
		}
	}
	logs := logJSON(t, db)
	types := map[string]int{}
	for _, d := range logs {
		types[d.Type] = len(d.Versions)
	}
	want := map[string]int{"Community Guidelines - Hate Speech": 1, "Community Guidelines - Spam": 1}
	if len(types) != len(want) || types["Community Guidelines - Hate Speech"] != 1 || types["Community Guidelines - Spam"] != 1 {
		t.Fatalf("documents and their versions = %v, want %v", types, want)
	}
	// The type is found by its retired name, as it was stored.
	r := runCommand(t, nil, "log", "--db", db, "--type", "Community Guidelines - Spam")
	if r.code != exitOK || !strings.Contains(r.stdout, "Community Guidelines - Spam") || strings.Contains(r.stdout, "Hate Speech") {
		t.Errorf("log --type of a retired name: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
