package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// demoTexts returns the distinct texts of the demo's cookie policy, oldest
// first, each with a sections JSON holding its paragraphs.
func demoTexts(t testing.TB) (markdown []string, sections [][]byte) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "demo", "twitter-x-history", "cookies-policy", "*.md"))
	if err != nil || len(names) == 0 {
		t.Fatalf("demo texts: %v (%d files)", err, len(names))
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(markdown); n > 0 && markdown[n-1] == string(b) {
			continue
		}
		js, err := json.Marshal(map[string]any{"title": filepath.Base(name), "paragraphs": strings.Split(string(b), "\n\n")})
		if err != nil {
			t.Fatal(err)
		}
		markdown, sections = append(markdown, string(b)), append(sections, js)
	}
	return markdown, sections
}

func addVersions(t testing.TB, s *Store, service string, markdown []string, sections [][]byte) []int64 {
	t.Helper()
	var ids []int64
	at := date("2022-07-11T15:00:00Z")
	for i := range markdown {
		err := s.Write(context.Background(), func(tx *Tx) error {
			d, err := tx.EnsureDocument(service, "Cookies Policy", "")
			if err != nil {
				return err
			}
			hash, err := tx.PutSnapshot([]byte(markdown[i]), "text/markdown")
			if err != nil {
				return err
			}
			capturedAt := at.Add(time.Duration(i) * 24 * time.Hour)
			if _, _, err := tx.AddFetch(Fetch{DocumentID: d.ID, At: capturedAt, Source: "import", SnapshotHash: hash}); err != nil {
				return err
			}
			id, err := tx.AddVersion(Version{DocumentID: d.ID, CapturedAt: capturedAt, SnapshotHash: hash, Extractor: "t",
				Markdown: markdown[i], Sections: sections[i], TextHash: HashContent([]byte(markdown[i])), Words: i})
			ids = append(ids, id)
			return err
		})
		if err != nil {
			t.Fatalf("version %d: %v", i, err)
		}
	}
	return ids
}

func TestVersionTextsArePackedAndReadBack(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	markdown, sections := demoTexts(t)
	ids := addVersions(t, s, "X", markdown, sections)

	var plain, packed, depth int
	if err := s.readers.QueryRow(`SELECT sum(length(markdown) + length(sections)), sum(length(packed)), max(packed_depth)
		FROM versions WHERE packed_hash IS NOT NULL`).Scan(&plain, &packed, &depth); err != nil {
		t.Fatal(err)
	}
	raw := 0
	for i := range markdown {
		raw += len(markdown[i]) + len(sections[i])
	}
	if plain != 0 || packed == 0 || packed*5 > raw {
		t.Errorf("%d bytes of texts: %d left in the plain columns, %d packed; want 0 and under a fifth", raw, plain, packed)
	}
	t.Logf("%d versions, %d bytes of texts, packed in %d (%.1f%%), deepest %d frames", len(ids), raw, packed, 100*float64(packed)/float64(raw), depth)

	check := func(how string, v Version, i int) {
		t.Helper()
		if v.Markdown != markdown[i] || !bytes.Equal(v.Sections, sections[i]) || v.ID != ids[i] {
			t.Fatalf("%s: version %d reads back other texts (%d and %d bytes, want %d and %d)",
				how, i, len(v.Markdown), len(v.Sections), len(markdown[i]), len(sections[i]))
		}
	}
	// Cold readers (nothing cached): newest first, then oldest first.
	newestFirst, oldestFirst := secondStore(t, path), secondStore(t, path)
	for j := range ids {
		for _, r := range []struct {
			s *Store
			i int
		}{{newestFirst, len(ids) - 1 - j}, {oldestFirst, j}} {
			v, err := r.s.Version(ctx, ids[r.i])
			if err != nil {
				t.Fatalf("Version(%d): %v", ids[r.i], err)
			}
			check("cold Version", v, r.i)
		}
	}
	for i, id := range ids {
		summary, got, err := secondStore(t, path).VersionSections(ctx, id)
		if err != nil {
			t.Fatalf("VersionSections(%d): %v", id, err)
		}
		if summary.ID != id || summary.Bytes != len(markdown[i]) || !bytes.Equal(got, sections[i]) {
			t.Fatalf("cold VersionSections: version %d of %d bytes of Markdown and %d of sections, want %d of %d and %d",
				summary.ID, summary.Bytes, len(got), id, len(markdown[i]), len(sections[i]))
		}
	}
	err := secondStore(t, path).Write(ctx, func(tx *Tx) error {
		list, err := tx.VersionsOf(documentID(t, s, "X"))
		if err != nil {
			return err
		}
		for i, v := range list {
			check("VersionsOf", v, i)
		}
		latest, err := tx.VersionAt(list[0].DocumentID, time.Now())
		if err != nil {
			return err
		}
		last := len(ids) - 1
		if latest.ID != ids[last] || latest.Bytes != len(markdown[last]) {
			t.Errorf("VersionAt: version %d of %d bytes, want %d of %d", latest.ID, latest.Bytes, ids[last], len(markdown[last]))
		}
		for i, id := range ids {
			got, err := tx.VersionSections(id)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, sections[i]) {
				t.Fatalf("VersionSections: version %d reads back other sections (%d bytes, want %d)", i, len(got), len(sections[i]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Re-extraction deletes a document's versions, bases and all, and
	// records them again: the chain starts over.
	err = s.Write(ctx, func(tx *Tx) error { return tx.DeleteHistory(documentID(t, s, "X")) })
	if err != nil {
		t.Fatalf("DeleteHistory of packed versions: %v", err)
	}
	again := addVersions(t, s, "X", markdown[:3], sections[:3])
	ids = again // SQLite gives the ids again; PostgreSQL new ones
	for i, id := range again {
		v, err := secondStore(t, path).Version(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		check("after re-extraction", v, i)
	}
}

func TestVersionTextsEmptyAndDamaged(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	markdown, sections := demoTexts(t)
	markdown, sections = append([]string{""}, markdown[:3]...), append([][]byte{nil}, sections[:3]...)
	ids := addVersions(t, s, "X", markdown, sections)
	cold := secondStore(t, path)
	v, err := cold.Version(ctx, ids[0])
	if err != nil || v.Markdown != "" || v.Sections != nil {
		t.Errorf("empty texts read back as %q, %q, %v", v.Markdown, v.Sections, err)
	}
	// Damage the third version's frame: it and the version compressed
	// against it (the fourth, by textBaseSeq) say so, naming it; the
	// second, outside its chain, still reads.
	if _, err := s.writer.Exec("UPDATE versions SET packed = substr(packed, 1, length(packed)/2) || "+s.d.pick("x'00ff'", "'\\x00ff'::bytea")+" || substr(packed, length(packed)/2 + 3) WHERE id = ?", ids[2]); err != nil {
		t.Fatal(err)
	}
	if v, err := secondStore(t, path).Version(ctx, ids[1]); err != nil || v.Markdown != markdown[1] {
		t.Errorf("Version(%d), outside the damaged chain: %d bytes, %v", ids[1], len(v.Markdown), err)
	}
	for _, id := range ids[2:] {
		_, err := secondStore(t, path).Version(ctx, id)
		if want := fmt.Sprintf("texts of version %d:", ids[2]); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Version(%d) on damaged texts: %v, want %q reported", id, err, want)
		}
	}
}
