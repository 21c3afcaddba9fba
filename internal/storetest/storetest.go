// Package storetest gives the tests of packages above store a fresh store
// on the engine of the running pass (see internal/pgtest): a SQLite file
// in a temporary folder, or a fresh PostgreSQL database.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // registers the "sqlite" driver, for RawDB

	"github.com/policywatch/policywatch/internal/pgtest"
	"github.com/policywatch/policywatch/store"
)

// Main runs m once per store; call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
func Main(m *testing.M) int {
	pgtest.AfterEachPass(RemoveTemplates)
	return pgtest.Main(m, func(ctx context.Context, url string) error {
		s, err := store.Open(ctx, url)
		if err != nil {
			return err
		}
		return s.Close()
	})
}

// IsPostgres says whether the running pass tests PostgreSQL.
func IsPostgres() bool { return pgtest.IsPostgres() }

// DB returns where a fresh database for t is: a file named name in a
// temporary folder, or a fresh PostgreSQL database's URL.
func DB(t testing.TB, name string) string {
	t.Helper()
	if pgtest.IsPostgres() {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), name)
}

var urls sync.Map // *store.Store → the --db it was opened with

// Open opens a fresh store for t (see DB) and closes it when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenAt(t, DB(t, "test.db"))
}

// OpenAt opens the store at db for t and closes it when t ends.
func OpenAt(t testing.TB, db string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	urls.Store(st, db)
	t.Cleanup(func() { st.Close() })
	return st
}

// SQLiteOnly skips t on the PostgreSQL pass, saying why.
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if pgtest.IsPostgres() {
		t.Skip("SQLite only: " + why)
	}
}

// StoreFree skips t on the PostgreSQL pass: t reads and writes no store,
// so that pass would run the very same code again.
func StoreFree(t testing.TB) {
	t.Helper()
	if pgtest.IsPostgres() {
		t.Skip("reads and writes no store: the SQLite pass ran it")
	}
}

// SkipSlowOnPostgres is pgtest.SkipSlow: it skips t on the PostgreSQL
// pass, saying which other tests run its SQL there.
func SkipSlowOnPostgres(t testing.TB, why string) {
	t.Helper()
	pgtest.SkipSlow(t, why)
}

// RawDB opens st's database with the driver itself, for changes no store
// method makes. Statements for it are written for the engine (Pick).
func RawDB(t testing.TB, st *store.Store) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+st.Path()+"?_pragma=busy_timeout(5000)"
	if st.Engine() == "postgres" {
		driver, dsn = "pgx", st.Path()
		if db, ok := urls.Load(st); ok {
			dsn = db.(string)
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Pick returns lite on the SQLite pass and pg on the PostgreSQL pass.
func Pick(lite, pg string) string {
	if pgtest.IsPostgres() {
		return pg
	}
	return lite
}

// Template is a database filled once per pass and copied for each test that
// starts from it: tests that each need the same archive (recorded through
// the archive, which the race detector makes slow) make it once. Set Fill;
// the rest of the zero value is ready.
type Template struct {
	// Fill fills the database at db (open it, record, close it) and
	// returns what the tests need to know of it (ids, say), which Copy
	// gives each test.
	Fill func(ctx context.Context, db string) (any, error)

	mu     sync.Mutex
	filled bool
	db     string // the filled database: a file, or a PostgreSQL URL
	dir    string // the SQLite file's folder
	facts  any
	err    error
}

// Copy returns a fresh copy of the filled database for t (a file in t's
// temporary folder named name, or a PostgreSQL database dropped when t
// ends) and what Fill returned; it fills the template first if this pass
// has not.
func (tp *Template) Copy(t testing.TB, name string) (db string, facts any) {
	t.Helper()
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if !tp.filled {
		tp.filled = true
		tp.err = tp.fill()
		filledTemplates.Lock()
		filledTemplates.list = append(filledTemplates.list, tp)
		filledTemplates.Unlock()
	}
	if tp.err != nil {
		t.Fatalf("filling the template database: %v", tp.err)
	}
	if pgtest.IsPostgres() {
		return pgtest.DatabaseFrom(t, tp.db), tp.facts
	}
	db = filepath.Join(t.TempDir(), name)
	if err := copyFile(tp.db, db); err != nil {
		t.Fatalf("copying the template database: %v", err)
	}
	return db, tp.facts
}

func (tp *Template) fill() error {
	if pgtest.IsPostgres() {
		db, err := pgtest.SharedDatabase()
		if err != nil {
			return err
		}
		tp.db = db
	} else {
		dir, err := os.MkdirTemp("", "storetest-template-")
		if err != nil {
			return err
		}
		tp.dir, tp.db = dir, filepath.Join(dir, "template.db")
	}
	var err error
	tp.facts, err = tp.Fill(context.Background(), tp.db)
	if err != nil {
		return err
	}
	if !pgtest.IsPostgres() {
		// A store closed last folds its write-ahead log into the file:
		// the file alone is the database.
		if _, err := os.Stat(tp.db + "-wal"); err == nil {
			return fmt.Errorf("%s-wal is left: Fill must close the store it opens", tp.db)
		}
	}
	return nil
}

func (tp *Template) reset() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.dir != "" {
		os.RemoveAll(tp.dir)
	}
	tp.filled, tp.db, tp.dir, tp.facts, tp.err = false, "", "", nil, nil
}

// filledTemplates are the templates filled in this pass.
var filledTemplates struct {
	sync.Mutex
	list []*Template
}

// RemoveTemplates deletes the databases templates filled and lets them be
// filled again: Main does it after each pass (the next, on another engine,
// fills its own); a package whose tests do not run through Main calls it
// from TestMain once they have run.
func RemoveTemplates() {
	filledTemplates.Lock()
	list := filledTemplates.list
	filledTemplates.list = nil
	filledTemplates.Unlock()
	for _, tp := range list {
		tp.reset()
	}
}

func copyFile(from, to string) error {
	content, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, content, 0o600)
}
