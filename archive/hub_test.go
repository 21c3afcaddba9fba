package archive

import (
	"context"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/internal/hubtest"
	"github.com/policywatch/policywatch/store"
)

// A legal hub holds several documents of one service as tabs. A change to
// one of them is a new version of that document only: Record gives the
// extractor the document's type, which takes its tab alone.

const hubURL = "https://example.com/legal"

// hubPages are three captures of a hub: the first, one where the cookie
// policy changed (X's real next version), one where the privacy policy
// changed too.
func hubPages(t *testing.T) (first, cookiesChanged, privacyChanged []byte) {
	terms := hubtest.Doc{Label: "Terms of Service", ID: "terms", HTML: hubtest.Load(t, hubtest.BumbleTerms)}
	privacy := hubtest.Doc{Label: "Privacy Policy", ID: "privacy", HTML: hubtest.Load(t, hubtest.XPrivacy)}
	cookies := hubtest.Doc{Label: "Cookie Policy", ID: "cookies", HTML: hubtest.Load(t, hubtest.XCookies)}
	laterCookies, laterPrivacy := cookies, privacy
	laterCookies.HTML = hubtest.Load(t, hubtest.XCookiesLater)
	laterPrivacy.HTML = hubtest.Load(t, hubtest.XPrivacyLater)
	return hubtest.Tabs("Legal", []hubtest.Doc{terms, privacy, cookies}),
		hubtest.Tabs("Legal", []hubtest.Doc{terms, privacy, laterCookies}),
		hubtest.Tabs("Legal", []hubtest.Doc{terms, laterPrivacy, laterCookies})
}

func hubCapture(t *testing.T, date string, page []byte) Capture {
	return Capture{At: day(t, date), URL: hubURL, ContentType: "text/html; charset=utf-8", Content: page}
}

func TestChangeToAnotherDocumentOfAHubRecordsNoVersion(t *testing.T) {
	first, cookiesChanged, privacyChanged := hubPages(t)
	// Taken whole, the page changed with the cookie policy: without the
	// type, that change would be a version of the privacy policy.
	whole := func(page []byte) string {
		doc, err := extract.Extract(page, "text/html", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return doc.Markdown()
	}
	if whole(first) == whole(cookiesChanged) {
		t.Fatal("setup: the two hub captures have the same text")
	}

	a, st := newArchive(t)
	privacy := DocumentRef{Service: "X", Type: "Privacy Policy", URL: hubURL}
	cookies := DocumentRef{Service: "X", Type: "Cookies Policy", URL: hubURL}
	captures := []Capture{hubCapture(t, "2024-01-01", first), hubCapture(t, "2024-02-01", cookiesChanged), hubCapture(t, "2024-03-01", privacyChanged)}
	for i, want := range []struct{ privacy, cookies bool }{{true, true}, {false, true}, {true, false}} {
		if got := record(t, a, privacy, captures[i]).NewVersion; got != want.privacy {
			t.Errorf("capture %d: privacy policy new version %v, want %v", i+1, got, want.privacy)
		}
		if got := record(t, a, cookies, captures[i]).NewVersion; got != want.cookies {
			t.Errorf("capture %d: cookie policy new version %v, want %v", i+1, got, want.cookies)
		}
	}

	// The versions are the documents' texts alone.
	alone := func(path string) string {
		doc, err := extract.Extract(hubtest.Alone("Legal", hubtest.Load(t, path)), "text/html", extract.Options{BaseURL: hubURL})
		if err != nil {
			t.Fatal(err)
		}
		return doc.Markdown()
	}
	docs, err := st.Documents(context.Background(), store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"Privacy Policy":  {alone(hubtest.XPrivacy), alone(hubtest.XPrivacyLater)},
		"Trackers Policy": {alone(hubtest.XCookies), alone(hubtest.XCookiesLater)},
	}
	for _, d := range docs {
		vs := versionsOf(t, st, d.ID)
		if len(vs) != len(want[d.Type]) {
			t.Fatalf("%s: %d versions, want %d", d.Type, len(vs), len(want[d.Type]))
		}
		for i, s := range vs {
			v, err := st.Version(context.Background(), s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.Markdown != want[d.Type][i] {
				t.Errorf("%s version %d: %d bytes, not the document alone (%d bytes)", d.Type, i+1, len(v.Markdown), len(want[d.Type][i]))
			}
		}
		checkChain(t, vs)
	}
}

func TestReextractKeepsTheHubsDocument(t *testing.T) {
	first, cookiesChanged, privacyChanged := hubPages(t)
	a, st := newArchive(t)
	ref := DocumentRef{Service: "X", Type: "Privacy Policy", URL: hubURL}
	for _, c := range []Capture{hubCapture(t, "2024-01-01", first), hubCapture(t, "2024-02-01", cookiesChanged), hubCapture(t, "2024-03-01", privacyChanged)} {
		record(t, a, ref, c)
	}
	exec(t, rawDB(t, st), "UPDATE versions SET extractor = 'extract-old'")
	before, _ := history(t, st)
	// Declarations give rules without a type, as a source's OptionsAt does.
	results, err := a.Reextract(context.Background(), ReextractOptions{
		Rules: func(store.Document, time.Time) (extract.Options, bool) { return extract.Options{}, true },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].Rewritten || results[0].After != 2 {
		t.Fatalf("results %+v, want the two versions kept as they are", results)
	}
	after, _ := history(t, st)
	for i := range after {
		if after[i].markdown != before[i].markdown || after[i].extractor != extract.Release {
			t.Errorf("version %d re-extracted as %d bytes by %s, was %d bytes", after[i].id, len(after[i].markdown), after[i].extractor, len(before[i].markdown))
		}
	}
}
