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
// Both queries read an index alone (schema step 13): a document's rows
// lie among every other document's, one page each.
func (s *Store) VersionPoints(ctx context.Context, documentID int64) ([]VersionPoint, error) {
	var points []VersionPoint
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := s.queryIn(ctx, tx, `
			SELECT id, captured_at, words FROM versions WHERE document_id = ?
			ORDER BY captured_at DESC, id DESC`, documentID)
		if err != nil {
			return err
		}
		defer rows.Close()
		at := map[int64]int{} // version id → index in points
		for rows.Next() {
			var p VersionPoint
			var when string
			if err := rows.Scan(&p.ID, &when, &p.Words); err != nil {
				return err
			}
			if p.CapturedAt, err = parseTime(when); err != nil {
				return fmt.Errorf("version %d: %w", p.ID, err)
			}
			at[p.ID] = len(points)
			points = append(points, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(points) == 0 {
			return documentExists(ctx, tx, documentID)
		}
		rows, err = s.queryIn(ctx, tx, `
			SELECT to_version_id, from_version_id, class, magnitude FROM changes WHERE document_id = ?`, documentID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var to, from int64
			var class, magnitude string
			if err := rows.Scan(&to, &from, &class, &magnitude); err != nil {
				return err
			}
			if i, ok := at[to]; ok {
				points[i].FromVersionID, points[i].Class, points[i].Magnitude = from, class, magnitude
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
	}
	return points, nil
}
