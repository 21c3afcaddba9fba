package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

const bumbleHistory = "../../testdata/ota-histories/dating/Bumble/Terms of Service/snapshots"

// olderDatabase imports real captures (the demo's cookie policy, 24
// Bumble terms pages) and rewrites every row in the form the previous
// release stored, as a database of that release is once migrated: each
// capture a zstd frame of its own at the default level, version texts in
// the plain columns. It is made once and copied for each test.
func olderDatabase(t *testing.T) string {
	t.Helper()
	db, _ := olderTemplate.Copy(t, "older.db")
	return db
}

var olderTemplate = storetest.Template{Fill: fillOlderDatabase}

func fillOlderDatabase(ctx context.Context, db string) (any, error) {
	pages, err := filepath.Glob(filepath.Join(bumbleHistory, "*.html"))
	if err != nil || len(pages) < 24 {
		return nil, fmt.Errorf("Bumble captures: %v (%d)", err, len(pages))
	}
	if err := runAll(ctx, importArgs(db, cookiesHistory),
		append([]string{"import", "--db", db, "--service", "Bumble", "--type", "Terms of Service"}, pages[:24]...)); err != nil {
		return nil, err
	}
	c, err := storedContents(ctx, db)
	if err != nil {
		return nil, err
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	for hash, content := range c.snapshots {
		if _, err := raw.Exec("UPDATE snapshots SET compressed = ?, base = NULL, depth = 1, chain = NULL, seq = NULL WHERE hash = ?",
			enc.EncodeAll(content, nil), hash); err != nil {
			return nil, err
		}
	}
	for id, v := range c.versions {
		if _, err := raw.Exec(`UPDATE versions SET markdown = ?, sections = ?, packed = NULL, packed_hash = NULL,
			packed_base = NULL, packed_depth = 1, packed_seq = NULL WHERE id = ?`, v.Markdown, string(v.Sections), id); err != nil {
			return nil, err
		}
	}
	return nil, raw.Close()
}

// contents is everything a database holds that compacting must keep.
type contents struct {
	snapshots map[string][]byte
	versions  map[int64]store.Version
	log       []documentLog
}

func readContents(t *testing.T, db string) contents {
	t.Helper()
	c, err := storedContents(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	c.log = logJSON(t, db)
	return c
}

// storedContents reads every capture and version of db (not its log).
func storedContents(ctx context.Context, db string) (contents, error) {
	st, err := store.OpenReadOnly(ctx, db)
	if err != nil {
		return contents{}, err
	}
	defer st.Close()
	c := contents{snapshots: map[string][]byte{}, versions: map[int64]store.Version{}}
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		return c, err
	}
	for _, d := range docs {
		fetches, err := st.Fetches(ctx, d.ID)
		if err != nil {
			return c, err
		}
		for _, f := range fetches {
			snap, err := st.Snapshot(ctx, f.SnapshotHash)
			if err != nil {
				return c, fmt.Errorf("snapshot of fetch %d: %w", f.ID, err)
			}
			c.snapshots[f.SnapshotHash] = snap.Content
		}
		versions, err := st.Versions(ctx, d.ID)
		if err != nil {
			return c, err
		}
		for _, sum := range versions {
			v, err := st.Version(ctx, sum.ID)
			if err != nil {
				return c, fmt.Errorf("version %d: %w", sum.ID, err)
			}
			c.versions[v.ID] = v
		}
	}
	return c, nil
}

func sameContents(t *testing.T, what string, got, want contents) {
	t.Helper()
	if len(got.snapshots) != len(want.snapshots) || len(got.versions) != len(want.versions) {
		t.Fatalf("%s: %d captures and %d versions, want %d and %d", what, len(got.snapshots), len(got.versions), len(want.snapshots), len(want.versions))
	}
	for hash, b := range want.snapshots {
		if !bytes.Equal(got.snapshots[hash], b) {
			t.Fatalf("%s: capture %s reads back other bytes", what, hash)
		}
	}
	for id, v := range want.versions {
		if g := got.versions[id]; g.Markdown != v.Markdown || !bytes.Equal(g.Sections, v.Sections) {
			t.Fatalf("%s: version %d reads back other texts", what, id)
		}
	}
	if !reflect.DeepEqual(got.log, want.log) {
		t.Fatalf("%s: log --json differs", what)
	}
}

func TestCompactPacksAnOlderDatabase(t *testing.T) {
	db := olderDatabase(t)
	before := readContents(t, db)
	r := runCommand(t, nil, "compact", "--db", db)
	if r.code != 0 {
		t.Fatalf("compact: exit %d: %s", r.code, r.stderr)
	}
	t.Logf("compact:\n%s", r.stdout)
	for _, want := range []string{fmt.Sprintf("captures: %d packed, ", len(before.snapshots)),
		fmt.Sprintf("version texts: %d packed, ", len(before.versions)), "database file: ", " → "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout %q does not say %q", r.stdout, want)
		}
	}
	sameContents(t, "after compact", readContents(t, db), before)

	// Nothing is left to pack; the database comes from POLICYWATCH_DB.
	r = runCommand(t, map[string]string{"POLICYWATCH_DB": db}, "compact", "--no-vacuum")
	if r.code != 0 || !strings.Contains(r.stdout, "captures: 0 packed") || !strings.Contains(r.stdout, "not vacuumed") {
		t.Errorf("compact again: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestCompactErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	if r := runCommand(t, nil, "compact", "--db", missing); r.code != exitFailure || !strings.Contains(r.stderr, "none.db") {
		t.Errorf("missing database: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("compact of a missing database created %s", missing)
	}
	if r := runCommand(t, nil, "compact", "extra"); r.code != exitUsage {
		t.Errorf("extra argument: exit %d", r.code)
	}
	if r := runCommand(t, nil, "compact", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--no-vacuum") || !strings.Contains(r.stdout, "POLICYWATCH_DB") {
		t.Errorf("--help: exit %d, %q", r.code, r.stdout)
	}
}

func TestKillDashNineDuringCompactLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildPolicywatch(t)
	db := olderDatabase(t)
	before := readContents(t, db)
	probe := filepath.Join(t.TempDir(), "probe.db")
	copyDB(t, db, probe)
	start := time.Now()
	runCompactProcess(t, bin, probe, 0)
	full := time.Since(start)

	for i := range 5 {
		after := time.Duration(float64(full) * (0.2 + 0.15*float64(i)))
		finished, out := runCompactProcess(t, bin, db, after)
		t.Logf("kill %d after %v of %v: finished %v %s", i, after, full, finished, strings.TrimSpace(out))
		sameContents(t, fmt.Sprintf("after kill %d", i), readContents(t, db), before)
		if finished {
			break
		}
	}
	if finished, out := runCompactProcess(t, bin, db, 0); !finished {
		t.Fatalf("last compact: %s", out)
	}
	sameContents(t, "after the last compact", readContents(t, db), before)
	r := runCommand(t, nil, "compact", "--db", db)
	if !strings.Contains(r.stdout, "captures: 0 packed") || !strings.Contains(r.stdout, "version texts: 0 packed") {
		t.Errorf("after the last compact something is left to pack: %s", r.stdout)
	}
}

// runCompactProcess runs "policywatch compact" on db and SIGKILLs it after
// killAfter (never, when 0); it reports whether it finished, with its output.
func runCompactProcess(t *testing.T, bin, db string, killAfter time.Duration) (bool, string) {
	t.Helper()
	cmd := exec.Command(bin, "compact", "--db", db)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var kill <-chan time.Time
	if killAfter > 0 {
		kill = time.After(killAfter)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("compact: %v\n%s", err, out.String())
		}
		return true, out.String()
	case <-kill:
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := <-done
		return err == nil, out.String()
	}
}

func copyDB(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
