package archive

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

func TestChangesAreStoredWithTheirStory(t *testing.T) {
	a, st := newArchive(t)
	record(t, a, cookiesRef, markdownCapture(day(t, "2022-11-23"), string(readBundle(t, cookiesDir+"/2022-11-23T00-34-28Z.md"))))
	out := record(t, a, cookiesRef, markdownCapture(day(t, "2023-09-20"), string(readBundle(t, cookiesDir+"/2023-09-20T18-34-47Z.md"))))
	changes, err := st.Changes(context.Background(), store.ChangeFilter{DocumentID: out.DocumentID})
	if err != nil || len(changes) != 1 {
		t.Fatalf("changes %v, %v", changes, err)
	}
	c := changes[0]
	var story diff.Story
	if err := json.Unmarshal(c.Story, &story); err != nil {
		t.Fatalf("stored story %q: %v", c.Story, err)
	}
	if c.Summary != "Twitter → X ×40; Tweet → post ×2" || story.Line != c.Summary || c.Magnitude != "minor" || c.Differ != diff.Release {
		t.Errorf("stored change: summary %q, story line %q, magnitude %q, differ %q", c.Summary, story.Line, c.Magnitude, c.Differ)
	}
	if !strings.Contains(c.Excerpt, "<h3>") || c.ExcerptTruncated {
		t.Errorf("excerpt (truncated %v): %.200s", c.ExcerptTruncated, c.Excerpt)
	}
}

// TestRediffOfSomeChangesComparesTheRightVersions: rediff reads each
// version once and keeps the last document read for the next change; with
// stale changes next to each other and apart, every one it computes again
// must be the change Record stored between the same two versions.
func TestRediffOfSomeChangesComparesTheRightVersions(t *testing.T) {
	a, st := newArchive(t)
	ctx := context.Background()
	var docID int64
	changes := 0
	for _, c := range cookieHistory(t) {
		out := record(t, a, cookiesRef, c)
		docID = out.DocumentID
		if out.Change != nil {
			if changes++; changes == 8 { // enough for the changes below
				break
			}
		}
	}
	recorded, err := st.Changes(ctx, store.ChangeFilter{DocumentID: docID})
	if err != nil || len(recorded) < 8 {
		t.Fatalf("%d changes recorded, %v; want at least 8", len(recorded), err)
	}
	// Changes are listed newest first: these are the second and third
	// oldest (one after the other), the sixth and the eighth.
	staleAt := []int{len(recorded) - 2, len(recorded) - 3, len(recorded) - 6, len(recorded) - 8}
	err = st.Write(ctx, func(tx *store.Tx) error {
		for _, i := range staleAt {
			stale := recorded[i].Change
			stale.Class, stale.Summary, stale.Story, stale.Excerpt, stale.WordsAdded, stale.Differ = "cosmetic", "stale", nil, "", 0, ""
			if err := tx.UpdateChange(stale); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	results, err := a.Rediff(ctx, nil)
	if err != nil || len(results) != 1 || results[0].Updated != len(staleAt) {
		t.Fatalf("rediff: %+v, %v; want %d changes of one document computed again", results, err, len(staleAt))
	}
	after, err := st.Changes(ctx, store.ChangeFilter{DocumentID: docID})
	if err != nil || len(after) != len(recorded) {
		t.Fatalf("%d changes after rediff, %v; want %d", len(after), err, len(recorded))
	}
	for i := range recorded {
		if !reflect.DeepEqual(after[i].Change, recorded[i].Change) {
			t.Errorf("change %d (version %d → %d) after rediff:\n%+v\nwant, as recorded:\n%+v",
				i, recorded[i].FromVersionID, recorded[i].ToVersionID, after[i].Change, recorded[i].Change)
		}
	}
}

func TestRediffRecomputesChangesOfAnOlderDiff(t *testing.T) {
	a, st := newArchive(t)
	record(t, a, cookiesRef, markdownCapture(day(t, "2022-11-23"), string(readBundle(t, cookiesDir+"/2022-11-23T00-34-28Z.md"))))
	out := record(t, a, cookiesRef, markdownCapture(day(t, "2023-09-20"), string(readBundle(t, cookiesDir+"/2023-09-20T18-34-47Z.md"))))
	ctx := context.Background()
	fresh := out.Change
	// As an older release left it.
	stale := *fresh
	stale.Class, stale.Summary, stale.Story, stale.Magnitude, stale.Differ = "substantive", "+42 −42 words", nil, "", ""
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.UpdateChange(stale) }); err != nil {
		t.Fatal(err)
	}
	results, err := a.Rediff(ctx, nil)
	if err != nil || len(results) != 1 || results[0].Updated != 1 {
		t.Fatalf("rediff: %+v, %v", results, err)
	}
	changes, _ := st.Changes(ctx, store.ChangeFilter{DocumentID: out.DocumentID})
	if c := changes[0]; c.Class != fresh.Class || c.Summary != fresh.Summary || c.Differ != diff.Release || len(c.Story) == 0 {
		t.Errorf("after rediff: class %q summary %q differ %q, want %q %q %q", c.Class, c.Summary, c.Differ, fresh.Class, fresh.Summary, diff.Release)
	}
	// Up to date: nothing more to do.
	if results, err := a.Rediff(ctx, nil); err != nil || len(results) != 0 {
		t.Errorf("a second rediff, with everything up to date: %+v, %v; want no document", results, err)
	}
}
