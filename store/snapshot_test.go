package store

import (
	"bytes"
	"context"
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
