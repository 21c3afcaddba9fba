package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/policywatch/policywatch/internal/pgtest"
)

// postgresOnly skips a test on the SQLite pass.
func postgresOnly(t testing.TB) {
	t.Helper()
	if !pgtest.IsPostgres() {
		t.Skip("PostgreSQL only: runs on the PostgreSQL pass")
	}
}

// rawPostgres opens url with the driver directly, bypassing the store.
func rawPostgres(t testing.TB, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tablesOf(t testing.TB, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		list = append(list, n)
	}
	return list
}

func TestMigrationsWrittenForBoth(t *testing.T) {
	pg, err := postgresMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if err := sameSteps(pg); err != nil {
		t.Fatal(err)
	}
	if len(pg) == 0 || pg[len(pg)-1].version != SchemaVersion() {
		t.Fatalf("PostgreSQL's last step is not step %d", SchemaVersion())
	}
}

func TestPostgresOpenMigratesAnEmptyDatabase(t *testing.T) {
	postgresOnly(t)
	url := pgtest.EmptyDatabase(t)
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Engine() != "postgres" {
		t.Errorf("Engine() = %q", s.Engine())
	}
	db := rawPostgres(t, url)
	var app, version, steps int64
	if err := db.QueryRow("SELECT application_id, user_version, (SELECT count(*) FROM schema_steps) FROM policywatch_schema").Scan(&app, &version, &steps); err != nil {
		t.Fatal(err)
	}
	list, _ := postgresMigrations()
	if app != applicationID || version != SchemaVersion() || steps != int64(len(list)) {
		t.Errorf("application %#x, version %d, %d steps; want %#x, %d, %d", app, version, steps, applicationID, SchemaVersion(), len(list))
	}
	for _, table := range []string{"services", "documents", "snapshots", "fetches", "versions", "changes", "crawl_state", "search_passages", "host_turns"} {
		found := false
		for _, have := range tablesOf(t, db) {
			found = found || have == table
		}
		if !found {
			t.Errorf("table %s missing", table)
		}
	}
	// A second Open applies nothing again.
	again, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
}

// Workers started together on a new database migrate it once.
func TestPostgresWorkersOpeningANewDatabaseMigrateItOnce(t *testing.T) {
	postgresOnly(t)
	url := pgtest.EmptyDatabase(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := Open(context.Background(), url)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var steps int
	if err := rawPostgres(t, url).QueryRow("SELECT count(*) FROM schema_steps").Scan(&steps); err != nil {
		t.Fatal(err)
	}
	if list, _ := postgresMigrations(); steps != len(list) {
		t.Errorf("%d steps recorded, want %d", steps, len(list))
	}
}

func TestPostgresURLThatCannotConnect(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ url, want string }{
		{"postgres://alice:s3cret@/policywatch?host=/nonexistent-folder&connect_timeout=2", "cannot connect to PostgreSQL"},
		{"postgres://alice:s3cret@[::1:5432/x", "not a PostgreSQL URL"},
	} {
		_, err := Open(ctx, c.url)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s): %v, want %q", c.url, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%s): the error shows the password: %v", c.url, err)
		}
	}
	if !pgtest.IsPostgres() {
		return
	}
	// A database the server does not have.
	url := strings.Replace(pgtest.EmptyDatabase(t), "/t", "/missing_t", 1)
	_, err := Open(ctx, url)
	if err == nil || !strings.Contains(err.Error(), "cannot connect") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open of a missing database: %v", err)
	}
}

