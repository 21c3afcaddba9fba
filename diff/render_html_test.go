package diff

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// linked is a paragraph whose words hold links, placed as extract places
// them.
func linked(text string, links ...extract.Link) extract.Block {
	return extract.Block{Kind: extract.Paragraph, Text: text, Links: links}
}

func item(text string, depth int) extract.Block {
	return extract.Block{Kind: extract.ListItem, Text: text, Depth: depth}
}

func blocksDoc(blocks ...extract.Block) *extract.Document {
	return &extract.Document{Sections: []extract.Section{{Path: []string{"Rules"}, Level: 2, Blocks: blocks}}}
}

// visibleText is the text of HTML as a reader sees it: tags dropped.
var tags = regexp.MustCompile(`<[^>]*>`)

func TestHTMLShowsMarkdownAsItReads(t *testing.T) {
	old := blocksDoc(
		linked("Read the X Rules before posting.", extract.Link{Text: "X Rules", URL: "https://help.twitter.com/en/rules"}),
		item("Cookies we set", 0),
		item("Cookies others set", 1),
		extract.Block{Kind: extract.Paragraph, Text: "Unchanged closing words."},
	)
	new := blocksDoc(
		linked("Read the X Rules before posting.", extract.Link{Text: "X Rules", URL: "https://help.x.com/en/rules"}),
		item("Cookies we set", 0),
		item("Cookies our partners set", 1),
		extract.Block{Kind: extract.Paragraph, Text: "Unchanged closing words."},
	)
	r := Compare(old, new)
	for _, side := range []bool{false, true} {
		out := string(r.HTML(HTMLOptions{All: true, SideBySide: side}).Body)
		if strings.Contains(out, "](") || strings.Contains(out, "- Cookies") {
			t.Errorf("side %v: Markdown syntax shows:\n%s", side, out)
		}
		if !strings.Contains(out, `<a class="link" href="https://help.x.com/en/rules" rel="nofollow noopener noreferrer" title="https://help.x.com/en/rules">X Rules</a>`) {
			t.Errorf("side %v: the link is not a link to its new target:\n%s", side, out)
		}
		if !strings.Contains(out, "help.twitter.com/en/rules</del>") || !strings.Contains(out, "help.x.com/en/rules</ins>") {
			t.Errorf("side %v: the link whose target alone changed has no visible mark of it:\n%s", side, out)
		}
		if !strings.Contains(out, "<ins>our partners </ins>") {
			t.Errorf("side %v: the list item's edit is missing:\n%s", side, out)
		}
	}
	inline := string(r.HTML(HTMLOptions{All: true}).Body)
	if !strings.Contains(inline, `<ul class="rows"><li class="para unchanged quiet depth-0">Cookies we set</li>`) ||
		!strings.Contains(inline, `<li class="para changed depth-1" id="c2">Cookies <del>others </del><ins>our partners </ins>set`) {
		t.Errorf("list items are not a list:\n%s", inline)
	}
	// The link-only edit is a changed paragraph, numbered like any edit.
	if !strings.Contains(inline, `<p class="para changed" id="c1">Read the <a class="link"`) || !strings.Contains(inline, "edit 1 of 2") {
		t.Errorf("the link-only edit is not edit 1 of 2:\n%s", inline)
	}
}

func TestHTMLNeverLinksHostileTargets(t *testing.T) {
	old := blocksDoc(linked("See <b>here</b> now.", extract.Link{Text: "<b>here</b>", URL: "https://example.com/a"}))
	new := blocksDoc(linked("See <b>here</b> now.", extract.Link{Text: "<b>here</b>", URL: `javascript:alert("x")`}),
		linked("And there.", extract.Link{Text: "there", URL: `https://example.com/"onmouseover="alert(1)`}))
	out := string(Compare(old, new).HTML(HTMLOptions{All: true}).Body)
	if strings.Contains(out, `href="javascript`) || strings.Contains(out, "<b>") {
		t.Errorf("a hostile target or text reached the markup:\n%s", out)
	}
	if !strings.Contains(out, `<span class="link" title="javascript:alert(&#34;x&#34;)">&lt;b&gt;here&lt;/b&gt;</span>`) {
		t.Errorf("the javascript: link is not shown as text with its target in a title:\n%s", out)
	}
	if strings.Contains(out, `"onmouseover="`) {
		t.Errorf("a quote in a target closed an attribute:\n%s", out)
	}
}

