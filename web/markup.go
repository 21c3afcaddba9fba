package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/policywatch/policywatch/diff"
)

// The innermost loops of the version and diff pages (a policy's blocks, a
// paragraph's edits) are written here rather than in templates: a template
// calls an escaper through reflection for every text it prints, and those
// calls were most of a page's time. Every text is escaped with
// html.EscapeString, which escapes < > & ' and ", so it is safe both
// between tags and inside the quoted attributes below.

// spansHTML is a paragraph's edits as markup: insertions in <ins>,
// deletions in <del>, substitutions in a span titled with what was there.
func spansHTML(spans []diff.Span) template.HTML {
	var b strings.Builder
	for _, s := range spans {
		text := html.EscapeString(s.Text)
		switch s.Kind {
		case diff.SpanInsert:
			b.WriteString("<ins>" + text + "</ins>")
		case diff.SpanDelete:
			b.WriteString("<del>" + text + "</del>")
		case diff.SpanSubstituted:
			title := "style change"
			if s.Was != "" {
				title = "was: " + s.Was
			}
			b.WriteString(`<span class="substituted" title="` + html.EscapeString(title) + `">` + text + "</span>")
		default:
			b.WriteString(text)
		}
	}
	return template.HTML(b.String())
}

// policyHTML is a version's sections as the version page shows them.
func policyHTML(sections []contentSection) template.HTML {
	var b strings.Builder
	for _, sec := range sections {
		b.WriteString("<section>\n")
		if sec.HeadingLevel >= 2 && sec.HeadingLevel <= 6 {
			level := strconv.Itoa(sec.HeadingLevel)
			b.WriteString("<h" + level + ">" + html.EscapeString(sec.Heading) + "</h" + level + ">\n")
		}
		for _, g := range sec.Groups {
			switch g.Kind {
			case "ul", "ol":
				b.WriteString("<" + g.Kind + ">")
				for _, blk := range g.Blocks {
					b.WriteString(`<li class="depth-` + strconv.Itoa(blk.Depth) + `">` + html.EscapeString(blk.Text) + "</li>")
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
					b.WriteString("<p>" + html.EscapeString(blk.Text) + "</p>\n")
				}
			}
		}
		b.WriteString("</section>\n")
	}
	return template.HTML(b.String())
}
