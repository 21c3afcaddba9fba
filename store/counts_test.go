package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/pgtest"
)

// checkCounts compares what Documents says of each document's versions
// with the versions themselves.
func checkCounts(t *testing.T, s *Store, when string) {
	t.Helper()
	docs, err := s.Documents(context.Background(), DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		var count int
		var last string
		if err := s.readers.QueryRow("SELECT count(*), ifnull(max(captured_at), '') FROM versions WHERE document_id = ?", d.ID).Scan(&count, &last); err != nil {
			t.Fatal(err)
		}
		want := time.Time{}
		if last != "" {
			if want, err = parseTime(last); err != nil {
				t.Fatal(err)
			}
		}
		if d.Versions != count || !d.LastChange.Equal(want) {
			t.Errorf("%s: document %d says %d versions, the newest %v; its versions are %d, the newest %v", when, d.ID, d.Versions, d.LastChange, count, want)
		}
	}
}

// TestDocumentCountsFollowTheirVersions: the number of versions and the
// newest capture time a document keeps follow versions added, moved and
// deleted, and are filled in for the versions of a database migrated.
func TestDocumentCountsFollowTheirVersions(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	checkCounts(t, s, "after two versions")
	for _, move := range []struct {
		id int64
		at time.Time
	}{{sd.v2, sd.newAt.AddDate(1, 0, 0)}, {sd.v2, sd.oldAt.AddDate(0, 0, -1)}, {sd.v1, sd.oldAt.AddDate(-1, 0, 0)}} {
		if err := s.Write(ctx, func(tx *Tx) error { return tx.SetVersionCapturedAt(move.id, move.at) }); err != nil {
			t.Fatal(err)
		}
		checkCounts(t, s, "after a version moved")
	}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.DeleteHistory(sd.doc.ID) }); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, s, "after the history was deleted")
	if d, err := s.Document(ctx, sd.doc.ID); err != nil || d.Versions != 0 || !d.LastChange.IsZero() {
		t.Errorf("document without versions: %+v, %v", d, err)
	}

	if pgtest.IsPostgres() {
		return // a database of an older release, migrated: only SQLite has one
	}
	path := filepath.Join(t.TempDir(), "legacy.db")
	writeLegacyDB(t, path, legacyHistory(t))
	migrated, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer migrated.Close()
	docs, err := migrated.Documents(ctx, DocumentFilter{})
	if err != nil || len(docs) == 0 {
		t.Fatalf("migrated documents: %v, %v", docs, err)
	}
	versions := 0
	for _, d := range docs {
		versions += d.Versions
	}
	if versions == 0 {
		t.Error("the migrated documents say they have no versions")
	}
	checkCounts(t, migrated, "after the migration")
}

// TestPostgresStep12CountsTheVersionsAlreadyThere runs PostgreSQL's step 12
// on a database that already holds versions, as a database made before it
// has: the counts it adds are filled in from them.
func TestPostgresStep12CountsTheVersionsAlreadyThere(t *testing.T) {
	if !pgtest.IsPostgres() {
		t.Skip("PostgreSQL's twin of step 12; SQLite's runs on a legacy database above")
	}
	ctx := context.Background()
	s, path := openTestStore(t)
	writeSeed(t, s)
	// The database as it was before step 12.
	for _, stmt := range []string{
		"DROP TRIGGER versions_counted_on_insert ON versions",
		"DROP TRIGGER versions_counted_on_delete ON versions",
		"DROP TRIGGER versions_counted_on_move ON versions",
		"DROP FUNCTION versions_counted()",
		"ALTER TABLE documents DROP COLUMN version_count, DROP COLUMN last_captured_at",
		"DELETE FROM schema_steps WHERE version = 12",
	} {
		if _, err := s.writer.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	migrated := secondStore(t, path)
	docs, err := migrated.Documents(ctx, DocumentFilter{})
	if err != nil || len(docs) == 0 {
		t.Fatalf("migrated documents: %v, %v", docs, err)
	}
	for _, d := range docs {
		if d.Versions == 0 {
			t.Errorf("document %d says it has no versions after step 12", d.ID)
		}
	}
	checkCounts(t, migrated, "after step 12")
}
