package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestCompactPacksALegacyDatabase(t *testing.T) {
	sqliteOnly(t, "a database made by an older release, which only SQLite has")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "legacy.db")
	history := legacyHistory(t)
	writeLegacyDB(t, path, history)
	checkHistory(t, path, history) // migrated to schema 5, still in the old form

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var legacyBytes int64
	if err := s.readers.QueryRow("SELECT sum(length(compressed)) FROM snapshots WHERE chain IS NULL").Scan(&legacyBytes); err != nil {
		t.Fatal(err)
	}
	var calls, lastDone, lastTotal int
	st, err := s.Compact(ctx, CompactOptions{Progress: func(done, total int) { calls++; lastDone, lastTotal = done, total }})
	if err != nil {
		t.Fatalf("Compact: %v", err)
	}
	t.Logf("%+v", st)
	distinct := map[string]bool{}
	for _, c := range history {
		distinct[HashContent(c.content)] = true
	}
	switch {
	case st.Snapshots != len(distinct) || st.Versions != 8 || len(st.Damaged) != 0:
		t.Errorf("packed %d snapshots and %d versions (damaged %q), want %d and 8", st.Snapshots, st.Versions, st.Damaged, len(distinct))
	case st.SnapshotBytesBefore != legacyBytes || st.SnapshotBytesAfter*10 > st.SnapshotBytesBefore:
		t.Errorf("snapshots %d → %d bytes (%d before in the file), want a tenth or less", st.SnapshotBytesBefore, st.SnapshotBytesAfter, legacyBytes)
	case st.VersionBytesAfter*5 > st.VersionBytesBefore:
		t.Errorf("version texts %d → %d bytes, want a fifth or less", st.VersionBytesBefore, st.VersionBytesAfter)
	case !st.Vacuumed || st.FileBytesAfter*3 > st.FileBytesBefore:
		t.Errorf("file %d → %d bytes (vacuumed %v), want a third or less", st.FileBytesBefore, st.FileBytesAfter, st.Vacuumed)
	case st.TextsRelaid != 0 || st.TextsChecked == 0:
		t.Errorf("texts packed now laid again (%d of %d checked): they are laid out as they are packed", st.TextsRelaid, st.TextsChecked)
	case calls < 2 || lastDone != lastTotal || lastTotal != len(distinct)+8+st.TextsChecked:
		t.Errorf("progress: %d calls, last %d/%d", calls, lastDone, lastTotal)
	}
	assertAllPacked(t, s)
	// The shared capture joined the chain of the document that fetched it
	// first.
	if r := frameOf(t, s, HashContent(history[6].content)); r.chain.Int64 != documentID(t, s, "Bumble") {
		t.Errorf("shared capture in the chain of document %d, want Bumble's", r.chain.Int64)
	}
	checkHistory(t, path, history)

	// Nothing left: a second run packs nothing; a new capture goes on at
	// the end of its chain.
	again, err := s.Compact(ctx, CompactOptions{NoVacuum: true})
	if err != nil || again.Snapshots != 0 || again.Versions != 0 || again.Vacuumed {
		t.Errorf("second Compact: %+v, %v; want nothing done", again, err)
	}
	next := record(t, s, "Bumble", otaCaptures(t, "Bumble", "Terms of Service")[20], date("2024-01-01T00:00:00Z"))
	if r := frameOf(t, s, next); r.seq.Int64 != 19 || r.base == "" {
		t.Errorf("capture after compact: position %d, base %q; want 19, on the 18th", r.seq.Int64, r.base)
	}
}

// assertAllPacked checks that no snapshot a fetch names and no version is
// left in the old form.
func assertAllPacked(t testing.TB, s *Store) {
	t.Helper()
	var snapshots, versions int
	if err := s.readers.QueryRow(`SELECT (SELECT count(*) FROM snapshots WHERE chain IS NULL AND hash IN (SELECT snapshot_hash FROM fetches)),
		(SELECT count(*) FROM versions WHERE packed_hash IS NULL OR markdown <> '' OR sections <> '')`).Scan(&snapshots, &versions); err != nil {
		t.Fatal(err)
	}
	if snapshots != 0 || versions != 0 {
		t.Errorf("%d snapshots and %d versions still in the old form", snapshots, versions)
	}
}

func TestCompactLeavesDamagedRowsAndSaysSo(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "legacy.db")
	history := legacyHistory(t)[:5]
	writeLegacyDB(t, path, history)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	damaged := HashContent(history[2].content)
	if _, err := s.writer.Exec("UPDATE snapshots SET compressed = ? WHERE hash = ?", s.codec.large.full.EncodeAll([]byte("other bytes"), nil), damaged); err != nil {
		t.Fatal(err)
	}
	st, err := s.Compact(ctx, CompactOptions{})
	if err != nil || len(st.Damaged) != 1 || st.Snapshots != 4 {
		t.Fatalf("Compact: %+v, %v; want 4 packed and the damaged one reported", st, err)
	}
	if r := frameOf(t, s, damaged); r.chain.Valid {
		t.Errorf("damaged snapshot was packed into chain %d", r.chain.Int64)
	}
}

