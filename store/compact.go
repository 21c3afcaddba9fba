package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// Compaction packs what older releases stored (each capture a frame of its
// own, version texts in plain columns) into the chains new rows go to.
// It is not part of the migration to schema 5: packing costs ~10-20 ms of
// CPU a capture, hours for an archive of millions, and a migration runs in
// one transaction inside every command's Open. Compact instead changes a
// batch of rows per short write transaction, each row in one UPDATE that
// replaces its old form by its new one, so other commands keep working
// meanwhile, a kill at any moment leaves every row in one form or the
// other, and running it again carries on where it stopped.
//
// A row is re-packed from its content as read and verified (SHA-256): a
// row that does not verify is left as it is and reported. Legacy snapshots
// join the chain of the document whose fetch names them first (by fetch
// id), after the captures already in that chain.

// compactBatch bounds the time one write transaction holds the lock (a
// variable for the kill tests, which want many batches).
var compactBatch = 250 * time.Millisecond

// CompactOptions tunes Compact.
type CompactOptions struct {
	// Progress, when set, is told how many rows are packed of how many.
	Progress func(done, total int)
	// NoVacuum leaves the freed pages in the file (later writes reuse
	// them) instead of rewriting the file to its new size.
	NoVacuum bool
}

// CompactStats says what Compact did.
type CompactStats struct {
	Snapshots                               int      // snapshots packed
	SnapshotBytesBefore, SnapshotBytesAfter int64    // their frames, before and after
	Versions                                int      // versions whose texts were packed
	VersionBytesBefore, VersionBytesAfter   int64    // their texts, before and after
	TextsChecked                            int      // packed texts checked against the layout
	TextsRelaid                             int      // of those, compressed again against another base
	RelaidBytesBefore, RelaidBytesAfter     int64    // their frames, before and after
	FileBytesBefore, FileBytesAfter         int64    // the database file with its WAL
	Damaged                                 []string // rows left as they were: their content does not verify
	Vacuumed                                bool
}

