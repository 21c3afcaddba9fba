package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

func TestBaseSeqLayout(t *testing.T) {
	for seq, want := range map[int64]int64{1: 0, 2: 1, 16: 15, 17: 1, 18: 17, 33: 1, 49: 33, 65: 1, 81: 65, 113: 97} {
		if got := baseSeq(seq); got != want {
			t.Errorf("baseSeq(%d) = %d, want %d", seq, got, want)
		}
	}
	// Depth (frames decoded to read a position) stays within
	// 15 + log2(n/16) + 1 over a million positions.
	const n = 1 << 20
	depth := make([]int, n+1)
	worst := 0
	for seq := int64(1); seq <= n; seq++ {
		b := baseSeq(seq)
		if b < 0 || b >= seq || (b == 0) != (seq == 1) {
			t.Fatalf("baseSeq(%d) = %d: must be an earlier position, 0 only for the first", seq, b)
		}
		depth[seq] = depth[b] + 1
		worst = max(worst, depth[seq])
	}
	if bound := runLength - 1 + bits.Len(n/runLength) + 1; worst > bound || worst > maxDepth/2 {
		t.Errorf("deepest of %d positions reads %d frames, want at most %d", n, worst, bound)
	}
	t.Logf("deepest of %d positions: %d frames", n, worst)
}

func TestTextBaseSeqLayout(t *testing.T) {
	for seq, want := range map[int64]int64{1: 0, 2: 1, 3: 1, 4: 3, 5: 1, 8: 7, 9: 1, 12: 11, 16: 15, 17: 1, 18: 17, 20: 19, 24: 23, 25: 17, 1985: 1921, 2000: 1999} {
		if got := textBaseSeq(seq); got != want {
			t.Errorf("textBaseSeq(%d) = %d, want %d", seq, got, want)
		}
	}
	// Reading position n decodes popcount(n-1)+1 frames: at most
	// log2(n)+1, about half that on average.
	const n = 1 << 20
	depth := make([]int, n+1)
	worst, sum := 0, 0
	for seq := int64(1); seq <= n; seq++ {
		b := textBaseSeq(seq)
		if b < 0 || b >= seq || (b == 0) != (seq == 1) {
			t.Fatalf("textBaseSeq(%d) = %d: must be an earlier position, 0 only for the first", seq, b)
		}
		depth[seq] = depth[b] + 1
		if want := bits.OnesCount64(uint64(seq-1)) + 1; depth[seq] != want {
			t.Fatalf("position %d reads %d frames, want %d", seq, depth[seq], want)
		}
		worst, sum = max(worst, depth[seq]), sum+depth[seq]
		if seq == 20 && sum > 3*20 {
			t.Errorf("the first 20 positions read %.1f frames on average, want at most 3", float64(sum)/20)
		}
	}
	if bound := bits.Len(n) + 1; worst > bound || worst > maxDepth/2 {
		t.Errorf("deepest of %d positions reads %d frames, want at most %d", n, worst, bound)
	}
}

// otaCaptures returns the real captures of one OTA history, oldest first.
func otaCaptures(t testing.TB, service, docType string) [][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "testdata", "ota-histories", "dating", service, docType, "snapshots", "*.html"))
	if err != nil || len(names) == 0 {
		t.Fatalf("captures of %s / %s: %v (%d files)", service, docType, err, len(names))
	}
	sort.Strings(names)
	var out [][]byte
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// record stores content as a capture of service / "Privacy Policy" the way
// archive.Record does: document, snapshot, then the fetch naming it.
func record(t testing.TB, s *Store, service string, content []byte, at time.Time) string {
	t.Helper()
	var hash string
	err := s.Write(context.Background(), func(tx *Tx) error {
		d, err := tx.EnsureDocument(service, "Privacy Policy", "")
		if err != nil {
			return err
		}
		if hash, err = tx.PutSnapshot(content, "text/html"); err != nil {
			return err
		}
		_, _, err = tx.AddFetch(Fetch{DocumentID: d.ID, At: at, Source: "crawl", Status: 200, SnapshotHash: hash})
		return err
	})
	if err != nil {
		t.Fatalf("record %d bytes for %s: %v", len(content), service, err)
	}
	return hash
}

type frameRow struct {
	hash, base string
	depth      int
	chain, seq sql.NullInt64
	stored     int
}

