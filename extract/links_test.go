package extract

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// blocksWithLinks lists every block holding links, in document order.
func blocksWithLinks(d *Document) []Block {
	var out []Block
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if len(b.Links) > 0 {
				out = append(out, b)
			}
		}
	}
	return out
}

func assertLinks(t *testing.T, b Block, want ...Link) {
	t.Helper()
	if !slices.Equal(b.Links, want) {
		t.Errorf("block %q: links %+v, want %+v", b.Text, b.Links, want)
	}
}

func TestMarkdownLinks(t *testing.T) {
	text := "Read [the *X* Rules](https://help.x.com/rules \"X (Rules)\") and [opt out](<https://x.com/a b> 'Opt').\n\n" +
		"[Learn more](/en/privacy) or [Learn more](https://x.com/more) or [Learn more](#top).\n\n" +
		"Mail [us](mailto:privacy@x.com), call [us](tel:+1-555-0100), not [this](javascript:alert(1)) nor [that]().\n\n" +
		"Escapes: [a \\[b\\] \\_c\\_](https://x.com/a_(b)) and [**bold** `code`](https://x.com/c).\n\n" +
		"Reference [full][Policy  Ref], [collapsed][] and [shortcut], unknown [ref][nowhere] and <https://auto.link>.\n\n" +
		"Icons: [![logo](/logo.png)](https://x.com/home) and [ ](https://x.com/blank) and ![img](https://x.com/i.png).\n\n" +
		"[policy ref]: https://x.com/policy \"Title\"\n" +
		"[Collapsed]: <https://x.com/collapsed>\n" +
		"[shortcut]: /short\n" +
		"[policy ref]: https://x.com/second-definition-ignored\n\n" +
		"| Cookie | Purpose |\n| --- | --- |\n| [auth_token](https://x.com/auth) | [Login](https://x.com/login) and [more](https://x.com/more) |\n\n" +
		"```\n[fenced]: https://x.com/not-a-definition\n```\n\n" +
		"Text line\n[interrupt]: https://x.com/not-a-definition\n"
	doc, err := Extract([]byte(text), "text/markdown", Options{BaseURL: "https://help.x.com/en/cookies?lang=en#top"})
	if err != nil {
		t.Fatal(err)
	}
	blocks := blocksWithLinks(doc)
	if len(blocks) != 7 {
		t.Fatalf("%d blocks with links, want 7:\n%s", len(blocks), doc.Markdown())
	}
	assertLinks(t, blocks[0],
		Link{Text: "the X Rules", URL: "https://help.x.com/rules"},
		Link{Text: "opt out", URL: "https://x.com/a b"})
	// Same text three times: each its own target; the fragment-only one is left out;
	// the relative one is resolved against BaseURL.
	assertLinks(t, blocks[1],
		Link{Text: "Learn more", URL: "https://help.x.com/en/privacy"},
		Link{Text: "Learn more", URL: "https://x.com/more"})
	assertLinks(t, blocks[2],
		Link{Text: "us", URL: "mailto:privacy@x.com"},
		Link{Text: "us", URL: "tel:+1-555-0100"})
	if blocks[2].Text != "Mail us, call us, not this nor that." {
		t.Errorf("text %q", blocks[2].Text)
	}
	assertLinks(t, blocks[3],
		Link{Text: "a [b] _c_", URL: "https://x.com/a_(b)"},
		Link{Text: "bold code", URL: "https://x.com/c"})
	assertLinks(t, blocks[4],
		Link{Text: "full", URL: "https://x.com/policy"},
		Link{Text: "collapsed", URL: "https://x.com/collapsed"},
		Link{Text: "shortcut", URL: "https://help.x.com/short"})
	if want := "Reference full, collapsed and shortcut, unknown ref and https://auto.link."; blocks[4].Text != want {
		t.Errorf("text %q, want %q", blocks[4].Text, want)
	}
	// An image is its alt text, so an icon link is a link; a link without
	// text is not.
	if b := findBlock(t, doc, "Icons: logo and and img."); !slices.Equal(b.Links, []Link{{Text: "logo", URL: "https://x.com/home"}}) {
		t.Errorf("icon links listed: %+v", b.Links)
	}
	row := blocks[6]
	if row.Kind != TableRow || !slices.Equal(row.Cells, []string{"auth_token", "Login and more"}) {
		t.Fatalf("row %+v", row)
	}
	assertLinks(t, row,
		Link{Text: "auth_token", URL: "https://x.com/auth"},
		Link{Text: "Login", URL: "https://x.com/login"},
		Link{Text: "more", URL: "https://x.com/more"})
	// Definitions are not text; inside code or after a text line they are.
	assertAbsent(t, doc, "second-definition-ignored", "x.com/policy \"Title\"", "[shortcut]:")
	if pre := findBlock(t, doc, "[fenced]: https://x.com/not-a-definition"); pre.Kind != Preformatted {
		t.Errorf("fenced definition: %+v", pre)
	}
	assertLinks(t, findBlock(t, doc, "Text line [interrupt]: https://x.com/not-a-definition"))

	// Without BaseURL, relative targets are kept as written.
	plain := extractMarkdown(t, "[Learn more](/en/privacy) and [up](../x?a=1#b)\n")
	assertLinks(t, plain.Sections[0].Blocks[0],
		Link{Text: "Learn more", URL: "/en/privacy"}, Link{Text: "up", URL: "../x?a=1#b"})

	md := doc.Markdown()
	for _, want := range []string{
		"Read [the *X* Rules](https://help.x.com/rules) and [opt out](<https://x.com/a b>).",
		"[Learn more](https://help.x.com/en/privacy) or [Learn more](https://x.com/more) or Learn more.",
		`Escapes: [a \[b\] \_c\_](<https://x.com/a_(b)>) and [**bold** code](https://x.com/c).`,
		"| [auth_token](https://x.com/auth) | [Login](https://x.com/login) and [more](https://x.com/more) |",
	} {
		if !strings.Contains(md, want+"\n") {
			t.Errorf("Markdown lacks the line %q:\n%s", want, md)
		}
	}
	again := extractMarkdown(t, md)
	if again.Markdown() != md {
		t.Errorf("round trip changed the Markdown:\n%s", firstDifference(md, again.Markdown()))
	}
}

