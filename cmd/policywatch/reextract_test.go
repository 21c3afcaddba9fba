package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestReextractImportedHistory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	importedHistory(t, &cookiesTemplate, db)
	before := logJSON(t, db)
	r := runCommand(t, nil, "reextract", "--db", db)
	if r.code != 0 {
		t.Fatalf("reextract: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "X / Trackers Policy: unchanged") || !strings.Contains(r.stdout, "1 documents re-extracted") {
		t.Errorf("stdout %q, want the imported document unchanged", r.stdout)
	}
	after := logJSON(t, db)
	if len(after) != 1 || len(after[0].Versions) != len(before[0].Versions) {
		t.Fatalf("log after: %+v", after)
	}
	for i := range before[0].Versions {
		if before[0].Versions[i].ID != after[0].Versions[i].ID {
			t.Errorf("version %d renumbered: %d → %d", i, before[0].Versions[i].ID, after[0].Versions[i].ID)
		}
	}
}

func TestReextractErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	if r := runCommand(t, nil, "reextract", "--db", missing); r.code != exitFailure || !strings.Contains(r.stderr, "none.db") {
		t.Errorf("missing database: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCommand(t, nil, "reextract", "extra"); r.code != exitUsage {
		t.Errorf("extra argument: exit %d", r.code)
	}
	if r := runCommand(t, nil, "reextract", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--db") {
		t.Errorf("--help: exit %d, %q", r.code, r.stdout)
	}
}
