package hubtest

import (
	"fmt"
	"html"
	"strings"

	"github.com/policywatch/policywatch/extract"
)

// DocumentHTML lays a document out as HTML: each section's heading at its
// level, paragraphs with their links, nested lists, tables, preformatted
// text.
func DocumentHTML(doc *extract.Document) string {
	var b strings.Builder
	for _, s := range doc.Sections {
		if h := s.Heading(); h != "" {
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", s.Level, html.EscapeString(h), s.Level)
		}
		writeBlocks(&b, s.Blocks)
	}
	return b.String()
}

// MobileHTML lays a document out as a page's mobile copy does: each
// section a <details> opened by its heading.
func MobileHTML(doc *extract.Document) string {
	var b strings.Builder
	for _, s := range doc.Sections {
		h := s.Heading()
		if h == "" {
			writeBlocks(&b, s.Blocks)
			continue
		}
		fmt.Fprintf(&b, "<details class=\"m-section\"><summary>%s</summary>\n", html.EscapeString(h))
		writeBlocks(&b, s.Blocks)
		b.WriteString("</details>\n")
	}
	return b.String()
}

func writeBlocks(b *strings.Builder, blocks []extract.Block) {
	for i := 0; i < len(blocks); {
		switch blocks[i].Kind {
		case extract.ListItem:
			j := i
			for j < len(blocks) && blocks[j].Kind == extract.ListItem {
				j++
			}
			writeList(b, blocks[i:j])
			i = j
		case extract.TableRow:
			b.WriteString("<table>\n")
			for ; i < len(blocks) && blocks[i].Kind == extract.TableRow; i++ {
				cell := "td"
				if blocks[i].Header {
					cell = "th"
				}
				b.WriteString("<tr>")
				for _, c := range blocks[i].Cells {
					fmt.Fprintf(b, "<%s>%s</%s>", cell, html.EscapeString(c), cell)
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table>\n")
		case extract.Preformatted:
			fmt.Fprintf(b, "<pre>%s</pre>\n", html.EscapeString(blocks[i].Text))
			i++
		default:
			fmt.Fprintf(b, "<p>%s</p>\n", inline(blocks[i]))
			i++
		}
	}
}

// writeList writes a run of list items as nested lists.
func writeList(b *strings.Builder, items []extract.Block) {
	depth := -1
	var ordered []bool
	for _, it := range items {
		for depth < it.Depth {
			tag := "ul"
			if it.Ordered {
				tag = "ol"
			}
			fmt.Fprintf(b, "<%s>", tag)
			ordered = append(ordered, it.Ordered)
			depth++
		}
		for depth > it.Depth {
			b.WriteString(closeList(ordered[len(ordered)-1]))
			ordered = ordered[:len(ordered)-1]
			depth--
		}
		fmt.Fprintf(b, "<li>%s</li>\n", inline(it))
	}
	for ; depth >= 0; depth-- {
		b.WriteString(closeList(ordered[len(ordered)-1]))
		ordered = ordered[:len(ordered)-1]
	}
}

func closeList(ordered bool) string {
	if ordered {
		return "</ol>\n"
	}
	return "</ul>\n"
}

// inline is a block's text, escaped, with its links.
func inline(bl extract.Block) string {
	var b strings.Builder
	text, at := bl.Text, 0
	for _, l := range bl.Links {
		i := strings.Index(text[at:], l.Text)
		if i < 0 {
			continue
		}
		b.WriteString(html.EscapeString(text[at : at+i]))
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, html.EscapeString(l.URL), html.EscapeString(l.Text))
		at += i + len(l.Text)
	}
	b.WriteString(html.EscapeString(text[at:]))
	return b.String()
}
