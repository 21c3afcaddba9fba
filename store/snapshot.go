package store

import (
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

// PutSnapshot stores content once under its SHA-256 and returns the hash.
// Storing the same bytes again changes nothing.
func (t *Tx) PutSnapshot(content []byte, contentType string) (string, error) {
	if len(content) > maxSnapshotBytes {
		return "", fmt.Errorf("snapshot of %d bytes: larger than the %d bytes a snapshot may have", len(content), maxSnapshotBytes)
	}
	hash := HashContent(content)
	var exists bool
	err := t.tx.QueryRowContext(t.ctx, "SELECT 1 FROM snapshots WHERE hash = ?", hash).Scan(&exists)
	switch {
	case err == nil:
		return hash, nil // compressing again would only be thrown away
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("snapshot %s: %w", hash, err)
	}
	compressed := t.store.encoder.EncodeAll(content, nil)
	_, err = t.tx.ExecContext(t.ctx,
		"INSERT INTO snapshots (hash, content_type, size, compressed) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
		hash, contentType, len(content), compressed)
	if err != nil {
		return "", fmt.Errorf("store snapshot %s (%d bytes): %w", hash, len(content), err)
	}
	return hash, nil
}

// Snapshot returns the snapshot with the given hash, decompressed, after
// checking that its bytes still hash to it.
func (s *Store) Snapshot(ctx context.Context, hash string) (Snapshot, error) {
	if !validHash(hash) {
		return Snapshot{}, fmt.Errorf("snapshot %q: not a lowercase hex SHA-256: %w", hash, ErrNotFound)
	}
	snap := Snapshot{Hash: hash}
	var compressed []byte
	err := s.readers.QueryRowContext(ctx,
		"SELECT content_type, size, compressed FROM snapshots WHERE hash = ?", hash,
	).Scan(&snap.ContentType, &snap.Size, &compressed)
	if errors.Is(err, sql.ErrNoRows) {
		return Snapshot{}, fmt.Errorf("snapshot %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %s: %w", hash, err)
	}
	if snap.Size < 0 || snap.Size > maxSnapshotBytes {
		return Snapshot{}, fmt.Errorf("snapshot %s: implausible size %d", hash, snap.Size)
	}
	snap.Content, err = s.decoder.DecodeAll(compressed, make([]byte, 0, snap.Size))
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %s: decompress: %w", hash, err)
	}
	if int64(len(snap.Content)) != snap.Size {
		return Snapshot{}, fmt.Errorf("snapshot %s: decompressed to %d bytes, recorded size is %d", hash, len(snap.Content), snap.Size)
	}
	if got := HashContent(snap.Content); got != hash {
		return Snapshot{}, fmt.Errorf("snapshot %s: content hashes to %s: stored bytes are damaged", hash, got)
	}
	return snap, nil
}
