package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateDBCopiesAnArchive: migrate-db copies an archive into a new
// database, where every capture, text and log entry reads as in the
// source; a second copy into it is refused and changes nothing. Copies
// into PostgreSQL are store's TestCopyArchiveRoundTripIsByteIdentical.
func TestMigrateDBCopiesAnArchive(t *testing.T) {
	from := olderDatabase(t) // captures stored as an older release did: copied as they are
	want := readContents(t, from)
	to := filepath.Join(t.TempDir(), "copy.db")
	r := runCommand(t, nil, "migrate-db", "--from", from, "--to", to)
	if r.code != 0 {
		t.Fatalf("migrate-db: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "versions: ") || !strings.Contains(r.stdout, "snapshots: ") {
		t.Errorf("migrate-db does not say what it copied: %q", r.stdout)
	}
	sameContents(t, "the copy", readContents(t, to), want)
	sameContents(t, "the source after the copy", readContents(t, from), want)

	r = runCommand(t, nil, "migrate-db", "--from", from, "--to", to)
	if r.code != exitFailure || !strings.Contains(r.stderr, "already holds an archive") {
		t.Errorf("a second copy into it: exit %d, stderr %q", r.code, r.stderr)
	}
	sameContents(t, "the copy after a refused second copy", readContents(t, to), want)
}

func TestMigrateDBErrors(t *testing.T) {
	dir := t.TempDir()
	missing, to := filepath.Join(dir, "none.db"), filepath.Join(dir, "to.db")
	if r := runCommand(t, nil, "migrate-db", "--from", missing, "--to", to); r.code != exitFailure || !strings.Contains(r.stderr, "none.db") {
		t.Errorf("missing source: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, name := range []string{missing, to} {
		if _, err := os.Stat(name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("migrate-db from a missing database created %s", name)
		}
	}
	if r := runCommand(t, nil, "migrate-db", "--from", missing); r.code != exitUsage || !strings.Contains(r.stderr, "--to") {
		t.Errorf("without --to: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCommand(t, nil, "migrate-db", "--help"); r.code != 0 || !strings.Contains(r.stdout, "postgres://") {
		t.Errorf("--help: exit %d, %q", r.code, r.stdout)
	}
}
