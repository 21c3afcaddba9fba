package extract

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Emphasis in Markdown: written as **strong** and *em* around the text
// (the one canonical form; _em_ and __strong__ are read too), nested with
// links, whitespace outside the markers. Text around emphasis is escaped
// strictly (every '*', '_', bracket, backslash, backtick and '<'), so that
// the only unescaped markers are ours. Reading pairs delimiter runs as
// CommonMark does (the rule of three included), but any run next to a
// non-space may open or close: our markers stand next to punctuation as
// often as next to letters ("**Note:**text").

// renderInline renders text with its placed links and emphasis spans
// (canonical, or at least renderable) as inline Markdown; in a table
// cell, pipes are escaped too. Without emphasis it is renderLinked.
func renderInline(text string, links []placedLink, spans []Emphasis, inTable bool) string {
	if len(spans) == 0 {
		return renderLinked(text, links, inTable)
	}
	type mark struct {
		start, end int
		rank       int // at equal extents, the lower rank is outside
		marker     string
		link       *Link
	}
	marks := make([]mark, 0, len(links)+len(spans))
	for _, e := range spans {
		if e.Kind == Strong {
			marks = append(marks, mark{e.Start, e.End, 0, "**", nil})
		} else {
			marks = append(marks, mark{e.Start, e.End, 1, "*", nil})
		}
	}
	for i := range links {
		marks = append(marks, mark{links[i].start, links[i].end, 2, "", &links[i].link})
	}
	slices.SortStableFunc(marks, func(a, b mark) int {
		switch {
		case a.start != b.start:
			return a.start - b.start
		case a.end != b.end:
			return b.end - a.end
		}
		return a.rank - b.rank
	})
	// startsLink reports a link opening at p with no marker before it.
	next := 0
	startsLink := func(p int) bool {
		for next < len(marks) && marks[next].start < p {
			next++
		}
		return next < len(marks) && marks[next].start == p && marks[next].link != nil
	}
	var b strings.Builder
	b.Grow(len(text) + 8*len(marks))
	var open []mark
	pos := 0
	writeText := func(end int) {
		segment := escapeStrict(text[pos:end], inTable)
		if end < len(text) && strings.HasSuffix(segment, "!") && startsLink(end) {
			// "![" would open an image.
			segment = segment[:len(segment)-1] + `\!`
		}
		b.WriteString(segment)
		pos = end
	}
	closeUntil := func(at int) {
		for n := len(open); n > 0 && open[n-1].end <= at; n = len(open) {
			m := open[n-1]
			writeText(m.end)
			if m.link != nil {
				b.WriteString("](")
				b.WriteString(destinationMarkdown(m.link.URL, inTable))
				b.WriteByte(')')
			} else {
				b.WriteString(m.marker)
			}
			open = open[:n-1]
		}
	}
	for _, m := range marks {
		closeUntil(m.start)
		writeText(m.start)
		if m.link != nil {
			b.WriteByte('[')
		} else {
			b.WriteString(m.marker)
		}
		open = append(open, m)
	}
	closeUntil(len(text))
	writeText(len(text))
	return b.String()
}

// escapeStrict escapes text beside emphasis markers: every character the
// inline parser could read as syntax.
func escapeStrict(text string, inTable bool) string {
	special := "\\`*_[]<"
	if inTable {
		special += "|"
	}
	if !strings.ContainsAny(text, special) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 8)
	for i := 0; i < len(text); i++ {
		if strings.IndexByte(special, text[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(text[i])
	}
	return b.String()
}

// delimiterRun is a run of '*' or '_' that may open or close emphasis,
// read from Markdown: it stands at pos of the text written so far, and
// pairs only with runs of the same scope (a link's text is a scope of
// its own).
type delimiterRun struct {
	char              byte
	pos               int
	count, orig       int
	canOpen, canClose bool
	scope             int
}

// newDelimiterRun classifies the run of n delimiters at s[i:]: it opens
// when a non-space follows it and closes when a non-space comes before
// it; an '_' opens only after a non-word and closes only before one.
func newDelimiterRun(s string, i, n int, pos, scope int) delimiterRun {
	prev, next := runeBefore(s, i), runeAfter(s, i+n)
	d := delimiterRun{char: s[i], pos: pos, count: n, orig: n, scope: scope}
	d.canOpen = next != utf8.RuneError && !isSpaceRune(next)
	d.canClose = prev != utf8.RuneError && !isSpaceRune(prev)
	if d.char == '_' {
		d.canOpen = d.canOpen && !isWordRune(prev)
		d.canClose = d.canClose && !isWordRune(next)
	}
	return d
}

// pairDelimiters pairs the delimiter runs of each scope as CommonMark's
// "process emphasis" does and records each pair as a span of t: two
// delimiters on each side make strong emphasis, one emphasis. Delimiters
// left unpaired are dropped (converters leave bold markers broken across
// lines).
func pairDelimiters(runs []delimiterRun, t *inlineText) {
	if !slices.ContainsFunc(runs, func(d delimiterRun) bool { return d.scope != 0 }) {
		pairScope(runs, t) // the common case: no emphasis inside links
		return
	}
	byScope := map[int][]int{}
	var scopes []int
	for i, d := range runs {
		if _, seen := byScope[d.scope]; !seen {
			scopes = append(scopes, d.scope)
		}
		byScope[d.scope] = append(byScope[d.scope], i)
	}
	for _, scope := range scopes {
		list := make([]delimiterRun, len(byScope[scope]))
		for k, i := range byScope[scope] {
			list[k] = runs[i]
		}
		pairScope(list, t)
	}
}

func pairScope(d []delimiterRun, t *inlineText) {
	n := len(d)
	prev := make([]int, n) // linked list of the runs still in play
	for i := range prev {
		prev[i] = i - 1
	}
	// bottom[key] is the index at or below which no opener matches a
	// closer of that key (its character, whether it can open, its length
	// modulo 3), so that hostile text stays linear.
	var bottom [2 * 2 * 3]int
	for i := range bottom {
		bottom[i] = -1
	}
	unlink := func(i, next int) {
		if next < n {
			prev[next] = prev[i]
		}
	}
	for c := 0; c < n; c++ {
		if !d[c].canClose {
			if !d[c].canOpen && c+1 < n {
				unlink(c, c+1)
			}
			continue
		}
		for d[c].count > 0 {
			key := boolInt(d[c].char == '_')*6 + boolInt(d[c].canOpen)*3 + d[c].orig%3
			low := bottom[key]
			o := prev[c]
			for ; o > low; o = prev[o] {
				if d[o].char != d[c].char || !d[o].canOpen || d[o].count == 0 {
					continue
				}
				if (d[o].canClose || d[c].canOpen) && (d[o].orig+d[c].orig)%3 == 0 && (d[o].orig%3 != 0 || d[c].orig%3 != 0) {
					continue
				}
				break
			}
			if o <= low {
				bottom[key] = prev[c]
				break
			}
			use := 1
			kind := Em
			if d[o].count >= 2 && d[c].count >= 2 {
				use, kind = 2, Strong
			}
			t.addEmphasis(kind, d[o].pos, d[c].pos)
			d[o].count -= use
			d[c].count -= use
			// Runs between the pair can no longer pair.
			prev[c] = o
			if d[o].count == 0 {
				prev[c] = prev[o]
			}
		}
		if d[c].count == 0 || !d[c].canOpen {
			// Out of play: the runs after it look past it.
			if c+1 < n {
				unlink(c, c+1)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
