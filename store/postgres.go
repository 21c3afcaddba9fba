package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// A policywatch database on PostgreSQL lives in the schema the connection
// starts in (the first of its search_path, usually public), which holds
// nothing else: an empty schema becomes one, a schema holding tables of
// another application is refused untouched. The table policywatch_schema
// stands for SQLite's application_id and user_version: its one row names
// the application and the highest schema step applied.

// postgresConns bounds the connections one process opens: reads and
// writes share them (PostgreSQL has no single-writer rule).
const postgresConns = 16

// migrationLock is the advisory lock that keeps two processes from
// migrating one database at once ("pwat", as SQLite's application_id).
const migrationLock = applicationID

// IsPostgresURL says whether a --db value names a PostgreSQL database
// (postgres://… or postgresql://…) rather than a SQLite file.
func IsPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// redactURL is a PostgreSQL URL as errors and logs may show it: without
// its password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the PostgreSQL URL given"
	}
	return u.Redacted()
}

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string {
	if s.d.postgres {
		return "postgres"
	}
	return "sqlite"
}

// openPostgres opens the database rawURL names; see open and OpenReadOnly
// for what mode and readOnly ask.
func openPostgres(ctx context.Context, rawURL string, mode openMode, readOnly bool, o options) (*Store, error) {
	name := redactURL(rawURL)
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open database %s: not a PostgreSQL URL this policywatch can read: %v", name, errors.Unwrap(err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(postgresConns)
	db.SetMaxIdleConns(postgresConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{path: name, d: &dialect{postgres: true}}
	s.readers = &pool{DB: db, d: s.d}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: cannot connect to PostgreSQL: %s", name, connectError(err))
	}
	if err := s.initPostgres(ctx, mode, readOnly, o); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// connectError says briefly why a connection failed.
func connectError(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message + " (" + pe.Code + ")"
	}
	return err.Error()
}

