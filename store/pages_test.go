package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// pagedHistory stores n versions of one document, each with the change
// into it, where versions 3 and 4 share a capture time (ties are ordered
// by id). It returns the document and the version ids, oldest first.
func pagedHistory(t *testing.T, s *Store, n int) (int64, []int64) {
	t.Helper()
	var docID int64
	var ids []int64
	at := date("2024-01-01T00:00:00Z")
	for i := range n {
		err := s.Write(context.Background(), func(tx *Tx) error {
			d, err := tx.EnsureDocument("Paged", "Privacy Policy", "")
			if err != nil {
				return err
			}
			docID = d.ID
			text := fmt.Sprintf("# Policy\n\nVersion %d of the text.\n", i)
			hash, err := tx.PutSnapshot([]byte(text), "text/markdown")
			if err != nil {
				return err
			}
			capturedAt := at.Add(time.Duration(i) * time.Hour)
			if i == 4 {
				capturedAt = at.Add(3 * time.Hour)
			}
			if _, _, err := tx.AddFetch(Fetch{DocumentID: d.ID, At: capturedAt, Source: "import", SnapshotHash: hash}); err != nil {
				return err
			}
			id, err := tx.AddVersion(Version{DocumentID: d.ID, CapturedAt: capturedAt, SnapshotHash: hash, Extractor: "t",
				Markdown: text, Sections: []byte(`{}`), TextHash: HashContent([]byte(text)), Words: 6})
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				_, err = tx.AddChange(Change{DocumentID: d.ID, FromVersionID: ids[len(ids)-1], ToVersionID: id,
					Class: "substantive", Summary: "one word", WordsAdded: 1, WordsRemoved: 1, Substitutions: []byte(`[]`), Differ: "t"})
			}
			ids = append(ids, id)
			return err
		})
		if err != nil {
			t.Fatalf("version %d: %v", i, err)
		}
	}
	return docID, ids
}

func summaryIDs(list []VersionSummary) []int64 {
	out := make([]int64, len(list))
	for i, v := range list {
		out[i] = v.ID
	}
	return out
}