// Compact packs the snapshots and version texts stored by older releases;
// see the comment above. On a database with nothing left to pack it only
// vacuums.
func (s *Store) Compact(ctx context.Context, opts CompactOptions) (CompactStats, error) {
	var st CompactStats
	if s.writer == nil {
		return st, fmt.Errorf("compact %s: %w", s.path, ErrReadOnly)
	}
	st.FileBytesBefore = s.fileBytes()
	var snapshots, versions int
	err := s.read(ctx, func(tx *dbTx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT f.snapshot_hash) FROM fetches f
			JOIN snapshots s ON s.hash = f.snapshot_hash WHERE s.chain IS NULL`).Scan(&snapshots); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM versions WHERE packed_hash IS NULL").Scan(&versions)
	})
	if err != nil {
		return st, fmt.Errorf("compact %s: counting what to pack: %w", s.path, err)
	}
	total := snapshots + versions
	progress := func() {
		if opts.Progress != nil {
			opts.Progress(st.Snapshots+st.Versions+st.TextsChecked+len(st.Damaged), total)
		}
	}
	progress()
	// Each pass goes on from its cursor, a batch per write transaction.
	inBatches := func(batch func(tx *Tx) (more bool, err error)) error {
		for more := true; more; {
			if err := s.Write(ctx, func(tx *Tx) (err error) { more, err = batch(tx); return err }); err != nil {
				return fmt.Errorf("compact %s: %w", s.path, err)
			}
			progress()
		}
		return nil
	}
	var snapshotCursor, versionCursor int64
	if err := inBatches(func(tx *Tx) (more bool, err error) {
		snapshotCursor, more, err = tx.packSnapshots(snapshotCursor, &st)
		return more, err
	}); err != nil {
		return st, err
	}
	if err := inBatches(func(tx *Tx) (more bool, err error) {
		versionCursor, more, err = tx.packVersions(versionCursor, &st)
		return more, err
	}); err != nil {
		return st, err
	}
	// Then every packed text after the first of its chain is checked
	// against textBaseSeq's layout, those packed just now included.
	var texts int
	if err := s.read(ctx, func(tx *dbTx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM versions WHERE packed_seq > 1").Scan(&texts)
	}); err != nil {
		return st, fmt.Errorf("compact %s: counting the texts to check: %w", s.path, err)
	}
	total = st.Snapshots + st.Versions + len(st.Damaged) + texts
	var textCursor chainPosition
	if err := inBatches(func(tx *Tx) (more bool, err error) {
		textCursor, more, err = tx.relayTexts(textCursor, &st)
		return more, err
	}); err != nil {
		return st, err
	}
	if s.d.postgres {
		// Autovacuum reuses the freed space; VACUUM FULL would lock every
		// table for its length, which many workers cannot wait for.
		if !opts.NoVacuum {
			if _, err := s.writer.ExecContext(ctx, "VACUUM (ANALYZE) snapshots, versions"); err != nil {
				return st, fmt.Errorf("compact %s: vacuum: %w", s.path, err)
			}
			st.Vacuumed = true
		}
		st.FileBytesAfter = s.fileBytes()
		return st, nil
	}
	if !opts.NoVacuum {
		// VACUUM rewrites the file in one transaction: a kill leaves the
		// file as it was before it.
		if _, err := s.writer.ExecContext(ctx, "VACUUM"); err != nil {
			return st, fmt.Errorf("compact %s: vacuum (every row is packed; the file keeps its size until then): %w", s.path, err)
		}
		st.Vacuumed = true
	}
	if _, err := s.writer.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return st, fmt.Errorf("compact %s: checkpoint: %w", s.path, err)
	}
	st.FileBytesAfter = s.fileBytes()
	return st, nil
}

// fileBytes is the size of the database file and its WAL.
func (s *Store) fileBytes() int64 {
	if s.d.postgres {
		return s.postgresSize()
	}
	var n int64
	for _, name := range []string{s.path, s.path + "-wal"} {
		if info, err := os.Stat(name); err == nil {
			n += info.Size()
		}
	}
	return n
}

// packSnapshots packs legacy snapshots named by fetches after cursor, for
// up to compactBatch, and returns the fetch id to go on after.
func (t *Tx) packSnapshots(cursor int64, st *CompactStats) (next int64, more bool, err error) {
	rows, err := t.tx.QueryContext(t.ctx, `
		SELECT f.id, f.document_id, f.snapshot_hash, length(s.compressed) FROM fetches f
		JOIN snapshots s ON s.hash = f.snapshot_hash
		WHERE f.id > ? AND s.chain IS NULL ORDER BY f.id LIMIT 256`, cursor)
	if err != nil {
		return 0, false, fmt.Errorf("snapshots to pack: %w", err)
	}
	type todo struct {
		fetch, document, stored int64
		hash                    string
	}
	var list []todo
	for rows.Next() {
		var r todo
		if err := rows.Scan(&r.fetch, &r.document, &r.hash, &r.stored); err != nil {
			rows.Close()
			return 0, false, fmt.Errorf("snapshots to pack: %w", err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, fmt.Errorf("snapshots to pack: %w", err)
	}
	start := time.Now()
	done := map[string]bool{}
	for _, r := range list {
		if time.Since(start) > compactBatch {
			return cursor, true, nil
		}
		cursor = r.fetch
		if done[r.hash] { // named by two fetches of this batch
			continue
		}
		done[r.hash] = true
		content, err := t.store.snapshotContent(t.ctx, t.tx, r.hash)
		if err != nil {
			st.Damaged = append(st.Damaged, err.Error())
			continue
		}
		base, baseDepth, seq, err := t.chainEnd(r.document)
		if err != nil {
			return 0, false, err
		}
		chain := sql.NullInt64{Int64: r.document, Valid: true}
		if err := t.writeFrame(r.hash, content, base, baseDepth, chain, sql.NullInt64{Int64: seq, Valid: true}, " AND chain IS NULL"); err != nil {
			return 0, false, err
		}
		var stored int64
		if err := t.tx.QueryRowContext(t.ctx, "SELECT length(compressed) FROM snapshots WHERE hash = ?", r.hash).Scan(&stored); err != nil {
			return 0, false, fmt.Errorf("snapshot %s: %w", r.hash, err)
		}
		st.Snapshots++
		st.SnapshotBytesBefore += r.stored
		st.SnapshotBytesAfter += stored
	}
	return cursor, len(list) > 0, nil
}

// packVersions packs the texts of legacy versions after cursor (by id),
// for up to compactBatch, and returns the id to go on after.
func (t *Tx) packVersions(cursor int64, st *CompactStats) (next int64, more bool, err error) {
	rows, err := t.tx.QueryContext(t.ctx, `
		SELECT id, document_id, markdown, sections FROM versions
		WHERE id > ? AND packed_hash IS NULL ORDER BY id LIMIT 64`, cursor)
	if err != nil {
		return 0, false, fmt.Errorf("versions to pack: %w", err)
	}
	type todo struct {
		id, document      int64
		markdown, section string
	}
	var list []todo
	for rows.Next() {
		var r todo
		if err := rows.Scan(&r.id, &r.document, &r.markdown, &r.section); err != nil {
			rows.Close()
			return 0, false, fmt.Errorf("versions to pack: %w", err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, fmt.Errorf("versions to pack: %w", err)
	}
	start := time.Now()
	for _, r := range list {
		if time.Since(start) > compactBatch {
			return cursor, true, nil
		}
		cursor = r.id
		p, err := t.packTexts(r.document, r.markdown, []byte(r.section))
		if err != nil {
			return 0, false, fmt.Errorf("texts of version %d: %w", r.id, err)
		}
		res, err := t.tx.ExecContext(t.ctx, `
			UPDATE versions SET markdown = '', sections = '', packed = ?, packed_hash = ?, packed_base = ?, packed_depth = ?, packed_seq = ?
			WHERE id = ? AND packed_hash IS NULL`, p.frame, p.sum, p.base, p.depth, p.seq, r.id)
		if err != nil {
			return 0, false, fmt.Errorf("texts of version %d: %w", r.id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return 0, false, fmt.Errorf("texts of version %d: %d rows packed, %v", r.id, n, err)
		}
		st.Versions++
		st.VersionBytesBefore += int64(len(r.markdown) + len(r.section))
		st.VersionBytesAfter += int64(len(p.frame))
	}
	return cursor, len(list) > 0, nil
}

// chainPosition is a position in a document's chain of version texts.
type chainPosition struct{ document, seq int64 }

// relayTexts compresses again, against the base textBaseSeq names, the
// texts of versions after position after that were compressed against
// another (older releases laid texts out in runs of 16, as captures are,
// so that a version page decoded ~8 frames), for up to
// compactBatch, and returns the position to go on after. A frame depends
// on its base's content only, never on how that base is stored, so each
// row changes alone, in one UPDATE: a kill leaves it in its old frame or
// its new one, which read back the same bytes. A document's positions are
// taken in order, so a row's base has its final depth when the row is
// laid, and depths keep growing along every chain (CopyArchive copies rows
// by depth, bases first).
func (t *Tx) relayTexts(after chainPosition, st *CompactStats) (next chainPosition, more bool, err error) {
	rows, err := t.tx.QueryContext(t.ctx, `
		SELECT id, document_id, packed_seq, ifnull(packed_base, 0), packed_depth, packed_hash, length(packed) FROM versions
		WHERE packed_seq > 1 AND (document_id > ? OR (document_id = ? AND packed_seq > ?))
		ORDER BY document_id, packed_seq LIMIT 256`, after.document, after.document, after.seq)
	if err != nil {
		return after, false, fmt.Errorf("version texts to check: %w", err)
	}
	type todo struct {
		id, base, stored int64
		at               chainPosition
		depth            int
		sum              []byte
	}
	var list []todo
	for rows.Next() {
		var r todo
		if err := rows.Scan(&r.id, &r.at.document, &r.at.seq, &r.base, &r.depth, &r.sum, &r.stored); err != nil {
			rows.Close()
			return after, false, fmt.Errorf("version texts to check: %w", err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return after, false, fmt.Errorf("version texts to check: %w", err)
	}
	start := time.Now()
	for _, r := range list {
		if time.Since(start) > compactBatch {
			return after, true, nil
		}
		after = r.at
		st.TextsChecked++
		var want int64
		var wantDepth int
		err := t.tx.QueryRowContext(t.ctx, "SELECT id, packed_depth FROM versions WHERE document_id = ? AND packed_seq = ?",
			r.at.document, textBaseSeq(r.at.seq)).Scan(&want, &wantDepth)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && r.base == 0) {
			continue // no version at that position, or a frame of its own: left as it is
		}
		if err != nil {
			return after, false, fmt.Errorf("texts of version %d: its base: %w", r.id, err)
		}
		if r.base == want {
			if r.depth != wantDepth+1 { // its base was laid again, nearer the chain's start
				if _, err := t.tx.ExecContext(t.ctx, "UPDATE versions SET packed_depth = ? WHERE id = ?", wantDepth+1, r.id); err != nil {
					return after, false, fmt.Errorf("texts of version %d: %w", r.id, err)
				}
			}
			continue
		}
		if wantDepth >= maxDepth {
			continue
		}
		frame, base, depth, err := t.relayFrame(r.id, want, wantDepth)
		if err != nil {
			st.TextsChecked-- // counted among the damaged instead
			st.Damaged = append(st.Damaged, err.Error())
			continue
		}
		res, err := t.tx.ExecContext(t.ctx, "UPDATE versions SET packed = ?, packed_base = ?, packed_depth = ? WHERE id = ? AND packed_hash = ?",
			frame, base, depth, r.id, r.sum)
		if err != nil {
			return after, false, fmt.Errorf("texts of version %d: %w", r.id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return after, false, fmt.Errorf("texts of version %d: %d rows laid again, %v", r.id, n, err)
		}
		st.TextsRelaid++
		st.RelaidBytesBefore += r.stored
		st.RelaidBytesAfter += int64(len(frame))
	}
	return after, len(list) > 0, nil
}

// relayFrame compresses the texts of version id against those of version
// base (at depth baseDepth), both read and checked against their SHA-256,
// and returns the frame, its base (NULL when a frame of its own is
// smaller) and its depth.
func (t *Tx) relayFrame(id, base int64, baseDepth int) ([]byte, sql.NullInt64, int, error) {
	read := func(id int64) ([]byte, error) {
		p, err := readPackedText(t.ctx, t.tx, id)
		if err != nil {
			return nil, fmt.Errorf("texts of version %d: %w", id, err)
		}
		return t.store.packedContent(t.ctx, t.tx, id, p)
	}
	content, err := read(id)
	if err != nil {
		return nil, sql.NullInt64{}, 0, err
	}
	baseContent, err := read(base)
	if err != nil {
		return nil, sql.NullInt64{}, 0, err
	}
	frame, delta, err := t.store.codec.encode([][]byte{content}, baseContent)
	if err != nil {
		return nil, sql.NullInt64{}, 0, fmt.Errorf("texts of version %d: %w", id, err)
	}
	if !delta {
		return frame, sql.NullInt64{}, 1, nil
	}
	return frame, sql.NullInt64{Int64: base, Valid: true}, baseDepth + 1, nil
}