func TestPostgresRefusesADatabaseOfAnotherApplication(t *testing.T) {
	postgresOnly(t)
	url := pgtest.EmptyDatabase(t)
	db := rawPostgres(t, url)
	if _, err := db.Exec("CREATE TABLE accounts (id int PRIMARY KEY, owner text); INSERT INTO accounts VALUES (1, 'alice')"); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(context.Context, string) (*Store, error){
		"Open": Open, "OpenExisting": OpenExisting, "OpenDatabase": OpenDatabase, "OpenReadOnly": OpenReadOnly,
	} {
		_, err := open(context.Background(), url)
		if err == nil || !strings.Contains(err.Error(), "not a policywatch database") || !strings.Contains(err.Error(), "accounts") {
			t.Errorf("%s: %v, want a refusal naming the table", name, err)
		}
	}
	if got := tablesOf(t, db); strings.Join(got, ",") != "accounts" {
		t.Errorf("tables after the refusals: %v", got)
	}
	var owner string
	if err := db.QueryRow("SELECT owner FROM accounts WHERE id = 1").Scan(&owner); err != nil || owner != "alice" {
		t.Errorf("the other application's row: %q, %v", owner, err)
	}
}

func TestPostgresRefusesANewerSchema(t *testing.T) {
	postgresOnly(t)
	url := pgtest.Database(t)
	db := rawPostgres(t, url)
	if _, err := db.Exec("UPDATE policywatch_schema SET user_version = 999"); err != nil {
		t.Fatal(err)
	}
	// What the database holds before the refusals, to compare after them.
	state := func() string {
		var steps, services int
		if err := db.QueryRow("SELECT (SELECT count(*) FROM schema_steps), (SELECT count(*) FROM services)").Scan(&steps, &services); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("tables %v, %d steps, %d services", tablesOf(t, db), steps, services)
	}
	if _, err := db.Exec("INSERT INTO services (name) VALUES ('Kept')"); err != nil {
		t.Fatal(err)
	}
	before := state()
	for name, open := range map[string]func(context.Context, string) (*Store, error){
		"Open": Open, "OpenReadOnly": OpenReadOnly,
	} {
		_, err := open(context.Background(), url)
		if err == nil || !strings.Contains(err.Error(), "newer than this policywatch knows") {
			t.Errorf("%s: %v, want the newer schema refused", name, err)
		}
	}
	var version int64
	if err := db.QueryRow("SELECT user_version FROM policywatch_schema").Scan(&version); err != nil || version != 999 {
		t.Errorf("version after the refusal: %d, %v", version, err)
	}
	if after := state(); after != before {
		t.Errorf("the refusals changed the database: %s, was %s", after, before)
	}
	// A step this binary does not know, at a version it does.
	if _, err := db.Exec("UPDATE policywatch_schema SET user_version = $1", SchemaVersion()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_steps VALUES (9000, '9000_future.sql', '')"); err != nil {
		t.Fatal(err)
	}
	before = state()
	if _, err := Open(context.Background(), url); err == nil || !strings.Contains(err.Error(), "does not know") {
		t.Errorf("Open with an unknown step: %v", err)
	}
	if after := state(); after != before {
		t.Errorf("the refusal of an unknown step changed the database: %s, was %s", after, before)
	}
}

func TestPostgresEmptyDatabaseIsNotServed(t *testing.T) {
	postgresOnly(t)
	url := pgtest.EmptyDatabase(t)
	for name, open := range map[string]func(context.Context, string) (*Store, error){
		"OpenDatabase": OpenDatabase, "OpenReadOnly": OpenReadOnly,
	} {
		_, err := open(context.Background(), url)
		if err == nil || !strings.Contains(err.Error(), "is empty") {
			t.Errorf("%s: %v, want an empty database refused", name, err)
		}
	}
	if got := tablesOf(t, rawPostgres(t, url)); len(got) != 0 {
		t.Errorf("tables made: %v", got)
	}
	s, err := OpenExisting(context.Background(), url)
	if err != nil {
		t.Fatalf("OpenExisting adopts an empty database: %v", err)
	}
	s.Close()
}

func TestPostgresOpenReadOnly(t *testing.T) {
	postgresOnly(t)
	ctx := context.Background()
	s, url := openTestStore(t)
	sd := writeSeed(t, s)
	ro, err := OpenReadOnly(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	v, err := ro.Version(ctx, sd.v2)
	if err != nil || v.Markdown != string(sd.newContent) {
		t.Errorf("Version through a read-only store: %v", err)
	}
	if err := ro.Write(ctx, func(*Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Write: %v, want ErrReadOnly", err)
	}
}
