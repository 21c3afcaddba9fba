package store

import (
	"fmt"
)

// Re-extraction regenerates a document's versions from its snapshots with
// a newer extractor. These methods let it check, inside its transaction,
// that no capture arrived since it read the fetches, and then keep or
// rewrite the document's history.

// LastFetchID returns the id of the document's most recently stored
// fetch, 0 when it has none.
func (t *Tx) LastFetchID(documentID int64) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(t.ctx,
		"SELECT ifnull(max(id), 0) FROM fetches WHERE document_id = ?", documentID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last fetch of document %d: %w", documentID, err)
	}
	return id, nil
}

// VersionsOf returns the document's versions, full, oldest first.
func (t *Tx) VersionsOf(documentID int64) ([]Version, error) {
	rows, err := t.tx.QueryContext(t.ctx,
		versionQuery+" WHERE document_id = ? ORDER BY captured_at ASC, id ASC", documentID)
	if err != nil {
		return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
	}
	defer rows.Close()
	var list []Version
	var packed []packedText
	for rows.Next() {
		v, p, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
		}
		list, packed = append(list, v), append(packed, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
	}
	rows.Close() // the texts are read with queries of their own
	for i := range list {
		if err := t.store.unpackVersion(t.ctx, t.tx, &list[i], packed[i]); err != nil {
			return nil, fmt.Errorf("versions of document %d: %w", documentID, err)
		}
	}
	return list, nil
}

// SetVersionExtractor records that another extractor release gives the
// version's text unchanged, and the word count that release gives it.
func (t *Tx) SetVersionExtractor(versionID int64, extractor string, words int) error {
	res, err := t.tx.ExecContext(t.ctx, "UPDATE versions SET extractor = ?, words = ? WHERE id = ?", extractor, words, versionID)
	if err != nil {
		return fmt.Errorf("version %d: set extractor: %w", versionID, err)
	}
	return expectOneRow(res, fmt.Sprintf("version %d", versionID))
}

// DeleteHistory deletes the document's changes, marks, versions and what
// indexes them for search (its fetches and snapshots stay), so that
// re-extraction can record them again.
func (t *Tx) DeleteHistory(documentID int64) error {
	// The search index forgets the versions, and the passages only they held.
	passages, err := t.unpostVersions("version_id IN (SELECT id FROM versions WHERE document_id = ?)", documentID)
	if err != nil {
		return fmt.Errorf("delete the search postings of document %d: %w", documentID, err)
	}
	if err := t.dropUnheldPassages(passages); err != nil {
		return fmt.Errorf("delete the search passages of document %d: %w", documentID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM history_marks WHERE document_id = ?", documentID); err != nil {
		return fmt.Errorf("delete history marks of document %d: %w", documentID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM changes WHERE document_id = ?", documentID); err != nil {
		return fmt.Errorf("delete changes of document %d: %w", documentID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM versions WHERE document_id = ?", documentID); err != nil {
		return fmt.Errorf("delete versions of document %d: %w", documentID, err)
	}
	return nil
}

// ChangeStamps returns, for each change of the document, the diff release
// that computed it, keyed by the id of the version it leads to.
func (t *Tx) ChangeStamps(documentID int64) (map[int64]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT to_version_id, differ FROM changes WHERE document_id = ?", documentID)
	if err != nil {
		return nil, fmt.Errorf("changes of document %d: %w", documentID, err)
	}
	defer rows.Close()
	stamps := map[int64]string{}
	for rows.Next() {
		var to int64
		var differ string
		if err := rows.Scan(&to, &differ); err != nil {
			return nil, fmt.Errorf("changes of document %d: %w", documentID, err)
		}
		stamps[to] = differ
	}
	return stamps, rows.Err()
}
