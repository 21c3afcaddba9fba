package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigratesFreshFile(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	s, path := openTestStore(t)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	var version, appID int64
	var journal string
	row := s.writer.QueryRow("SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id), (SELECT journal_mode FROM pragma_journal_mode)")
	if err := row.Scan(&version, &appID, &journal); err != nil {
		t.Fatal(err)
	}
	if version != SchemaVersion() || version < 1 {
		t.Errorf("user_version = %d, want %d", version, SchemaVersion())
	}
	if appID != applicationID {
		t.Errorf("application_id = %#x, want %#x", appID, applicationID)
	}
	if journal != "wal" {
		t.Errorf("journal_mode = %q, want wal", journal)
	}
	for _, table := range []string{"services", "documents", "snapshots", "fetches", "versions", "changes"} {
		var n int
		if err := s.writer.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s: count %d, err %v", table, n, err)
		}
	}
	if err := s.IntegrityCheck(context.Background()); err != nil {
		t.Errorf("IntegrityCheck: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	sd := writeSeed(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, open := range []func(context.Context, string) (*Store, error){Open, OpenExisting} {
		s2, err := open(ctx, path)
		if err != nil {
			t.Fatalf("reopen %s: %v", path, err)
		}
		v, err := s2.Version(ctx, sd.v2)
		if err != nil || v.Markdown != string(sd.newContent) {
			t.Errorf("after reopen, Version(%d) = %q…, %v", sd.v2, v.Markdown[:min(20, len(v.Markdown))], err)
		}
		if err := s2.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenExistingMissingFile(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	path := filepath.Join(t.TempDir(), "nothing-here.db")
	_, err := OpenExisting(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("OpenExisting(%s) error = %v, want one naming the path and saying it does not exist", path, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenExisting created %s", path)
	}
}

// assertRefused opens path with both Open functions and checks that each
// fails naming the file, with want in the message, and leaves it unchanged.
func assertRefused(t *testing.T, path, want string) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(context.Context, string) (*Store, error){"Open": Open, "OpenExisting": OpenExisting} {
		s, err := open(context.Background(), path)
		if err == nil {
			s.Close()
			t.Fatalf("%s(%s) succeeded, want refusal", name, path)
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s error = %q, want the path and %q", name, err, want)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("%s was modified by a refused Open", path)
	}
	for _, suffix := range []string{"-wal", "-journal"} {
		if info, err := os.Stat(path + suffix); err == nil && info.Size() > 0 {
			t.Errorf("refused Open left %s%s of %d bytes", path, suffix, info.Size())
		}
	}
}

func TestOpenRefusesGarbage(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	path := filepath.Join(t.TempDir(), "notes.txt")
	garbage := bytes.Repeat([]byte("this is not a database, just some notes\n"), 200)
	if err := os.WriteFile(path, garbage, 0o644); err != nil {
		t.Fatal(err)
	}
	assertRefused(t, path, "not a policywatch database: file is not a database")
}

func TestOpenRefusesCorruptDatabase(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	path := filepath.Join(t.TempDir(), "corrupt.db")
	// A real SQLite header followed by noise: SQLite itself must reject it.
	content := append([]byte(nil), sqliteHeader...)
	for i := len(content); i < 8192; i++ {
		content = append(content, byte(i*7+3))
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	assertRefused(t, path, "not a policywatch database")
}

func TestOpenRefusesOtherApplicationsDatabase(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	path := filepath.Join(t.TempDir(), "other.db")
	db := rawDB(t, path)
	if _, err := db.Exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	assertRefused(t, path, "another application")
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	s, path := openTestStore(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	assertRefused(t, path, "schema version 9999 is newer")
}

func TestOpenAdoptsEmptyFile(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := OpenExisting(context.Background(), path)
	if err != nil {
		t.Fatalf("OpenExisting on an empty file: %v", err)
	}
	defer s.Close()
	if _, err := s.Services(context.Background()); err != nil {
		t.Errorf("Services on a migrated empty file: %v", err)
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	dir := filepath.Join(t.TempDir(), "odd?dir#with%chars")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "db?x=1.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer s.Close()
	writeSeed(t, s)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %s: %v", path, err)
	}
}

func TestMigrationsNumbered(t *testing.T) {
	list, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 || list[0].name != "0001_init.sql" {
		t.Fatalf("migrations = %v, want 0001_init.sql first", list)
	}
}

func TestOpenDirectoryRefused(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	dir := t.TempDir()
	_, err := Open(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("Open(directory) error = %v, want one naming the directory", err)
	}
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s.Version(ctx, sd.v1); err == nil {
		t.Error("Version on a closed store succeeded")
	}
	if _, err := s.Snapshot(ctx, sd.hashOld); err == nil {
		t.Error("Snapshot on a closed store succeeded")
	}
	if err := s.Write(ctx, func(*Tx) error { return nil }); err == nil {
		t.Error("Write on a closed store succeeded")
	}
}

// TestStepsMergedOutOfOrderAreApplied: step numbers are handed out before
// work is merged, so a database may have applied step 12 when step 11
// arrives. It is applied then, and a database with a step this binary does
// not know is refused rather than written.
func TestStepsMergedOutOfOrderAreApplied(t *testing.T) {
	sqliteOnly(t, "a database file and its header and pragmas (postgres_test.go has PostgreSQL's twins)")
	ctx := context.Background()
	s, _ := openTestStore(t)
	list, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	top := list[len(list)-1].version
	later := migration{version: top + 2, name: "later_b.sql", sql: "CREATE TABLE later_b (x INTEGER)"}
	earlier := migration{version: top + 1, name: "later_a.sql", sql: "CREATE TABLE later_a (x INTEGER)"}
	withGap := append(list[:len(list):len(list)], later)
	if err := s.applyMigration(ctx, later, withGap); err != nil {
		t.Fatal(err)
	}
	merged := append(list[:len(list):len(list)], earlier, later)
	for _, m := range merged {
		if err := s.applyMigration(ctx, m, merged); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	var version, tables, steps int64
	if err := s.writer.QueryRow(`SELECT (SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_schema WHERE name IN ('later_a', 'later_b')),
		(SELECT count(*) FROM schema_steps)`).Scan(&version, &tables, &steps); err != nil {
		t.Fatal(err)
	}
	if version != top+2 || tables != 2 || steps != int64(len(merged)) {
		t.Errorf("user_version %d, %d of the 2 tables, %d steps recorded: want %d, 2, %d", version, tables, steps, top+2, len(merged))
	}
	// The binary without step top+1 meets the database that has it.
	err = s.applyMigration(ctx, later, withGap)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("schema step %d", top+1)) {
		t.Errorf("a database with an unknown step: %v", err)
	}
}

// TestReadersMapTheDatabase: the readers read pages through a mapping of
// the file (readerDSN), which is most of what made page reads cheaper on
// a large archive; a driver or DSN change that drops it is caught here.
func TestReadersMapTheDatabase(t *testing.T) {
	sqliteOnly(t, "mmap_size is SQLite's")
	s, _ := openTestStore(t)
	var mapped int64
	if err := s.readers.QueryRowContext(context.Background(), "PRAGMA mmap_size").Scan(&mapped); err != nil {
		t.Fatal(err)
	}
	if mapped < 1<<30 {
		t.Errorf("readers map %d bytes of the database, want at least 1 GiB", mapped)
	}
}