func (s *Store) initPostgres(ctx context.Context, mode openMode, readOnly bool, o options) error {
	state, err := inspectPostgres(ctx, s.readers)
	if err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	if err := state.check(); err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	if !state.ours && (readOnly || mode == requireDatabase) {
		return fmt.Errorf("%s: not a policywatch database: schema %q of database %q is empty (import, crawl, worker or migrate-db fill one)",
			s.path, state.schema, state.database)
	}
	if readOnly {
		pending, err := s.pendingPostgresSteps(ctx, s.readers)
		if err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
		if len(pending) > 0 {
			return fmt.Errorf("%s: schema version %d is older than this binary's %d (steps %s not applied), and a read-only command does not upgrade it: run any command that writes (import, crawl, reextract) first",
				s.path, state.version, SchemaVersion(), strings.Join(pending, ", "))
		}
	} else {
		s.writer = s.readers
		if err := s.migratePostgres(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
	}
	if s.codec, err = newCodec(!readOnly); err != nil {
		return err
	}
	if err := s.codec.useOptions(o); err != nil {
		return err
	}
	s.cache = newContentCache(contentCacheBytes)
	return nil
}

// postgresState is what a database holds, as far as opening it cares.
type postgresState struct {
	database, schema string
	ours             bool
	application      int64
	version          int64
	others           []string // tables of the schema when it is not ours
}

// inspectPostgres reads, without writing anything, whose the connection's
// schema is.
func inspectPostgres(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) (postgresState, error) {
	var st postgresState
	var schema sql.NullString
	if err := q.QueryRowContext(ctx, "SELECT current_database(), current_schema()").Scan(&st.database, &schema); err != nil {
		return st, fmt.Errorf("reading the database: %w", err)
	}
	if !schema.Valid {
		return st, errors.New("the connection has no schema to use (its search_path names none that exists)")
	}
	st.schema = schema.String
	rows, err := q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() ORDER BY table_name`)
	if err != nil {
		return st, fmt.Errorf("reading the tables of schema %s: %w", st.schema, err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return st, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	for _, t := range tables {
		if t == "policywatch_schema" {
			st.ours = true
		}
	}
	if !st.ours {
		st.others = tables
		return st, nil
	}
	err = q.QueryRowContext(ctx, "SELECT application_id, user_version FROM policywatch_schema").Scan(&st.application, &st.version)
	if err != nil {
		return st, fmt.Errorf("reading the schema version: %w", err)
	}
	return st, nil
}

// check refuses a schema of another application or of a newer policywatch.
func (st postgresState) check() error {
	switch {
	case !st.ours && len(st.others) > 0:
		shown := st.others
		if len(shown) > 5 {
			shown = append(shown[:5:5], "…")
		}
		return fmt.Errorf("not a policywatch database: schema %q of database %q holds %d tables of another application (%s); give policywatch an empty database or schema",
			st.schema, st.database, len(st.others), strings.Join(shown, ", "))
	case st.ours && st.application != applicationID:
		return fmt.Errorf("not a policywatch database: application_id %#x", st.application)
	case st.ours:
		return checkVersion(st.version)
	}
	return nil
}

// migratePostgres applies the steps the database has not, each in its own
// transaction under an advisory lock, so that workers starting together
// on a new database do not apply a step twice.
func (s *Store) migratePostgres(ctx context.Context) error {
	list, err := postgresMigrations()
	if err != nil {
		return err
	}
	if err := sameSteps(list); err != nil {
		return err
	}
	for _, m := range list {
		if err := s.applyPostgresMigration(ctx, m, list); err != nil {
			return err
		}
	}
	return nil
}

// sameSteps checks that PostgreSQL's migrations are the twins of SQLite's.
func sameSteps(pg []migration) error {
	lite, err := migrations()
	if err != nil {
		return err
	}
	names := func(l []migration) string {
		var n []string
		for _, m := range l {
			n = append(n, m.name)
		}
		return strings.Join(n, " ")
	}
	if names(lite) != names(pg) {
		return fmt.Errorf("this policywatch was built with different schema steps for SQLite (%s) and PostgreSQL (%s)", names(lite), names(pg))
	}
	return nil
}

func (s *Store) applyPostgresMigration(ctx context.Context, m migration, list []migration) error {
	tx, err := s.writer.begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(migrationLock)); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	state, err := inspectPostgres(ctx, tx)
	if err != nil {
		return err
	}
	if err := state.check(); err != nil {
		return err
	}
	applied := map[int64]bool{}
	if state.ours {
		if applied, err = postgresSteps(ctx, tx, list); err != nil {
			return err
		}
	}
	if applied[m.version] {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	for _, stmt := range []string{
		`CREATE TABLE IF NOT EXISTS schema_steps (version bigint PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS policywatch_schema (application_id bigint NOT NULL, user_version bigint NOT NULL)`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	now := time.Now().UTC().Format(timeLayout)
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_steps (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, now); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	version := max(state.version, m.version)
	if _, err := tx.ExecContext(ctx, "DELETE FROM policywatch_schema"); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO policywatch_schema (application_id, user_version) VALUES (?, ?)", int64(applicationID), version); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}

// postgresSteps returns the steps the database has applied, refusing one
// this binary does not know.
func postgresSteps(ctx context.Context, q stepsQuerier, list []migration) (map[int64]bool, error) {
	applied := map[int64]bool{}
	if err := recordedSteps(ctx, q, applied); err != nil {
		return nil, err
	}
	if err := refuseUnknownSteps(applied, list); err != nil {
		return nil, err
	}
	return applied, nil
}

// pendingPostgresSteps names the steps of this binary the database has not
// applied.
func (s *Store) pendingPostgresSteps(ctx context.Context, q stepsQuerier) ([]string, error) {
	list, err := postgresMigrations()
	if err != nil {
		return nil, err
	}
	applied, err := postgresSteps(ctx, q, list)
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, m := range list {
		if !applied[m.version] {
			pending = append(pending, m.name)
		}
	}
	return pending, nil
}

// postgresTables lists the tables of the connection's schema.
func postgresTables(ctx context.Context, tx *dbTx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, rows.Err()
}

// readEveryRow is IntegrityCheck on PostgreSQL.
func (s *Store) readEveryRow(ctx context.Context) error {
	return s.read(ctx, func(tx *dbTx) error {
		tables, err := postgresTables(ctx, tx)
		if err != nil {
			return fmt.Errorf("integrity check of %s: %w", s.path, err)
		}
		for _, t := range tables {
			var n int64
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT t FROM "+quoteIdentifier(t)+" t) r").Scan(&n); err != nil {
				return fmt.Errorf("integrity check of %s: table %s: %w", s.path, t, err)
			}
		}
		return nil
	})
}

// pingPostgres is Ping on PostgreSQL: the first row of every table.
func (s *Store) pingPostgres(ctx context.Context) error {
	return s.read(ctx, func(tx *dbTx) error {
		tables, err := postgresTables(ctx, tx)
		if err != nil {
			return fmt.Errorf("reading the schema of %s: %w", s.path, err)
		}
		if len(tables) == 0 {
			return fmt.Errorf("reading %s: the database holds no table", s.path)
		}
		firsts := make([]string, len(tables))
		for i, t := range tables {
			firsts[i] = "SELECT 1 FROM (SELECT 1 FROM " + quoteIdentifier(t) + " LIMIT 1) f" + fmt.Sprint(i)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM ("+strings.Join(firsts, " UNION ALL ")+") firsts").Scan(&n); err != nil {
			return fmt.Errorf("reading the tables of %s: %w", s.path, err)
		}
		return nil
	})
}

// postgresSize is the size of the database, as PostgreSQL counts it.
func (s *Store) postgresSize() int64 {
	var n int64
	if err := s.readers.QueryRowContext(context.Background(), "SELECT pg_database_size(current_database())").Scan(&n); err != nil {
		return 0
	}
	return n
}
