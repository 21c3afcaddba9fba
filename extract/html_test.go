package extract

import (
	"slices"
	"strings"
	"testing"
)

func extractHTML(t *testing.T, page string, opts Options) *Document {
	t.Helper()
	doc, err := Extract([]byte(page), "text/html", opts)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return doc
}

func TestWindows1252WithMetaCharset(t *testing.T) {
	// "Café – “quoted” résumé" in windows-1252 bytes.
	body := []byte("<p>Caf\xe9 \x96 \x93quoted\x94 r\xe9sum\xe9</p>")
	for _, meta := range []string{
		`<meta charset="windows-1252">`,
		`<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">`,
	} {
		page := append([]byte("<!DOCTYPE html><html><head>"+meta+"<title>T</title></head><body>"), body...)
		doc, err := Extract(page, "text/html", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := doc.Sections[0].Blocks[0].Text, "Café – “quoted” résumé"; got != want {
			t.Errorf("%s: got %q, want %q", meta, got, want)
		}
	}
	// The Content-Type header's charset is used before <meta>.
	doc, err := Extract(append([]byte("<html><body>"), body...), "text/html; charset=windows-1252", Options{})
	if err != nil || doc.Sections[0].Blocks[0].Text != "Café – “quoted” résumé" {
		t.Errorf("charset parameter: %v %+v", err, doc)
	}
	// Markdown too.
	md, err := Extract([]byte("# Caf\xe9\n"), "text/markdown; charset=windows-1252", Options{})
	if err != nil || md.Title != "Café" {
		t.Errorf("Markdown charset parameter: %v %+v", err, md)
	}
}

func TestUTF8WithASCIIOnlyFirstKilobytes(t *testing.T) {
	// No declaration anywhere, and the first 2 KB are ASCII: x/net's sniffer
	// alone would say windows-1252 and turn "é" into "Ã©".
	page := "<!DOCTYPE html><html><head><title>Policy</title></head><body><p>" +
		strings.Repeat("plain ascii words ", 120) + "</p><p>Données personnelles</p></body></html>"
	if strings.Index(page, "é") < 2048 {
		t.Fatal("test page must have its first non-ASCII byte after 2 KB")
	}
	doc := extractHTML(t, page, Options{})
	findBlock(t, doc, "Données personnelles")
	if strings.Contains(doc.Markdown(), "Ã") {
		t.Error("UTF-8 decoded as windows-1252")
	}
}

func TestUTF16WithBOM(t *testing.T) {
	text := "<p>Déjà vu</p>"
	var page []byte
	page = append(page, 0xFF, 0xFE)
	for _, r := range text {
		page = append(page, byte(r), byte(r>>8))
	}
	doc, err := Extract(page, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	findBlock(t, doc, "Déjà vu")
}

const selectPage = `<html><body>
<div class="banner">Welcome banner</div>
<div id="second"><h2>Second</h2><p>Second text <span class="ad">BUY NOW</span> continues.</p></div>
<div id="first"><h2>First</h2><p>First text.</p><div id="inner"><p>Inner text.</p></div></div>
</body></html>`

func TestSelectAndRemove(t *testing.T) {
	// Content comes in declared order, as Open Terms Archive joins it; a
	// selection inside another is not taken twice, whichever comes first;
	// Remove applies first.
	for _, selectors := range [][]string{{"#first", "#second", "#inner"}, {"#inner", "#first", "#second"}} {
		doc := extractHTML(t, selectPage, Options{Select: CSS(selectors...), Remove: CSS(".ad")})
		var headings []string
		for _, s := range doc.Sections {
			headings = append(headings, s.Heading())
		}
		if !slices.Equal(headings, []string{"First", "Second"}) && !slices.Equal(headings, []string{"", "First", "Second"}) {
			t.Errorf("select %q: headings %q, want declared order [First Second]", selectors, headings)
		}
		findBlock(t, doc, "Second text continues.")
		if strings.Count(doc.Markdown(), "Inner text.") != 1 {
			t.Errorf("select %q: nested selection taken twice:\n%s", selectors, doc.Markdown())
		}
	}
	doc := extractHTML(t, selectPage, Options{Select: CSS("#second", "#first"), Remove: CSS(".ad")})
	assertAbsent(t, doc, "Welcome banner", "BUY NOW")

	// Remove can take away what Select would have matched.
	_, err := Extract([]byte(selectPage), "text/html", Options{Select: CSS("#first"), Remove: CSS("#first")})
	if err == nil || !strings.Contains(err.Error(), `"#first"`) {
		t.Errorf("selecting a removed element: %v", err)
	}
}

func TestSelectErrors(t *testing.T) {
	// As in Open Terms Archive, a selection fails only when none of its
	// selectors matches; the error names them all, and is typed.
	if _, err := Extract([]byte(selectPage), "text/html", Options{Select: CSS("#first", ".missing-policy")}); err != nil {
		t.Errorf("one of two selectors matching: %v", err)
	}
	_, err := Extract([]byte(selectPage), "text/html", Options{Select: CSS(".missing-policy", "#gone")})
	if err == nil || !strings.Contains(err.Error(), `".missing-policy", "#gone"`) || !strings.Contains(err.Error(), "matched nothing") {
		t.Errorf("empty selection: error %v should name the selectors", err)
	}
	if se, ok := IsSelectorMissing(err); !ok || se.Rule != "select" || len(se.Selectors) != 2 {
		t.Errorf("empty selection: error %#v is not a SelectorError for both selectors", err)
	}
	_, err = Extract([]byte(selectPage), "text/html", Options{Select: CSS("div[[")})
	if err == nil || !strings.Contains(err.Error(), `"div[["`) {
		t.Errorf("invalid select: %v", err)
	}
	_, err = Extract([]byte(selectPage), "text/html", Options{Remove: CSS("::bad")})
	if err == nil || !strings.Contains(err.Error(), `"::bad"`) {
		t.Errorf("invalid remove: %v", err)
	}
	_, err = Extract([]byte("# Title\n\ntext"), "text/markdown", Options{Select: CSS("p")})
	if err == nil || !strings.Contains(err.Error(), "HTML") {
		t.Errorf("CSS rules on Markdown: %v", err)
	}
}

func TestNoiseRemoval(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Site | Privacy</title><style>p{}</style></head><body>
<header><a href="/">Logo</a> Site menu</header>
<nav><ul><li>Nav link</li></ul></nav>
<div role="navigation">Role nav</div>
<div role="banner">Role banner</div>
<div id="onetrust-consent-sdk"><p>We use cookies, accept?</p><button>Accept all</button></div>
<div class="site-cookie-banner">Cookie banner text</div>
<div class="CookieConsent-wrapper">Consent text</div>
<div>
  <h1>Privacy Policy</h1>
  <p>Visible policy text.</p>
  <p hidden>Hidden attribute text.</p>
  <p aria-hidden="true">Aria hidden text.</p>
  <p style="color: red; DISPLAY : none">Inline hidden text.</p>
  <aside>Related articles</aside>
  <form><label>Search</label><input value="q"></form>
  <noscript>Enable JavaScript</noscript>
  <template><p>Template text</p></template>
  <svg><text>SVG text</text></svg>
  <script>document.write("script text")</script>
  <p>Second <b>bold</b> <a href="/x">linked</a> words<br>after break, <code>code</code>.</p>
</div>
<div role="contentinfo">Role footer</div>
<footer>Footer text</footer>
</body></html>`
	doc := extractHTML(t, page, Options{})
	if doc.Title != "Privacy Policy" {
		t.Errorf("title %q, want the h1", doc.Title)
	}
	findBlock(t, doc, "Visible policy text.")
	findBlock(t, doc, "Second bold linked words after break, code.")
	assertAbsent(t, doc, "Logo", "Site menu", "Nav link", "Role nav", "Role banner", "cookies, accept", "Accept all",
		"Cookie banner", "Consent text", "Hidden attribute", "Aria hidden", "Inline hidden", "Related articles",
		"Search", "Enable JavaScript", "Template text", "SVG text", "script text", "Role footer", "Footer text", "p{}")
}

func TestHiddenWrapperOfMainContentIsKept(t *testing.T) {
	page := `<html><body><div aria-hidden="true"><p>Overlay noise</p></div>
<div aria-hidden="true" class="page"><main><h1>Policy</h1><p>Real text.</p><p aria-hidden="true">Icon label</p></main></div></body></html>`
	doc := extractHTML(t, page, Options{})
	findBlock(t, doc, "Real text.")
	assertAbsent(t, doc, "Overlay noise", "Icon label")

	// Same without <main>: the hidden wrapper holds the h1, so it is kept.
	page = `<html><body><form action="/x"><div hidden><h1>Policy</h1><p>Real text.</p></div></form></body></html>`
	doc = extractHTML(t, page, Options{})
	findBlock(t, doc, "Real text.")
}

func TestMainContentPreferred(t *testing.T) {
	page := `<html><body><div class="sidebar"><p>Sidebar text</p></div>
<div role="main"><h2>Terms</h2><p>Main text.</p></div></body></html>`
	doc := extractHTML(t, page, Options{})
	findBlock(t, doc, "Main text.")
	assertAbsent(t, doc, "Sidebar text")
	if doc.Title != "" {
		t.Errorf("no <title> and no h1: title %q", doc.Title)
	}
	if !strings.HasPrefix(doc.Markdown(), "## Terms\n\nMain text.\n") {
		t.Errorf("Markdown:\n%s", doc.Markdown())
	}
}

func TestHTMLNestedListsAndTable(t *testing.T) {
	page := `<html><head><title>Lists | Site</title></head><body>
<h2>Data we collect</h2>
<ul>
  <li>Account data
    <ul><li>Name</li><li><p>Email</p><p>address</p>
      <ol><li>Primary</li><li>Backup</li></ol></li></ul>
  </li>
  <li>Usage data</li>
</ul>
<table>
  <thead><tr><th>Cookie</th><th>Purpose</th></tr></thead>
  <tbody><tr><td>auth_token</td><td>Keeps you <em>logged in</em></td></tr>
  <tr><td>guest|id</td><td></td></tr>
  <tr><td></td><td></td></tr></tbody>
</table>
<pre>  line one
    indented   two
</pre>
</body></html>`
	doc := extractHTML(t, page, Options{})
	if doc.Title != "Lists | Site" {
		t.Errorf("title %q: without an h1 the <title> is the title", doc.Title)
	}
	want := "# Lists | Site\n\n" +
		"## Data we collect\n\n" +
		"- Account data\n" +
		"  - Name\n" +
		"  - Email address\n" +
		"    1. Primary\n" +
		"    1. Backup\n" +
		"- Usage data\n\n" +
		"| Cookie | Purpose |\n" +
		"| --- | --- |\n" +
		"| auth_token | Keeps you *logged in* |\n" +
		`| guest\|id |  |` + "\n\n" +
		"```\n  line one\n    indented   two\n```\n"
	if got := doc.Markdown(); got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
	rows := findSection(t, doc, "Data we collect").Blocks
	header := rows[6]
	if header.Kind != TableRow || !header.Header || !slices.Equal(header.Cells, []string{"Cookie", "Purpose"}) {
		t.Errorf("header row %+v", header)
	}
	if b := findBlock(t, doc, "Backup"); b.Depth != 2 || !b.Ordered {
		t.Errorf("Backup: %+v", b)
	}
	// Read back as Markdown, the same structure.
	again, err := Extract([]byte(want), "text/markdown", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Markdown() != want {
		t.Errorf("round trip:\n%s", again.Markdown())
	}
	if b := findBlock(t, again, "Backup"); b.Depth != 2 || !b.Ordered {
		t.Errorf("Backup read back: %+v", b)
	}
}

func TestLayoutTableIsWalkedAsBlocks(t *testing.T) {
	page := `<html><body><table><tr><td><h1>Policy</h1><p>First paragraph.</p><ul><li>Item</li></ul></td></tr></table></body></html>`
	doc := extractHTML(t, page, Options{})
	findBlock(t, doc, "First paragraph.")
	if b := findBlock(t, doc, "Item"); b.Kind != ListItem {
		t.Errorf("item in a layout table: %+v", b)
	}
}