func TestVersionsInPagesByCaptureTimeThenID(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	docID, ids := pagedHistory(t, s, 12)
	newestFirst := slices.Clone(ids)
	slices.Reverse(newestFirst)

	all, err := s.VersionsIn(ctx, docID, VersionRange{})
	if err != nil || !slices.Equal(summaryIDs(all), newestFirst) {
		t.Fatalf("all versions: %v, %v; want %v", summaryIDs(all), err, newestFirst)
	}
	// Walking pages of 5 back from the newest visits every version once,
	// in order, across the tie between versions 3 and 4.
	var walked []int64
	r := VersionRange{Limit: 5}
	for {
		page, err := s.VersionsIn(ctx, docID, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		walked = append(walked, summaryIDs(page)...)
		r.Before = page[len(page)-1].ID
	}
	if !slices.Equal(walked, newestFirst) {
		t.Errorf("walking back by Before: %v, want %v", walked, newestFirst)
	}
	// After gives the page just above a version, still newest first.
	page, err := s.VersionsIn(ctx, docID, VersionRange{After: ids[2], Limit: 3})
	if want := []int64{ids[5], ids[4], ids[3]}; err != nil || !slices.Equal(summaryIDs(page), want) {
		t.Errorf("3 after version 2: %v, %v; want %v", summaryIDs(page), err, want)
	}
	page, err = s.VersionsIn(ctx, docID, VersionRange{After: ids[2], Before: ids[6]})
	if want := []int64{ids[5], ids[4], ids[3]}; err != nil || !slices.Equal(summaryIDs(page), want) {
		t.Errorf("between versions 2 and 6: %v, %v; want %v", summaryIDs(page), err, want)
	}
	if page[0].Change == nil || page[0].Change.FromVersionID != ids[4] {
		t.Errorf("version 5's change: %+v, want one from version 4", page[0].Change)
	}

	other := versionOfAnotherDocument(t, s, "Other")
	if _, err := s.VersionsIn(ctx, docID, VersionRange{Before: other}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a cursor of another document: %v, want ErrNotFound", err)
	}
	one, err := s.VersionSummary(ctx, ids[5])
	if err != nil || one.ID != ids[5] || one.Change == nil || one.Words != 6 {
		t.Errorf("VersionSummary: %+v, %v", one, err)
	}
	if _, err := s.VersionSummary(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("VersionSummary of no version: %v, want ErrNotFound", err)
	}
}

// versionOfAnotherDocument stores one version of a document of service
// and returns its id.
func versionOfAnotherDocument(t *testing.T, s *Store, service string) int64 {
	t.Helper()
	var id int64
	err := s.Write(context.Background(), func(tx *Tx) error {
		d, err := tx.EnsureDocument(service, "Privacy Policy", "")
		if err != nil {
			return err
		}
		hash, err := tx.PutSnapshot([]byte(service), "text/markdown")
		if err != nil {
			return err
		}
		at := date("2024-06-01T00:00:00Z")
		if _, _, err := tx.AddFetch(Fetch{DocumentID: d.ID, At: at, Source: "import", SnapshotHash: hash}); err != nil {
			return err
		}
		id, err = tx.AddVersion(Version{DocumentID: d.ID, CapturedAt: at, SnapshotHash: hash, Extractor: "t",
			Markdown: service, Sections: []byte(`{}`), TextHash: HashContent([]byte(service)), Words: 1})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestChangesBeforePagesNewestFirst(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	docID, _ := pagedHistory(t, s, 12)
	all, err := s.Changes(ctx, ChangeFilter{DocumentID: docID})
	if err != nil || len(all) != 11 {
		t.Fatalf("changes: %d, %v; want 11", len(all), err)
	}
	var walked []int64
	f := ChangeFilter{DocumentID: docID, Limit: 4}
	for {
		page, err := s.Changes(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			walked = append(walked, c.ID)
		}
		f.Before = page[len(page)-1].ID
	}
	var want []int64
	for _, c := range all {
		want = append(want, c.ID)
	}
	if !slices.Equal(walked, want) {
		t.Errorf("walking back by Before: %v, want %v", walked, want)
	}
}

func TestVersionsInFiltersByClassAndMagnitude(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	docID, ids := pagedHistory(t, s, 10)
	err := s.Write(ctx, func(tx *Tx) error {
		for _, c := range []Change{
			{FromVersionID: ids[2], ToVersionID: ids[3], Class: "rebrand"},
			{FromVersionID: ids[6], ToVersionID: ids[7], Class: "rebrand"},
			{FromVersionID: ids[4], ToVersionID: ids[5], Class: "substantive", Magnitude: "major"},
		} {
			c.DocumentID, c.Summary, c.Differ = docID, "changed", "t"
			if err := tx.UpdateChange(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.VersionsIn(ctx, docID, VersionRange{Classes: []string{"rebrand"}})
	if want := []int64{ids[7], ids[3]}; err != nil || !slices.Equal(summaryIDs(got), want) {
		t.Errorf("rebrands: %v, %v; want %v", summaryIDs(got), err, want)
	}
	// A page of one, then the page before the rebrand found: the cursor
	// works within the filter.
	got, err = s.VersionsIn(ctx, docID, VersionRange{Classes: []string{"rebrand"}, Limit: 1})
	if want := []int64{ids[7]}; err != nil || !slices.Equal(summaryIDs(got), want) {
		t.Errorf("first page of rebrands: %v, %v; want %v", summaryIDs(got), err, want)
	}
	got, err = s.VersionsIn(ctx, docID, VersionRange{Classes: []string{"rebrand"}, Before: ids[7], Limit: 1})
	if want := []int64{ids[3]}; err != nil || !slices.Equal(summaryIDs(got), want) {
		t.Errorf("second page of rebrands: %v, %v; want %v", summaryIDs(got), err, want)
	}
	got, err = s.VersionsIn(ctx, docID, VersionRange{Magnitudes: []string{"major"}})
	if want := []int64{ids[5]}; err != nil || !slices.Equal(summaryIDs(got), want) {
		t.Errorf("major changes: %v, %v; want %v", summaryIDs(got), err, want)
	}
	got, err = s.VersionsIn(ctx, docID, VersionRange{Classes: []string{"rebrand", "substantive"}, Magnitudes: []string{"major"}})
	if want := []int64{ids[5]}; err != nil || !slices.Equal(summaryIDs(got), want) {
		t.Errorf("major rebrands or substantive changes: %v, %v; want %v", summaryIDs(got), err, want)
	}
	// Nothing matches: an empty page, not an error.
	got, err = s.VersionsIn(ctx, docID, VersionRange{Classes: []string{"cosmetic"}})
	if err != nil || len(got) != 0 {
		t.Errorf("cosmetic changes: %v, %v; want none", summaryIDs(got), err)
	}
}

func TestVersionAtIsTheVersionInEffect(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	docID, ids := pagedHistory(t, s, 6) // hourly from 2024-01-01 00:00; versions 3 and 4 both at 03:00
	for _, c := range []struct {
		at   string
		want int64
	}{
		{"2024-01-01T00:00:00Z", ids[0]},
		{"2024-01-01T01:30:00Z", ids[1]},
		{"2024-01-01T03:00:00Z", ids[4]}, // the later of two at the same time
		{"2030-01-01T00:00:00Z", ids[5]},
		{"2020-01-01T00:00:00Z", ids[0]}, // before them all: the first
	} {
		got, err := s.VersionAt(ctx, docID, date(c.at))
		if err != nil || got.ID != c.want {
			t.Errorf("VersionAt(%s) = %d, %v; want %d", c.at, got.ID, err, c.want)
		}
	}
	if _, err := s.VersionAt(ctx, 999999, date("2024-01-01T00:00:00Z")); !errors.Is(err, ErrNotFound) {
		t.Errorf("VersionAt of no document: %v, want ErrNotFound", err)
	}
}
