package store

import (
	"context"

	"errors"
	"fmt"
	"time"
)

// ImportCursor is where an import of history (an Open Terms Archive
// repository, the Wayback Machine) stopped, for one source and, when
// Document is not empty, one of its documents. Zero times mean "none".
type ImportCursor struct {
	Source   string    // e.g. "ota-snapshots:ROOT", "wayback"
	Document string    // "" for the source as a whole, else "SERVICE/TYPE"
	Position string    // the last commit or archive timestamp imported
	At       time.Time // the capture time given to the last capture
	OriginAt time.Time // the time the source gave it (see the migration)
}

// ImportCursors returns every cursor of source, by document ("" for the
// source's own).
func (s *Store) ImportCursors(ctx context.Context, source string) (map[string]ImportCursor, error) {
	cursors := map[string]ImportCursor{}
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := tx.QueryContext(ctx,
			"SELECT document, position, at, origin_at FROM import_cursors WHERE source = ?", source)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := ImportCursor{Source: source}
			var at, origin string
			if err := rows.Scan(&c.Document, &c.Position, &at, &origin); err != nil {
				return err
			}
			if c.At, err = parseOptionalTime(at); err != nil {
				return err
			}
			if c.OriginAt, err = parseOptionalTime(origin); err != nil {
				return err
			}
			cursors[c.Document] = c
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("reading the import cursors of %s from %s: %w", source, s.path, err)
	}
	return cursors, nil
}

// ImportCursor returns one cursor; ok is false when there is none.
func (s *Store) ImportCursor(ctx context.Context, source, document string) (c ImportCursor, ok bool, err error) {
	all, err := s.ImportCursors(ctx, source)
	if err != nil {
		return ImportCursor{}, false, err
	}
	c, ok = all[document]
	return c, ok, nil
}

// PutImportCursor stores c, replacing the cursor of its source and document.
func (s *Store) PutImportCursor(ctx context.Context, c ImportCursor) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.PutImportCursor(c) })
}

// PutImportCursor stores c inside a transaction, so that a cursor moves in
// the same transaction as the capture it passes.
func (t *Tx) PutImportCursor(c ImportCursor) error {
	what := fmt.Sprintf("import cursor of %s %q", c.Source, c.Document)
	if c.Source == "" {
		return errors.New("import cursor: empty source")
	}
	at, err := formatOptionalTime(c.At)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	origin, err := formatOptionalTime(c.OriginAt)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `
		INSERT INTO import_cursors (source, document, position, at, origin_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (source, document) DO UPDATE SET
			position = excluded.position, at = excluded.at, origin_at = excluded.origin_at`,
		c.Source, c.Document, c.Position, at, origin); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// DeleteImportCursors forgets every cursor of source, for an import that
// starts again from the beginning.
func (s *Store) DeleteImportCursors(ctx context.Context, source string) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM import_cursors WHERE source = ?", source); err != nil {
			return fmt.Errorf("forgetting the import cursors of %s: %w", source, err)
		}
		return nil
	})
}
