package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one forward-only schema step; its version is the number that
// starts its file name (0001_init.sql is version 1).
type migration struct {
	version int64
	name    string
	sql     string
}

// migrations returns the embedded migrations in order, checking that they
// are numbered 1, 2, 3… without gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var list []migration
	for _, name := range names {
		base := path.Base(name)
		prefix, _, ok := strings.Cut(base, "_")
		version, err := strconv.ParseInt(prefix, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name does not start with a number and '_'", base)
		}
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		list = append(list, migration{version: version, name: base, sql: string(text)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i, m := range list {
		if m.version != int64(i+1) {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return list, nil
}

// SchemaVersion is the schema version this binary migrates databases to.
func SchemaVersion() int64 {
	list, err := migrations()
	if err != nil {
		return 0
	}
	return int64(len(list))
}

// checkVersion refuses a database migrated by a newer policywatch.
func checkVersion(version int64) error {
	if known := SchemaVersion(); version > known {
		return fmt.Errorf("database schema version %d is newer than this policywatch knows (%d); use a newer policywatch", version, known)
	}
	return nil
}

// migrate applies every migration the database has not seen, each in its own
// IMMEDIATE transaction. The version is re-read inside the transaction, so
// two processes opening the same new file do not apply a step twice.
func (s *Store) migrate(ctx context.Context) error {
	list, err := migrations()
	if err != nil {
		return err
	}
	for _, m := range list {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()

	var appID, version int64
	if err := tx.QueryRowContext(ctx,
		"SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
	).Scan(&appID, &version); err != nil {
		return fmt.Errorf("not a policywatch database: %w", err)
	}
	if appID != 0 && appID != applicationID {
		return fmt.Errorf("not a policywatch database: application_id %#x", appID)
	}
	if err := checkVersion(version); err != nil {
		return err
	}
	if version >= m.version {
		return nil
	}
	if version != m.version-1 {
		return fmt.Errorf("migration %s: database is at version %d", m.name, version)
	}
	if migrationStep != nil {
		migrationStep(m.version, false)
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	// PRAGMA takes no parameters; both values are our own integers.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, m.version)); err != nil {
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

// migrationStep, when set (by the kill tests' child process), is told of
// each migration applied: as it starts, and once it has committed.
var migrationStep func(version int64, committed bool)