func frameOf(t testing.TB, s *Store, hash string) frameRow {
	t.Helper()
	r := frameRow{hash: hash}
	err := s.readers.QueryRow("SELECT ifnull(base, ''), depth, chain, seq, length(compressed) FROM snapshots WHERE hash = ?", hash).
		Scan(&r.base, &r.depth, &r.chain, &r.seq, &r.stored)
	if err != nil {
		t.Fatalf("row of snapshot %s: %v", hash, err)
	}
	return r
}

func TestChainOfRealCaptures(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	captures := otaCaptures(t, "ChristianMingle", "Privacy Policy")
	start := date("2026-06-12T00:00:00Z")
	var hashes []string
	raw := 0
	for i, c := range captures {
		hashes = append(hashes, record(t, s, "ChristianMingle", c, start.Add(time.Duration(i)*12*time.Hour)))
		raw += len(c)
	}
	stored := 0
	for i, h := range hashes {
		r := frameOf(t, s, h)
		stored += r.stored
		seq := int64(i + 1)
		if !r.chain.Valid || !r.seq.Valid || r.seq.Int64 != seq {
			t.Fatalf("capture %d: chain %v, position %v; want position %d", i, r.chain, r.seq, seq)
		}
		if want := baseSeq(seq); want == 0 && r.base != "" {
			t.Errorf("capture %d: base %s, want a frame of its own", i, r.base)
		} else if want != 0 && r.base != hashes[want-1] {
			t.Errorf("capture %d: base %q, want position %d (%s)", i, r.base, want, hashes[want-1])
		}
	}
	if stored*50 > raw {
		t.Errorf("%d captures (%d bytes) stored in %d bytes, want under 2%%", len(captures), raw, stored)
	}
	t.Logf("%d captures, %d bytes, stored in %d (%.2f%%)", len(captures), raw, stored, 100*float64(stored)/float64(raw))

	// A cold reader decodes chains from their start; read newest first,
	// then oldest first from another cold reader.
	for _, order := range []string{"newest first", "oldest first"} {
		cold := secondStore(t, path)
		for j := range hashes {
			i := j
			if order == "newest first" {
				i = len(hashes) - 1 - j
			}
			snap, err := cold.Snapshot(ctx, hashes[i])
			if err != nil {
				t.Fatalf("%s: capture %d: %v", order, i, err)
			}
			if !bytes.Equal(snap.Content, captures[i]) || snap.Size != int64(len(captures[i])) || snap.ContentType != "text/html" {
				t.Fatalf("%s: capture %d reads back different (%d bytes, want %d)", order, i, len(snap.Content), len(captures[i]))
			}
		}
	}
}

func TestSharedSnapshotIsStoredOnce(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	captures := otaCaptures(t, "Bumble", "Terms of Service")
	at := date("2026-06-12T00:00:00Z")
	a1 := record(t, s, "A", captures[0], at)
	shared := record(t, s, "A", captures[1], at.Add(time.Hour))
	if again := record(t, s, "B", captures[1], at.Add(2*time.Hour)); again != shared {
		t.Fatalf("same bytes, hashes %s and %s", shared, again)
	}
	b1 := record(t, s, "B", captures[2], at.Add(3*time.Hour))

	var rows int
	if err := s.readers.QueryRow("SELECT count(*) FROM snapshots WHERE hash = ?", shared).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d rows for the shared capture, %v; want 1", rows, err)
	}
	// It stays where it was first stored: second in A's chain.
	docA, docB := documentID(t, s, "A"), documentID(t, s, "B")
	if r := frameOf(t, s, shared); r.chain.Int64 != docA || r.seq.Int64 != 2 || r.base != a1 {
		t.Errorf("shared capture: chain %d position %d base %s; want A's (%d) second, on %s", r.chain.Int64, r.seq.Int64, r.base, docA, a1)
	}
	// B's own first capture starts B's chain.
	if r := frameOf(t, s, b1); r.chain.Int64 != docB || r.seq.Int64 != 1 || r.base != "" {
		t.Errorf("B's first own capture: chain %d position %d base %q; want B's (%d) first, own frame", r.chain.Int64, r.seq.Int64, r.base, docB)
	}
	cold := secondStore(t, path)
	for _, doc := range []int64{docA, docB} {
		fetches, err := cold.Fetches(ctx, doc)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range fetches {
			if f.SnapshotHash != shared {
				continue
			}
			found = true
			snap, err := cold.Snapshot(ctx, f.SnapshotHash)
			if err != nil || !bytes.Equal(snap.Content, captures[1]) {
				t.Errorf("document %d: shared capture reads back %d bytes, %v", doc, len(snap.Content), err)
			}
		}
		if !found {
			t.Errorf("document %d has no fetch of the shared capture", doc)
		}
	}
}

