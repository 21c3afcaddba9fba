package archive

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

var (
	cookiesRef = DocumentRef{Service: "X", Type: "Cookies Policy", URL: "https://help.x.com/en/rules-and-policies/x-cookies"}
	bundle     = os.DirFS("../demo")
)

const cookiesDir = "twitter-x-history/cookies-policy"

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func newArchive(t testing.TB) (*Archive, *store.Store) {
	t.Helper()
	st := storetest.Open(t)
	return New(st), st
}

func readBundle(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(bundle, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func day(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func markdownCapture(at time.Time, text string) Capture {
	return Capture{At: at, Source: "import", ContentType: "text/markdown", Content: []byte(text)}
}

func record(t testing.TB, a *Archive, ref DocumentRef, c Capture) Outcome {
	t.Helper()
	out, err := a.Record(context.Background(), ref, c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// versionsOf returns a document's versions oldest first.
func versionsOf(t testing.TB, st *store.Store, docID int64) []store.VersionSummary {
	t.Helper()
	vs, err := st.Versions(context.Background(), docID)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(vs)-1; i < j; i, j = i+1, j-1 {
		vs[i], vs[j] = vs[j], vs[i]
	}
	return vs
}

// checkChain asserts that every version but the first has exactly one
// change, from the version just before it.
func checkChain(t *testing.T, vs []store.VersionSummary) {
	t.Helper()
	for i, v := range vs {
		switch {
		case i == 0 && v.Change != nil:
			t.Errorf("first version %d has a change from %d", v.ID, v.Change.FromVersionID)
		case i > 0 && v.Change == nil:
			t.Errorf("version %d (%s) has no change into it", v.ID, v.CapturedAt)
		case i > 0 && v.Change.FromVersionID != vs[i-1].ID:
			t.Errorf("change into version %d comes from %d, want %d", v.ID, v.Change.FromVersionID, vs[i-1].ID)
		}
	}
}

func TestRecordCookieHistoryKeepsOneVersionPerDistinctText(t *testing.T) {
	a, st := newArchive(t)
	files, err := CollectFiles(bundle, []string{cookiesDir}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 39 {
		t.Fatalf("found %d cookie-policy files, want 39", len(files))
	}
	// What the history should hold: one version each time the text differs
	// from the capture before it.
	want, prevKey := 0, ""
	for _, f := range files {
		doc, err := extract.Extract(readBundle(t, f.Path), extract.ContentTypeForName(f.Path), extract.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if key := doc.ComparisonKey(); key != prevKey {
			want++
			prevKey = key
		}
	}
	if want < 30 {
		t.Fatalf("only %d distinct consecutive texts among 39 files: the extractor is losing text", want)
	}

	sum, err := a.RecordFiles(context.Background(), cookiesRef, files, "import", nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewVersions != want {
		t.Errorf("recorded %d new versions, want %d", sum.NewVersions, want)
	}
	vs := versionsOf(t, st, sum.DocumentID)
	if len(vs) != want {
		t.Fatalf("store holds %d versions, want %d", len(vs), want)
	}
	checkChain(t, vs)
	if got := vs[0].CapturedAt; !got.Equal(day(t, "2022-07-11T15:00:43Z")) {
		t.Errorf("first version captured %s, want 2022-07-11T15:00:43Z", got)
	}

	// Importing the whole history again changes nothing at all.
	fetchesBefore, _ := st.Fetches(context.Background(), sum.DocumentID)
	again, err := a.RecordFiles(context.Background(), cookiesRef, files, "import", nil)
	if err != nil {
		t.Fatal(err)
	}
	fetchesAfter, _ := st.Fetches(context.Background(), sum.DocumentID)
	if again.NewVersions != 0 || len(versionsOf(t, st, sum.DocumentID)) != want || len(fetchesAfter) != len(fetchesBefore) {
		t.Errorf("second import: %d new versions, %d→%d fetches; want nothing new", again.NewVersions, len(fetchesBefore), len(fetchesAfter))
	}
}

func TestRecordRebrandChangeNamesTheSubstitution(t *testing.T) {
	a, _ := newArchive(t)
	record(t, a, cookiesRef, markdownCapture(day(t, "2022-11-23T00:34:28Z"), string(readBundle(t, cookiesDir+"/2022-11-23T00-34-28Z.md"))))
	out := record(t, a, cookiesRef, markdownCapture(day(t, "2023-09-20T18:34:47Z"), string(readBundle(t, cookiesDir+"/2023-09-20T18-34-47Z.md"))))
	if !out.NewVersion || out.Change == nil {
		t.Fatalf("rebrand capture: NewVersion=%v Change=%v, want a new version with a change", out.NewVersion, out.Change)
	}
	if !strings.Contains(out.Change.Summary, "Twitter → X") {
		t.Errorf("change summary %q does not name Twitter → X", out.Change.Summary)
	}
	if !strings.Contains(string(out.Change.Substitutions), `"from":"Twitter","to":"X"`) {
		t.Errorf("stored substitutions %s lack Twitter → X", out.Change.Substitutions)
	}
}

func TestRecordIgnoresWhitespaceOnlyDifferences(t *testing.T) {
	a, st := newArchive(t)
	text := string(readBundle(t, cookiesDir+"/2022-11-23T00-34-28Z.md"))
	first := record(t, a, cookiesRef, markdownCapture(day(t, "2022-11-23"), text))
	respaced := strings.NewReplacer(". ", ".   ", ", ", ",\t", "\n\n", "  \n\n\n").Replace(text)
	if respaced == text {
		t.Fatal("the whitespace variant is identical to the original")
	}
	second := record(t, a, cookiesRef, markdownCapture(day(t, "2022-11-24"), respaced))
	if second.NewVersion || second.VersionID != first.VersionID {
		t.Errorf("whitespace-only variant made version %d (new=%v), want the existing version %d", second.VersionID, second.NewVersion, first.VersionID)
	}
	if n := len(versionsOf(t, st, first.DocumentID)); n != 1 {
		t.Errorf("%d versions, want 1", n)
	}
	// A real edit is still a new version.
	edited := record(t, a, cookiesRef, markdownCapture(day(t, "2022-11-25"), strings.Replace(text, "better, faster, and safer", "better and faster", 1)))
	if !edited.NewVersion {
		t.Error("a real edit did not make a new version")
	}
}

func TestRecordSameCaptureTwiceChangesNothing(t *testing.T) {
	a, st := newArchive(t)
	c := markdownCapture(day(t, "2024-01-02T03:04:05Z"), "# Policy\n\nWe collect data.\n")
	first := record(t, a, cookiesRef, c)
	second := record(t, a, cookiesRef, c)
	if !first.NewVersion || second.NewVersion || first.VersionID != second.VersionID || first.SnapshotHash != second.SnapshotHash {
		t.Errorf("first %+v, second %+v: want one version, the same snapshot", first, second)
	}
	fetches, err := st.Fetches(context.Background(), first.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fetches) != 1 {
		t.Errorf("%d fetches after recording one capture twice, want 1", len(fetches))
	}
}

func TestRecordOutOfOrderKeepsTheChainConsistent(t *testing.T) {
	a, st := newArchive(t)
	texts := map[string]string{
		"2024-01-01": "# Policy\n\nWe collect your name.\n",
		"2024-02-01": "# Policy\n\nWe collect your name and email.\n",
		"2024-03-01": "# Policy\n\nWe collect your name, email and location.\n",
	}
	// Newest first, then the oldest, then the middle one.
	var docID int64
	for _, d := range []string{"2024-03-01", "2024-01-01", "2024-02-01"} {
		docID = record(t, a, cookiesRef, markdownCapture(day(t, d), texts[d])).DocumentID
	}
	vs := versionsOf(t, st, docID)
	if len(vs) != 3 {
		t.Fatalf("%d versions, want 3", len(vs))
	}
	checkChain(t, vs)
	for i, d := range []string{"2024-01-01", "2024-02-01", "2024-03-01"} {
		if !vs[i].CapturedAt.Equal(day(t, d)) {
			t.Errorf("version %d captured %s, want %s", i, vs[i].CapturedAt, d)
		}
	}
	changes, err := st.Changes(context.Background(), store.ChangeFilter{DocumentID: docID})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 {
		t.Errorf("%d changes, want 2 (the change 1→3 must have been replaced)", len(changes))
	}
}

func TestRecordEarlierCaptureOfTheNextTextMovesItsDate(t *testing.T) {
	a, st := newArchive(t)
	old := "# Policy\n\nWe collect your name.\n"
	newer := "# Policy\n\nWe collect your name and email.\n"
	record(t, a, cookiesRef, markdownCapture(day(t, "2024-01-01"), old))
	later := record(t, a, cookiesRef, markdownCapture(day(t, "2024-03-01"), newer))
	// The newer text turns out to have been online already in February.
	earlier := record(t, a, cookiesRef, markdownCapture(day(t, "2024-02-01"), newer))
	if earlier.NewVersion || earlier.VersionID != later.VersionID {
		t.Fatalf("got %+v, want the existing version %d", earlier, later.VersionID)
	}
	vs := versionsOf(t, st, later.DocumentID)
	if len(vs) != 2 || !vs[1].CapturedAt.Equal(day(t, "2024-02-01")) {
		t.Errorf("versions %+v: want 2, the second first seen 2024-02-01", vs)
	}
	checkChain(t, vs)
}

func TestRecordRevertIsANewVersion(t *testing.T) {
	a, st := newArchive(t)
	twitter := "# Policy\n\nTwitter collects data.\n"
	x := "# Policy\n\nX collects data.\n"
	var docID int64
	for i, text := range []string{twitter, x, twitter} {
		docID = record(t, a, cookiesRef, markdownCapture(day(t, "2023-08-2"+string(rune('3'+i))), text)).DocumentID
	}
	if vs := versionsOf(t, st, docID); len(vs) != 3 {
		t.Errorf("A → B → A gave %d versions, want 3", len(vs))
	}
}

func TestRecordKeepsUnextractableCaptureAsFailedFetch(t *testing.T) {
	a, st := newArchive(t)
	good := record(t, a, cookiesRef, markdownCapture(day(t, "2024-01-01"), "# Policy\n\nWe collect data.\n"))
	_, err := a.Record(context.Background(), cookiesRef, Capture{At: day(t, "2024-02-01"), ContentType: "text/html", Content: []byte("<html><body><script>x()</script></body></html>")})
	if err == nil {
		t.Fatal("recording a page without text succeeded")
	}
	if !strings.Contains(err.Error(), "X / Trackers Policy") {
		t.Errorf("error %q does not name the document", err)
	}
	if vs := versionsOf(t, st, good.DocumentID); len(vs) != 1 {
		t.Errorf("%d versions after a failed capture, want 1", len(vs))
	}
	fetches, _ := st.Fetches(context.Background(), good.DocumentID)
	if len(fetches) != 2 || fetches[0].ErrorClass == "" || fetches[0].SnapshotHash == "" {
		t.Errorf("fetches %+v: want the failed one first, with its class and snapshot", fetches)
	}
}

func TestRecordRejectsIncompleteCaptures(t *testing.T) {
	a, _ := newArchive(t)
	cases := map[string]struct {
		ref DocumentRef
		c   Capture
	}{
		"no service": {DocumentRef{Type: "Privacy Policy"}, markdownCapture(day(t, "2024-01-01"), "text")},
		"no type":    {DocumentRef{Service: "X"}, markdownCapture(day(t, "2024-01-01"), "text")},
		"no date":    {cookiesRef, markdownCapture(time.Time{}, "text")},
		"empty":      {cookiesRef, markdownCapture(day(t, "2024-01-01"), "")},
	}
	for name, tc := range cases {
		if _, err := a.Record(context.Background(), tc.ref, tc.c); err == nil {
			t.Errorf("%s: Record succeeded", name)
		}
	}
}

func TestCompare(t *testing.T) {
	a, _ := newArchive(t)
	v1 := record(t, a, cookiesRef, markdownCapture(day(t, "2024-01-01"), "# Policy\n\nTwitter collects data. Twitter shares it.\n"))
	v2 := record(t, a, cookiesRef, markdownCapture(day(t, "2024-02-01"), "# Policy\n\nX collects data. X shares it.\n"))
	other := record(t, a, DocumentRef{Service: "X", Type: "Privacy Policy"}, markdownCapture(day(t, "2024-01-01"), "# Privacy\n\nText.\n"))

	cmp, err := a.Compare(context.Background(), v1.VersionID, v2.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Document.ID != v1.DocumentID || cmp.From.ID != v1.VersionID || cmp.To.ID != v2.VersionID {
		t.Errorf("comparison of the wrong versions: %+v", cmp)
	}
	if len(cmp.Result.Substitutions) == 0 || cmp.Result.Substitutions[0].From != "Twitter" || cmp.Result.Substitutions[0].To != "X" {
		t.Errorf("substitutions %+v, want Twitter → X first", cmp.Result.Substitutions)
	}
	if _, err := a.Compare(context.Background(), v1.VersionID, other.VersionID); !errors.Is(err, ErrDifferentDocuments) {
		t.Errorf("comparing versions of two documents: %v, want ErrDifferentDocuments", err)
	}
	if _, err := a.Compare(context.Background(), v1.VersionID, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("comparing with a missing version: %v, want ErrNotFound", err)
	}
}

func TestRecordLinkTargetChangeIsAVersionWithAVisibleChange(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "X", Type: "Privacy Policy", URL: "https://help.x.com/en/privacy/"}
	page := func(href string) Capture {
		return Capture{At: day(t, "2024-01-01"), ContentType: "text/html", URL: ref.URL,
			Content: []byte(`<html><body><main><h1>Privacy</h1><p>You can <a href="` + href + `">opt out</a> at any time.</p></main></body></html>`)}
	}
	first := record(t, a, ref, page("settings/ads"))
	v, err := st.Version(context.Background(), first.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Markdown, "[opt out](https://help.x.com/en/privacy/settings/ads)") {
		t.Errorf("relative link not resolved against the capture's URL:\n%s", v.Markdown)
	}

	moved := page("https://x.com/settings/ads")
	moved.At = day(t, "2024-02-01")
	second := record(t, a, ref, moved)
	if !second.NewVersion || second.Change == nil {
		t.Fatalf("a link moving elsewhere made no new version: %+v", second)
	}
	// No word of the text changed (link targets are no words), but the
	// change says where the link went.
	c := second.Change
	if c.Class == "identical" || c.WordsAdded+c.WordsRemoved != 0 || !strings.Contains(c.Summary, "Links changed in ‘Privacy’") || !strings.Contains(c.Excerpt, "x.com") {
		t.Errorf("the change hides the new link target: %+v", c)
	}
}