func TestHTMLLinks(t *testing.T) {
	page := `<html><head><title>T</title></head><body><main>
<h2>About <a href="/about">us</a></h2>
<p>See our <a href=" /en/rules?x=1&amp;y=2#s ">rules</a>, <a href="#top">top</a>, <a href="javascript:void(0)">menu</a>,
<a href="JavaScript:evil()">evil</a>, <a href="">empty</a>, <a name="anchor">anchor</a> and
<a href="mailto:dpo@x.com">write <em>to</em> us</a>.</p>
<p><a href="https://x.com/a"><img src="icon.png" alt="icon"></a> <a href="https://x.com/b"><b>Click</b>
 here</a> or <a href="https://x.com/c">here</a>; <a href="tel:+15550100">call</a>.
<a href="https://x.com/outer">outer <a href="https://x.com/inner">inner</a></a></p>
<ul><li><a href="opt-out">Opt out</a> of ads</li></ul>
<table><tr><th>Name</th><th>Info</th></tr><tr><td><a href="https://x.com/n">n</a></td><td>see <a href="https://x.com/i">info</a></td></tr></table>
<a href="https://x.com/card"><div>Card title</div><div>Card text</div></a>
<p>Ja<a href="v&#10;a">va</a> <a href="java&#9;script:alert(1)">tabbed</a></p>
</main></body></html>`
	doc := extractHTML(t, page, Options{BaseURL: "https://help.x.com/en/cookies"})
	if h := doc.Sections[0].Heading(); h != "About us" {
		t.Errorf("heading %q (headings are plain text)", h)
	}
	p1 := findBlock(t, doc, "See our rules, top, menu, evil, empty, anchor and write to us.")
	assertLinks(t, p1,
		Link{Text: "rules", URL: "https://help.x.com/en/rules?x=1&y=2#s"},
		Link{Text: "write to us", URL: "mailto:dpo@x.com"})
	p2 := findBlock(t, doc, "icon Click here or here; call. outer inner")
	assertLinks(t, p2,
		Link{Text: "icon", URL: "https://x.com/a"},
		Link{Text: "Click here", URL: "https://x.com/b"},
		Link{Text: "here", URL: "https://x.com/c"},
		Link{Text: "call", URL: "tel:+15550100"},
		Link{Text: "outer", URL: "https://x.com/outer"},
		Link{Text: "inner", URL: "https://x.com/inner"})
	assertLinks(t, findBlock(t, doc, "Opt out of ads"), Link{Text: "Opt out", URL: "https://help.x.com/en/opt-out"})
	rows := findSection(t, doc, "About us").Blocks
	var row Block
	for _, b := range rows {
		if b.Kind == TableRow && !b.Header {
			row = b
		}
	}
	assertLinks(t, row, Link{Text: "n", URL: "https://x.com/n"}, Link{Text: "info", URL: "https://x.com/i"})
	// A link wrapping blocks is a link in each.
	assertLinks(t, findBlock(t, doc, "Card title"), Link{Text: "Card title", URL: "https://x.com/card"})
	assertLinks(t, findBlock(t, doc, "Card text"), Link{Text: "Card text", URL: "https://x.com/card"})
	// Tabs and line breaks inside a URL are dropped, as browsers do.
	assertLinks(t, findBlock(t, doc, "Java tabbed"), Link{Text: "va", URL: "https://help.x.com/en/va"})

	// <base href> moves the base; without BaseURL nothing is resolved.
	based := `<html><head><base href="/docs/"></head><body><p><a href="page">Page</a></p></body></html>`
	assertLinks(t, extractHTML(t, based, Options{BaseURL: "https://x.com/a/b"}).Sections[0].Blocks[0],
		Link{Text: "Page", URL: "https://x.com/docs/page"})
	assertLinks(t, extractHTML(t, based, Options{}).Sections[0].Blocks[0], Link{Text: "Page", URL: "page"})

	md := doc.Markdown()
	if !strings.Contains(md, "\n[icon](https://x.com/a) [**Click** here](https://x.com/b) or [here](https://x.com/c); [call](tel:+15550100). [outer](https://x.com/outer) [inner](https://x.com/inner)\n") {
		t.Errorf("Markdown:\n%s", md)
	}
	if again := extractMarkdown(t, md); again.Markdown() != md {
		t.Errorf("round trip changed the Markdown:\n%s", firstDifference(md, again.Markdown()))
	}
}

