package store

import (
	"context"
	"fmt"
	"time"
)

// VersionPoint is what a chart of a document's whole history needs of a
// version: when it was captured, its words, and the class of the stored
// change that made it. A history of thousands of versions is read in a
// few milliseconds this way, where VersionsIn reads marks, stories and
// readability too.
type VersionPoint struct {
	ID         int64
	CapturedAt time.Time
	Words      int
	// FromVersionID is the version the change came from, 0 for a version
	// without a stored change (the first); Class and Magnitude are the
	// change's.
	FromVersionID    int64
	Class, Magnitude string
}

// VersionPoints returns every version of a document, newest first, as
// VersionsIn orders them; ErrNotFound for a document that does not exist.
// It reads two indexes alone (schema step 13): a document's rows lie among
// every other document's, one page each. One statement joins them: as two
// (versions, then changes matched in a map) a 2,000-version history cost
// twice the rows through the driver, most of the page's time.
func (s *Store) VersionPoints(ctx context.Context, documentID int64) ([]VersionPoint, error) {
	var points []VersionPoint
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := s.queryIn(ctx, tx, `
			SELECT v.id, v.captured_at, v.words, ifnull(c.from_version_id, 0), ifnull(c.class, ''), ifnull(c.magnitude, '')
			FROM versions v LEFT JOIN changes c ON c.document_id = v.document_id AND c.to_version_id = v.id
			WHERE v.document_id = ?
			ORDER BY v.captured_at DESC, v.id DESC`, documentID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p VersionPoint
			var when string
			if err := rows.Scan(&p.ID, &when, &p.Words, &p.FromVersionID, &p.Class, &p.Magnitude); err != nil {
				return err
			}
			if p.CapturedAt, err = parseTime(when); err != nil {
				return fmt.Errorf("version %d: %w", p.ID, err)
			}
			points = append(points, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(points) == 0 {
			return documentExists(ctx, tx, documentID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
	}
	return points, nil
}

// VersionTime is a version's id and capture time: what a list to pick a
// version from shows.
type VersionTime struct {
	ID         int64
	CapturedAt time.Time
}

// VersionTimes returns the newest limit versions of a document (all when
// limit ≤ 0), newest first as VersionsIn orders them, from the covering
// index alone: the diff page's version picker read 200 whole timeline rows
// (29 columns each, with their changes and marks) for two of their columns.
func (s *Store) VersionTimes(ctx context.Context, documentID int64, limit int) ([]VersionTime, error) {
	var out []VersionTime
	var max any = limit
	if limit <= 0 {
		max = s.d.noLimit()
	}
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := s.queryIn(ctx, tx, versionTimesQuery, documentID, max)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v VersionTime
			var when string
			if err := rows.Scan(&v.ID, &when); err != nil {
				return err
			}
			if v.CapturedAt, err = parseTime(when); err != nil {
				return fmt.Errorf("version %d: %w", v.ID, err)
			}
			out = append(out, v)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return documentExists(ctx, tx, documentID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("version times of document %d: %w", documentID, err)
	}
	return out, nil
}

const versionTimesQuery = `
	SELECT id, captured_at FROM versions
	WHERE document_id = ?1
	ORDER BY captured_at DESC, id DESC
	LIMIT ?2`
