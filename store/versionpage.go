package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// VersionPage is what a version's page shows: the version with its
// sections, the versions just before and after it in its document's
// history, its reading measures and how its capture was fetched.
type VersionPage struct {
	// Version has its Sections, which are shared with the store's cache
	// and must not be modified; its Markdown may be left empty (Store.Version
	// reads it).
	Version
	// Previous and Next are the versions just older and just newer (by
	// captured-at, then id), nil at either end of the history.
	Previous, Next *VersionRef
	// Readability is as stored when the version was placed; nil when it
	// was not measured.
	Readability *Readability
	Capture     CaptureInfo
}

// VersionPage reads what version id's page shows in one read
// transaction: a page read its version, its neighbours (two pages of a
// timeline, each with changes and marks), its summary and its capture in
// five, which were a fifth of its time on a large archive.
func (s *Store) VersionPage(ctx context.Context, id int64) (VersionPage, error) {
	var page VersionPage
	err := s.read(ctx, func(tx *dbTx) error {
		q := preparedTx{s, tx}
		v, p, err := scanVersion(q.QueryRowContext(ctx, versionQuery+" WHERE id = ?", id))
		if err != nil {
			return err
		}
		if err := s.unpackSections(ctx, q, &v, p); err != nil {
			return err
		}
		page.Version = v
		for _, side := range []struct {
			into  **VersionRef
			query string
		}{
			{&page.Previous, `SELECT v.id, v.captured_at FROM versions v WHERE v.document_id = ?
				AND (v.captured_at, v.id) < (SELECT captured_at, id FROM versions WHERE id = ?)
				ORDER BY v.captured_at DESC, v.id DESC LIMIT 1`},
			{&page.Next, `SELECT v.id, v.captured_at FROM versions v WHERE v.document_id = ?
				AND (v.captured_at, v.id) > (SELECT captured_at, id FROM versions WHERE id = ?)
				ORDER BY v.captured_at, v.id LIMIT 1`},
		} {
			var ref sql.NullInt64
			var at sql.NullString
			err := q.QueryRowContext(ctx, side.query, v.DocumentID, id).Scan(&ref, &at)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if *side.into, err = versionRef(ref, at); err != nil {
				return err
			}
		}
		var r Readability
		err = q.QueryRowContext(ctx, `SELECT sentences, syllables, reading_seconds, grade, release
			FROM version_readability WHERE version_id = ?`, id).Scan(&r.Sentences, &r.Syllables, &r.ReadingSeconds, &r.Grade, &r.Release)
		switch {
		case err == nil:
			page.Readability = &r
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("reading measures: %w", err)
		}
		page.Capture, err = s.versionCapture(ctx, tx, id)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return VersionPage{}, fmt.Errorf("version %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return VersionPage{}, fmt.Errorf("version %d: %w", id, err)
	}
	return page, nil
}
