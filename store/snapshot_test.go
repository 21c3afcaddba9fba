package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSnapshotDedupeAndCompression(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	page := readFixture(t, "twitter-dev-help-privacy.html")
	var first, second string
	for i, hash := range []*string{&first, &second} {
		err := s.Write(ctx, func(tx *Tx) error {
			var err error
			*hash, err = tx.PutSnapshot(page, "text/html; charset=utf-8")
			return err
		})
		if err != nil {
			t.Fatalf("PutSnapshot #%d: %v", i+1, err)
		}
	}
	if first != second || first != HashContent(page) || !validHash(first) {
		t.Fatalf("hashes %s and %s, want both %s", first, second, HashContent(page))
	}
	var rows, compressedSize int
	if err := s.writer.QueryRow("SELECT count(*), sum(length(compressed)) FROM snapshots").Scan(&rows, &compressedSize); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Errorf("%d snapshot rows after storing the same bytes twice, want 1", rows)
	}
	if compressedSize >= len(page) || compressedSize == 0 {
		t.Errorf("compressed %d bytes into %d, want smaller", len(page), compressedSize)
	}
	t.Logf("%d bytes stored as %d (%.1f%%)", len(page), compressedSize, 100*float64(compressedSize)/float64(len(page)))

	snap, err := s.Snapshot(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap.Content, page) || snap.Size != int64(len(page)) || snap.ContentType != "text/html; charset=utf-8" {
		t.Errorf("Snapshot round trip: size %d, type %q, equal %v", snap.Size, snap.ContentType, bytes.Equal(snap.Content, page))
	}
}

func TestSnapshotEmptyContent(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	var hash string
	if err := s.Write(ctx, func(tx *Tx) error {
		var err error
		hash, err = tx.PutSnapshot(nil, "text/plain")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(ctx, hash)
	if err != nil || len(snap.Content) != 0 || snap.Size != 0 {
		t.Errorf("empty snapshot = %+v, %v", snap, err)
	}
}

func TestSnapshotDetectsDamage(t *testing.T) {
	ctx := context.Background()
	writer, path := openTestStore(t)
	sd := writeSeed(t, writer)
	// Another store on the file, as another process: its cache is empty,
	// so it reads the damaged rows (the writer's cache still holds the
	// verified contents, which it may go on serving).
	s := secondStore(t, path)

	// Same length, other bytes: decompresses fine but no longer hashes right.
	swapped := bytes.Clone(sd.newContent)
	swapped[0] ^= 0x20
	if _, err := s.writer.Exec("UPDATE snapshots SET compressed = ?, base = NULL WHERE hash = ?",
		s.codec.large.full.EncodeAll(swapped, nil), sd.hashNew); err != nil {
		t.Fatal(err)
	}
	_, err := s.Snapshot(ctx, sd.hashNew)
	if err == nil || !strings.Contains(err.Error(), sd.hashNew) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("Snapshot of altered bytes: error = %v, want damage reported", err)
	}

	// Not zstd at all.
	if _, err := s.writer.Exec("UPDATE snapshots SET compressed = ? WHERE hash = ?", []byte("garbage"), sd.hashOld); err != nil {
		t.Fatal(err)
	}
	_, err = s.Snapshot(ctx, sd.hashOld)
	if err == nil || !strings.Contains(err.Error(), "decompress") {
		t.Errorf("Snapshot of garbage blob: error = %v, want decompress failure", err)
	}
}

// TestSnapshotChangedBeforeCommitIsRefused: PutSnapshot keeps the caller's
// bytes until the commit compresses them; bytes changed meanwhile fail
// the commit, and nothing of the transaction is stored.
func TestSnapshotChangedBeforeCommitIsRefused(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	page := readFixture(t, "twitter-dev-help-privacy.html")
	buf := bytes.Clone(page)
	err := s.Write(ctx, func(tx *Tx) error {
		d, err := tx.EnsureDocument("X", "Privacy Policy", "")
		if err != nil {
			return err
		}
		hash, err := tx.PutSnapshot(buf, "text/html")
		if err != nil {
			return err
		}
		if _, _, err := tx.AddFetch(Fetch{DocumentID: d.ID, At: date("2024-01-01T00:00:00Z"), Source: "import", SnapshotHash: hash}); err != nil {
			return err
		}
		buf[0] ^= 0x20 // the caller reuses its buffer too early
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "changed between PutSnapshot and the commit") {
		t.Fatalf("Write = %v, want the changed content refused", err)
	}
	var snapshots, fetches int
	if err := s.writer.QueryRow("SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM fetches)").Scan(&snapshots, &fetches); err != nil {
		t.Fatal(err)
	}
	if snapshots != 0 || fetches != 0 {
		t.Errorf("%d snapshots and %d fetches stored by a refused transaction, want none", snapshots, fetches)
	}
	if _, err := s.Snapshot(ctx, HashContent(page)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Snapshot after the refused commit: %v, want ErrNotFound", err)
	}

	// Once Write has returned, the caller may change its buffer: what the
	// store keeps (its rows, its cache of decoded contents) is its own.
	copy(buf, page)
	var hash string
	err = s.Write(ctx, func(tx *Tx) error {
		d, err := tx.EnsureDocument("X", "Privacy Policy", "")
		if err != nil {
			return err
		}
		if hash, err = tx.PutSnapshot(buf, "text/html"); err != nil {
			return err
		}
		_, _, err = tx.AddFetch(Fetch{DocumentID: d.ID, At: date("2024-01-01T00:00:00Z"), Source: "import", SnapshotHash: hash})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	clear(buf)
	snap, err := s.Snapshot(ctx, hash)
	if err != nil || !bytes.Equal(snap.Content, page) {
		t.Errorf("Snapshot after the caller cleared its buffer: %v, equal to what was stored: %v", err, bytes.Equal(snap.Content, page))
	}
}
