package extract

import (
	"strings"
)

// Markdown renders the document as canonical Markdown: the title as a level-1
// heading unless a level-1 section already carries it, ATX headings, one
// blank line between blocks (consecutive list items and consecutive table
// rows on adjacent lines), and a final newline. Reading the result back
// with Extract(…, "text/markdown", …) renders to the same bytes.
func (d *Document) Markdown() string {
	md, _ := d.render(false)
	return md
}

// MarkdownAndWords is Markdown and Words at once, rendering each block
// once: for a large document, each rendering is one more copy of its text.
func (d *Document) MarkdownAndWords() (string, int) {
	return d.render(true)
}

// render writes the canonical Markdown and, when counting, the words.
func (d *Document) render(counting bool) (string, int) {
	var b strings.Builder
	b.Grow(d.sizeHint())
	words := 0
	if counting {
		words = CountWords(d.ShownTitle())
	}
	var prev *Block
	separate := func() {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
	}
	if d.Title != "" && !d.hasLevelOneHeading(d.Title) {
		b.WriteString(headingMarkdown(1, d.Title))
	}
	for _, s := range d.Sections {
		if counting {
			words += CountWords(s.Heading())
		}
		if s.Level > 0 && s.Heading() != "" {
			separate()
			b.WriteString(headingMarkdown(s.Level, s.Heading()))
			prev = nil
		}
		for i := range s.Blocks {
			block := &s.Blocks[i]
			if prev != nil && adjacent(prev.Kind, block.Kind) {
				b.WriteByte('\n')
			} else {
				separate()
			}
			md := block.Markdown()
			if counting {
				words += LineWords(md)
			}
			b.WriteString(md)
			prev = block
		}
	}
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	return b.String(), words
}

// sizeHint estimates the Markdown's length, so that its buffer is
// allocated once instead of doubling through every size up to it.
func (d *Document) sizeHint() int {
	n := len(d.Title) + 8
	for _, s := range d.Sections {
		n += len(s.Heading()) + 10
		for _, b := range s.Blocks {
			n += len(b.Text) + 8
			for _, c := range b.Cells {
				n += len(c) + 3
			}
			for _, l := range b.Links {
				n += len(l.URL) + 4
			}
		}
	}
	return n + n/16 // escapes and emphasis marks
}

// adjacent reports blocks written on consecutive lines: items of one list,
// rows of one table.
func adjacent(prev, next BlockKind) bool {
	return prev == next && (next == ListItem || next == TableRow)
}

// ShownTitle is the title when the Markdown shows it as a heading of its
// own (no level-1 section carries it), else "".
func (d *Document) ShownTitle() string {
	if d.Title == "" || d.hasLevelOneHeading(d.Title) {
		return ""
	}
	return d.Title
}

func (d *Document) hasLevelOneHeading(text string) bool {
	for _, s := range d.Sections {
		if s.Level == 1 && s.Heading() == text {
			return true
		}
	}
	return false
}

// Markdown renders one block as it appears in Document.Markdown: a
// paragraph line, an indented "- " or "1. " item, a "| a | b |" row
// (followed by a "| --- |" line for a header row), or fenced code. Links
// are written as [text](url) where their text is found in order; a link
// whose text is not found is left out. Emphasis is written as **strong**
// and *em*.
func (b Block) Markdown() string {
	switch b.Kind {
	case ListItem:
		marker := "- "
		if b.Ordered {
			marker = "1. "
		}
		item := b.inlineMarkdown()
		if classifyLine(marker+item) == breakLine {
			// An item "- -" would read as a thematic break "- - -".
			item = `\` + item
		}
		return strings.Repeat("  ", b.Depth) + marker + item
	case TableRow:
		return tableRowMarkdown(b.Cells, b.Header, b.Links, b.Emphasis)
	case Preformatted:
		fence := strings.Repeat("`", max(3, longestRun(b.Text, '`')+1))
		return fence + "\n" + b.Text + "\n" + fence
	default:
		return escapeLineStart(b.inlineMarkdown())
	}
}

// inlineMarkdown renders the block's Text with its links and emphasis.
func (b Block) inlineMarkdown() string {
	placed := placeLinks([]string{b.Text}, b.Links)
	return renderInline(b.Text, placed, renderableSpans(b.Text, b.Emphasis, placed), false)
}

func headingMarkdown(level int, text string) string {
	line := escapeInline(text)
	if strings.HasSuffix(line, "#") {
		// Keep a trailing '#' from reading as a closing sequence.
		line = line[:len(line)-1] + `\#`
	}
	return strings.Repeat("#", min(max(level, 1), 6)) + " " + line
}

func tableRowMarkdown(cells []string, header bool, links []Link, emphasis []Emphasis) string {
	placed := placeLinks(cells, links)
	escaped := make([]string, len(cells))
	for i, c := range cells {
		cellLinks := linksInCell(placed, i)
		escaped[i] = renderInline(c, cellLinks, renderableSpans(c, spansInCell(emphasis, i), cellLinks), true)
	}
	if isSeparatorRow(escaped) {
		escaped[0] = `\` + escaped[0]
	}
	var b strings.Builder
	b.WriteString("|")
	for _, c := range escaped {
		b.WriteString(" ")
		b.WriteString(c)
		b.WriteString(" |")
	}
	if header {
		b.WriteString("\n|")
		for range cells {
			b.WriteString(" --- |")
		}
	}
	return b.String()
}

// escapeLineStart escapes a paragraph line that would otherwise start a
// heading, list, quote, table, fence or break, or define a link reference.
func escapeLineStart(line string) string {
	if classifyLine(line) == plainLine && !(looksLikeDefinition(line) && linkDefinition.MatchString(line)) {
		return line
	}
	if line[0] >= '0' && line[0] <= '9' {
		// "1. text": escape the delimiter after the digits.
		i := strings.IndexAny(line, ".)")
		return line[:i] + `\` + line[i:]
	}
	return `\` + line
}

func longestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

// ComparisonKey is what two versions are compared on: the canonical
// Markdown with typographic quotes, apostrophes, dashes and special spaces
// folded to plain ASCII forms and every whitespace run collapsed to one
// space. Captures that differ only in those respects have the same key.
func (d *Document) ComparisonKey() string {
	return ComparisonKeyOf(d.Markdown())
}

// ComparisonKeyOf is the ComparisonKey of a document whose canonical
// Markdown is markdown, for callers that have rendered it already.
func ComparisonKeyOf(markdown string) string {
	return foldForComparison(markdown)
}

// Words counts the words of the document: the title Markdown shows, the
// headings, and each block's text as its Markdown line holds it (see
// LineWords: link targets are no words). It is what a comparison of the
// document with itself counts as unchanged.
func (d *Document) Words() int {
	_, n := d.render(true)
	return n
}
