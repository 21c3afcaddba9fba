package extract

import (
	"os"
	"strings"
	"testing"
)

// selectionPage has a policy container holding what Open Terms Archive
// keeps and our main-content heuristics leave out, inside page furniture.
const selectionPage = `<!DOCTYPE html><html><head><title>Site | Privacy</title><style>p{}</style></head><body>
<header><a href="/">Logo</a> Site menu</header>
<nav><ul><li>Nav link</li></ul></nav>
<div id="onetrust-consent-sdk"><p>We use cookies, accept?</p><button>Accept all</button></div>
<div class="policy">
  <h2><button aria-expanded="false">What we collect</button></h2>
  <div hidden><p>Hidden panel text.</p></div>
  <button class="accordion">How long we keep it</button>
  <div class="panel" style="display:none"><p>Until you delete your account.</p></div>
  <nav class="toc"><ul><li><a href="#a">Table of contents entry</a></li></ul></nav>
  <aside><p>Key term: personal data.</p></aside>
  <form><label for="r">Your region</label> <select id="r"><option>Europe</option><option selected>United States</option></select>
    <textarea>Default request text</textarea><input value="Input value"></form>
  <p aria-hidden="true">Decorative caption</p>
  <div class="cookie-consent">Cookie table of this policy</div>
  <p>Press <button>Manage cookies</button> to choose.</p>
  <details><summary>More details</summary><p>Detail text.</p></details>
  <footer><p>Last updated 2024.</p></footer>
  <noscript>Enable JavaScript</noscript>
  <template><p>Template text</p></template>
  <svg><text>SVG text</text></svg>
  <iframe src="/x">Iframe fallback</iframe>
  <script>document.write("script text")</script>
</div>
<footer>Footer text</footer>
</body></html>`

// TestSelectionKeepsWhatOTAKeeps: in a declared part of the page, every
// text is kept but that of elements that never hold text a reader reads;
// noise there is for the declaration's remove rules.
func TestSelectionKeepsWhatOTAKeeps(t *testing.T) {
	doc := extractHTML(t, selectionPage, Options{Select: CSS(".policy")})
	assertContains(t, doc, "What we collect", "Hidden panel text.", "How long we keep it", "Until you delete your account.",
		"Table of contents entry", "Key term: personal data.", "Your region Europe United States", "Default request text",
		"Decorative caption", "Cookie table of this policy", "Press Manage cookies to choose.", "More details",
		"Detail text.", "Last updated 2024.")
	assertAbsent(t, doc, "Logo", "Nav link", "Accept all", "Footer text", "Input value", "Enable JavaScript",
		"Template text", "SVG text", "Iframe fallback", "script text", "p{}")
	findSection(t, doc, "What we collect")
	// The selection holds no h1: the page's <title> is not the document's.
	if doc.Title != "" || strings.Contains(doc.Markdown(), "Privacy") {
		t.Errorf("title %q from outside the selection:\n%s", doc.Title, doc.Markdown())
	}

	// Remove rules take noise out of a selection.
	doc = extractHTML(t, selectionPage, Options{Select: CSS(".policy"), Remove: CSS(".toc", "form", ".policy > footer")})
	assertAbsent(t, doc, "Table of contents entry", "Your region", "Last updated")
	assertContains(t, doc, "Key term: personal data.")
}

// TestWholePageSelectionLeavesFurnitureOut: selecting body chooses no
// part, so the page's furniture stays out as without a selection.
func TestWholePageSelectionLeavesFurnitureOut(t *testing.T) {
	for _, selector := range []string{"body", "html"} {
		doc := extractHTML(t, selectionPage, Options{Select: CSS(selector)})
		assertContains(t, doc, "What we collect", "Until you delete your account.", "Press to choose.")
		assertAbsent(t, doc, "Logo", "Nav link", "Accept all", "Footer text", "Table of contents entry", "Your region",
			"Decorative caption", "Enable JavaScript", "script text")
		if doc.Title != "" {
			t.Errorf("select %s: title %q from <title>", selector, doc.Title)
		}
	}
	// Without a selection, the <title> is the title when no h1 says it.
	if doc := extractHTML(t, selectionPage, Options{}); doc.Title != "Site | Privacy" {
		t.Errorf("no selection: title %q, want the page's <title>", doc.Title)
	}
}

