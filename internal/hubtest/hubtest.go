// Package hubtest builds, for tests, HTML pages that hold several real
// legal documents — legal hubs with tabs, accordions or consecutive
// sections, a summary beside the full text, a mobile copy, language tabs —
// and the page of each document alone, to compare what is extracted from
// both. The documents are real texts of the repository (demo/ and
// testdata/), read from their Markdown and laid out as HTML.
package hubtest

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// Real texts, by path from the module's root.
const (
	XPrivacy       = "demo/twitter-x-history/privacy-policy/2023-09-29T18-34-56Z.md"
	XPrivacyLater  = "demo/twitter-x-history/privacy-policy/2023-10-17T18-35-07Z.md"
	XCookies       = "demo/twitter-x-history/cookies-policy/2023-09-20T18-34-47Z.md"
	XCookiesLater  = "demo/twitter-x-history/cookies-policy/2024-05-16T06-39-10Z.md"
	BumbleTerms    = "testdata/ota-histories/dating/Bumble/Terms of Service/versions/2026-06-18T00-30-55Z.md"
	CMBCopyright   = "testdata/ota-histories/dating/Coffee Meets Bagel/Copyright Claims Policy/versions/2025-12-10T12-30-27Z.md"
	TchapPrivacyFR = "testdata/legal-hubs/tchap-privacy-policy-fr.md"
)

// Doc is one document of a page: the label its tab, accordion title or
// table-of-contents entry shows, an id, and its HTML.
type Doc struct {
	Label, ID string
	HTML      string
}

// Root is the module's root directory, found upwards from the test's
// working directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("hubtest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Load reads a real text (a path from the module's root) and lays it out
// as HTML: its headings, paragraphs with their links, lists and tables.
func Load(t testing.TB, path string) string {
	t.Helper()
	return DocumentHTML(LoadDocument(t, path))
}

