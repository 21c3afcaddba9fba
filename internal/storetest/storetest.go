// Package storetest gives the tests of packages above store a fresh store
// on the engine of the running pass (see internal/pgtest): a SQLite file
// in a temporary folder, or a fresh PostgreSQL database.
package storetest

import (
	"context"
	"database/sql"
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
