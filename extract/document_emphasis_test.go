package extract

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// emphasisCases: HTML paragraphs and the canonical Markdown of their
// emphasis.
var emphasisCases = []struct{ html, markdown string }{
	// The span is at its own place, not at an earlier same word.
	{`We do <b>not</b> sell data, and we will <strong>not</strong> share it.`, `We do **not** sell data, and we will **not** share it.`},
	{`<i>Italic</i>, <em>em</em> and <b>bold <i>both</i></b>.`, `*Italic*, *em* and **bold *both***.`},
	// Whitespace moves out of the markers; empty spans are dropped.
	{`A<b> spaced </b>word<i> </i>and <b></b>more.`, `A **spaced** word and more.`},
	// Adjacent spans of one kind merge.
	{`<b>Data</b><b>base</b> and <b>one </b><strong>two</strong>.`, `**Database** and **one two**.`},
	// Links and emphasis nest, emphasis outside at equal extents.
	{`See <b><a href="https://x.com/t">the terms</a></b> or <a href="https://x.com/p"><b>policy</b></a>.`,
		`See **[the terms](https://x.com/t)** or **[policy](https://x.com/p)**.`},
	{`Read <a href="https://x.com/r"><b>the</b> rules</a> and <b>see <a href="https://x.com/h">help</a></b>.`,
		`Read [**the** rules](https://x.com/r) and **see [help](https://x.com/h)**.`},
	// Inside words, next to punctuation, around text that looks like syntax.
	{`un<i>believ</i>able, “<b>Site</b>”, <b>Note:</b>text, 2 * 3 = <b>6*</b> and <i>_x_</i>.`,
		`un*believ*able, “**Site**”, **Note:**text, 2 \* 3 = **6\*** and *\_x\_*.`},
	{`<b><i>Both</i></b> at once, <b>a</b><i>b</i> and <i>c</i><b>d</b>.`, `***Both*** at once, **a***b* and *c***d**.`},
}

func TestHTMLEmphasis(t *testing.T) {
	for _, c := range emphasisCases {
		doc := extractHTML(t, "<main><p>"+c.html+"</p></main>", Options{})
		b := doc.Sections[0].Blocks[0]
		if got := b.Markdown(); got != c.markdown {
			t.Errorf("%s\n  Markdown %s\n  want     %s", c.html, got, c.markdown)
		}
		if strings.ContainsAny(b.Text, "*") != strings.Contains(c.html, "*") {
			t.Errorf("%s: markers in the text %q", c.html, b.Text)
		}
		// The canonical Markdown reads back as the same block.
		again := extractMarkdown(t, b.Markdown()).Sections[0].Blocks[0]
		if again.Text != b.Text || !slices.Equal(again.Emphasis, b.Emphasis) || again.Markdown() != b.Markdown() {
			t.Errorf("%s: read back as %+v, want %+v", c.markdown, again, b)
		}
	}
}

