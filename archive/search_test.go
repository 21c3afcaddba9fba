package archive

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// searchHistory records five versions of a policy in which "biometric
// data" appears in the second, stays in the third, goes in the fourth and
// comes back in the fifth; and one version of another service's policy
// that says it too. It returns the first document's version ids.
func searchHistory(t *testing.T, a *Archive) []int64 {
	t.Helper()
	ref := DocumentRef{Service: "Example", Type: "Privacy Policy"}
	var ids []int64
	for i, text := range []string{
		"We collect your name.",
		"We collect your name and biometric data.",
		"We collect your name, your biometric data and your location.",
		"We collect your name.\n\nWe never collect biometrics.",
		"We collect your name and, again, biometric data.",
	} {
		out := record(t, a, ref, captureOf(31*i, text))
		if !out.NewVersion {
			t.Fatalf("capture %d made no version", i)
		}
		ids = append(ids, out.VersionID)
	}
	record(t, a, DocumentRef{Service: "Other", Type: "Cookies Policy"}, captureOf(10, "Our cookies never read biometric data."))
	return ids
}

func search(t *testing.T, st *store.Store, input string, q store.SearchQuery) []store.SearchHit {
	t.Helper()
	match, err := store.ParseQuery(input)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", input, err)
	}
	q.Match = match
	hits, _, err := st.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", input, err)
	}
	return hits
}

func hitVersions(h store.SearchHit) []int64 {
	var out []int64
	for _, v := range h.Versions {
		out = append(out, v.ID)
	}
	return out
}

func dayN(days int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days) }

func TestSearchFindsExactlyTheVersionsHoldingAPhrase(t *testing.T) {
	a, st := newArchive(t)
	ids := searchHistory(t, a)

	hits := search(t, st, `"biometric data"`, store.SearchQuery{Service: "Example"})
	if len(hits) != 1 {
		t.Fatalf("%d hits in Example, want 1", len(hits))
	}
	h := hits[0]
	if want := []int64{ids[1], ids[2], ids[4]}; !slices.Equal(hitVersions(h), want) || h.Of != 5 {
		t.Errorf("versions holding the phrase: %v of %d, want %v of 5", hitVersions(h), h.Of, want)
	}
	// It appeared on day 31, went on day 93 (the fourth version), came
	// back on day 124 and is there still.
	if len(h.Spans) != 2 {
		t.Fatalf("spans %+v, want two", h.Spans)
	}
	first, second := h.Spans[0], h.Spans[1]
	if !first.First.CapturedAt.Equal(dayN(31)) || !first.Last.CapturedAt.Equal(dayN(62)) || first.Versions != 2 ||
		!first.Gone.Equal(dayN(93)) || first.GoneID != ids[3] {
		t.Errorf("first span %+v: want days 31 to 62, gone on day 93", first)
	}
	if !second.First.CapturedAt.Equal(dayN(124)) || second.Versions != 1 || !second.Gone.IsZero() {
		t.Errorf("second span %+v: want day 124, still there", second)
	}
	if !strings.Contains(h.Snippet, "again, \x02biometric data\x03.") {
		t.Errorf("snippet %q does not mark the phrase", h.Snippet)
	}

	// Words apart are not the phrase; words side by side need both.
	if hits := search(t, st, `"data biometric"`, store.SearchQuery{}); len(hits) != 0 {
		t.Errorf("a phrase in the wrong order found %d documents", len(hits))
	}
	if hits := search(t, st, `biometric location`, store.SearchQuery{}); len(hits) != 1 || !slices.Equal(hitVersions(hits[0]), []int64{ids[2]}) {
		t.Errorf("two words: %d hits", len(hits))
	}
	// A prefix finds "biometrics" too; the two services both say it.
	hits = search(t, st, `biometric*`, store.SearchQuery{})
	if len(hits) != 2 {
		t.Fatalf("biometric*: %d documents, want 2", len(hits))
	}
	for _, h := range hits {
		if h.Document.Service == "Example" && len(h.Versions) != 4 {
			t.Errorf("biometric* in Example: versions %v, want the four that say biometric or biometrics", hitVersions(h))
		}
	}
	// NOT, and filters by type and date.
	if hits := search(t, st, `biometric NOT location`, store.SearchQuery{Service: "Example"}); len(hits) != 1 || !slices.Equal(hitVersions(hits[0]), []int64{ids[1], ids[4]}) {
		t.Errorf("biometric NOT location: %v", hits)
	}
	if hits := search(t, st, `biometric`, store.SearchQuery{Type: "Deceased Users"}); len(hits) != 0 {
		t.Errorf("a type nobody has found %d documents", len(hits))
	}
	hits = search(t, st, `"biometric data"`, store.SearchQuery{Service: "Example", From: dayN(60), To: dayN(100)})
	if len(hits) != 1 || !slices.Equal(hitVersions(hits[0]), []int64{ids[2]}) || hits[0].Of != 2 {
		t.Errorf("between days 60 and 100: %+v, want the third version of the two captured then", hits)
	}
	// Pages of one document: both, once each, the second saying no more.
	match, _ := store.ParseQuery("biometric")
	one, more, err := st.Search(context.Background(), store.SearchQuery{Match: match, Limit: 1})
	two, last, err2 := st.Search(context.Background(), store.SearchQuery{Match: match, Limit: 1, Offset: 1})
	if err != nil || err2 != nil || len(one) != 1 || len(two) != 1 || !more || last || one[0].Document.ID == two[0].Document.ID {
		t.Errorf("pages of one: %v %v more %v, %v %v more %v", one, err, more, two, err2, last)
	}
	// Accents and case do not matter.
	if hits := search(t, st, `BIOMÉTRIC`, store.SearchQuery{}); len(hits) != 2 {
		t.Errorf("BIOMÉTRIC: %d documents, want 2", len(hits))
	}
}