// writeOldLayout records the demo's distinct cookie-policy texts as
// older releases laid them out (runs of 16, as captures are), and returns
// their ids.
func writeOldLayout(t testing.TB, s *Store) (ids []int64, markdown []string, sections [][]byte) {
	t.Helper()
	textLayout = baseSeq
	defer func() { textLayout = textBaseSeq }()
	markdown, sections = demoTexts(t)
	return addVersions(t, s, "X", markdown, sections), markdown, sections
}

// textDepths returns the depth of each version's texts, by id, checking
// that every row's depth is its base's plus one.
func textDepths(t testing.TB, db interface {
	Query(string, ...any) (*sql.Rows, error)
}) map[int64]int {
	t.Helper()
	rows, err := db.Query(`SELECT v.id, v.packed_depth, ifnull(b.packed_depth, 0) FROM versions v LEFT JOIN versions b ON b.id = v.packed_base`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	depths := map[int64]int{}
	for rows.Next() {
		var id int64
		var depth, baseDepth int
		if err := rows.Scan(&id, &depth, &baseDepth); err != nil {
			t.Fatal(err)
		}
		if depth != baseDepth+1 {
			t.Errorf("texts of version %d at depth %d on a base at depth %d", id, depth, baseDepth)
		}
		depths[id] = depth
	}
	return depths
}

func TestCompactLaysOutOlderTextsAgain(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	ids, markdown, sections := writeOldLayout(t, s)
	before := textDepths(t, s.readers)
	if deepest := slices.Max(slices.Collect(maps.Values(before))); deepest < 16 {
		t.Fatalf("the older layout's deepest texts at depth %d, want 16 or more", deepest)
	}

	st, err := s.Compact(ctx, CompactOptions{NoVacuum: true})
	if err != nil || len(st.Damaged) != 0 {
		t.Fatalf("Compact: %+v, %v", st, err)
	}
	t.Logf("%+v", st)
	if st.TextsChecked != len(ids)-1 || st.TextsRelaid == 0 || st.TextsRelaid >= st.TextsChecked {
		t.Errorf("%d texts checked, %d laid again; want %d checked, some but not all laid again", st.TextsChecked, st.TextsRelaid, len(ids)-1)
	}
	// Each position is now read through popcount(position-1)+1 frames,
	// and reads back the same texts, cold.
	after := textDepths(t, s.readers)
	cold := secondStore(t, path)
	for i, id := range ids {
		if want := bits.OnesCount(uint(i)) + 1; after[id] != want {
			t.Errorf("texts of version %d (position %d) at depth %d after compact, want %d", id, i+1, after[id], want)
		}
		v, err := cold.Version(ctx, id)
		if err != nil || v.Markdown != markdown[i] || !bytes.Equal(v.Sections, sections[i]) {
			t.Fatalf("version %d reads back %d and %d bytes (%v), want %d and %d", id, len(v.Markdown), len(v.Sections), err, len(markdown[i]), len(sections[i]))
		}
	}
	// Nothing left to lay out; the next version goes on in the layout.
	again, err := s.Compact(ctx, CompactOptions{NoVacuum: true})
	if err != nil || again.TextsRelaid != 0 {
		t.Errorf("second Compact: %+v, %v; want nothing laid again", again, err)
	}
	next := addVersions(t, s, "X", markdown[:1], sections[:1])[0]
	if d := textDepths(t, s.readers)[next]; d != bits.OnesCount(uint(len(ids)))+1 {
		t.Errorf("the version after compact at depth %d, want %d", d, bits.OnesCount(uint(len(ids)))+1)
	}
}

// TestStoreChild is the child process of the kill tests: it opens (and so
// migrates) the database named by its environment, and compacts it when
// asked to. It prints "opening" and "opened" around Open, and a line as
// each migration starts and commits, for the parent to aim its kills.
func TestStoreChild(t *testing.T) {
	path, action := os.Getenv("POLICYWATCH_TEST_CHILD_DB"), os.Getenv("POLICYWATCH_TEST_CHILD")
	if path == "" {
		t.Skip("child process of the kill tests")
	}
	compactBatch = 10 * time.Millisecond // many batches, for kills between them
	migrationStep = func(version int64, committed bool) { fmt.Println(migrationMark(version, committed)) }
	fmt.Println("opening")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("opened")
	if action == "compact" {
		if _, err := s.Compact(context.Background(), CompactOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// childRun is what runChild saw of a child.
type childRun struct {
	ran      time.Duration
	finished bool
	marks    map[string]time.Duration // when the child printed each line, from its start
}

// runChild runs TestStoreChild on path and SIGKILLs it killAfter after it
// printed the line from ("" for its start); never when killAfter is 0.
func runChild(t *testing.T, action, path, from string, killAfter time.Duration) childRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreChild$", "-test.count=1")
	// GORACE: under -race, a process otherwise sleeps a second at exit.
	cmd.Env = append(os.Environ(), "POLICYWATCH_TEST_CHILD="+action, "POLICYWATCH_TEST_CHILD_DB="+path, "GORACE=atexit_sleep_ms=0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	run := childRun{marks: map[string]time.Duration{}}
	seen := make(chan struct{})
	var once sync.Once
	read := make(chan []string)
	go func() {
		var lines []string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			run.marks[sc.Text()] = time.Since(start)
			if sc.Text() == from {
				once.Do(func() { close(seen) })
			}
		}
		read <- lines
	}()
	if from == "" {
		once.Do(func() { close(seen) })
	}
	killed := false
	if killAfter > 0 {
		select {
		case <-seen:
			time.Sleep(killAfter)
			killed = cmd.Process.Signal(syscall.SIGKILL) == nil
		case lines := <-read: // ended before the mark
			read <- lines
		}
	}
	lines := <-read
	err = cmd.Wait()
	run.ran = time.Since(start)
	var exit *exec.ExitError
	switch {
	case err == nil:
		run.finished = true
	case killed && errors.As(err, &exit):
	default:
		t.Fatalf("child %s: %v\n%s\n%s", action, err, strings.Join(lines, "\n"), &stderr)
	}
	return run
}

type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if len(l.b) < 1<<16 {
		l.b = append(l.b, p...)
	}
	return len(p), nil
}
func (l *limitedBuffer) String() string { return string(l.b) }

func TestKillDuringMigrationLosesNothing(t *testing.T) {
	sqliteOnly(t, "a database made by an older release, which only SQLite has")
	dir := t.TempDir()
	pristine := filepath.Join(dir, "legacy.db")
	all := legacyHistory(t) // a few captures and versions: the migration does not read them
	history := append(all[:6:6], all[len(all)-3:]...)
	writeLegacyDB(t, pristine, history)
	probe := filepath.Join(dir, "probe.db")
	copyFile(t, pristine, probe)
	// The child says when each migration starts and commits: the probe
	// tells where the migrations lie in Open, and the kills aim there.
	p := runChild(t, "migrate", probe, "", 0)
	first, last := migrationMark(legacySchema+1, false), migrationMark(SchemaVersion(), true)
	start, end := p.marks[first]-p.marks["opening"], p.marks[last]-p.marks["opening"]
	if _, ok := p.marks[last]; !ok || end <= 0 {
		t.Fatalf("the probe child did not say %q after %q: %v", last, "opening", p.marks)
	}
	inside := 0
	trials := 0
	for ; trials < 40 && (trials < 8 || inside == 0); trials++ {
		trial := filepath.Join(dir, fmt.Sprintf("trial-%d.db", trials))
		copyFile(t, pristine, trial)
		// From a little before the first migration starts to a little
		// after the last commits.
		after := start/2 + time.Duration(rand.Float64()*float64(end-start/2+end/5)) + time.Microsecond
		r := runChild(t, "migrate", trial, "opening", after)
		// Each migration is a transaction of its own: a kill leaves the
		// database at one of the versions between, never before the last
		// migration the child saw commit.
		version := schemaVersionOf(t, trial)
		committed := int64(legacySchema)
		for v := int64(legacySchema + 1); v <= SchemaVersion(); v++ {
			if _, ok := r.marks[migrationMark(v, true)]; ok {
				committed = v
			}
		}
		if version < committed || version > SchemaVersion() {
			t.Fatalf("trial %d: schema version %d after the kill, want %d (the last migration committed) to %d", trials, version, committed, SchemaVersion())
		}
		_, started := r.marks[first]
		_, ended := r.marks[last]
		if !r.finished && started && !ended {
			inside++
		}
		t.Logf("trial %d: killed %v into an Open (migrations from %v to %v; finished %v, migrating %v): schema %d, last commit seen %d",
			trials, after, start, end, r.finished, started && !ended, version, committed)
		checkHistory(t, trial, history)
	}
	t.Logf("%d of %d kills landed inside the migrations", inside, trials)
	if inside == 0 {
		t.Errorf("none of %d kills landed between the start of the first migration and the commit of the last: the test did not test that", trials)
	}
}

// migrationMark is the line the child prints as a migration starts, or
// once it has committed.
func migrationMark(version int64, committed bool) string {
	if committed {
		return fmt.Sprintf("migrated %d", version)
	}
	return fmt.Sprintf("migrating %d", version)
}

func schemaVersionOf(t testing.TB, path string) int64 {
	t.Helper()
	var version int64
	if err := rawDB(t, path).QueryRow("SELECT user_version FROM pragma_user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	return version
}

func TestKillDuringCompactLosesNothing(t *testing.T) {
	sqliteOnly(t, "a database made by an older release, which only SQLite has")
	dir := t.TempDir()
	path := filepath.Join(dir, "legacy.db")
	history := legacyHistory(t)
	writeLegacyDB(t, path, history)
	probe := filepath.Join(dir, "probe.db")
	copyFile(t, path, probe)
	// Kills aim at the compaction, after Open: a kill inside the
	// migrations before it is TestKillDuringMigrationLosesNothing's.
	p := runChild(t, "compact", probe, "", 0)
	full := p.ran - p.marks["opened"]

	partial := 0
	for i := range 6 {
		after := time.Duration(float64(full) * (0.15 + 0.15*float64(i) + 0.1*rand.Float64()))
		r := runChild(t, "compact", path, "opened", after)
		finished := r.finished
		packed, left := packedCounts(t, path)
		t.Logf("kill %d after %v (full run %v, ran %v, finished %v): %d rows packed, %d left", i, after, full, r.ran, finished, packed, left)
		if packed > 0 && left > 0 {
			partial++
		}
		checkHistory(t, path, history)
		if finished {
			break
		}
	}
	if partial == 0 {
		t.Error("no kill left the database partly packed: the test did not test that")
	}
	runChild(t, "compact", path, "", 0)
	checkHistory(t, path, history)
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	assertAllPacked(t, s)
}

func TestKillDuringRelayLosesNothing(t *testing.T) {
	sqliteOnly(t, "kills a child process writing to the database file")
	dir := t.TempDir()
	path := filepath.Join(dir, "old-layout.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ids, markdown, sections := writeOldLayout(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	relaid := func(path string) int {
		n := 0
		db := rawDB(t, path)
		for i, id := range ids {
			var base int64
			if err := db.QueryRow("SELECT ifnull(packed_base, 0) FROM versions WHERE id = ?", id).Scan(&base); err != nil {
				t.Fatal(err)
			}
			if i > 0 && base == ids[textBaseSeq(int64(i+1))-1] && base != ids[baseSeq(int64(i+1))-1] {
				n++
			}
		}
		return n
	}
	readsBack := func() {
		t.Helper()
		r := secondStore(t, path)
		for i, id := range ids {
			v, err := r.Version(context.Background(), id)
			if err != nil || v.Markdown != markdown[i] || !bytes.Equal(v.Sections, sections[i]) {
				t.Fatalf("version %d reads back %d and %d bytes (%v), want %d and %d", id, len(v.Markdown), len(v.Sections), err, len(markdown[i]), len(sections[i]))
			}
		}
		r.Close()
	}
	probe := filepath.Join(dir, "probe.db")
	copyFile(t, path, probe)
	p := runChild(t, "compact", probe, "", 0)
	full := p.ran - p.marks["opened"]
	want := relaid(probe)

	partial := 0
	for i := range 6 {
		after := time.Duration(float64(full) * (0.1 + 0.12*float64(i) + 0.1*rand.Float64()))
		r := runChild(t, "compact", path, "opened", after)
		n := relaid(path)
		t.Logf("kill %d after %v (full run %v, finished %v): %d texts laid again", i, after, full, r.finished, n)
		if n > 0 && !r.finished {
			partial++
		}
		readsBack()
		if r.finished {
			break
		}
	}
	if partial == 0 {
		t.Error("no kill left the texts partly laid again: the test did not test that")
	}
	runChild(t, "compact", path, "", 0)
	readsBack()
	if n := relaid(path); n == 0 || n != want {
		t.Errorf("%d texts laid again after the kills, want %d as in a run without kills", n, want)
	}
	textDepths(t, rawDB(t, path))
}

// packedCounts returns how many snapshots and versions are in the new form
// and how many in the old.
func packedCounts(t testing.TB, path string) (packed, left int) {
	t.Helper()
	err := rawDB(t, path).QueryRow(`SELECT
		(SELECT count(*) FROM snapshots WHERE chain IS NOT NULL) + (SELECT count(*) FROM versions WHERE packed_hash IS NOT NULL),
		(SELECT count(*) FROM snapshots WHERE chain IS NULL) + (SELECT count(*) FROM versions WHERE packed_hash IS NULL)`).Scan(&packed, &left)
	if err != nil {
		t.Fatal(err)
	}
	return packed, left
}
