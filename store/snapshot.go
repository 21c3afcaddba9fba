package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// HashContent returns the lowercase hex SHA-256 that addresses content.
func HashContent(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// validHash reports whether h looks like a snapshot address.
func validHash(h string) bool {
	if len(h) != 2*sha256.Size {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// pendingSnapshot is a snapshot added by this transaction whose frame is
// not written yet: which chain it joins is known only once a fetch (or a
// version) of this transaction names it, and the fetch row is written
// after the snapshot's. Its row holds a placeholder until then.
type pendingSnapshot struct {
	hash     string
	content  []byte
	document int64 // the first document a fetch or version gave it; 0: none
}

// PutSnapshot stores content once under its SHA-256 and returns the hash.
// Storing the same bytes again changes nothing. The compressed frame is
// written when the transaction commits, against the previous capture of
// the document whose fetch (AddFetch) or version (AddVersion) first names
// the hash in this transaction; a snapshot nothing names gets a frame of
// its own.
//
// content is kept, not copied, until then (a capture may be 20 MB): the
// caller must not change it before Write returns. Content changed anyway
// fails the commit rather than storing bytes that do not match their hash.
func (t *Tx) PutSnapshot(content []byte, contentType string) (string, error) {
	if len(content) > maxSnapshotBytes {
		return "", fmt.Errorf("snapshot of %d bytes: larger than the %d bytes a snapshot may have", len(content), maxSnapshotBytes)
	}
	hash := HashContent(content)
	if _, ok := t.pending[hash]; ok {
		return hash, nil
	}
	var exists bool
	err := t.tx.QueryRowContext(t.ctx, "SELECT 1 FROM snapshots WHERE hash = ?", hash).Scan(&exists)
	switch {
	case err == nil:
		return hash, nil // compressing again would only be thrown away
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("snapshot %s: %w", hash, err)
	}
	// On PostgreSQL another writer may store the same bytes meanwhile:
	// its row, once committed, is as good as this one would be.
	res, err := t.tx.ExecContext(t.ctx, t.store.d.pick(
		"INSERT INTO snapshots (hash, content_type, size, compressed) VALUES (?, ?, ?, x'')",
		"INSERT INTO snapshots (hash, content_type, size, compressed) VALUES ($1, $2, $3, ''::bytea) ON CONFLICT DO NOTHING"),
		hash, contentType, len(content))
	if err != nil {
		return "", fmt.Errorf("store snapshot %s (%d bytes): %w", hash, len(content), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", fmt.Errorf("store snapshot %s (%d bytes): %w", hash, len(content), err)
	} else if n == 0 {
		return hash, nil
	}
	if t.pending == nil {
		t.pending = map[string]*pendingSnapshot{}
	}
	p := &pendingSnapshot{hash: hash, content: content}
	t.pending[hash] = p
	t.pendingOrder = append(t.pendingOrder, p)
	return hash, nil
}

// snapshotNamed tells a pending snapshot which document named it first.
func (t *Tx) snapshotNamed(hash string, documentID int64) {
	if p := t.pending[hash]; p != nil && p.document == 0 {
		p.document = documentID
	}
}

// storePending writes the frames of the snapshots this transaction added,
// in the order they were added; Write calls it before committing.
func (t *Tx) storePending() error {
	for _, p := range t.pendingOrder {
		if err := t.storeSnapshot(p); err != nil {
			return err
		}
	}
	t.pending, t.pendingOrder = nil, nil
	return nil
}

// storeSnapshot places p at the end of its document's chain and writes its
// frame, compressed against the chain position baseSeq names.
func (t *Tx) storeSnapshot(p *pendingSnapshot) error {
	if HashContent(p.content) != p.hash {
		return fmt.Errorf("snapshot %s: its content changed between PutSnapshot and the commit", p.hash)
	}
	var chain, seq sql.NullInt64
	base, baseDepth := "", 0
	if p.document != 0 {
		var err error
		if base, baseDepth, seq.Int64, err = t.chainEnd(p.document); err != nil {
			return fmt.Errorf("snapshot %s: %w", p.hash, err)
		}
		chain = sql.NullInt64{Int64: p.document, Valid: true}
		seq.Valid = true
	}
	return t.writeFrame(p.hash, p.content, base, baseDepth, chain, seq, "")
}

// chainEnd returns the next position of the document's chain of snapshots,
// and the base (hash and depth) that position is to be compressed against;
// "" when it gets a frame of its own.
func (t *Tx) chainEnd(documentID int64) (base string, depth int, seq int64, err error) {
	if err := t.tx.QueryRowContext(t.ctx,
		"SELECT ifnull(max(seq), 0) + 1 FROM snapshots WHERE chain = ?", documentID).Scan(&seq); err != nil {
		return "", 0, 0, fmt.Errorf("end of the chain of document %d: %w", documentID, err)
	}
	at := baseSeq(seq)
	if at == 0 {
		return "", 0, seq, nil
	}
	err = t.tx.QueryRowContext(t.ctx,
		"SELECT hash, depth FROM snapshots WHERE chain = ? AND seq = ?", documentID, at).Scan(&base, &depth)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", 0, seq, nil
	case err != nil:
		return "", 0, 0, fmt.Errorf("position %d of the chain of document %d: %w", at, documentID, err)
	case depth >= maxDepth:
		return "", 0, seq, nil
	}
	return base, depth, seq, nil
}

// writeFrame compresses content against base (when the delta is smaller)
// and writes the row's frame and place; unless is a condition on the row's
// current state (compact's "AND chain IS NULL"), so that a row changed
// meanwhile is left alone. It reports nothing when the condition fails.
func (t *Tx) writeFrame(hash string, content []byte, base string, baseDepth int, chain, seq sql.NullInt64, unless string) error {
	var baseContent []byte
	if base != "" {
		var err error
		if baseContent, err = t.snapshotContent(base); err != nil {
			return fmt.Errorf("snapshot %s: reading its base: %w", hash, err)
		}
	}
	frame, delta, err := t.store.codec.encode([][]byte{content}, baseContent)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", hash, err)
	}
	depth := 1
	if delta {
		depth = baseDepth + 1
	} else {
		base = ""
	}
	if _, err := t.tx.ExecContext(t.ctx,
		"UPDATE snapshots SET compressed = ?, base = ?, depth = ?, chain = ?, seq = ? WHERE hash = ?"+unless,
		frame, nullString(base), depth, chain, seq, hash); err != nil {
		return fmt.Errorf("store snapshot %s (%d bytes): %w", hash, len(content), err)
	}
	// A copy: content may be the caller's, free to change once Write returns.
	t.store.cache.putCopy(hash, content)
	return nil
}

// snapshotContent returns a snapshot's bytes as this transaction sees them.
func (t *Tx) snapshotContent(hash string) ([]byte, error) {
	if p := t.pending[hash]; p != nil {
		return p.content, nil
	}
	return t.store.snapshotContent(t.ctx, t.tx, hash)
}

// querier is a *sql.Tx or a *sql.DB.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Snapshot returns the snapshot with the given hash, decompressed, after
// checking that its bytes (and those of every frame read to get them)
// still hash to it.
func (s *Store) Snapshot(ctx context.Context, hash string) (Snapshot, error) {
	if !validHash(hash) {
		return Snapshot{}, fmt.Errorf("snapshot %q: not a lowercase hex SHA-256: %w", hash, ErrNotFound)
	}
	snap := Snapshot{Hash: hash}
	// One read transaction: the chain is read as of one state of the file.
	err := s.read(ctx, func(tx *dbTx) error {
		q := preparedTx{s, tx}
		first, contentType, err := snapshotLink(ctx, q, hash)
		if err != nil {
			return err
		}
		content, err := s.unchain(first, snapshotBase(ctx, q))
		if err != nil {
			return err
		}
		snap.ContentType, snap.Size = contentType, first.size
		snap.Content = bytes.Clone(content) // the cache keeps its own
		return nil
	})
	if err != nil {
		return Snapshot{}, err
	}
	return snap, nil
}

// snapshotContent returns a snapshot's bytes as q sees them; the slice may
// be the cache's and must not be modified.
func (s *Store) snapshotContent(ctx context.Context, q querier, hash string) ([]byte, error) {
	first, _, err := snapshotLink(ctx, q, hash)
	if err != nil {
		return nil, err
	}
	return s.unchain(first, snapshotBase(ctx, q))
}

// snapshotBase reads the base of a link; a missing base is damage, not a
// snapshot that was never stored.
func snapshotBase(ctx context.Context, q querier) func(ref, name string) (link, error) {
	return func(ref, name string) (link, error) {
		l, _, err := snapshotLink(ctx, q, ref)
		if errors.Is(err, ErrNotFound) {
			return link{}, fmt.Errorf("%s is missing: stored bytes are damaged", name)
		}
		return l, err
	}
}

// snapshotLink reads the row of a snapshot.
func snapshotLink(ctx context.Context, q querier, hash string) (link, string, error) {
	l := link{name: "snapshot " + hash, key: hash}
	var contentType string
	err := q.QueryRowContext(ctx,
		"SELECT content_type, size, compressed, ifnull(base, '') FROM snapshots WHERE hash = ?", hash,
	).Scan(&contentType, &l.size, &l.frame, &l.base)
	if errors.Is(err, sql.ErrNoRows) {
		return link{}, "", fmt.Errorf("snapshot %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return link{}, "", fmt.Errorf("snapshot %s: %w", hash, err)
	}
	if _, err := hex.Decode(l.sum[:], []byte(hash)); err != nil || !validHash(hash) {
		return link{}, "", fmt.Errorf("snapshot %q: not a lowercase hex SHA-256", hash)
	}
	if l.base != "" {
		if !validHash(l.base) {
			return link{}, "", fmt.Errorf("snapshot %s: its base %q is not a hash: stored bytes are damaged", hash, l.base)
		}
		l.baseKey, l.baseName = l.base, "snapshot "+l.base
	}
	if l.size < 0 || l.size > maxSnapshotBytes {
		return link{}, "", fmt.Errorf("snapshot %s: implausible size %d", hash, l.size)
	}
	return l, contentType, nil
}