func TestSearchSaysWhatIsWrongWithAQuery(t *testing.T) {
	a, st := newArchive(t)
	searchHistory(t, a)
	for _, input := range []string{`"biometric`, `*`, ``, `  ... `, `""`, `NOT`} {
		if _, err := store.ParseQuery(input); !errors.Is(err, store.ErrBadQuery) {
			t.Errorf("ParseQuery(%q): %v, want ErrBadQuery", input, err)
		}
	}
	for _, input := range []string{`biometric AND`, `OR data`, `(biometric`, `biometric NOT`} {
		match, err := store.ParseQuery(input)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", input, err)
			continue
		}
		_, _, err = st.Search(context.Background(), store.SearchQuery{Match: match})
		if !errors.Is(err, store.ErrBadQuery) || !strings.Contains(err.Error(), "syntax error") {
			t.Errorf("Search(%q): %v, want ErrBadQuery saying syntax error", input, err)
		}
	}
	// Punctuation inside a word is no error: x.com is the phrase "x com".
	if _, err := store.ParseQuery(`x.com biometric-data "Twitter's"`); err != nil {
		t.Errorf("words with punctuation: %v", err)
	}
}

// Re-extraction rebuilds the index: a document's texts that stand are
// indexed again, and a history recorded again is indexed as it now is,
// the passages of the texts that went gone with them.
func TestReextractRebuildsTheSearchIndex(t *testing.T) {
	ctx := context.Background()
	a, st := newArchive(t)
	ref := DocumentRef{Service: "Example", Type: "Terms of Service"}
	for i, extra := range []string{"", "<p>We scan your face to make biometric templates.</p>"} {
		page := "<html><body><main><h1>Terms</h1><p>Be nice.</p>" + extra + "<div class=\"advert\"><p>Advert about biometric watches.</p></div></main></body></html>"
		record(t, a, ref, Capture{At: dayN(i), Source: "import", ContentType: "text/html", Content: []byte(page)})
	}
	if hits := search(t, st, "biometric", store.SearchQuery{}); len(hits) != 1 || len(hits[0].Versions) != 2 {
		t.Fatalf("before: %+v", hits)
	}
	// An index lost (a database from before search) comes back.
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.ClearSearch() }); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, st, "biometric", store.SearchQuery{}); len(hits) != 0 {
		t.Fatalf("after clearing: %d hits", len(hits))
	}
	if _, err := a.Reextract(ctx, ReextractOptions{}); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, st, "biometric", store.SearchQuery{}); len(hits) != 1 || len(hits[0].Versions) != 2 {
		t.Fatalf("after re-extraction: %+v", hits)
	}
	// New rules remove the advert: the first version has no "biometric"
	// left, and "watches" is found nowhere.
	rules := func(store.Document, time.Time) (extract.Options, bool) {
		return extract.Options{Remove: extract.CSS(".advert")}, true
	}
	results, err := a.Reextract(ctx, ReextractOptions{Rules: rules})
	if err != nil || len(results) != 1 || !results[0].Rewritten {
		t.Fatalf("re-extraction with rules: %+v, %v", results, err)
	}
	if hits := search(t, st, "biometric", store.SearchQuery{}); len(hits) != 1 || len(hits[0].Versions) != 1 {
		t.Errorf("after re-extraction with rules: %+v, want only the second version", hits)
	}
	if hits := search(t, st, "watches", store.SearchQuery{}); len(hits) != 0 {
		t.Errorf("the removed advert is still found: %+v", hits)
	}
	var passages, held int
	db := storetest.RawDB(t, st)
	if err := db.QueryRow("SELECT count(*), (SELECT count(DISTINCT passage_id) FROM search_postings) FROM search_passages").Scan(&passages, &held); err != nil {
		t.Fatal(err)
	}
	if passages != held {
		t.Errorf("%d passages stored, %d held by a version: the others were not deleted", passages, held)
	}
}