func TestInvalidBaseURL(t *testing.T) {
	for _, base := range []string{"relative/path", "http://[::1", "%zz"} {
		_, err := Extract([]byte("<p><a href='x'>x</a></p>"), "text/html", Options{BaseURL: base})
		if err == nil || !strings.Contains(err.Error(), "BaseURL") || !strings.Contains(err.Error(), base) {
			t.Errorf("BaseURL %q: error %v should name the option and the value", base, err)
		}
	}
}

// TestLinkRendering: links with hard texts and targets render where their
// text is, and read back as the same blocks.
func TestLinkRendering(t *testing.T) {
	blocks := []Block{
		{Kind: Paragraph, Text: "Click here! or there", Links: []Link{{Text: "here!", URL: "https://x.com/a"}, {Text: "there", URL: "https://x.com/b"}}},
		{Kind: Paragraph, Text: "Wow![image] and [x] text", Links: []Link{{Text: "[image]", URL: "https://x.com/(i)"}, {Text: "x", URL: `https://x.com/back\slash<>`}}},
		{Kind: Paragraph, Text: `snake_case *star* back\ [b]: def`, Links: []Link{{Text: "case", URL: "https://x.com/s p a c e"}, {Text: "star", URL: "https://x.com/\"q\""}}},
		{Kind: Paragraph, Text: "[ref]: https://x.com/looks-like-a-definition", Links: []Link{{Text: "https", URL: "https://x.com/h"}}},
		{Kind: Paragraph, Text: "# not a heading", Links: []Link{{Text: "not", URL: "https://x.com/n"}}},
		{Kind: Paragraph, Text: "1. not a list", Links: []Link{{Text: "1.", URL: "https://x.com/1"}}},
		{Kind: ListItem, Text: "link at end", Links: []Link{{Text: "end", URL: "https://x.com/e?a=1&b=2#frag"}}, Depth: 0},
		{Kind: ListItem, Text: "nested *", Links: []Link{{Text: "*", URL: "mailto:a@b.c"}}, Depth: 1, Ordered: true},
		{Kind: TableRow, Cells: []string{"a|b", "c", "d"}, Links: []Link{{Text: "b", URL: "https://x.com/p|q"}, {Text: "d", URL: "https://x.com/d"}}, Header: true},
		{Kind: TableRow, Cells: []string{"---", "x"}, Links: []Link{{Text: "---", URL: "https://x.com/dash"}}},
		{Kind: Paragraph, Text: "Caf\u00e9 \u2014 na\u00efve", Links: []Link{{Text: "na\u00efve", URL: "https://x.com/caf\u00e9\u00a0x"}}},
	}
	doc := &Document{Title: "Links", Sections: []Section{{Path: []string{"Links"}, Level: 1, Blocks: blocks}}}
	md := doc.Markdown()
	again := extractMarkdown(t, md)
	got := again.Sections[0].Blocks
	if len(got) != len(blocks) {
		t.Fatalf("%d blocks read back, want %d:\n%s", len(got), len(blocks), md)
	}
	for i, want := range blocks {
		g := got[i]
		if g.Kind != want.Kind || g.Text != want.Text || !slices.Equal(g.Cells, want.Cells) || !slices.Equal(g.Links, want.Links) ||
			g.Depth != want.Depth || g.Ordered != want.Ordered || g.Header != want.Header {
			t.Errorf("block %d: wrote %+v\nas %q\nread %+v", i, want, want.Markdown(), g)
		}
	}
	if again.Markdown() != md {
		t.Errorf("not a fixed point:\n%s", firstDifference(md, again.Markdown()))
	}
	for _, want := range []string{
		`Click [here!](https://x.com/a) or [there](https://x.com/b)`,
		`Wow\![\[image\]](<https://x.com/(i)>) and \[[x](<https://x.com/back\\slash\<\>>)\] text`,
		`| a\|[b](https://x.com/p\|q) | c | [d](https://x.com/d) |`,
	} {
		if !strings.Contains(md, want+"\n") {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}

	// A link whose text is not in the block, or is out of order, is left
	// out of the Markdown; a target too long to read back is too.
	lost := Block{Kind: Paragraph, Text: "first second", Links: []Link{
		{Text: "second", URL: "https://x.com/2"}, {Text: "first", URL: "https://x.com/1"},
		{Text: "missing", URL: "https://x.com/m"}, {Text: "second", URL: "https://x.com/" + strings.Repeat("x", 5000)}}}
	if got, want := lost.Markdown(), "first [second](https://x.com/2)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Extraction lists only the links its Markdown shows.
	long := "[a](https://x.com/" + strings.Repeat("y", 5000) + ") [b](https://x.com/b)"
	assertLinks(t, extractMarkdown(t, long).Sections[0].Blocks[0], Link{Text: "b", URL: "https://x.com/b"})
}

func TestLinkTargetChangesComparisonKey(t *testing.T) {
	doc := extractFile(t, fixtures+"twitter-cookies-policy.md", Options{})
	content := doc.Markdown()
	moved := strings.Replace(content, "(https://twitter.com/your_twitter_data)", "(https://x.com/your_twitter_data)", 1)
	if moved == content {
		t.Fatal("fixture lacks the link to move")
	}
	other := extractMarkdown(t, moved)
	if other.ComparisonKey() == doc.ComparisonKey() {
		t.Error("a link moving to another target kept the comparison key")
	}
	if other.Words() != doc.Words() {
		t.Errorf("words %d and %d: link targets must not count as words", other.Words(), doc.Words())
	}
	withURL := &Document{Sections: []Section{{Blocks: []Block{{Kind: Paragraph, Text: "two words",
		Links: []Link{{Text: "words", URL: "https://example.com/many/more/words here"}}}}}}}
	if n := withURL.Words(); n != 2 {
		t.Errorf("Words() = %d, want 2", n)
	}
	// JSON lists links only where there are some.
	data, err := json.Marshal(withURL.Sections[0].Blocks[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"kind":"paragraph","text":"two words","links":[{"text":"words","url":"https://example.com/many/more/words here"}]}`; string(data) != want {
		t.Errorf("JSON %s, want %s", data, want)
	}
	if data, _ := json.Marshal(Block{Kind: Paragraph, Text: "x"}); strings.Contains(string(data), "links") {
		t.Errorf("JSON %s should omit links", data)
	}
}

// TestCookiesHistoryLinkChanges: every dated cookie-policy version is a
// distinct text per Open Terms Archive. With links in the comparison key,
// link-target-only changes (twitter.com → x.com, moved help pages) are
// changes; the two pairs still equal differ only in Markdown layout.
func TestCookiesHistoryLinkChanges(t *testing.T) {
	paths, err := filepath.Glob("../demo/twitter-x-history/cookies-policy/*.md")
	if err != nil || len(paths) != 39 {
		t.Fatalf("found %d cookie-policy versions (%v), want 39", len(paths), err)
	}
	sameAsPrevious := map[string]bool{
		"2022-09-20T12-33-36Z.md": true, // list markers "*   " instead of "* ", trailing spaces
		"2025-10-23T08-50-24Z.md": true, // list markers "*   " instead of "* "
	}
	changes := 0
	var previous *Document
	for _, path := range paths {
		doc := extractFile(t, path, Options{})
		name := filepath.Base(path)
		if previous == nil || doc.ComparisonKey() != previous.ComparisonKey() {
			changes++
			if sameAsPrevious[name] {
				t.Errorf("%s: expected the same text as the version before", name)
			}
		} else {
			if !sameAsPrevious[name] {
				t.Errorf("%s: comparison key equal to the previous version's", name)
			}
			if doc.Markdown() != previous.Markdown() {
				t.Errorf("%s: equal keys but different canonical Markdown (only folding differs)", name)
			}
		}
		previous = doc
	}
	// Without link targets only 17 of the 39 versions differed from the one before.
	if changes < 37 {
		t.Errorf("%d of 39 versions differ from the one before, want at least 37", changes)
	}
	t.Logf("%d of 39 versions differ from the one before", changes)
}