func TestLineHTMLShowsLinkTargetsAndEmphasis(t *testing.T) {
	text := "Visit the Help Center for more on cookies."
	at := strings.Index(text, "cookies")
	b := extract.Block{Kind: extract.ListItem, Depth: 1, Text: text,
		Links:    []extract.Link{{Text: "Help Center", URL: "https://help.x.com/en/cookies"}},
		Emphasis: []extract.Emphasis{{Kind: extract.Strong, Start: at, End: at + len("cookies")}}}
	got := string(LineHTML(b.Markdown()))
	want := `Visit the <a class="link" href="https://help.x.com/en/cookies" rel="nofollow noopener noreferrer" title="https://help.x.com/en/cookies">Help Center</a><span class="link-target">help.x.com/en/cookies</span> for more on <strong>cookies</strong>.`
	if got != want {
		t.Errorf("LineHTML(%q)\n got %s\nwant %s", b.Markdown(), got, want)
	}
	if got := string(LineHTML(`A \*literal\* star and 1 \< 2 & [brackets\]`)); tags.ReplaceAllString(got, "") != "A *literal* star and 1 &lt; 2 &amp; [brackets]" {
		t.Errorf("escapes: %s", got)
	}
}

// The May 2024 flip-flop of the real cookie policy changed link targets
// only: the page must say so where the links are.
func TestHTMLMarksTheRealLinkFlipFlop(t *testing.T) {
	read := func(name string) *extract.Document {
		data, err := os.ReadFile(historyDir + "/cookies-policy/" + name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := extract.Extract(data, "text/markdown", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	r := Compare(read("2024-05-16T06-39-10Z.md"), read("2024-05-17T00-38-40Z.md"))
	if r.Stats.WordsAdded != 0 || r.Stats.WordsRemoved != 0 {
		t.Fatalf("the flip-flop changed words: %+v", r.Stats)
	}
	d := r.HTML(HTMLOptions{})
	if d.Edits == 0 {
		t.Fatal("no edit shown for a change of link targets")
	}
	body := string(d.Body)
	if n := strings.Count(body, `class="link-change`); n < d.Edits {
		t.Errorf("%d link marks for %d edits:\n%s", n, d.Edits, body)
	}
	if !strings.Contains(body, "help.twitter.com") || !strings.Contains(body, "help.x.com") {
		t.Errorf("the marks do not name both hosts")
	}
	if visible := tags.ReplaceAllString(body, ""); strings.Contains(visible, "](http") {
		t.Errorf("raw Markdown links show in the text")
	}
}

func TestHTMLFoldsQuietSectionsToOneLine(t *testing.T) {
	old := &extract.Document{Sections: []extract.Section{
		{Path: []string{"Kept"}, Level: 2, Blocks: []extract.Block{{Kind: extract.Paragraph, Text: "Same words here."}, {Kind: extract.Paragraph, Text: "And here."}}},
		{Path: []string{"Edited"}, Level: 2, Blocks: []extract.Block{{Kind: extract.Paragraph, Text: "We keep data for a year."}}},
	}}
	new := &extract.Document{Sections: []extract.Section{
		old.Sections[0],
		{Path: []string{"Edited"}, Level: 2, Blocks: []extract.Block{{Kind: extract.Paragraph, Text: "We keep data for ten years."}}},
	}}
	d := Compare(old, new).HTML(HTMLOptions{})
	body := string(d.Body)
	if !strings.Contains(body, `<details class="diff-section quiet" id="s1"><summary><span class="section-title">Kept</span> <span class="status">unchanged, 2 paragraphs</span></summary>`) {
		t.Errorf("the unchanged section is not one line:\n%s", body)
	}
	if strings.Contains(string(d.Sections), " open") {
		t.Errorf("the section list of a one-edit diff is open")
	}
}

func TestPlainText(t *testing.T) {
	for md, want := range map[string]string{
		"Read the [X Rules](https://help.x.com/en/rules) **now**.": "Read the X Rules now.",
		"  - Cookies \\*we\\* set":                                 "Cookies *we* set",
		"1. First [step](<https://e.com/a b>)":                     "First step",
		"| Name | Purpose |\n| --- | --- |":                        "Name | Purpose",
		"```\n# not a heading\n```":                                "# not a heading",
		"| a |  | b |":                                             "a | b",
	} {
		if got := PlainText(md); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", md, got, want)
		}
	}
}

// BenchmarkLineHTML renders the lines of the newest demo privacy policy
// that have links or emphasis, as the version page does.
func BenchmarkLineHTML(b *testing.B) {
	files := historyFiles(b, "privacy-policy")
	data, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		b.Fatal(err)
	}
	var lines []string
	size := 0
	for line := range strings.SplitSeq(string(data), "\n") {
		if strings.ContainsAny(line, "[*_") {
			lines, size = append(lines, line), size+len(line)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, line := range lines {
			LineHTML(line)
		}
	}
	b.ReportMetric(float64(len(lines)), "lines")
}

// BenchmarkDiffHTML writes the diff of two consecutive demo privacy
// policies, as a diff page asks for it: most of its rows unchanged.
func BenchmarkDiffHTML(b *testing.B) {
	files := historyFiles(b, "privacy-policy")
	newest := func(back int) *extract.Document {
		return historyVersion(b, "privacy-policy", filepath.Base(files[len(files)-1-back]))
	}
	r := Compare(newest(1), newest(0))
	b.ReportAllocs()
	for b.Loop() {
		r.HTML(HTMLOptions{})
	}
}