func TestRefreshTextFactsIndexesWhatIsMissing(t *testing.T) {
	ctx := context.Background()
	a, st := newArchive(t)
	ids := searchHistory(t, a)
	// Recording measured the version, in its transaction.
	v, _ := st.VersionSummary(ctx, ids[1])
	if v.Readability == nil || v.Readability.Release != TextFactsRelease() || v.Readability.Sentences != 2 {
		t.Fatalf("measures of a recorded version: %+v", v.Readability)
	}
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.ClearSearch() }); err != nil {
		t.Fatal(err)
	}
	v, _ = st.VersionSummary(ctx, ids[0])
	if v.Readability != nil {
		t.Fatalf("measures left after clearing: %+v", v.Readability)
	}
	results, err := a.RefreshTextFacts(ctx, false, nil)
	if err != nil || len(results) != 2 {
		t.Fatalf("refresh: %+v, %v", results, err)
	}
	if hits := search(t, st, `"biometric data"`, store.SearchQuery{}); len(hits) != 2 {
		t.Errorf("after the refresh: %d hits, want 2", len(hits))
	}
	v, _ = st.VersionSummary(ctx, ids[0])
	if v.Readability == nil || v.Readability.Release != TextFactsRelease() || v.Readability.ReadingSeconds != 1 {
		t.Errorf("measures after the refresh: %+v", v.Readability)
	}
	// Nothing left to do: a second run does nothing; a rebuild does all.
	if results, err := a.RefreshTextFacts(ctx, false, nil); err != nil || len(results) != 0 {
		t.Errorf("second refresh: %+v, %v", results, err)
	}
	if results, err := a.RefreshTextFacts(ctx, true, nil); err != nil || len(results) != 2 {
		t.Errorf("rebuild: %+v, %v", results, err)
	}
}

func TestPassagesCutLongSections(t *testing.T) {
	var md strings.Builder
	md.WriteString("# Policy\n\n## Data\n\n")
	for i := range 400 {
		md.WriteString(strings.Repeat("word ", 10) + "[link](https://example.com/a) end.\n\n")
		_ = i
	}
	md.WriteString("## Other\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```\n# code, not a heading\n```\n")
	var passages []string
	if err := passagesOf(md.String(), func(p string) error { passages = append(passages, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(passages) < 3 {
		t.Fatalf("%d passages", len(passages))
	}
	for _, p := range passages[:len(passages)-1] {
		if len(p) > passageBytes || !strings.HasPrefix(p, "Policy › Data\n") || strings.Contains(p, "https") {
			t.Errorf("passage of %d bytes starting %q", len(p), p[:30])
		}
	}
	last := passages[len(passages)-1]
	if last != "Policy › Other\na | b\n1 | 2\n# code, not a heading" {
		t.Errorf("last passage %q", last)
	}
}

// TestPassagesUnderAHeadingLongerThanAPassage: a page whose heading alone
// fills a passage (a whole paragraph marked up as a heading, as real pages
// have) once made recording panic; its text is kept whole, after it.
func TestPassagesUnderAHeadingLongerThanAPassage(t *testing.T) {
	heading := strings.Repeat("We process your data lawfully. ", passageBytes/30)
	md := "# " + heading + "\n\nShort text under it.\n\nAnother line.\n"
	var passages []string
	if err := passagesOf(md, func(p string) error { passages = append(passages, p); return nil }); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(passages, "\n")
	if !strings.Contains(joined, "Short text under it.") || !strings.Contains(joined, "Another line.") {
		t.Fatalf("the text under the long heading was lost: %d passages", len(passages))
	}
}
