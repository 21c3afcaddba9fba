package web

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// hostileFeedPaths are the feeds that hold the hostile document's change.
func hostileFeedPaths(site *testSite) []string {
	var paths []string
	for _, prefix := range []string{"", "/services/Evil%20%3Cb%3ECorp%3C%2Fb%3E", documentPath(site.hostileDoc)} {
		for _, ext := range feedExts {
			paths = append(paths, prefix+"/feed."+ext)
		}
	}
	return paths
}

func TestFeedsEscapeAHostileCapture(t *testing.T) {
	site := newTestSite(t)
	for _, p := range hostileFeedPaths(site) {
		f := getFeed(t, site, p)
		assertNotContains(t, p+" as served", f.body, "<script", "<img", "<b>Corp")
		item := f.feed.Items[0]
		if !strings.HasPrefix(item.Title, hostileService+" Privacy Policy — ") {
			t.Errorf("%s: title %q, want the service's name as text", p, item.Title)
		}
		content := itemHTML(item)
		assertNotContains(t, p+" entry HTML", content, "<script", "<img", "<b>")
		assertContains(t, p+" entry HTML", content,
			"&lt;script&gt;alert(1)&lt;/script&gt;", "Evil &lt;b&gt;Corp&lt;/b&gt;", "<ins")
	}
}

// TestFeedsSurviveHostileStoredText puts into a change's stored summary,
// story and excerpt what no extractor should let through — control
// characters, invalid UTF-8, "]]>", markup — and reads every feed with a
// strict XML decoder and gofeed.
func TestFeedsSurviveHostileStoredText(t *testing.T) {
	site := newTestSite(t)
	ctx := t.Context()
	changes, err := site.st.Changes(ctx, store.ChangeFilter{DocumentID: site.hostileDoc})
	if err != nil || len(changes) != 1 {
		t.Fatalf("the hostile document's changes: %d, %v", len(changes), err)
	}
	c := changes[0].Change
	nasty := "]]> \x01\x0b\x1f\x7f <script>alert(3)</script> \xff\xfe\xef\xbf\xbe </content></entry>"
	c.Summary = "Evil summary " + nasty + " tail"
	story := diff.Story{
		Class: diff.Substantive, Line: c.Summary,
		Sections:      []diff.SectionChange{{Kind: "rewritten", Heading: "Head " + nasty, WordsAdded: 1}},
		Substitutions: []diff.Substitution{{From: "<i>a</i>", To: "]]>", Count: 2}},
		Effective:     []string{"Effective " + nasty},
		Sentences:     []diff.ChangedSentence{{Section: "S " + nasty, Old: "old " + nasty, New: "new " + nasty}},
	}
	if c.Story, err = json.Marshal(story); err != nil {
		t.Fatal(err)
	}
	// An excerpt is our own markup, but its text came from the page.
	c.Excerpt = "<p>kept \x00\x08 \xc3\x28 &lt;script&gt; ]]&gt; text</p>"
	if err := site.st.Write(ctx, func(tx *store.Tx) error { return tx.UpdateChange(c) }); err != nil {
		t.Fatal(err)
	}

	for _, p := range hostileFeedPaths(site) {
		f := getFeed(t, site, p) // strict XML, the format's parser, gofeed
		if !utf8.ValidString(f.body) {
			t.Errorf("%s: not valid UTF-8", p)
		}
		if strings.HasSuffix(p, ".json") && !json.Valid([]byte(f.body)) {
			t.Errorf("%s: not valid JSON", p)
		}
		assertNotContains(t, p+" as served", f.body, "<script", "\x01", "\x00", "\xff", "<i>")
		item := f.feed.Items[0]
		if !strings.Contains(item.Title, "Evil summary ]]> ") || !strings.HasSuffix(item.Title, " tail") {
			t.Errorf("%s: title %q lost its text", p, item.Title)
		}
		content := itemHTML(item)
		assertNotContains(t, p+" entry HTML", content, "<script", "<i>", "\x01", "\x0b")
		assertContains(t, p+" entry HTML", content,
			"Evil summary ]]&gt; \uFFFD\uFFFD\uFFFD", // controls replaced, "]]>" kept as text
			"&lt;script&gt;alert(3)&lt;/script&gt;",
			"&lt;i&gt;a&lt;/i&gt; → ]]&gt; ×2",
			"<h3>When it takes effect</h3>", "<blockquote>Effective ]]&gt;",
			"Head ]]&gt;", "<em>In ‘S ]]&gt;",
			"<p>kept \uFFFD\uFFFD \uFFFD( &lt;script&gt; ]]&gt; text</p>")
	}
}

func TestCleanText(t *testing.T) {
	cases := map[string]string{
		"plain → text":         "plain → text",
		"tab\tnew\nline\rok":   "tab\tnew\nline\rok",
		"nul\x00bell\x07":      "nul\uFFFDbell\uFFFD",
		"bad \xff utf8":        "bad \uFFFD utf8",
		"noncharacter \uFFFE.": "noncharacter \uFFFD.",
		"astral 𝄞 ok":          "astral 𝄞 ok",
	}
	for in, want := range cases {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
