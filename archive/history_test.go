package archive

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// recordedPrivacyHistory and recordedCookieHistory are the demo's bundled
// histories of X's privacy and cookie policies, each recorded once per pass
// (through RecordFiles: seconds under the race detector) and copied for
// each test that reads it. TestRecordCookieHistoryKeepsOneVersionPerDistinctText
// records the cookie history itself.
var (
	recordedPrivacyHistory = historyTemplate(DocumentRef{Service: "X", Type: "Privacy Policy"}, "twitter-x-history/privacy-policy")
	recordedCookieHistory  = historyTemplate(cookiesRef, cookiesDir)
)

// historyTemplate records the bundled history in dir as ref; its facts are
// the document's id.
func historyTemplate(ref DocumentRef, dir string) *storetest.Template {
	return &storetest.Template{Fill: func(ctx context.Context, db string) (any, error) {
		files, err := CollectFiles(bundle, []string{dir}, time.Time{})
		if err != nil {
			return nil, err
		}
		st, err := store.Open(ctx, db)
		if err != nil {
			return nil, err
		}
		sum, err := New(st).RecordFiles(ctx, ref, files, "import", nil)
		if closeErr := st.Close(); err == nil {
			err = closeErr
		}
		return sum.DocumentID, err
	}}
}

// copyHistory gives t its own copy of a recorded history, and returns the
// document's id and its versions by capture date ("2024-05-17T18:36").
func copyHistory(t *testing.T, history *storetest.Template) (*Archive, *store.Store, int64, map[string]store.VersionSummary) {
	t.Helper()
	db, facts := history.Copy(t, "archive.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	docID := facts.(int64)
	byDate := map[string]store.VersionSummary{}
	for _, v := range versionsOf(t, st, docID) {
		if v.TextHash == "" {
			t.Fatalf("version %d has no text hash in Versions", v.ID)
		}
		byDate[v.CapturedAt.Format("2006-01-02T15:04")] = v
	}
	return New(st), st, docID, byDate
}

// storedMarks returns the document's versions and the marks stored with
// them, keyed by version id, for the versions that have any.
func storedMarks(t *testing.T, st *store.Store, docID int64) ([]store.VersionSummary, map[int64]store.HistoryMark) {
	t.Helper()
	versions := versionsOf(t, st, docID)
	marks := map[int64]store.HistoryMark{}
	for _, v := range versions {
		if v.Mark != (store.HistoryMark{}) {
			marks[v.ID] = v.Mark
		}
	}
	return versions, marks
}

func TestPrivacyPolicyRevertsToTwitterTextAndBack(t *testing.T) {
	_, st, docID, v := copyHistory(t, recordedPrivacyHistory)
	versions, marks := storedMarks(t, st, docID)
	twitter, x1, back, x2 := v["2023-05-18T18:34"], v["2023-08-23T00:36"], v["2023-08-24T06:35"], v["2023-08-30T18:34"]
	if twitter.ID == 0 || x1.ID == 0 || back.ID == 0 || x2.ID == 0 {
		t.Fatalf("missing versions among %v", v)
	}
	if m := marks[back.ID]; m.RevertsTo == nil || m.RevertsTo.ID != twitter.ID {
		t.Fatalf("2023-08-24 mark %+v, want a revert to the 2023-05-18 version %d", m, twitter.ID)
	}
	// 2023-08-30 is the 2023-08-23 text but for two words: it returns to
	// it without being identical.
	if m := marks[x2.ID]; m.RevertsTo != nil || m.ReturnsTo == nil || m.ReturnsTo.ID != x1.ID || !m.FlipFlop || m.FlipFlopWith != back.ID {
		t.Fatalf("2023-08-30 mark %+v, want a return to 2023-08-23 (%d), flip-flop with %d", m, x1.ID, back.ID)
	}
	if m := HistoryMarks(versions)[x2.ID]; m.ReturnsTo != nil || m.FlipFlop {
		t.Errorf("HistoryMarks alone, which compares hashes only, marks 2023-08-30: %+v", m)
	}
	if m := marks[back.ID]; !m.FlipFlop {
		t.Errorf("2023-08-24 mark %+v, want a flip-flop", m)
	}
	// 2023-08-23 lived one day before the text went back to 2023-05-18's.
	if m := marks[x1.ID]; m.RevertsTo != nil || !m.FlipFlop || m.FlipFlopWith != back.ID {
		t.Errorf("2023-08-23 mark %+v, want a flip-flop with %d and no revert", m, back.ID)
	}
	if m, ok := marks[twitter.ID]; ok {
		t.Errorf("2023-05-18 is marked %+v", m)
	}
}

func TestCookiePolicyFlipFlopsBetweenLinkDomains(t *testing.T) {
	storetest.SkipSlowOnPostgres(t, "it records the cookie history TestRecordCookieHistoryKeepsOneVersionPerDistinctText records there, and its marks are stored as TestPrivacyPolicyRevertsToTwitterTextAndBack's")
	_, st, docID, v := copyHistory(t, recordedCookieHistory)
	_, marks := storedMarks(t, st, docID)
	first, second, third := v["2024-05-16T06:39"], v["2024-05-17T00:38"], v["2024-05-17T18:36"]
	if m := marks[third.ID]; m.RevertsTo == nil || m.RevertsTo.ID != first.ID || !m.FlipFlop || m.FlipFlopWith != second.ID {
		t.Fatalf("2024-05-17 18:36 mark %+v, want a flip-flop with %d back to 2024-05-16 (%d)", m, second.ID, first.ID)
	}
	if m := marks[second.ID]; !m.FlipFlop || m.RevertsTo != nil {
		t.Errorf("2024-05-17 00:38 mark %+v, want a flip-flop that reverts to nothing", m)
	}
	flips := 0
	for _, m := range marks {
		if m.FlipFlop {
			flips++
		}
	}
	// 2024-05-17 … 2024-06-25: fifteen versions alternating between two texts.
	if flips < 14 {
		t.Errorf("%d versions marked as flip-flops, want at least 14 in May–June 2024", flips)
	}
	if m, ok := marks[v["2022-11-23T00:34"].ID]; ok {
		t.Errorf("the 2022-11-23 version is marked %+v", m)
	}
}

func TestHistoryMarksNeedsShortLivedMiddle(t *testing.T) {
	at := func(days int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days) }
	versions := []store.VersionSummary{
		{ID: 4, CapturedAt: at(400), TextHash: "a"}, // reverts to 3's predecessor, long after
		{ID: 3, CapturedAt: at(100), TextHash: "b"},
		{ID: 2, CapturedAt: at(50), TextHash: "a"},
		{ID: 1, CapturedAt: at(0), TextHash: "c"},
	}
	marks := HistoryMarks(versions)
	if m := marks[4]; m.RevertsTo == nil || m.RevertsTo.ID != 2 || m.FlipFlop {
		t.Fatalf("mark of 4: %+v, want a revert to 2 and no flip-flop (3 lived 300 days)", m)
	}
	if len(marks) != 1 {
		t.Errorf("marks %+v, want only version 4 marked", marks)
	}
}