// TestSelectionKeepsButtonOfRealPolicy: ChristianMingle's privacy policy
// holds OneTrust's "Cookie Settings" button; Open Terms Archive keeps its
// text, in its place before the next section.
func TestSelectionKeepsButtonOfRealPolicy(t *testing.T) {
	content, err := os.ReadFile("../testdata/ota-histories/dating/ChristianMingle/Privacy Policy/snapshots/2026-07-01T12-31-01Z.html")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Extract(content, "text/html", Options{Select: CSS(".legal-text-container")})
	if err != nil {
		t.Fatal(err)
	}
	md := doc.Markdown()
	i, j := strings.Index(md, "\n\nCookie Settings\n\n"), strings.Index(md, "Updates to This Cookie Notice")
	if i < 0 || j < i {
		t.Errorf("the Cookie Settings button is not kept before the section after it")
	}
	if doc.Title != "" {
		t.Errorf("title %q: the selection holds no h1", doc.Title)
	}
}

// TestImageAltText: an image is its alt text, apart from the words
// around it; decorative images (empty alt) say nothing. Markdown images
// read the same way.
func TestImageAltText(t *testing.T) {
	page := `<main><h1><img src="logo.png" alt="Example">Privacy</h1>
<p>Click the<img src="gear.png" alt="settings">icon. <img src="line.png" alt=""> <img src="x.png"></p>
<p><a href="/policy.pdf"><img src="pdf.png" alt="Download the policy"></a></p>
<table><tr><th>Data</th><th>Collected</th></tr><tr><td>Name</td><td><img src="check.png" alt="✔"></td></tr></table></main>`
	doc := extractHTML(t, page, Options{})
	if doc.Title != "Example Privacy" {
		t.Errorf("title %q", doc.Title)
	}
	findBlock(t, doc, "Click the settings icon.")
	if b := findBlock(t, doc, "Download the policy"); len(b.Links) != 1 || b.Links[0].Text != "Download the policy" {
		t.Errorf("image link: %+v", b.Links)
	}
	if md := doc.Markdown(); !strings.Contains(md, "| Name | ✔ |") || strings.Contains(md, ".png") {
		t.Errorf("Markdown:\n%s", md)
	}

	md, err := Extract([]byte("| Name | ![✔](check.png) |\n\nSee[![the PDF](pdf.png)](/policy.pdf).\n"), "text/markdown", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := md.Markdown(); got != "| Name | ✔ |\n\nSee [the PDF](/policy.pdf).\n" {
		t.Errorf("Markdown images read as:\n%s", got)
	}
}

// TestCheckMarkTableOfRealPolicy: ChristianMingle's table of the
// personal information it collects ticks each row with an image of a
// check mark; its alt text is the cell.
func TestCheckMarkTableOfRealPolicy(t *testing.T) {
	content, err := os.ReadFile("../testdata/ota-histories/dating/ChristianMingle/Privacy Policy/snapshots/2026-07-01T12-31-01Z.html")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Extract(content, "text/html", Options{Select: CSS(".legal-text-container")})
	if err != nil {
		t.Fatal(err)
	}
	ticked := 0
	for _, s := range doc.Sections {
		for _, b := range s.Blocks {
			if b.Kind == TableRow && len(b.Cells) == 2 && b.Cells[1] == "✔" {
				ticked++
			}
		}
	}
	if ticked != 10 {
		t.Errorf("%d rows ticked ✔, want the 10 categories", ticked)
	}
}
