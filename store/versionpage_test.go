package store

import (
	"context"
	"errors"
	"testing"
)

// TestVersionPageReadsWhatTheTimelineSays: the neighbours VersionPage
// gives are the versions VersionsIn lists just before and after, within
// the version's own document (another document's versions, captured the
// same days, are not neighbours); its texts, measures and capture are
// those Version, VersionSummary and VersionCapture read.
func TestVersionPageReadsWhatTheTimelineSays(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	markdown, sections := demoTexts(t)
	ids := addVersions(t, s, "X", markdown[:4], sections[:4])
	addVersions(t, s, "Y", markdown[:4], sections[:4])
	// A version captured at the same time as another: the id orders them.
	third, err := s.Version(ctx, ids[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		hash, err := tx.PutSnapshot([]byte(markdown[4]), "text/markdown")
		if err != nil {
			return err
		}
		if _, _, err := tx.AddFetch(Fetch{DocumentID: third.DocumentID, At: third.CapturedAt, Source: "import", SnapshotHash: hash}); err != nil {
			return err
		}
		id, err := tx.AddVersion(Version{DocumentID: third.DocumentID, CapturedAt: third.CapturedAt, SnapshotHash: hash, Extractor: "t",
			Markdown: markdown[4], Sections: sections[4], TextHash: HashContent([]byte(markdown[4])), Words: 4})
		ids = append(ids, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	measured := Readability{Sentences: 12, Syllables: 340, ReadingSeconds: 75, Grade: 9.5, Release: "r1"}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.SetReadability(ids[1], measured) }); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		page, err := s.VersionPage(ctx, id)
		if err != nil {
			t.Fatalf("VersionPage(%d): %v", id, err)
		}
		v, err := s.Version(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// The page shows sections only: no Markdown, and the cache's
		// sections with no room to append into them.
		if page.ID != id || page.Markdown != "" || string(page.Sections) != string(v.Sections) || !page.CapturedAt.Equal(v.CapturedAt) {
			t.Errorf("version %d: VersionPage's version differs from Version's (Markdown %d bytes, want none)", id, len(page.Markdown))
		}
		if cap(page.Sections) != len(page.Sections) {
			t.Errorf("version %d: VersionPage's sections leave room to append into the cache's texts", id)
		}
		older, err := s.VersionsIn(ctx, v.DocumentID, VersionRange{Before: id, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		newer, err := s.VersionsIn(ctx, v.DocumentID, VersionRange{After: id, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, side := range []struct {
			name string
			got  *VersionRef
			want []VersionSummary
		}{{"previous", page.Previous, older}, {"next", page.Next, newer}} {
			switch {
			case len(side.want) == 0 && side.got != nil:
				t.Errorf("version %d (%d of %d): %s %+v, want none", id, i+1, len(ids), side.name, *side.got)
			case len(side.want) > 0 && (side.got == nil || side.got.ID != side.want[0].ID || !side.got.CapturedAt.Equal(side.want[0].CapturedAt)):
				t.Errorf("version %d (%d of %d): %s %+v, want version %d of %v", id, i+1, len(ids), side.name, side.got, side.want[0].ID, side.want[0].CapturedAt)
			}
		}
		summary, err := s.VersionSummary(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if (page.Readability == nil) != (summary.Readability == nil) || page.Readability != nil && *page.Readability != *summary.Readability {
			t.Errorf("version %d: readability %+v, VersionSummary says %+v", id, page.Readability, summary.Readability)
		}
		capture, err := s.VersionCapture(ctx, id)
		if err != nil || page.Capture != capture {
			t.Errorf("version %d: capture %+v, VersionCapture says %+v (%v)", id, page.Capture, capture, err)
		}
	}
	if page, _ := s.VersionPage(ctx, ids[4]); page.Previous == nil || page.Previous.ID != ids[2] || page.Next == nil || page.Next.ID != ids[3] {
		t.Errorf("the version captured with version %d: neighbours %+v and %+v, want %d and %d", ids[2], page.Previous, page.Next, ids[2], ids[3])
	}
	if page, _ := s.VersionPage(ctx, ids[1]); page.Readability == nil || *page.Readability != measured {
		t.Errorf("readability of version %d: %+v, want %+v", ids[1], page.Readability, measured)
	}
	if _, err := s.VersionPage(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("VersionPage of no version: %v, want ErrNotFound", err)
	}
}

// VersionTimes lists what VersionsIn lists, ids and times, newest first,
// as many as asked.
func TestVersionTimesAreTheTimelinesIDsAndTimes(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := context.Background()
	markdown, sections := demoTexts(t)
	n := min(7, len(markdown))
	ids := addVersions(t, s, "X", markdown[:n], sections[:n])
	addVersions(t, s, "Y", markdown[:n], sections[:n]) // captured the same days: not X's
	first, err := s.Version(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	docID := first.DocumentID
	all, err := s.VersionsIn(ctx, docID, VersionRange{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Fatalf("%d versions of X, want %d", len(all), n)
	}
	for _, limit := range []int{0, 1, 3, n, 50} {
		times, err := s.VersionTimes(ctx, docID, limit)
		if err != nil {
			t.Fatal(err)
		}
		want := all
		if limit > 0 && limit < len(all) {
			want = all[:limit]
		}
		if len(times) != len(want) {
			t.Fatalf("limit %d: %d versions, want %d", limit, len(times), len(want))
		}
		for i := range want {
			if times[i].ID != want[i].ID || !times[i].CapturedAt.Equal(want[i].CapturedAt) {
				t.Errorf("limit %d, #%d: %d at %s, want %d at %s", limit, i, times[i].ID, times[i].CapturedAt, want[i].ID, want[i].CapturedAt)
			}
		}
	}
	if _, err := s.VersionTimes(ctx, docID+1000, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("versions of a document that does not exist: %v, want ErrNotFound", err)
	}
}
