package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/pgtest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m, func(ctx context.Context, url string) error {
		s, err := Open(ctx, url)
		if err != nil {
			return err
		}
		return s.Close()
	}))
}

// testDB is where a test's database is: a file in a temporary directory,
// or on the PostgreSQL pass a fresh database of the test server.
func testDB(t testing.TB) string {
	t.Helper()
	if pgtest.IsPostgres() {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "policywatch.db")
}

// sqliteOnly skips a test on the PostgreSQL pass, saying why.
func sqliteOnly(t testing.TB, why string) {
	t.Helper()
	if pgtest.IsPostgres() {
		t.Skip("SQLite only: " + why)
	}
}

// openTestStore opens a fresh store (see testDB).
func openTestStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := testDB(t)
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, path
}

// secondStore opens another store on path, as a second process would: it
// shares nothing in memory with the first (its cache is empty).
func secondStore(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s) again: %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawDB opens path with the driver directly, bypassing the store's checks,
// to set up files the store must cope with.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "demo", "twitter-x", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// seed is a document with two versions, a change, a snapshot per version
// and fetches, written in one transaction.
type seed struct {
	doc            Document
	hashOld        string
	hashNew        string
	v1, v2         int64
	change         int64
	fetchOK        int64
	fetchFailed    int64
	oldContent     []byte
	newContent     []byte
	oldAt, newAt   time.Time
	failedAt       time.Time
	substitutions  string
	sectionsJSONv2 string
}

func writeSeed(t testing.TB, s *Store) seed {
	t.Helper()
	sd := seed{
		oldContent:     readFixture(t, "twitter-cookies-policy.md"),
		newContent:     readFixture(t, "x-cookies-policy.txt"),
		oldAt:          date("2021-06-01T10:00:00Z"),
		newAt:          date("2023-09-29T08:30:00.123456789Z"),
		failedAt:       date("2024-01-02T03:04:05Z"),
		substitutions:  `[{"from":"Twitter","to":"X","count":37}]`,
		sectionsJSONv2: `{"title":"X Cookies Policy","sections":[]}`,
	}
	err := s.Write(context.Background(), func(tx *Tx) error {
		var err error
		if sd.doc, err = tx.EnsureDocument("X", "Cookies Policy", "https://help.x.com/en/rules-and-policies/x-cookies"); err != nil {
			return err
		}
		if sd.hashOld, err = tx.PutSnapshot(sd.oldContent, "text/markdown"); err != nil {
			return err
		}
		if sd.hashNew, err = tx.PutSnapshot(sd.newContent, "text/plain; charset=utf-8"); err != nil {
			return err
		}
		if sd.fetchOK, _, err = tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: sd.newAt, Source: "import",
			URL: sd.doc.URL, Status: 200, SnapshotHash: sd.hashNew}); err != nil {
			return err
		}
		if sd.fetchFailed, _, err = tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: sd.failedAt, Source: "crawl",
			URL: sd.doc.URL, Status: 503, ErrorClass: "http", Error: "503 Service Unavailable"}); err != nil {
			return err
		}
		if sd.v1, err = tx.AddVersion(Version{DocumentID: sd.doc.ID, CapturedAt: sd.oldAt, SnapshotHash: sd.hashOld,
			Extractor: "test-1", Markdown: string(sd.oldContent), Sections: []byte(`{"title":"Twitter"}`),
			TextHash: HashContent(sd.oldContent), Words: 2000}); err != nil {
			return err
		}
		if sd.v2, err = tx.AddVersion(Version{DocumentID: sd.doc.ID, CapturedAt: sd.newAt, SnapshotHash: sd.hashNew,
			Extractor: "test-1", Markdown: string(sd.newContent), Sections: []byte(sd.sectionsJSONv2),
			TextHash: HashContent(sd.newContent), Words: 500}); err != nil {
			return err
		}
		sd.change, err = tx.AddChange(Change{DocumentID: sd.doc.ID, FromVersionID: sd.v1, ToVersionID: sd.v2,
			Class: "rebrand", Summary: "Twitter → X ×37", WordsAdded: 120, WordsRemoved: 1600,
			Substitutions: []byte(sd.substitutions)})
		return err
	})
	if err != nil {
		t.Fatalf("write seed: %v", err)
	}
	return sd
}

// queryPlan is SQLite's plan of query, one step a line.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.readers.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
