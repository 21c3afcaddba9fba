package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one forward-only schema step; its version is the number that
// starts its file name (0001_init.sql is version 1).
type migration struct {
	version int64
	name    string
	sql     string
}

// Numbers are handed out to pieces of work before they are merged, so the
// embedded list may have a gap — a step numbered 10 merged before the 9
// another branch holds. A database therefore keeps the set of steps it has
// applied (schema_steps), and every step not in it is applied, in order;
// user_version is the highest step applied, which an older binary reads
// to refuse a database newer than itself. A database without the table
// was migrated by a release whose steps had no gaps: it has applied every
// step up to its user_version.
const stepsTable = `CREATE TABLE IF NOT EXISTS schema_steps (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// migrations returns SQLite's embedded migrations in order, checking that
// no two share a number.
func migrations() ([]migration, error) { return migrationsIn("migrations") }

// postgresMigrations are the twins of migrations for PostgreSQL, with the
// same numbers and names.
func postgresMigrations() ([]migration, error) { return migrationsIn("migrations/postgres") }

func migrationsIn(dir string) ([]migration, error) {
	names, err := fs.Glob(migrationFiles, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var list []migration
	for _, name := range names {
		base := path.Base(name)
		prefix, _, ok := strings.Cut(base, "_")
		version, err := strconv.ParseInt(prefix, 10, 64)
		if !ok || err != nil || version < 1 {
			return nil, fmt.Errorf("migration %s: name does not start with a number from 1 and '_'", base)
		}
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		list = append(list, migration{version: version, name: base, sql: string(text)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i := 1; i < len(list); i++ {
		if list[i].version == list[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", list[i-1].name, list[i].name)
		}
	}
	return list, nil
}

// SchemaVersion is the highest schema step this binary knows, which
// migrated databases carry as their user_version.
func SchemaVersion() int64 {
	list, err := migrations()
	if err != nil || len(list) == 0 {
		return 0
	}
	return list[len(list)-1].version
}

// checkVersion refuses a database migrated by a newer policywatch.
func checkVersion(version int64) error { return checkVersionAgainst(version, SchemaVersion()) }

func checkVersionAgainst(version, known int64) error {
	if version > known {
		return fmt.Errorf("database schema version %d is newer than this policywatch knows (%d); use a newer policywatch", version, known)
	}
	return nil
}

// stepsQuerier is what reading the applied steps needs: a transaction or a pool.
type stepsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// appliedSteps returns the steps a database at userVersion has applied:
// those schema_steps lists, or every step up to userVersion when it has no
// such table. It refuses a database with a step this binary does not know.
func appliedSteps(ctx context.Context, q stepsQuerier, userVersion int64, list []migration) (map[int64]bool, error) {
	applied := map[int64]bool{}
	var hasTable bool
	err := q.QueryRowContext(ctx, "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_steps'").Scan(&hasTable)
	if err != nil {
		return nil, fmt.Errorf("reading the schema steps: %w", err)
	}
	if !hasTable {
		for v := int64(1); v <= userVersion; v++ {
			applied[v] = true
		}
	} else if err := recordedSteps(ctx, q, applied); err != nil {
		return nil, err
	}
	if err := refuseUnknownSteps(applied, list); err != nil {
		return nil, err
	}
	return applied, nil
}

// recordedSteps adds to applied the steps schema_steps lists.
func recordedSteps(ctx context.Context, q stepsQuerier, applied map[int64]bool) error {
	rows, err := q.QueryContext(ctx, "SELECT version FROM schema_steps")
	if err != nil {
		return fmt.Errorf("reading the schema steps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("reading the schema steps: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading the schema steps: %w", err)
	}
	return nil
}

// refuseUnknownSteps refuses a database with a step this binary does not
// know (one of a newer policywatch).
func refuseUnknownSteps(applied map[int64]bool, list []migration) error {
	known := map[int64]bool{}
	for _, m := range list {
		known[m.version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("the database has schema step %d, which this policywatch does not know; use a newer policywatch", v)
		}
	}
	return nil
}

// migrate applies every migration the database has not seen, each in its own
// IMMEDIATE transaction. The steps are re-read inside the transaction, so
// two processes opening the same new file do not apply a step twice.
func (s *Store) migrate(ctx context.Context) error {
	list, err := migrations()
	if err != nil {
		return err
	}
	for _, m := range list {
		if err := s.applyMigration(ctx, m, list); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration, list []migration) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()

	var appID, version int64
	if err := tx.QueryRowContext(ctx,
		"SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
	).Scan(&appID, &version); err != nil {
		return explainOpenError(err)
	}
	if appID != 0 && appID != applicationID {
		return fmt.Errorf("not a policywatch database: application_id %#x", appID)
	}
	if err := checkVersionAgainst(version, list[len(list)-1].version); err != nil {
		return err
	}
	applied, err := appliedSteps(ctx, tx, version, list)
	if err != nil {
		return err
	}
	if applied[m.version] {
		return nil
	}
	if migrationStep != nil {
		migrationStep(m.version, false)
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	// The table records the steps applied before it existed: all of them
	// up to the user_version of a release without gaps.
	if _, err := tx.ExecContext(ctx, stepsTable); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	now := time.Now().UTC().Format(timeLayout)
	for _, done := range list {
		if applied[done.version] || done.version == m.version {
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_steps (version, name, applied_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				done.version, done.name, now); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
	}
	// PRAGMA takes no parameters; both values are our own integers.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, max(version, m.version))); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if migrationStep != nil {
		migrationStep(m.version, true)
	}
	return nil
}

// pendingSteps names the steps of this binary a database has not applied,
// for a read-only open, which cannot apply them.
func pendingSteps(ctx context.Context, q stepsQuerier, userVersion int64) ([]string, error) {
	list, err := migrations()
	if err != nil {
		return nil, err
	}
	applied, err := appliedSteps(ctx, q, userVersion, list)
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

// migrationStep, when set (by the kill tests' child process), is told of
// each migration applied: as it starts, and once it has committed.
var migrationStep func(version int64, committed bool)