// LoadDocument reads a real text (a path from the module's root) as a
// Document.
func LoadDocument(t testing.TB, path string) *extract.Document {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(Root(t), path))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := extract.Extract(content, "text/markdown", extract.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// Page is a whole HTML page: a head with title, the site's furniture
// (header, navigation, footer) around main.
func Page(lang, title, main string) []byte {
	langAttr := ""
	if lang != "" {
		langAttr = fmt.Sprintf(` lang="%s"`, lang)
	}
	return []byte(fmt.Sprintf(`<!DOCTYPE html><html%s><head><meta charset="utf-8"><title>%s</title></head><body>
<header><a href="/">Example</a><nav><a href="/help">Help</a> <a href="/legal">Legal</a></nav></header>
<main>%s</main>
<footer><p>© 2026 Example Corp.</p><a href="/legal">Legal</a></footer>
</body></html>`, langAttr, html.EscapeString(title), main))
}

// Alone is the page of one document alone.
func Alone(title, doc string) []byte { return Page("en", title, doc) }

// Tabs is a legal hub whose documents are tab panels, the first shown.
func Tabs(title string, docs []Doc) []byte {
	var b strings.Builder
	b.WriteString(`<h1>Legal</h1><div class="tabs"><div role="tablist" aria-label="Legal documents">`)
	for i, d := range docs {
		fmt.Fprintf(&b, `<button role="tab" id="tab-%s" aria-controls="panel-%s" aria-selected="%t">%s</button>`, d.ID, d.ID, i == 0, html.EscapeString(d.Label))
	}
	b.WriteString(`</div>`)
	for i, d := range docs {
		hidden := ""
		if i > 0 {
			hidden = " hidden"
		}
		fmt.Fprintf(&b, `<div role="tabpanel" id="panel-%s" aria-labelledby="tab-%s" tabindex="0"%s>%s</div>`, d.ID, d.ID, hidden, d.HTML)
	}
	b.WriteString(`</div>`)
	return Page("en", title, b.String())
}

// Accordion is a legal hub whose documents are the items of a Bootstrap
// accordion, all closed.
func Accordion(title string, docs []Doc) []byte {
	var b strings.Builder
	b.WriteString(`<h1>Legal documents</h1><p>Find all our legal documents below.</p><div class="accordion" id="legal">`)
	for _, d := range docs {
		fmt.Fprintf(&b, `<div class="accordion-item"><h2 class="accordion-header" id="heading-%s">`+
			`<button class="accordion-button collapsed" type="button" data-bs-toggle="collapse" data-bs-target="#collapse-%s" aria-expanded="false" aria-controls="collapse-%s">%s</button></h2>`+
			`<div id="collapse-%s" class="accordion-collapse collapse" aria-labelledby="heading-%s" data-bs-parent="#legal"><div class="accordion-body">%s</div></div></div>`,
			d.ID, d.ID, d.ID, html.EscapeString(d.Label), d.ID, d.ID, d.HTML)
	}
	b.WriteString(`</div>`)
	return Page("en", title, b.String())
}

// Details is a legal hub whose documents are <details> elements.
func Details(title string, docs []Doc) []byte {
	var b strings.Builder
	b.WriteString(`<h1>Legal</h1>`)
	for _, d := range docs {
		fmt.Fprintf(&b, `<details id="%s"><summary>%s</summary>%s</details>`, d.ID, html.EscapeString(d.Label), d.HTML)
	}
	return Page("en", title, b.String())
}

// Sections is a legal hub whose documents follow each other, each in a
// <section> that opens with its own heading, under a table of contents.
func Sections(title string, docs []Doc) []byte {
	var b strings.Builder
	b.WriteString(`<h1>Legal</h1><p>This page holds all the terms and policies of our services.</p><div class="toc"><p>Contents</p><ul>`)
	for _, d := range docs {
		fmt.Fprintf(&b, `<li><a href="#%s">%s</a></li>`, d.ID, html.EscapeString(d.Label))
	}
	b.WriteString(`</ul></div>`)
	for _, d := range docs {
		fmt.Fprintf(&b, `<section id="%s">%s</section><p class="back"><a href="#top">Back to top</a></p>`, d.ID, d.HTML)
	}
	return Page("en", title, b.String())
}

// Flat is a legal hub whose documents follow each other without
// wrappers, each opening with its own top heading, under a table of
// contents.
func Flat(title string, docs []Doc) []byte {
	var b strings.Builder
	b.WriteString(`<ul class="toc">`)
	for _, d := range docs {
		fmt.Fprintf(&b, `<li><a href="#%s">%s</a></li>`, d.ID, html.EscapeString(d.Label))
	}
	b.WriteString(`</ul>`)
	for _, d := range docs {
		b.WriteString(d.HTML)
	}
	return Page("en", title, b.String())
}

// SummaryAndFull is a page with a short version of the policy before its
// full text, each in a section.
func SummaryAndFull(title, summaryLabel, summary, full string) []byte {
	main := fmt.Sprintf(`<section class="policy-summary"><h2>%s</h2>%s</section><section class="policy-full">%s</section>`,
		html.EscapeString(summaryLabel), summary, full)
	return Page("en", title, main)
}

// SummaryTabs is a page titled by the policy whose two tabs hold a short
// version and the full text.
func SummaryTabs(title, heading string, summary, full Doc) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<h1>%s</h1><ul role="tablist">`, html.EscapeString(heading))
	for _, d := range []Doc{summary, full} {
		fmt.Fprintf(&b, `<li><a role="tab" href="#%s" aria-controls="%s">%s</a></li>`, d.ID, d.ID, html.EscapeString(d.Label))
	}
	b.WriteString(`</ul>`)
	for _, d := range []Doc{summary, full} {
		fmt.Fprintf(&b, `<div role="tabpanel" id="%s">%s</div>`, d.ID, d.HTML)
	}
	return Page("en", title, b.String())
}

// MobileCopy is a page carrying the policy twice: for wide screens, and
// for narrow ones in another markup (accordions), as responsive pages
// whose style sheet hides one of them do. extra is text only the mobile
// copy has.
func MobileCopy(title, doc, mobile, extra string) []byte {
	main := fmt.Sprintf(`<div class="d-none d-md-block policy-desktop">%s</div><div class="d-md-none policy-mobile">%s%s</div>`, doc, mobile, extra)
	return Page("en", title, main)
}

// LanguageTabs is a page offering the policy in several languages as
// tabs, each panel marked with its language when marked is true.
func LanguageTabs(lang, title string, docs []Doc, marked bool) []byte {
	var b strings.Builder
	b.WriteString(`<div class="language-tabs"><div role="tablist">`)
	for i, d := range docs {
		fmt.Fprintf(&b, `<button role="tab" id="tab-%s" aria-controls="panel-%s" aria-selected="%t">%s</button>`, d.ID, d.ID, i == 0, html.EscapeString(d.Label))
	}
	b.WriteString(`</div>`)
	for _, d := range docs {
		langAttr := ""
		if marked {
			langAttr = fmt.Sprintf(` lang="%s"`, d.ID)
		}
		fmt.Fprintf(&b, `<div role="tabpanel" id="panel-%s" aria-labelledby="tab-%s"%s>%s</div>`, d.ID, d.ID, langAttr, d.HTML)
	}
	b.WriteString(`</div>`)
	return Page(lang, title, b.String())
}
