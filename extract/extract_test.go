package extract

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

const fixtures = "../demo/twitter-x/"

// allText joins every heading, block text and cell, one per line.
func allText(d *Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n")
	for _, s := range d.Sections {
		b.WriteString(s.Heading() + "\n")
		for _, bl := range s.Blocks {
			b.WriteString(bl.Text + "\n")
			for _, c := range bl.Cells {
				b.WriteString(c + "\n")
			}
		}
	}
	return b.String()
}

func findSection(t *testing.T, d *Document, heading string) Section {
	t.Helper()
	for _, s := range d.Sections {
		if s.Heading() == heading {
			return s
		}
	}
	t.Fatalf("no section headed %q", heading)
	return Section{}
}

func findBlock(t *testing.T, d *Document, text string) Block {
	t.Helper()
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Text == text {
				return b
			}
		}
	}
	t.Fatalf("no block with text %q", text)
	return Block{}
}

func assertContains(t *testing.T, d *Document, wanted ...string) {
	t.Helper()
	text := allText(d)
	for _, w := range wanted {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q", w)
		}
	}
}

func assertAbsent(t *testing.T, d *Document, unwanted ...string) {
	t.Helper()
	text := d.Markdown()
	for _, u := range unwanted {
		if strings.Contains(text, u) {
			t.Errorf("text has noise %q", u)
		}
	}
}

func TestDevHelpPrivacyHTML(t *testing.T) {
	doc := extractFile(t, fixtures+"twitter-dev-help-privacy.html", Options{})
	if doc.Title != "GET help/privacy" {
		t.Errorf("title %q, want the h1 %q", doc.Title, "GET help/privacy")
	}
	for _, h := range []string{"Resource URL", "Resource Information", "Example Request", "Example Result"} {
		s := findSection(t, doc, h)
		if want := []string{"GET help/privacy", h}; !slices.Equal(s.Path, want) || s.Level != 3 {
			t.Errorf("section %q: path %q level %d, want %q level 3", h, s.Path, s.Level, want)
		}
	}
	findBlock(t, doc, "Returns Twitter’s Privacy Policy.")
	findBlock(t, doc, "Sign in to see a list of your registered applications.")
	result := findSection(t, doc, "Example Result")
	if len(result.Blocks) != 1 || result.Blocks[0].Kind != Preformatted ||
		!strings.HasPrefix(result.Blocks[0].Text, `{"privacy":"Twitter Privacy Policy\n\nTwitter instantly connects people`) {
		t.Errorf("Example Result should hold the JSON example as preformatted text, got %+v", result.Blocks)
	}
	// Sidebar, global navigation, footer, scripts, skip link.
	assertAbsent(t, doc, "mentions_timeline", "GET statuses/", "API Console", "Skip to main content",
		"Subscribe to Our Newsletter", "Copyright © 2016", "All Rights Reserved", "Ads info",
		"drupal", "googleanalytics", "Forums")

	// Even walking the whole body, the sidebar (<aside>), page header and
	// footers stay out.
	whole := extractFile(t, fixtures+"twitter-dev-help-privacy.html", Options{Select: CSS("body")})
	findBlock(t, whole, "Returns Twitter’s Privacy Policy.")
	assertAbsent(t, whole, "mentions_timeline", "Subscribe to Our Newsletter", "Ads info", "Skip to main content")
}

