package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

// The innermost loop of the version page (a policy's blocks) is written
// here rather than in a template: a template calls an escaper through
// reflection for every text it prints, and those calls were most of a
// page's time. Every text is escaped with html.EscapeString (or by
// diff.LineHTML, which does the same), which escapes < > & ' and ", so it
// is safe both between tags and inside quoted attributes.

// policyHTML is a version's sections as the version page shows them:
// links as links followed by their targets, emphasis kept.
func policyHTML(sections []contentSection) template.HTML {
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
					b.WriteString(`<li class="depth-` + strconv.Itoa(blk.Depth) + `">` + inlineHTML(blk) + "</li>")
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
					b.WriteString("<p>" + inlineHTML(blk) + "</p>\n")
				}
			}
		}
		b.WriteString("</section>\n")
	}
	return template.HTML(b.String())
}

// inlineHTML is a paragraph's or list item's text: escaped as it is when
// it has neither link nor emphasis (most blocks), else its Markdown read
// back by diff.LineHTML, which shows each link's target.
func inlineHTML(b extract.Block) string {
	if len(b.Links) == 0 && len(b.Emphasis) == 0 {
		return html.EscapeString(b.Text)
	}
	return string(diff.LineHTML(b.Markdown()))
}
