package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// History marks say what a document's history shows of a version beyond
// the change that led to it: that it reverts to an older text, returns
// nearly to one, or is half of a flip-flop. archive computes them when a
// version is placed and writes them here; pages read them with the
// versions (VersionSummary.Mark).

// VersionRef names another version of the same document.
type VersionRef struct {
	ID         int64
	CapturedAt time.Time
}

// HistoryMark is a version's marks as pages show them.
type HistoryMark struct {
	RevertsTo    *VersionRef // an older version with the same text
	ReturnsTo    *VersionRef // the version two before, with nearly the same text
	FlipFlop     bool
	FlipFlopWith int64 // the other version of the back-and-forth
}

// MarkRow is a version's marks as archive writes them: version ids, 0 for
// none. NearChecked is the version two before it against which a near
// return was checked (ReturnsTo says the outcome), so that the diff is not
// run again while the versions around it stay the same.
type MarkRow struct {
	RevertsTo    int64
	ReturnsTo    int64
	FlipFlop     bool
	FlipFlopWith int64
	NearChecked  int64
}

// VersionOrder returns the document's versions oldest first, as much of
// each as placing marks needs: id, captured-at and text hash.
func (t *Tx) VersionOrder(documentID int64) ([]VersionSummary, error) {
	rows, err := t.tx.QueryContext(t.ctx, `
		SELECT id, captured_at, text_hash FROM versions
		WHERE document_id = ? ORDER BY captured_at ASC, id ASC`, documentID)
	if err != nil {
		return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
	}
	defer rows.Close()
	var list []VersionSummary
	for rows.Next() {
		v := VersionSummary{DocumentID: documentID}
		var at string
		if err := rows.Scan(&v.ID, &at, &v.TextHash); err != nil {
			return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
		}
		if v.CapturedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("version %d: %w", v.ID, err)
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
	}
	return list, nil
}

// Version returns one version with its content, as of the transaction.
func (t *Tx) Version(id int64) (Version, error) {
	v, p, err := scanVersion(t.tx.QueryRowContext(t.ctx, versionQuery+" WHERE id = ?", id))
	if err == nil {
		err = t.store.unpackVersion(t.ctx, t.tx, &v, p)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, fmt.Errorf("version %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Version{}, fmt.Errorf("version %d: %w", id, err)
	}
	return v, nil
}

// HistoryMarks returns the stored marks of the document's versions, keyed
// by version id, and the release that computed them ("" when none has).
func (t *Tx) HistoryMarks(documentID int64) (map[int64]MarkRow, string, error) {
	release, err := t.MarksRelease(documentID)
	if err != nil {
		return nil, "", err
	}
	rows, err := t.tx.QueryContext(t.ctx, `
		SELECT version_id, ifnull(reverts_to, 0), ifnull(returns_to, 0), flip_flop,
			ifnull(flip_flop_with, 0), ifnull(near_checked, 0)
		FROM history_marks WHERE document_id = ?`, documentID)
	if err != nil {
		return nil, "", fmt.Errorf("marks of document %d: %w", documentID, err)
	}
	defer rows.Close()
	marks := map[int64]MarkRow{}
	for rows.Next() {
		var id int64
		var m MarkRow
		if err := rows.Scan(&id, &m.RevertsTo, &m.ReturnsTo, &m.FlipFlop, &m.FlipFlopWith, &m.NearChecked); err != nil {
			return nil, "", fmt.Errorf("marks of document %d: %w", documentID, err)
		}
		marks[id] = m
	}
	return marks, release, rows.Err()
}

// SetHistoryMarks makes marks the document's stored marks, stamped with
// release, writing only the rows that differ from what is stored. It
// returns how many versions' marks it wrote or deleted.
func (t *Tx) SetHistoryMarks(documentID int64, marks map[int64]MarkRow, release string) (int, error) {
	stored, storedRelease, err := t.HistoryMarks(documentID)
	if err != nil {
		return 0, err
	}
	written := 0
	for id := range stored {
		if _, ok := marks[id]; ok {
			continue
		}
		if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM history_marks WHERE version_id = ?", id); err != nil {
			return written, fmt.Errorf("marks of version %d: %w", id, err)
		}
		written++
	}
	for id, m := range marks {
		if old, ok := stored[id]; ok && old == m {
			continue
		}
		if m == (MarkRow{}) {
			if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM history_marks WHERE version_id = ?", id); err != nil {
				return written, fmt.Errorf("marks of version %d: %w", id, err)
			}
			if _, ok := stored[id]; ok {
				written++
			}
			continue
		}
		_, err := t.tx.ExecContext(t.ctx, `
			INSERT INTO history_marks (version_id, document_id, reverts_to, returns_to, flip_flop, flip_flop_with, near_checked)
			VALUES (?, ?, nullif(?, 0), nullif(?, 0), ?, nullif(?, 0), nullif(?, 0))
			ON CONFLICT (version_id) DO UPDATE SET
				reverts_to = excluded.reverts_to, returns_to = excluded.returns_to, flip_flop = excluded.flip_flop,
				flip_flop_with = excluded.flip_flop_with, near_checked = excluded.near_checked`,
			id, documentID, m.RevertsTo, m.ReturnsTo, m.FlipFlop, m.FlipFlopWith, m.NearChecked)
		if err != nil {
			return written, fmt.Errorf("marks of version %d: %w", id, err)
		}
		written++
	}
	if storedRelease != release {
		if _, err := t.tx.ExecContext(t.ctx, "UPDATE documents SET marks_release = ? WHERE id = ?", release, documentID); err != nil {
			return written, fmt.Errorf("marks of document %d: %w", documentID, err)
		}
	}
	return written, nil
}

// MarksRelease returns the release that computed the document's marks, ""
// when none has.
func (t *Tx) MarksRelease(documentID int64) (string, error) {
	var release string
	err := t.tx.QueryRowContext(t.ctx, "SELECT marks_release FROM documents WHERE id = ?", documentID).Scan(&release)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("document %d: %w", documentID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("marks of document %d: %w", documentID, err)
	}
	return release, nil
}

// versionRef is the reference a marks query's joined columns give, nil
// when the mark is not set.
func versionRef(id sql.NullInt64, at sql.NullString) (*VersionRef, error) {
	if !id.Valid || !at.Valid {
		return nil, nil
	}
	t, err := parseTime(at.String)
	if err != nil {
		return nil, err
	}
	return &VersionRef{ID: id.Int64, CapturedAt: t}, nil
}
