package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dirState is what a directory holds: names and contents, to show that
// opening read-only wrote nothing.
func dirState(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		state[e.Name()] = b
	}
	return state
}

func TestOpenReadOnlyReadsAndNeverWrites(t *testing.T) {
	sqliteOnly(t, "files and directories (postgres_test.go has PostgreSQL's twins)")
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "policies.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.EnsureDocument("X", "Privacy Policy", "https://x.com/privacy")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before := dirState(t, dir)

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := ro.Documents(ctx, DocumentFilter{})
	if err != nil || len(docs) != 1 || docs[0].Service != "X" {
		t.Errorf("documents %+v, %v", docs, err)
	}
	if err := ro.Write(ctx, func(*Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Write on a read-only store: %v, want ErrReadOnly", err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	after := dirState(t, dir)
	for name, content := range before {
		if !bytes.Equal(after[name], content) {
			t.Errorf("%s changed", name)
		}
	}
	for name, content := range after {
		if _, ok := before[name]; ok {
			continue
		}
		// SQLite's shared-memory index, and an empty log, are how a reader
		// opens a WAL database where it can; neither holds data.
		if !strings.HasSuffix(name, "-shm") && !(strings.HasSuffix(name, "-wal") && len(content) == 0) {
			t.Errorf("%s was created (%d bytes)", name, len(content))
		}
	}
}

func TestOpenReadOnlyRefusesWhatItCannotRead(t *testing.T) {
	sqliteOnly(t, "files and directories (postgres_test.go has PostgreSQL's twins)")
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(ctx, empty); err == nil || !strings.Contains(err.Error(), "empty file") {
		t.Errorf("0-byte file: %v", err)
	}
	if info, _ := os.Stat(empty); info.Size() != 0 {
		t.Errorf("the 0-byte file now holds %d bytes: a read-only open wrote a schema into it", info.Size())
	}
	if _, err := OpenReadOnly(ctx, filepath.Join(dir, "missing.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}

	// A database of an older schema is not upgraded by a reader.
	old := filepath.Join(dir, "old.db")
	s, err := Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", fileURI(old))
	if err != nil {
		t.Fatal(err)
	}
	// What a release of one schema step left: no record of its steps.
	if _, err := db.Exec("DROP TABLE schema_steps; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	mtime := func() time.Time { info, _ := os.Stat(old); return info.ModTime() }
	was := mtime()
	if _, err := OpenReadOnly(ctx, old); err == nil || !strings.Contains(err.Error(), "older than this binary") {
		t.Errorf("older schema: %v", err)
	}
	if !mtime().Equal(was) {
		t.Error("the older database was modified")
	}
}

// TestOpenReadOnlyInAReadOnlyDirectory reads a database whose directory
// cannot be written, where SQLite cannot create the WAL's shared-memory
// file. Root ignores permissions, so as root the check runs in a child
// process of this test binary as an unprivileged user.
func TestOpenReadOnlyInAReadOnlyDirectory(t *testing.T) {
	sqliteOnly(t, "files and directories (postgres_test.go has PostgreSQL's twins)")
	if path := os.Getenv("POLICYWATCH_TEST_READONLY_DB"); path != "" {
		// Opening it to write says why it cannot, not that it is no
		// database (SQLite's 1544 is a read-only directory).
		if _, err := OpenExisting(context.Background(), path); err == nil || !strings.Contains(err.Error(), "cannot be written") ||
			strings.Contains(err.Error(), "not a policywatch database") {
			t.Errorf("opening to write in a read-only directory: %v", err)
		}
		s, err := OpenReadOnly(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if docs, err := s.Documents(context.Background(), DocumentFilter{}); err != nil || len(docs) != 1 {
			t.Fatalf("documents %+v, %v", docs, err)
		}
		return
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "policies.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.EnsureDocument("X", "Privacy Policy", "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if os.Geteuid() != 0 {
		t.Setenv("POLICYWATCH_TEST_READONLY_DB", path)
		TestOpenReadOnlyInAReadOnlyDirectory(t)
		return
	}
	// The temporary directory's parents must let the other user through.
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		if info, err := os.Stat(p); err == nil && info.Mode().Perm()&0o001 == 0 {
			os.Chmod(p, info.Mode().Perm()|0o001)
		}
	}
	// The test binary lives in a directory only its owner may enter.
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(filepath.Dir(dir), "store.test")
	if err := os.WriteFile(binary, self, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "-test.run", "^TestOpenReadOnlyInAReadOnlyDirectory$")
	cmd.Env = append(os.Environ(), "POLICYWATCH_TEST_READONLY_DB="+path, "HOME=/")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("reading as an unprivileged user from a read-only directory: %v\n%s", err, out)
	}
}

// OpenDatabase, for a process that serves a database it never fills,
// refuses a 0-byte file instead of making it a database.
func TestOpenDatabaseRefusesAnEmptyFile(t *testing.T) {
	sqliteOnly(t, "files and directories (postgres_test.go has PostgreSQL's twins)")
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDatabase(ctx, empty); err == nil || !strings.Contains(err.Error(), "is an empty file, not a policywatch database") {
		t.Errorf("0-byte file: %v", err)
	}
	if info, _ := os.Stat(empty); info.Size() != 0 {
		t.Errorf("the 0-byte file now holds %d bytes", info.Size())
	}
	if _, err := OpenDatabase(ctx, filepath.Join(dir, "missing.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	s, err := Open(ctx, filepath.Join(dir, "real.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenDatabase(ctx, filepath.Join(dir, "real.db"))
	if err != nil {
		t.Fatalf("a database: %v", err)
	}
	s.Close()
}
