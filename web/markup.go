package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

// The innermost loop of the version page (a policy's blocks) is written
// here rather than in a template: a template calls an escaper through
// reflection for every text it prints, and those calls were most of a
// page's time. Every text is escaped as html.EscapeString escapes it
// (policyEscaper, or diff.LineHTML, which does the same): < > & ' and ",
// so it is safe both between tags and inside quoted attributes.

// policyEscaper escapes as html.EscapeString does (the same five
// characters, the same entities), writing into a builder rather than
// returning a new string.
var policyEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// policyHTML is a version's sections as the version page shows them:
// links as links followed by their targets, emphasis kept. Everything is
// written into one builder sized for the text up front: joining each
// element's pieces into strings first was half of the function's time.
func policyHTML(sections []contentSection) template.HTML {
	var b strings.Builder
	b.Grow(policyHTMLSize(sections))
	esc := func(s string) { _, _ = policyEscaper.WriteString(&b, s) }
	for _, sec := range sections {
		b.WriteString("<section>\n")
		if sec.HeadingLevel >= 2 && sec.HeadingLevel <= 6 {
			level := byte('0' + sec.HeadingLevel)
			b.WriteString("<h")
			b.WriteByte(level)
			b.WriteByte('>')
			esc(sec.Heading)
			if sec.Continued {
				b.WriteString(` <span class="continued">(continued)</span>`)
			}
			b.WriteString("</h")
			b.WriteByte(level)
			b.WriteString(">\n")
		}
		for _, g := range sec.Groups {
			switch g.Kind {
			case "ul", "ol":
				b.WriteString("<" + g.Kind + ">")
				for _, blk := range g.Blocks {
					b.WriteString(`<li class="depth-`)
					b.WriteString(strconv.Itoa(blk.Depth))
					b.WriteString(`">`)
					writeInlineHTML(&b, blk)
					b.WriteString("</li>")
				}
				b.WriteString("</" + g.Kind + ">\n")
			case "table":
				b.WriteString(`<div class="scroll"><table>`)
				for _, blk := range g.Blocks {
					b.WriteString("<tr>")
					if len(blk.Cells) == 0 {
						b.WriteString("<td>")
						esc(blk.Text)
						b.WriteString("</td>")
					}
					open, end := "<td>", "</td>"
					if blk.Header {
						open, end = "<th>", "</th>"
					}
					for _, c := range blk.Cells {
						b.WriteString(open)
						esc(c)
						b.WriteString(end)
					}
					b.WriteString("</tr>")
				}
				b.WriteString("</table></div>\n")
			case "pre":
				for _, blk := range g.Blocks {
					b.WriteString("<pre>")
					esc(blk.Text)
					b.WriteString("</pre>\n")
				}
			default:
				for _, blk := range g.Blocks {
					b.WriteString("<p>")
					writeInlineHTML(&b, blk)
					b.WriteString("</p>\n")
				}
			}
		}
		b.WriteString("</section>\n")
	}
	return template.HTML(b.String())
}

// policyHTMLSize is about what policyHTML writes: the text, a tenth more
// for escapes and link targets, and the tags.
func policyHTMLSize(sections []contentSection) int {
	n := 0
	for _, sec := range sections {
		n += len(sec.Heading) + 40
		for _, g := range sec.Groups {
			n += 40
			for _, blk := range g.Blocks {
				n += len(blk.Text) + 30
				for _, c := range blk.Cells {
					n += len(c) + 9
				}
			}
		}
	}
	return n + n/10
}

// writeInlineHTML writes a paragraph's or list item's text: escaped as it
// is when it has neither link nor emphasis (most blocks), else as
// diff.LineHTML shows its Markdown, each link followed by its target.
func writeInlineHTML(b *strings.Builder, blk extract.Block) {
	if len(blk.Links) == 0 && len(blk.Emphasis) == 0 {
		_, _ = policyEscaper.WriteString(b, blk.Text)
		return
	}
	diff.WriteBlockHTML(b, blk)
}
