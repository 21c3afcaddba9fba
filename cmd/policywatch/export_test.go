package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportThenImportDataset(t *testing.T) {
	repo, decl := otaRepo(t, 12)
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	mustRun(t, "import-ota", "--db", db, "--declarations", decl, "--snapshots", repo)

	zip := filepath.Join(dir, "collection.zip")
	r := mustRun(t, "export", "--db", db, "--format", "ota", zip)
	if !strings.Contains(r.stdout, "12 versions") {
		t.Errorf("export: %s", r.stdout)
	}
	fresh := filepath.Join(dir, "fresh.db")
	r = mustRun(t, "import-ota", "--db", fresh, "--declarations", decl, "--dataset", zip)
	if !strings.Contains(r.stdout, "12 captures recorded, 12 new versions") {
		t.Errorf("import-ota --dataset: %s", r.stdout)
	}
	got, want := snapshotOf(t, fresh), snapshotOf(t, db)
	if len(got) != len(want) {
		t.Fatalf("%d documents after the round trip, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s after the round trip:\n%s\nwant\n%s", k, got[k], w)
		}
	}

	// JSON Lines and WARC of one service, from a date.
	jsonl := filepath.Join(dir, "out.jsonl")
	r = mustRun(t, "export", "--db", db, "--format", "jsonl", "--service", "Service 1", "--from", "2021-01-01T05:00:00Z", jsonl)
	if !strings.Contains(r.stdout, "2 versions") {
		t.Errorf("export jsonl: %s", r.stdout)
	}
	warc := filepath.Join(dir, "out.warc.gz")
	r = mustRun(t, "export", "--db", db, "--format", "warc", warc)
	if !strings.Contains(r.stdout, "12 captures") {
		t.Errorf("export warc: %s", r.stdout)
	}
	if b, _ := os.ReadFile(warc); len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("%s is not gzipped", warc)
	}

	// An OUT that exists is refused, and left as it was.
	before, _ := os.ReadFile(jsonl)
	res := runCommand(t, nil, "export", "--db", db, "--format", "jsonl", jsonl)
	if res.code != exitFailure || !strings.Contains(res.stderr, "already exists: give --force") {
		t.Errorf("export over an existing file: exit %d, %s", res.code, res.stderr)
	}
	if after, _ := os.ReadFile(jsonl); string(after) != string(before) {
		t.Error("the existing file was changed")
	}
	mustRun(t, "export", "--db", db, "--format", "jsonl", "--force", jsonl)
	if after, _ := os.ReadFile(jsonl); strings.Count(string(after), "\n") != 12 {
		t.Errorf("--force: %d lines, want 12", strings.Count(string(after), "\n"))
	}
	// Nothing to export: an error, and no file.
	none := filepath.Join(dir, "none.zip")
	if res := runCommand(t, nil, "export", "--db", db, "--format", "ota", "--service", "Nobody", none); res.code != exitFailure || !strings.Contains(res.stderr, "nothing to export") {
		t.Errorf("export of nothing: exit %d, %s", res.code, res.stderr)
	}
	if _, err := os.Stat(none); err == nil {
		t.Error("an export of nothing left a file")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	for _, args := range [][]string{
		{"export", "--db", db, jsonl},
		{"export", "--db", db, "--format", "csv", jsonl},
		{"export", "--db", db, "--format", "ota"},
	} {
		if res := runCommand(t, nil, args...); res.code != exitUsage {
			t.Errorf("%v: exit %d, want a usage error", args, res.code)
		}
	}
}
