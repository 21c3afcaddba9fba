package diff

import (
	"html"
	"slices"
	"strings"

	"github.com/policywatch/policywatch/extract"
)

// WriteBlockHTML writes a paragraph's or list item's text as LineHTML
// shows its Markdown (extract.Block.Markdown), byte for byte. Most blocks
// with links or emphasis are plain text with [text](url) links and
// **bold** lead-ins, apart from one another, and no character Markdown
// would escape: those are written from the block itself, without
// rendering its Markdown and reading it back, which was a third of a
// link-heavy version page. Any other block takes that path.
func WriteBlockHTML(b *strings.Builder, blk extract.Block) {
	if !writePlainLinked(b, blk) {
		WriteLineHTML(b, blk.Markdown())
	}
}

// plainTextBytes are the bytes a block's text may not hold for
// writePlainLinked: those that Markdown escapes or reads as syntax around
// links and at a line's start, and control characters.
const plainTextBytes = "\\`*_[]<>!|~\n\r\t\f\v\x00"

// plainURLBytes are the bytes a link target may not hold for it: those
// that extract writes in <…> or escapes, and those escaping changes.
const plainURLBytes = " ()<>\\|\"'`\n\r\t\f\v\x00"

// maxPlainLinks keeps writePlainLinked within the link reader's budget:
// links and emphasis spans together.
const maxPlainLinks = 16

// writePlainLinked writes blk when it is plain text with plain links and
// emphasis (see WriteBlockHTML) and says whether it did; it writes nothing
// otherwise. Emphasis is taken only in its simplest form: spans apart from
// one another and from every link, a word or words without space at
// either edge.
func writePlainLinked(b *strings.Builder, blk extract.Block) bool {
	if blk.Kind != extract.Paragraph && blk.Kind != extract.ListItem || len(blk.Links)+len(blk.Emphasis) > maxPlainLinks ||
		strings.ContainsAny(blk.Text, plainTextBytes) || blk.Text != strings.TrimSpace(blk.Text) {
		return false
	}
	// Marks are the links, placed as extract places them (each at the
	// first occurrence of its text after the one before), and the spans,
	// in the order of the text.
	type mark struct {
		start, end int
		link       int // index in blk.Links, -1 for a span
		strong     bool
	}
	var marks [maxPlainLinks]mark
	n, pos := 0, 0
	for i, l := range blk.Links {
		if l.Text == "" || l.URL == "" || strings.ContainsAny(l.URL, plainURLBytes) || len(l.Text)+len(l.URL) >= 2000 {
			return false
		}
		k := strings.Index(blk.Text[pos:], l.Text)
		if k < 0 {
			return false
		}
		marks[n] = mark{start: pos + k, end: pos + k + len(l.Text), link: i}
		n, pos = n+1, pos+k+len(l.Text)
	}
	links := n
	for _, e := range blk.Emphasis {
		if e.Cell != 0 || e.Kind != extract.Strong && e.Kind != extract.Em || e.Start < 0 || e.Start >= e.End || e.End > len(blk.Text) {
			return false
		}
		if inner := blk.Text[e.Start:e.End]; inner != strings.TrimSpace(inner) {
			return false
		}
		marks[n] = mark{start: e.Start, end: e.End, link: -1, strong: e.Kind == extract.Strong}
		n++
	}
	all := marks[:n]
	if links < n {
		slices.SortFunc(all, func(a, b mark) int { return a.start - b.start })
		for i := 1; i < n; i++ { // apart: a byte at least between two marks
			if all[i].start <= all[i-1].end {
				return false
			}
		}
	}
	pos = 0
	for _, m := range all {
		b.WriteString(html.EscapeString(blk.Text[pos:m.start]))
		inner := html.EscapeString(blk.Text[m.start:m.end])
		pos = m.end
		if m.link < 0 {
			tag := "em"
			if m.strong {
				tag = "strong"
			}
			b.WriteString("<" + tag + ">") // constant strings: no allocation
			b.WriteString(inner)
			b.WriteString("</" + tag + ">")
			continue
		}
		target := blk.Links[m.link].URL
		escaped := html.EscapeString(target)
		safe := safeHref(target)
		if safe {
			b.WriteString(`<a class="link" href="`)
			b.WriteString(escaped)
			b.WriteString(`" rel="nofollow noopener noreferrer" title="`)
		} else {
			b.WriteString(`<span class="link" title="`)
		}
		b.WriteString(escaped)
		b.WriteString(`">`)
		b.WriteString(inner)
		if safe {
			b.WriteString("</a>")
		} else {
			b.WriteString("</span>")
		}
		b.WriteString(`<span class="link-target">`)
		b.WriteString(html.EscapeString(ShortURL(target)))
		b.WriteString(`</span>`)
	}
	b.WriteString(html.EscapeString(blk.Text[pos:]))
	return true
}
