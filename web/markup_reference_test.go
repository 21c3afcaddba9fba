package web

import (
	"context"
	"encoding/json"
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// referencePolicyHTML is policyHTML as it was before it wrote into one
// builder: each element's pieces joined into strings, html.EscapeString
// for every text. policyHTML must write what it wrote, byte for byte.
func referencePolicyHTML(sections []contentSection) string {
	inline := func(b extract.Block) string {
		if len(b.Links) == 0 && len(b.Emphasis) == 0 {
			return html.EscapeString(b.Text)
		}
		return string(diff.LineHTML(b.Markdown()))
	}
	var b strings.Builder
	for _, sec := range sections {
		b.WriteString("<section>\n")
		if sec.HeadingLevel >= 2 && sec.HeadingLevel <= 6 {
			level := strconv.Itoa(sec.HeadingLevel)
			b.WriteString("<h" + level + ">" + html.EscapeString(sec.Heading))
			if sec.Continued {
				b.WriteString(` <span class="continued">(continued)</span>`)
			}
			b.WriteString("</h" + level + ">\n")
		}
		for _, g := range sec.Groups {
			switch g.Kind {
			case "ul", "ol":
				b.WriteString("<" + g.Kind + ">")
				for _, blk := range g.Blocks {
					b.WriteString(`<li class="depth-` + strconv.Itoa(blk.Depth) + `">` + inline(blk) + "</li>")
				}
				b.WriteString("</" + g.Kind + ">\n")
			case "table":
				b.WriteString(`<div class="scroll"><table>`)
				for _, blk := range g.Blocks {
					b.WriteString("<tr>")
					if len(blk.Cells) == 0 {
						b.WriteString("<td>" + html.EscapeString(blk.Text) + "</td>")
					}
					cell := "td"
					if blk.Header {
						cell = "th"
					}
					for _, c := range blk.Cells {
						b.WriteString("<" + cell + ">" + html.EscapeString(c) + "</" + cell + ">")
					}
					b.WriteString("</tr>")
				}
				b.WriteString("</table></div>\n")
			case "pre":
				for _, blk := range g.Blocks {
					b.WriteString("<pre>" + html.EscapeString(blk.Text) + "</pre>\n")
				}
			default:
				for _, blk := range g.Blocks {
					b.WriteString("<p>" + inline(blk) + "</p>\n")
				}
			}
		}
		b.WriteString("</section>\n")
	}
	return b.String()
}

// TestPolicyHTMLIsWhatItWasBeforeItWasFaster: every version of the demo
// archive, every part of it, and a document of hostile texts in every
// kind of block render as the reference wrote them.
func TestPolicyHTMLIsWhatItWasBeforeItWasFaster(t *testing.T) {
	compare := func(what string, sections []contentSection) {
		t.Helper()
		if got, want := string(policyHTML(sections)), referencePolicyHTML(sections); got != want {
			t.Errorf("%s: policyHTML differs from the reference\n got %q\nwant %q", what, got, want)
		}
	}
	hostile := "<script>alert(\"x\")</script> & 'quote' \x00 +1 é"
	compare("hostile texts", contentSections(extract.Document{Sections: []extract.Section{
		{Path: []string{hostile}, Level: 1, Blocks: []extract.Block{
			{Kind: extract.Paragraph, Text: hostile},
			{Kind: extract.ListItem, Text: hostile, Depth: 2},
			{Kind: extract.ListItem, Text: hostile, Ordered: true},
			{Kind: extract.Paragraph, Text: "See " + hostile + " here.", Links: []extract.Link{{Text: "here", URL: `https://example.com/"><b>`}}},
			{Kind: extract.Paragraph, Text: "Read *our* rules.", Emphasis: []extract.Emphasis{{Kind: "strong", Start: 5, End: 8}}},
			{Kind: extract.TableRow, Cells: []string{hostile, "b"}, Header: true},
			{Kind: extract.TableRow, Cells: []string{"c", hostile}},
			{Kind: extract.TableRow, Text: hostile},
			{Kind: extract.Preformatted, Text: hostile},
		}},
		{Path: []string{"a", "b", "c", "d", "e", "f", "g"}, Level: 7, Blocks: []extract.Block{{Kind: extract.Paragraph, Text: "deep"}}},
	}}))

	ctx := context.Background()
	site := readDemoSite(t)
	docs, err := site.st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	compared, linked := 0, 0
	for _, d := range docs {
		versions, err := site.st.Versions(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, vs := range versions {
			v, err := site.st.Version(ctx, vs.ID)
			if err != nil {
				t.Fatal(err)
			}
			var doc extract.Document
			if err := json.Unmarshal(v.Sections, &doc); err != nil {
				t.Fatal(err)
			}
			for i, part := range versionPages(doc) {
				sections := part.sections(doc)
				compare(versionPath(d.ID, v.ID)+"?page="+strconv.Itoa(i+1), sections)
				compared++
				for _, sec := range sections {
					for _, g := range sec.Groups {
						for _, blk := range g.Blocks {
							if len(blk.Links)+len(blk.Emphasis) > 0 {
								linked++
							}
						}
					}
				}
			}
		}
	}
	if compared < 30 || linked == 0 {
		t.Errorf("compared %d parts of versions, %d blocks with links or emphasis: the demo archive should give more", compared, linked)
	}
}