func TestEmphasisModel(t *testing.T) {
	doc := extractHTML(t, `<main><p>We do <b>not</b> sell data.</p>
<p><strong>Sharing</strong></p><p>Text.</p>
<table><tr><th>Data</th><th>Kept</th></tr><tr><td><b>Name</b></td><td>for <i>one</i> year</td></tr></table>
<ul><li><b>Email:</b> until you leave</li></ul><pre>keep <b>as</b> is</pre></main>`, Options{})
	p := findBlock(t, doc, "We do not sell data.")
	if want := []Emphasis{{Kind: Strong, Start: 6, End: 9}}; !slices.Equal(p.Emphasis, want) {
		t.Errorf("paragraph emphasis %+v, want %+v", p.Emphasis, want)
	}
	// A bold paragraph is a heading, and headings carry no markers.
	if s := findSection(t, doc, "Sharing"); s.Level != 2 || strings.Contains(doc.Markdown(), "**Sharing**") {
		t.Errorf("bold paragraph: level %d\n%s", s.Level, doc.Markdown())
	}
	var row Block
	for _, b := range findSection(t, doc, "Sharing").Blocks {
		if b.Kind == TableRow && !b.Header {
			row = b
		}
	}
	if want := []Emphasis{{Kind: Strong, Cell: 0, Start: 0, End: 4}, {Kind: Em, Cell: 1, Start: 4, End: 7}}; !slices.Equal(row.Emphasis, want) {
		t.Errorf("row emphasis %+v, want %+v", row.Emphasis, want)
	}
	if got := row.Markdown(); got != "| **Name** | for *one* year |" {
		t.Errorf("row Markdown %q", got)
	}
	if got := findBlock(t, doc, "Email: until you leave").Markdown(); got != "- **Email:** until you leave" {
		t.Errorf("item Markdown %q", got)
	}
	if pre := findBlock(t, doc, "keep as is"); pre.Emphasis != nil {
		t.Errorf("preformatted emphasis %+v", pre.Emphasis)
	}
	// Emphasis is part of the version: it changes the comparison key, not
	// the words; without it the Markdown is the plain one.
	plain := extractHTML(t, `<main><p>We do not sell data.</p></main>`, Options{})
	if doc.Words() == 0 || plain.ComparisonKey() == extractHTML(t, `<main><p>We do <b>not</b> sell data.</p></main>`, Options{}).ComparisonKey() {
		t.Error("emphasis alone does not change the comparison key")
	}
	if p.WithoutEmphasis().Markdown() != plain.Sections[0].Blocks[0].Markdown() {
		t.Errorf("without emphasis: %q", p.WithoutEmphasis().Markdown())
	}
	raw, err := json.Marshal(p)
	if err != nil || !strings.Contains(string(raw), `"emphasis":[{"kind":"strong","start":6,"end":9}]`) {
		t.Errorf("JSON %s (%v)", raw, err)
	}
}

// TestMarkdownEmphasis: Markdown's emphasis, in any of its spellings,
// reads into spans and renders in the one canonical form.
func TestMarkdownEmphasis(t *testing.T) {
	for in, want := range map[string]string{
		"**a** and *b* and _c_ and __d__ and ***e***":           "**a** and *b* and *c* and **d** and ***e***",
		"*foo**bar**baz* and **x *y* z**":                       "*foo**bar**baz* and **x *y* z**",
		"**broken  \nbold** and ** not ** and snake_case_id":    `**broken bold** and \*\* not \*\* and snake\_case\_id`,
		"**Read [the *X* Rules](https://x.com/r)** now":         "**Read [the *X* Rules](https://x.com/r)** now",
		"[**a**](https://x.com/a) and **[b](https://x.com/b)**": "**[a](https://x.com/a)** and **[b](https://x.com/b)**",
		"Unpaired **stars and *one":                             "Unpaired stars and one",
		"`code *not em*` and \\*escaped\\*":                     "code \\*not em\\* and \\*escaped\\*",
		"| **Name** | *one* |":                                  "| **Name** | *one* |",
		"## **Heading** text":                                   "## Heading text",
	} {
		doc := extractMarkdown(t, in)
		got := strings.TrimSuffix(doc.Markdown(), "\n")
		if got != want {
			t.Errorf("%q\n  renders %q\n  want    %q", in, got, want)
		}
		if again := extractMarkdown(t, doc.Markdown()).Markdown(); again != doc.Markdown() {
			t.Errorf("%q: round trip changed %q to %q", in, doc.Markdown(), again)
		}
	}
}

// TestHandMadeEmphasis: blocks made by other code or read from JSON may
// hold any spans; Markdown shows those it can and never fails.
func TestHandMadeEmphasis(t *testing.T) {
	b := Block{Kind: Paragraph, Text: "héllo world", Links: []Link{{Text: "world", URL: "https://x.com/w"}}, Emphasis: []Emphasis{
		{Kind: Strong, Start: 0, End: 99}, {Kind: Em, Start: 2, End: 3}, {Kind: Strong, Start: 0, End: 5},
		{Kind: Strong, Start: 3, End: 8}, {Kind: "underline", Start: 0, End: 1}, {Kind: Em, Start: 4, End: 9},
		{Kind: Em, Start: 3, End: 5},
	}}
	if got, want := b.Markdown(), "**hé*ll***o [world](https://x.com/w)"; got != want {
		t.Errorf("Markdown %q, want %q", got, want)
	}
}