// captureOf is a one-paragraph Markdown capture of text on day days after
// 2024-01-01.
func captureOf(days int, text string) Capture {
	return markdownCapture(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days), "# Policy\n\n"+text+"\n")
}

const (
	textA = "We keep your data for thirty days and then delete it."
	textB = "We keep your data for ninety days and then delete it."
	textC = "We keep your data for one year and then we delete it."
)

func TestAnOlderCaptureMarksTheVersionsAroundIt(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "Example", Type: "Privacy Policy"}
	first := record(t, a, ref, captureOf(0, textA))
	middle := record(t, a, ref, captureOf(10, textB))
	record(t, a, ref, captureOf(40, textC))
	if _, marks := storedMarks(t, st, first.DocumentID); len(marks) != 0 {
		t.Fatalf("A → B → C is marked: %+v", marks)
	}
	// An import finds that the text went back to A on day 15: B lived five
	// days, then A came back (a flip-flop), and C follows the return.
	back := record(t, a, ref, captureOf(15, textA))
	if !back.NewVersion {
		t.Fatalf("the day-15 capture is no new version: %+v", back)
	}
	_, marks := storedMarks(t, st, first.DocumentID)
	if m := marks[back.VersionID]; m.RevertsTo == nil || m.RevertsTo.ID != first.VersionID || !m.FlipFlop || m.FlipFlopWith != middle.VersionID {
		t.Errorf("day-15 version: %+v, want a revert to day 0 (%d) and a flip-flop with day 10 (%d)", m, first.VersionID, middle.VersionID)
	}
	if m := marks[middle.VersionID]; !m.FlipFlop || m.FlipFlopWith != back.VersionID || m.RevertsTo != nil {
		t.Errorf("day-10 version: %+v, want a flip-flop with day 15 (%d)", m, back.VersionID)
	}
	if len(marks) != 2 {
		t.Errorf("marks %+v, want only days 10 and 15 marked", marks)
	}
}

