package extract

import (
	"slices"
	"testing"
)

func extractMarkdown(t *testing.T, text string) *Document {
	t.Helper()
	doc, err := Extract([]byte(text), "text/markdown", Options{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return doc
}

func TestInlineMarkdown(t *testing.T) {
	cases := map[string]string{
		"See [the Rules](https://x.com/rules \"X (Rules)\") now": "See the Rules now",
		"[**Learn more**](#anchor) and [ref link][1]":            "Learn more and ref link",
		"Logo ![X logo](https://x.com/logo.png) kept":            "Logo X logo kept",
		"[](https://empty.example) empty link":                   "empty link",
		"**Bold** and *em* and _em_ and __strong__":              "Bold and em and em and strong",
		"**  broken bold":                     "broken bold",
		"broken bold **":                      "broken bold",
		"snake_case_name and a * b and 2 * 3": "snake_case_name and a * b and 2 * 3",
		"\\_leading underscore and \\*stars\\* and 1\\. and \\\\": "_leading underscore and *stars* and 1. and \\",
		"Use `code *not em*` here":                                "Use code *not em* here",
		"Unclosed `backtick":                                      "Unclosed `backtick",
		"Visit <https://example.com/a_b> now":                     "Visit https://example.com/a_b now",
		"Text <!-- a comment --> more":                            "Text more",
		"C:\\Users\\name stays":                                   "C:\\Users\\name stays",
		"tab\tand\u00a0nbsp and zero\u200bwidth":                  "tab and nbsp and zerowidth",
		"e\u0301 composed":                                        "é composed",
	}
	for in, want := range cases {
		if got := parseInline(in); got != want {
			t.Errorf("parseInline(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownBlocks(t *testing.T) {
	text := "Policy\n======\n\n" +
		"Intro line one\nline two with trailing spaces   \n\n" +
		"Part A\n------\n\n" +
		"* first item\n  continued lazily\n* second item\n\n    continuation paragraph\n" +
		"    + nested plus\n        1. deep ordered\n- back to top\n\n" +
		"<!-- hidden remark\nover lines -->\n\n" +
		"### Sub *heading* ###\n\n" +
		"| Name | Value |\n|:---|---:|\n| a \\| b | `c` |\n\n" +
		"```go\nfunc main() {\n\t<!-- not a comment -->\n}\n```\n\n" +
		"Para before\n\n    indented code\n      more\n\n" +
		"> quoted text\n> continues\n\n" +
		"***\n\n" +
		"## Part B\n\n2016. A year, not a list item? It starts a list only after a blank line.\n\n" +
		"Wrapped line\n2017. stays text\n"
	doc := extractMarkdown(t, text)
	if doc.Title != "Policy" {
		t.Errorf("title %q", doc.Title)
	}
	var paths [][]string
	for _, s := range doc.Sections {
		paths = append(paths, s.Path)
	}
	wantPaths := [][]string{{"Policy"}, {"Policy", "Part A"}, {"Policy", "Part A", "Sub heading"}, {"Policy", "Part B"}}
	if !slices.EqualFunc(paths, wantPaths, slices.Equal) {
		t.Errorf("paths %q, want %q", paths, wantPaths)
	}
	checks := []Block{
		{Kind: Paragraph, Text: "Intro line one line two with trailing spaces"},
		{Kind: ListItem, Text: "first item continued lazily"},
		{Kind: ListItem, Text: "second item continuation paragraph"},
		{Kind: ListItem, Text: "nested plus", Depth: 1},
		{Kind: ListItem, Text: "deep ordered", Depth: 2, Ordered: true},
		{Kind: ListItem, Text: "back to top"},
		{Kind: Preformatted, Text: "func main() {\n\t<!-- not a comment -->\n}"},
		{Kind: Preformatted, Text: "indented code\n  more"},
		{Kind: Paragraph, Text: "quoted text continues"},
		{Kind: ListItem, Text: "A year, not a list item? It starts a list only after a blank line.", Ordered: true},
		{Kind: Paragraph, Text: "Wrapped line 2017. stays text"},
	}
	for _, want := range checks {
		got := findBlock(t, doc, want.Text)
		if got.Kind != want.Kind || got.Depth != want.Depth || got.Ordered != want.Ordered {
			t.Errorf("block %q: got %+v, want %+v", want.Text, got, want)
		}
	}
	table := findSection(t, doc, "Sub heading").Blocks
	if len(table) < 2 || !table[0].Header || !slices.Equal(table[0].Cells, []string{"Name", "Value"}) ||
		table[1].Header || !slices.Equal(table[1].Cells, []string{"a | b", "c"}) {
		t.Errorf("table rows %+v", table)
	}
	assertAbsent(t, doc, "hidden remark", "over lines", "***")
}

// TestEscapingRoundTrip: text that looks like Markdown syntax survives
// rendering and reading back unchanged.
func TestEscapingRoundTrip(t *testing.T) {
	tricky := []string{
		"# not a heading", "- not an item", "+ plus", "* star", "1. not ordered", "2) nor this",
		"> not a quote", "| not a row |", "```not a fence", "~~~ nor this", "---", "===", "***", "___",
		"_underscored_ and *starred* and **bold**", "snake_case stays", "a * b", "trailing *", "*", "_",
		"[not](a link) and ![not](an image) and [ref][x]", "<!-- not a comment -->", "<https://not.autolink>",
		"back\\slash \\* and \\", "`backticks`", "C#", "heading ends with #", "tabs\tgone",
	}
	var blocks []Block
	for _, text := range tricky {
		blocks = append(blocks, Block{Kind: Paragraph, Text: normalizeText(text)})
	}
	blocks = append(blocks,
		Block{Kind: ListItem, Text: "# item text"},
		Block{Kind: ListItem, Text: "- nested looking", Depth: 1, Ordered: true},
		Block{Kind: TableRow, Cells: []string{"---", ":-:"}},
		Block{Kind: TableRow, Cells: []string{"pipe | inside", "*", ""}, Header: true},
		Block{Kind: Preformatted, Text: "```\ncode with fence\n````"},
	)
	doc := &Document{Title: "Title #", Sections: []Section{
		{Blocks: blocks[:3]},
		{Path: []string{"Heading *with* #"}, Level: 2, Blocks: blocks[3:]},
	}}
	md := doc.Markdown()
	again := extractMarkdown(t, md)
	if again.Title != "Title #" {
		t.Errorf("title %q", again.Title)
	}
	var got []Block
	for _, s := range again.Sections {
		got = append(got, s.Blocks...)
	}
	if len(got) != len(blocks) {
		t.Fatalf("%d blocks read back, want %d:\n%s", len(got), len(blocks), md)
	}
	for i := range blocks {
		w, g := blocks[i], got[i]
		if w.Kind != g.Kind || w.Text != g.Text || !slices.Equal(w.Cells, g.Cells) || w.Header != g.Header ||
			w.Depth != g.Depth || w.Ordered != g.Ordered {
			t.Errorf("block %d: wrote %+v, read %+v (as %q)", i, w, g, w.Markdown())
		}
	}
	if h := again.Sections[len(again.Sections)-1].Heading(); h != "Heading *with* #" {
		t.Errorf("heading %q", h)
	}
	if again.Markdown() != md {
		t.Errorf("not a fixed point:\n%s\n---\n%s", md, again.Markdown())
	}
}

func TestTitleRendering(t *testing.T) {
	// A title that is also the first heading is written once.
	doc := &Document{Title: "Privacy", Sections: []Section{{Path: []string{"Privacy"}, Level: 1, Blocks: []Block{{Kind: Paragraph, Text: "Text."}}}}}
	if got := doc.Markdown(); got != "# Privacy\n\nText.\n" {
		t.Errorf("got %q", got)
	}
	// Otherwise it heads the document, and reads back as the same bytes.
	doc = &Document{Title: "Site title", Sections: []Section{
		{Blocks: []Block{{Kind: Paragraph, Text: "Preamble."}}},
		{Path: []string{"Part"}, Level: 2, Blocks: []Block{{Kind: Paragraph, Text: "Text."}}},
	}}
	want := "# Site title\n\nPreamble.\n\n## Part\n\nText.\n"
	if got := doc.Markdown(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if again := extractMarkdown(t, want); again.Markdown() != want || again.Title != "Site title" {
		t.Errorf("read back: %q, title %q", again.Markdown(), again.Title)
	}
}

// TestListItemLikeThematicBreak: an item whose text makes its line a
// thematic break ("- - -") is escaped, so that it reads back as an item.
func TestListItemLikeThematicBreak(t *testing.T) {
	doc := extractMarkdown(t, "- \\- -\n")
	md := doc.Markdown()
	if b := doc.Sections[0].Blocks[0]; md != "- \\- -\n" || b.Kind != ListItem || b.Text != "- -" {
		t.Errorf("Markdown %q of %+v", md, b)
	}
	if again := extractMarkdown(t, md).Markdown(); again != md {
		t.Errorf("read back as %q, want %q", again, md)
	}
}