// TestCrossingSpansAreCut: spans crossing a link or a span of the other
// kind are cut there, so that they nest; what is kept reads back.
func TestCrossingSpansAreCut(t *testing.T) {
	var d docBuilder
	d.add(Block{Kind: Paragraph, Text: "Read the terms of service now", Links: []Link{{Text: "terms of service", URL: "https://x.com/t"}},
		Emphasis: []Emphasis{{Kind: Strong, Start: 0, End: 14}, {Kind: Em, Start: 9, End: 29}}})
	d.add(Block{Kind: Paragraph, Text: "abcdef", Emphasis: []Emphasis{{Kind: Strong, Start: 0, End: 4}, {Kind: Em, Start: 2, End: 6}}})
	want := []string{
		"**Read the** [***terms*** *of service*](https://x.com/t) *now*",
		// Emphasis going on right after the strong it crossed would need
		// "****", which reads otherwise: that part is left out.
		"**ab*cd***ef",
	}
	for i, b := range d.sections[0].Blocks {
		got := b.Markdown()
		if got != want[i] {
			t.Errorf("Markdown %q, want %q (%+v)", got, want[i], b.Emphasis)
		}
		if again := extractMarkdown(t, got).Sections[0].Blocks[0]; !slices.Equal(again.Emphasis, b.Emphasis) {
			t.Errorf("%q read back as %+v, want %+v", got, again.Emphasis, b.Emphasis)
		}
	}
}

// TestEmphasisOfRealPolicies: the inline bold of Bumble's terms and Coffee
// Meets Bagel's copyright policy is written as OTA writes it: every line
// of OTA's versions holding bold within text is one of ours, but for
// OTA's escaping of "1." after a marker.
func TestEmphasisOfRealPolicies(t *testing.T) {
	for _, c := range []struct {
		dir, snapshot, version string
		opts                   Options
		lines                  int
	}{
		{"Bumble/Terms of Service", "2026-06-18T00-30-55Z", "2026-06-18T00-30-55Z", Options{Select: CSS(".formatted-text"), BaseURL: "https://bumble.com/en/terms"}, 26},
		{"Coffee Meets Bagel/Copyright Claims Policy", "2023-07-27T12-32-14Z", "2025-12-10T12-30-27Z",
			Options{Select: []Selector{{Range: &Range{StartBefore: "#av_section_4", EndBefore: "#footer"}}}, BaseURL: "https://coffeemeetsbagel.com/privacy-terms/"}, 2},
	} {
		dir := "../testdata/ota-histories/dating/" + c.dir
		content, err := os.ReadFile(dir + "/snapshots/" + c.snapshot + ".html")
		if err != nil {
			t.Fatal(err)
		}
		ota, err := os.ReadFile(dir + "/versions/" + c.version + ".md")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Extract(content, "text/html", c.opts)
		if err != nil {
			t.Fatal(err)
		}
		ours := map[string]bool{}
		for _, line := range strings.Split(doc.Markdown(), "\n") {
			ours[line] = true
		}
		found, lines := 0, 0
		for _, line := range strings.Split(string(ota), "\n") {
			if !strings.Contains(line, "**") || strings.HasPrefix(line, "**") && strings.HasSuffix(line, "**") {
				continue // whole bold paragraphs are headings here
			}
			lines++
			if ours[strings.Replace(line, `\.`, ".", 1)] {
				found++
			} else {
				t.Errorf("%s: OTA's line is not ours: %.120s", c.dir, line)
			}
		}
		if lines != c.lines || found != lines {
			t.Errorf("%s: %d of OTA's %d lines with bold found, want %d", c.dir, found, lines, c.lines)
		}
	}
}

// TestEmphasisAfterRepair: repairing mis-decoded text after the walk
// shortens it; emphasis keeps its words. A span whose own text was
// repaired is lost.
func TestEmphasisAfterRepair(t *testing.T) {
	doc := extractHTML(t, "<main><p>Caf<span>Ã</span>© <b>bold</b> text and <i>CafÃ<span></span>©</i> more</p></main>", Options{})
	b := doc.Sections[0].Blocks[0]
	if b.Text != "Café bold text and Café more" || b.Markdown() != "Café **bold** text and Café more" {
		t.Errorf("text %q, Markdown %q", b.Text, b.Markdown())
	}
}