func TestAnOlderCaptureUnmarksAFlipFlopItBreaks(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "Example", Type: "Privacy Policy"}
	first := record(t, a, ref, captureOf(0, textA))
	middle := record(t, a, ref, captureOf(10, textB))
	back := record(t, a, ref, captureOf(20, textA))
	_, marks := storedMarks(t, st, first.DocumentID)
	if m := marks[back.VersionID]; m.RevertsTo == nil || !m.FlipFlop || !marks[middle.VersionID].FlipFlop {
		t.Fatalf("A → B → A within 20 days: %+v, want a revert and a flip-flop", marks)
	}
	// C on day 15 stands between B and the return to A: still a revert, no
	// longer a back-and-forth of B.
	between := record(t, a, ref, captureOf(15, textC))
	_, marks = storedMarks(t, st, first.DocumentID)
	if m := marks[back.VersionID]; m.RevertsTo == nil || m.RevertsTo.ID != first.VersionID || m.FlipFlop {
		t.Errorf("day-20 version: %+v, want a revert to day 0 (%d) and no flip-flop", m, first.VersionID)
	}
	if m, ok := marks[middle.VersionID]; ok {
		t.Errorf("day-10 version is still marked: %+v", m)
	}
	if m, ok := marks[between.VersionID]; ok {
		t.Errorf("day-15 version is marked: %+v", m)
	}
}

func TestRediffComputesMarksAnOlderReleaseDidNotStore(t *testing.T) {
	a, st, docID, _ := copyHistory(t, recordedPrivacyHistory)
	_, want := storedMarks(t, st, docID)
	if len(want) == 0 {
		t.Fatal("the privacy policy's history has no marks")
	}
	ctx := context.Background()
	// As a database from before stored marks: none, and no stamp.
	if err := st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.SetHistoryMarks(docID, nil, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, marks := storedMarks(t, st, docID); len(marks) != 0 {
		t.Fatalf("marks left after clearing them: %+v", marks)
	}
	results, err := a.Rediff(ctx, nil)
	if err != nil || len(results) != 1 || results[0].Marks != len(want) {
		t.Fatalf("rediff: %+v, %v; want %d versions' marks written", results, err, len(want))
	}
	if _, got := storedMarks(t, st, docID); !reflect.DeepEqual(got, want) {
		t.Errorf("marks after rediff:\n%+v\nwant\n%+v", got, want)
	}
	if results, err := a.Rediff(ctx, nil); err != nil || len(results) != 0 {
		t.Errorf("a second rediff, with everything up to date: %+v, %v; want no document", results, err)
	}
}