func documentID(t testing.TB, s *Store, service string) int64 {
	t.Helper()
	docs, err := s.Documents(context.Background(), DocumentFilter{Service: service})
	if err != nil || len(docs) != 1 {
		t.Fatalf("document of %s: %v, %v", service, docs, err)
	}
	return docs[0].ID
}

func TestSnapshotsOfOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	captures := otaCaptures(t, "Coffee Meets Bagel", "Copyright Claims Policy")[:3]
	var hashes []string
	var orphan string
	err := s.Write(ctx, func(tx *Tx) error {
		d, err := tx.EnsureDocument("CMB", "Copyright Claims Policy", "")
		if err != nil {
			return err
		}
		for i, c := range captures {
			h, err := tx.PutSnapshot(c, "text/html")
			if err != nil {
				return err
			}
			if again, err := tx.PutSnapshot(c, "text/html"); err != nil || again != h {
				return fmt.Errorf("same bytes again in one transaction: %s, %v", again, err)
			}
			if _, _, err := tx.AddFetch(Fetch{DocumentID: d.ID, At: date("2024-01-01T00:00:00Z").Add(time.Duration(i) * time.Hour), Source: "import", SnapshotHash: h}); err != nil {
				return err
			}
			hashes = append(hashes, h)
		}
		orphan, err = tx.PutSnapshot([]byte("named by no fetch"), "text/plain")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hashes {
		r := frameOf(t, s, h)
		if r.seq.Int64 != int64(i+1) || (i > 0 && r.base != hashes[i-1]) {
			t.Errorf("capture %d: position %d, base %q", i, r.seq.Int64, r.base)
		}
	}
	if r := frameOf(t, s, orphan); r.chain.Valid || r.seq.Valid || r.base != "" {
		t.Errorf("snapshot without fetch: chain %v, position %v, base %q; want none", r.chain, r.seq, r.base)
	}
	cold := secondStore(t, path)
	for i, h := range append(hashes, orphan) {
		snap, err := cold.Snapshot(ctx, h)
		want := []byte("named by no fetch")
		if i < len(captures) {
			want = captures[i]
		}
		if err != nil || !bytes.Equal(snap.Content, want) {
			t.Errorf("snapshot %d reads back %d bytes, %v", i, len(snap.Content), err)
		}
	}

	// A transaction that fails stores nothing, cache or not.
	lost := []byte("<p>rolled back</p>")
	var lostHash string
	err = s.Write(ctx, func(tx *Tx) error {
		lostHash, _ = tx.PutSnapshot(lost, "text/html")
		return errors.New("give up")
	})
	if err == nil {
		t.Fatal("Write: want the function's error")
	}
	if _, err := s.Snapshot(ctx, lostHash); !errors.Is(err, ErrNotFound) {
		t.Errorf("snapshot of a rolled-back transaction: %v, want ErrNotFound", err)
	}
}

func TestDamageInAChainIsReportedWhereItIs(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	captures := otaCaptures(t, "Bumble", "Terms of Service")[:4]
	var hashes []string
	for i, c := range captures {
		hashes = append(hashes, record(t, s, "Bumble", c, date("2026-06-12T00:00:00Z").Add(time.Duration(i)*time.Hour)))
	}
	if r := frameOf(t, s, hashes[2]); r.base != hashes[1] {
		t.Fatalf("third capture is not compressed against the second (base %q)", r.base)
	}
	// Flip one byte in the middle of the second capture's frame.
	if _, err := s.writer.Exec("UPDATE snapshots SET compressed = substr(compressed, 1, length(compressed)/2) || "+
		s.d.pick("x'ff'", "'\\xff'::bytea")+" || substr(compressed, length(compressed)/2 + 2) WHERE hash = ?", hashes[1]); err != nil {
		t.Fatal(err)
	}
	cold := secondStore(t, path)
	if snap, err := cold.Snapshot(ctx, hashes[0]); err != nil || !bytes.Equal(snap.Content, captures[0]) {
		t.Errorf("the capture before the damage: %v", err)
	}
	for _, i := range []int{1, 2, 3} {
		_, err := cold.Snapshot(ctx, hashes[i])
		if err == nil || !strings.Contains(err.Error(), "snapshot "+hashes[1]) {
			t.Errorf("capture %d, on the damaged one: error %v, want it to name snapshot %s", i, err, hashes[1])
		}
	}

	// Bases that loop are an error, not a hang.
	if _, err := s.writer.Exec("UPDATE snapshots SET base = ? WHERE hash = ?", hashes[3], hashes[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := secondStore(t, path).Snapshot(ctx, hashes[3]); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("bases in a loop: error %v, want the loop reported", err)
	}
}

// TestHugeFramesSayTheirSize: a content too large for EncodeAll is
// streamed, in parts, into a frame whose header still says its size, so
// that reading it makes room for it at once.
func TestHugeFramesSayTheirSize(t *testing.T) {
	c, err := newCodec(true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	part := bytes.Repeat([]byte("We collect the information you give us. "), hugeFrom/40+1)
	parts := [][]byte{part, []byte("\n"), part}
	size := 2*len(part) + 1
	frame, delta, err := c.encode(parts, nil)
	if err != nil || delta {
		t.Fatalf("encode: delta %v, %v", delta, err)
	}
	var h zstd.Header
	if err := h.Decode(frame); err != nil {
		t.Fatal(err)
	}
	if !h.HasFCS || h.FrameContentSize != uint64(size) {
		t.Fatalf("header: content size %v %d, want %d", h.HasFCS, h.FrameContentSize, size)
	}
	out, err := c.decode(frame, nil, false, -1)
	if err != nil || len(out) != size || cap(out) != size {
		t.Fatalf("decoded %d bytes into a buffer of %d, want %d (%v)", len(out), cap(out), size, err)
	}
}

// TestLinksOnTheWayAreOnlyDictionaries: reading the end of a chain checks
// only its own SHA-256; the captures decoded on the way are cached as
// dictionaries, never served as content unchecked, and a wrong dictionary
// in the cache costs a careful read, never a wrong capture.
func TestLinksOnTheWayAreOnlyDictionaries(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	captures := otaCaptures(t, "Bumble", "Terms of Service")[:4]
	var hashes []string
	for i, c := range captures {
		hashes = append(hashes, record(t, s, "Bumble", c, date("2026-06-12T00:00:00Z").Add(time.Duration(i)*time.Hour)))
	}
	if r := frameOf(t, s, hashes[3]); r.base != hashes[2] {
		t.Fatalf("fourth capture is not compressed against the third (base %q)", r.base)
	}
	cold := secondStore(t, path)
	if snap, err := cold.Snapshot(ctx, hashes[3]); err != nil || !bytes.Equal(snap.Content, captures[3]) {
		t.Fatalf("the end of the chain: %v", err)
	}
	for _, i := range []int{1, 2} {
		if _, verified, ok := cold.cache.getDictionary(hashes[i]); !ok || verified {
			t.Errorf("capture %d, decoded on the way: cached %v, verified %v; want a dictionary", i, ok, verified)
		}
	}
	if snap, err := cold.Snapshot(ctx, hashes[2]); err != nil || !bytes.Equal(snap.Content, captures[2]) {
		t.Errorf("a capture decoded on the way, read itself: %v", err)
	}
	if _, ok := cold.cache.get(hashes[2]); !ok {
		t.Error("a capture read itself is not cached as checked content")
	}

	// A wrong dictionary (as a damaged frame would decode to) is not
	// served, and the chain through it still reads right.
	poisoned := secondStore(t, path)
	poisoned.cache.putDictionary(hashes[1], []byte("<p>not the second capture</p>"))
	for _, i := range []int{3, 1} {
		if snap, err := poisoned.Snapshot(ctx, hashes[i]); err != nil || !bytes.Equal(snap.Content, captures[i]) {
			t.Errorf("capture %d beside a wrong dictionary: %v (%d bytes, want %d)", i, err, len(snap.Content), len(captures[i]))
		}
	}
}