func TestTwitterCookiesPolicyMarkdown(t *testing.T) {
	doc := extractFile(t, fixtures+"twitter-cookies-policy.md", Options{})
	if doc.Title != "Our use of cookies and similar technologies" {
		t.Errorf("title %q", doc.Title)
	}
	s := findSection(t, doc, "Where are these technologies used?")
	if want := []string{"Our use of cookies and similar technologies", "Where are these technologies used?"}; !slices.Equal(s.Path, want) || s.Level != 3 {
		t.Errorf("path %q level %d, want %q level 3", s.Path, s.Level, want)
	}
	// Bold labels broken across lines ("**Authentication and Security:  \n\n    **")
	// read as the item's text, its sub-items one level deeper.
	if b := findBlock(t, doc, "Authentication and Security:"); b.Kind != ListItem || b.Depth != 0 {
		t.Errorf("label item: %+v", b)
	}
	if b := findBlock(t, doc, "To log you into Twitter and services."); b.Kind != ListItem || b.Depth != 1 {
		t.Errorf("sub-item: %+v", b)
	}
	findBlock(t, doc, "To help us detect and fight spam, abuse, and other activities that violate the Twitter Rules.")
	assertContains(t, doc, "Note: Please confirm that you are logged in")
	// Emphasis is kept in canonical form; the broken markers pair with
	// nothing and are dropped, as are hard line breaks.
	md := doc.Markdown()
	for _, want := range []string{"\n**Note:** Please confirm that you are logged in", "turn on **Opt out of Ads Personalization** in your"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if b := findBlock(t, doc, "Authentication and Security:"); len(b.Emphasis) != 0 || strings.Contains(md, "  \n") {
		t.Errorf("broken markers kept: %+v", b.Emphasis)
	}
	// Links stay links: listed on their block and written inline.
	rules := findBlock(t, doc, "To help us detect and fight spam, abuse, and other activities that violate the Twitter Rules.")
	want := []Link{{Text: "Twitter Rules", URL: "https://help.twitter.com/en/rules-and-policies/twitter-rules.html"}}
	if !slices.Equal(rules.Links, want) {
		t.Errorf("links %+v, want %+v", rules.Links, want)
	}
	if !strings.Contains(md, "  - To help us detect and fight spam, abuse, and other activities that violate the [Twitter Rules](https://help.twitter.com/en/rules-and-policies/twitter-rules.html).\n") {
		t.Error("Markdown lacks the Twitter Rules link in place")
	}
}

func TestPlainTextFixtures(t *testing.T) {
	partners := extractFile(t, fixtures+"twitter-business-partners.txt", Options{})
	// The first line, short and standing alone, is the title.
	if want := "Sharing your data with Twitter’s business partners"; partners.Title != want || len(partners.Sections) != 1 || partners.Sections[0].Level != 1 {
		t.Errorf("plain text title %q and %d sections, want %q as the one level-1 heading", partners.Title, len(partners.Sections), want)
	}
	blocks := partners.Sections[0].Blocks
	if !strings.HasPrefix(blocks[0].Text, "When Twitter receives information about you") {
		t.Errorf("first paragraph %q", blocks[0].Text)
	}
	findBlock(t, partners, "Partnerships list, last updated April 24, 2018:")
	findBlock(t, partners, "RTB Partner(s):")

	// One huge line of flattened text becomes one paragraph per sentence.
	cookies := extractFile(t, fixtures+"x-cookies-policy.txt", Options{})
	if n := len(cookies.Sections[0].Blocks); n < 15 {
		t.Errorf("x-cookies-policy.txt: %d paragraphs, want the long line split into sentences", n)
	}
	findBlock(t, cookies, "Why do our services use these technologies?")
	findBlock(t, cookies, "They also help prevent unauthorized parties from accessing your account.")
	findBlock(t, cookies, "Help protect your security and the security of our services.") // glued "services.Help"

	processing := extractFile(t, fixtures+"x-data-processing.txt", Options{})
	if n := len(processing.Sections[0].Blocks); n < 40 {
		t.Errorf("x-data-processing.txt: %d paragraphs, want the long line split into sentences", n)
	}
	assertContains(t, processing, "This supplements the X Privacy Policy to provide additional information about the types of data we collect, where we get it, and how we process and share it.")
}

func TestHistoryVersions(t *testing.T) {
	privacy := extractFile(t, "../demo/twitter-x-history/privacy-policy/2022-09-04T18-33-22Z.md", Options{})
	if privacy.Title != "Twitter Privacy Policy" {
		t.Errorf("title %q", privacy.Title)
	}
	wantPaths := map[string][]string{
		"Before you scroll, read this":           {"Twitter Privacy Policy", "Before you scroll, read this"},
		"Seriously — what happens with my data?": {"Twitter Privacy Policy", "Before you scroll, read this", "Seriously — what happens with my data?"},
		// A setext h2 closes the open h2 and h6: siblings, not children.
		"What data do you collect about me?": {"Twitter Privacy Policy", "What data do you collect about me?"},
		"1.1 Information you provide us.":    {"Twitter Privacy Policy", "What data do you collect about me?", "1.1 Information you provide us."},
	}
	for heading, want := range wantPaths {
		if got := findSection(t, privacy, heading).Path; !slices.Equal(got, want) {
			t.Errorf("%q: path %q, want %q", heading, got, want)
		}
	}
	findBlock(t, privacy, "Effective: June 10, 2022")
	findBlock(t, privacy, "1. Information We Collect") // "**1\. Information We Collect**"

	before := extractFile(t, "../demo/twitter-x-history/cookies-policy/2022-11-23T00-34-28Z.md", Options{})
	after := extractFile(t, "../demo/twitter-x-history/cookies-policy/2023-09-20T18-34-47Z.md", Options{})
	if !strings.Contains(before.Title, "Twitter") || !strings.Contains(after.Title, " X") {
		t.Errorf("rebrand titles: %q then %q", before.Title, after.Title)
	}
	if before.ComparisonKey() == after.ComparisonKey() {
		t.Error("the rebrand must change the comparison key")
	}
	// Cookie names with escaped underscores keep them.
	latest := extractFile(t, "../demo/twitter-x-history/cookies-policy/2026-07-08T01-15-36Z.md", Options{})
	findBlock(t, latest, "_shopify_y")
	findBlock(t, latest, "__cf_bm")
}

func TestComparisonKey(t *testing.T) {
	content, err := os.ReadFile(fixtures + "twitter-cookies-policy.md")
	if err != nil {
		t.Fatal(err)
	}
	key := func(text string) string {
		t.Helper()
		doc, err := Extract([]byte(text), "text/markdown", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return doc.ComparisonKey()
	}
	original := string(content)
	base := key(original)

	// Whitespace only: doubled spaces, tabs, CRLF line ends, trailing blanks.
	spaced := strings.NewReplacer(". ", ".   ", ", ", ",\t", "\n", "  \r\n").Replace(original)
	if key(spaced) != base {
		t.Error("a whitespace-only variant changed the comparison key")
	}
	// Typographic quotes and dashes replaced with straight ones.
	straight := strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "—", "-", "–", "-", "\u00a0", " ").Replace(original)
	if straight == original {
		t.Fatal("fixture has no typographic characters to fold")
	}
	if key(straight) != base {
		t.Error("a straight-quote variant changed the comparison key")
	}
	// One word edited.
	edited := strings.Replace(original, "Keep you logged into Twitter", "Keep you logged into X", 1)
	if key(edited) == base {
		t.Error("a one-word edit kept the same comparison key")
	}

	// The same holds for HTML: reformatting the markup is not a change.
	page := `<html><body><main><h1>Privacy</h1><p>We don’t sell  your data.</p><ul><li>One</li><li>Two</li></ul></main></body></html>`
	reformatted := "<html>\n<body>\n  <main>\n    <h1>\n      Privacy\n    </h1>\n    <p>We don't sell\n      your data.</p>\n    <ul>\n      <li>One</li>\n      <li>Two</li>\n    </ul>\n  </main>\n</body>\n</html>\n"
	a, err1 := Extract([]byte(page), "text/html", Options{})
	b, err2 := Extract([]byte(reformatted), "text/html", Options{})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a.ComparisonKey() != b.ComparisonKey() {
		t.Errorf("reformatted HTML changed the key:\n%q\n%q", a.ComparisonKey(), b.ComparisonKey())
	}
}

func TestContentTypes(t *testing.T) {
	for name, want := range map[string]string{
		"a.html": "text/html", "b.HTM": "text/html", "c.xhtml": "text/html",
		"d.md": "text/markdown", "e.markdown": "text/markdown",
		"f.txt": "text/plain", "g.text": "text/plain",
		"h.pdf": "application/pdf", "i.json": "application/json", "noext": "", "dir.md/file": "", "j.doc": "",
	} {
		if got := ContentTypeForName(name); got != want {
			t.Errorf("ContentTypeForName(%q) = %q, want %q", name, got, want)
		}
	}

	_, err := Extract([]byte("PK\x03\x04"), "application/msword", Options{})
	if err == nil || !strings.Contains(err.Error(), "application/msword") {
		t.Errorf("unknown type: error %v should name application/msword", err)
	}
	if _, err := Extract([]byte("x"), "text/html; charset", Options{}); err != nil {
		t.Errorf("a malformed parameter should not hide the media type: %v", err)
	}
	doc, err := Extract([]byte("# Heading\n\nText"), "text/x-markdown; charset=utf-8", Options{})
	if err != nil || doc.Title != "Heading" {
		t.Errorf("text/x-markdown: %v, %+v", err, doc)
	}
	doc, err = Extract([]byte("<p>a</p>"), "application/xhtml+xml", Options{})
	if err != nil || doc.Sections[0].Blocks[0].Text != "a" {
		t.Errorf("application/xhtml+xml: %v", err)
	}
	// The same bytes read differently by type: "# x" is a heading in
	// Markdown and text in plain text.
	plain, err := Extract([]byte("# x"), "text/plain", Options{})
	if err != nil || plain.Sections[0].Blocks[0].Text != "# x" {
		t.Errorf("text/plain should keep '# x' as text: %v", err)
	}
}

func TestSniffing(t *testing.T) {
	cases := []struct {
		name    string
		content string
		want    format
	}{
		{"doctype after BOM and spaces", "\ufeff \n<!DOCTYPE html><title>t</title><p>x", formatHTML},
		{"html tag", "<HTML><body>x</body></HTML>", formatHTML},
		{"fragment with block tags", "Intro text\n<div><p>Hello</p></div>", formatHTML},
		{"ATX heading", "Intro\n\n## Section\n\ntext", formatMarkdown},
		{"setext", "Title\n=====\n\ntext", formatMarkdown},
		{"list", "Things:\n\n* one\n* two\n", formatMarkdown},
		{"plain", "Just a sentence.\n\nAnd another - with a dash.", formatPlain},
	}
	for _, c := range cases {
		if got := sniff([]byte(c.content)); got != c.want {
			t.Errorf("%s: sniffed %s, want %s", c.name, formatName(got), formatName(c.want))
		}
	}
	for file, want := range map[string]format{
		"twitter-dev-help-privacy.html": formatHTML, "twitter-cookies-policy.md": formatMarkdown,
		"x-cookies-policy.txt": formatPlain, "twitter-business-partners.txt": formatPlain,
	} {
		content, err := os.ReadFile(fixtures + file)
		if err != nil {
			t.Fatal(err)
		}
		if got := sniff(content); got != want {
			t.Errorf("%s sniffed as %s, want %s", file, formatName(got), formatName(want))
		}
		sniffed, err := Extract(content, "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		typed := extractFile(t, fixtures+file, Options{})
		if sniffed.Markdown() != typed.Markdown() {
			t.Errorf("%s: sniffing and the file's type give different documents", file)
		}
	}
}

func TestNoText(t *testing.T) {
	for _, c := range []struct{ content, contentType string }{
		{"<html><head><title>Only a title</title></head><body><script>var x = 1;</script><nav>Home</nav></body></html>", "text/html"},
		{" \n\u00a0\n\t\n", "text/plain"},
		{"<!-- nothing -->\n\n---\n", "text/markdown"},
		{"", ""},
	} {
		doc, err := Extract([]byte(c.content), c.contentType, Options{})
		if !errors.Is(err, ErrNoText) || doc != nil {
			t.Errorf("%q: got %v, %v; want ErrNoText", c.content, doc, err)
		}
		if err != nil && err.Error() != "no text found" {
			t.Errorf("error text %q", err)
		}
	}
}

func TestWords(t *testing.T) {
	doc, err := Extract([]byte("# Privacy Policy\n\nWe collect — some data.\n\n- one item\n\n| a b | c |\n"), "text/markdown", Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Privacy Policy (2) + We collect some data (4, the dash is no word) + one item (2) + a b c (3).
	if got := doc.Words(); got != 11 {
		t.Errorf("Words() = %d, want 11", got)
	}
	withTitle := &Document{Title: "Two words", Sections: []Section{{Blocks: []Block{{Kind: Paragraph, Text: "three more words"}}}}}
	if got := withTitle.Words(); got != 5 {
		t.Errorf("Words() = %d, want 5 (the rendered title counts)", got)
	}
}
