package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPartsComparerFindsEveryDifference(t *testing.T) {
	parts := [][]byte{[]byte("markdown"), nil, []byte(`{"sections":[]}`)}
	whole := bytes.Join(parts, nil)
	feed := func(chunks ...[]byte) (bool, error) {
		p := &partsComparer{parts: parts}
		for _, c := range chunks {
			if _, err := p.Write(c); err != nil {
				return false, err
			}
		}
		return p.done(), nil
	}
	if done, err := feed(whole[:3], whole[3:11], whole[11:]); err != nil || !done {
		t.Errorf("the same bytes in three chunks: %v, done %v", err, done)
	}
	if done, err := feed(whole[:10]); err != nil || done {
		t.Errorf("a prefix: %v, done %v; want no error and not done", err, done)
	}
	changed := bytes.Clone(whole)
	changed[9] ^= 1
	if _, err := feed(changed); err == nil {
		t.Error("a changed byte was not found")
	}
	if _, err := feed(whole, []byte("x")); err == nil {
		t.Error("a byte too many was not found")
	}
}

// TestLargeVersionTextsRoundTrip stores texts big enough to be compressed
// and checked as streams, the second against the first, and reads them
// back whole.
func TestLargeVersionTextsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	var markdown []string
	var sections [][]byte
	for v := range 2 {
		var md strings.Builder
		var paragraphs []string
		for i := range 30000 {
			p := fmt.Sprintf("Paragraph %d of version %d: we keep your data for %d days.", i, v*(i%7), 30+i%11)
			md.WriteString(p + "\n\n")
			paragraphs = append(paragraphs, p)
		}
		js, err := json.Marshal(map[string]any{"paragraphs": paragraphs})
		if err != nil {
			t.Fatal(err)
		}
		markdown, sections = append(markdown, md.String()), append(sections, js)
	}
	if len(markdown[0])+len(sections[0]) < 2*streamCheckFrom {
		t.Fatalf("texts of %d bytes are too small to test streaming", len(markdown[0])+len(sections[0]))
	}
	ids := addVersions(t, s, "Large", markdown, sections)
	fresh := secondStore(t, path) // its cache is empty: every frame is decoded
	for i, id := range ids {
		v, err := fresh.Version(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Markdown != markdown[i] || !bytes.Equal(v.Sections, sections[i]) {
			t.Errorf("version %d read back %d+%d bytes, want %d+%d", i, len(v.Markdown), len(v.Sections), len(markdown[i]), len(sections[i]))
		}
	}
	var base int64
	if err := s.readers.QueryRow("SELECT ifnull(packed_base, 0) FROM versions WHERE id = ?", ids[1]).Scan(&base); err != nil || base != ids[0] {
		t.Errorf("the second version's texts are packed against %d (%v), want the first, %d", base, err, ids[0])
	}
}

// TestHugeSnapshotsRoundTrip stores captures from the size that goes
// through the encoder's stream (hugeFrom) — a frame of its own, then one
// against it — and reads them back whole from a store with nothing
// cached.
func TestHugeSnapshotsRoundTrip(t *testing.T) {
	s, path := openTestStore(t)
	page := readFixture(t, "twitter-dev-help-privacy.html")
	var first bytes.Buffer
	for i := 0; first.Len() < hugeFrom+hugeFrom/4; i++ {
		fmt.Fprintf(&first, "<!-- part %d -->\n", i)
		first.Write(page)
	}
	second := bytes.Replace(first.Bytes(), []byte("<!-- part 7 -->"), []byte("<!-- part seven -->"), 1)
	hashes := []string{
		record(t, s, "Huge", first.Bytes(), date("2024-01-01T00:00:00Z")),
		record(t, s, "Huge", second, date("2024-01-02T00:00:00Z")),
	}
	fresh := secondStore(t, path)
	for i, want := range [][]byte{first.Bytes(), second} {
		snap, err := fresh.Snapshot(context.Background(), hashes[i])
		if err != nil || !bytes.Equal(snap.Content, want) {
			t.Fatalf("capture %d of %d bytes: %v, read back equal: %v", i, len(want), err, bytes.Equal(snap.Content, want))
		}
		if r := frameOf(t, s, hashes[i]); r.stored*20 > len(want) || (i == 1) != (r.base == hashes[0]) {
			t.Errorf("capture %d of %d bytes stored as %d bytes against %q", i, len(want), r.stored, r.base)
		}
	}
}

// TestFasterCompressionReadsAsAnyOther: captures and texts written by a
// store opened with FasterCompression read back from a store opened
// without it, and take more bytes than the default levels' frames (they
// are made at another level).
func TestFasterCompressionReadsAsAnyOther(t *testing.T) {
	ctx := context.Background()
	pages := otaCaptures(t, "ChristianMingle", "Privacy Policy")[:6]
	sizes := map[bool]int{}
	for _, fast := range []bool{false, true} {
		path := testDB(t)
		var opts []Option
		if fast {
			opts = append(opts, FasterCompression())
		}
		s, err := OpenWith(ctx, path, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var hashes []string
		for i, p := range pages {
			hashes = append(hashes, record(t, s, "CM", p, date("2024-01-01T00:00:00Z").Add(time.Duration(i)*time.Hour)))
		}
		var size int
		if err := s.readers.QueryRow("SELECT sum(length(compressed)) FROM snapshots").Scan(&size); err != nil {
			t.Fatal(err)
		}
		sizes[fast] = size
		s.Close()
		plain := secondStore(t, path)
		for i, h := range hashes {
			snap, err := plain.Snapshot(ctx, h)
			if err != nil || !bytes.Equal(snap.Content, pages[i]) {
				t.Fatalf("fast %v: capture %d reads back: %v, equal %v", fast, i, err, bytes.Equal(snap.Content, pages[i]))
			}
		}
	}
	if sizes[true] <= sizes[false] {
		t.Errorf("frames of %d bytes with FasterCompression, %d without: want them made at another, faster level", sizes[true], sizes[false])
	}
}
