package diff

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Blocks are compared as their lines of canonical Markdown (blockText),
// so that a changed link target is an edit. Pages show them rendered: this
// file reads which bytes of such a line are text a reader reads, which
// are Markdown syntax, and which are a link's target. It reads what
// extract's renderer writes (Block.Markdown): a paragraph, an indented
// "- " or "1. " item, a "| a | b |" row, fenced code, with [text](url)
// links, **strong** and *em*, and backslash escapes. Anything else reads
// as text, which is always safe: it is escaped when written.

// byteRole says what one byte of a block's Markdown is.
type byteRole uint8

const (
	roleText   byteRole = iota // read by a reader
	roleSyntax                 // Markdown: brackets, markers, escapes
	roleTarget                 // part of a link's target
	roleCell                   // the pipe between two table cells
)

// blockForm is how a block shows: a paragraph, a list item, a table row
// or preformatted text.
type blockForm struct {
	Kind    string // "p", "li", "tr", "pre"
	Ordered bool   // li: a numbered list
	Depth   int    // li: nesting, 0 at the top
}

// markupLink is one link of a line: its target as written (escapes
// resolved) and where it is.
type markupLink struct {
	URL string
}

// lineMarkup is what every byte of one block's Markdown is.
type lineMarkup struct {
	text  string
	form  blockForm
	role  []byteRole
	link  []int32 // the link a byte belongs to (text or target), -1 outside links
	style []uint8 // styleStrong | styleEm of text bytes
	links []markupLink
}

const (
	styleStrong = 1 << iota
	styleEm
)

// readMarkup reads one block's Markdown line.
func readMarkup(s string) *lineMarkup {
	m := &lineMarkup{}
	m.read(s)
	return m
}

// read reads one block's Markdown line into m, reusing its slices.
func (m *lineMarkup) read(s string) {
	*m = lineMarkup{text: s, role: resized(m.role, len(s)), link: resized(m.link, len(s)), style: resized(m.style, len(s)), links: m.links[:0]}
	clear(m.role)
	clear(m.style)
	for i := range m.link {
		m.link[i] = -1
	}
	start, end := m.readForm(s)
	r := inlineReader{m: m, s: s, budget: linkAttempts}
	r.read(start, end, -1)
}

// resized returns s with length n, reusing its array when it is large
// enough; its elements are left as they were.
func resized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// setRole gives bytes i to j one role.
func (m *lineMarkup) setRole(i, j int, role byteRole) {
	for k := i; k < j; k++ {
		m.role[k] = role
	}
}

// readForm reads the block's form from its start, marks its markers as
// syntax, and returns the span of its inline content.
func (m *lineMarkup) readForm(s string) (start, end int) {
	end = len(s)
	if fence := fenceOf(s); fence != "" {
		m.form = blockForm{Kind: "pre"}
		first := strings.IndexByte(s, '\n')
		if first < 0 {
			m.setRole(0, len(s), roleSyntax)
			return 0, 0
		}
		last := strings.LastIndexByte(s, '\n')
		m.setRole(0, first+1, roleSyntax)
		if last > first && strings.Trim(s[last+1:], fence[:1]) == "" {
			m.setRole(last, len(s), roleSyntax)
			return first + 1, first + 1 // the code is text, read as it is
		}
		return first + 1, first + 1
	}
	indent := 0
	for indent < len(s) && s[indent] == ' ' {
		indent++
	}
	rest := s[indent:]
	switch {
	case strings.HasPrefix(rest, "- ") || strings.HasPrefix(rest, "* ") || strings.HasPrefix(rest, "+ "):
		m.form = blockForm{Kind: "li", Depth: indent / 2}
		m.setRole(0, indent+2, roleSyntax)
		return indent + 2, end
	case orderedMarker(rest) > 0:
		n := orderedMarker(rest)
		m.form = blockForm{Kind: "li", Ordered: true, Depth: indent / 2}
		m.setRole(0, indent+n, roleSyntax)
		return indent + n, end
	case indent == 0 && strings.HasPrefix(s, "|"):
		m.form = blockForm{Kind: "tr"}
		if nl := strings.IndexByte(s, '\n'); nl >= 0 {
			m.setRole(nl, len(s), roleSyntax) // the "| --- |" line under a header row
			end = nl
		}
		return 0, end
	}
	m.form = blockForm{Kind: "p"}
	return 0, end
}

// fenceOf returns the fence opening fenced code at the start of s, or "".
func fenceOf(s string) string {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(s) && s[n] == c {
			n++
		}
		if n >= 3 {
			return s[:n]
		}
	}
	return ""
}

// orderedMarker is the length of a "1. " or "1) " marker at the start of
// s, or 0.
func orderedMarker(s string) int {
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n+1 >= len(s) || (s[n] != '.' && s[n] != ')') || s[n+1] != ' ' {
		return 0
	}
	return n + 2
}

// inlineReader reads inline Markdown into a lineMarkup.
type inlineReader struct {
	m      *lineMarkup
	s      string
	style  uint8
	budget int // failed link parses left
}

// maxLinkScan bounds how far a link's closing bracket is looked for, and
// linkAttempts how many failed links a line may cost, as in extract's
// parser: hostile text full of '[' stays linear to read.
const (
	maxLinkScan  = 4096
	linkAttempts = 64
)

func (r *inlineReader) read(start, end int, link int32) {
	s, m := r.s, r.m
	for i := start; i < end; {
		c := s[i]
		switch {
		case c == '\\' && i+1 < end && isASCIIPunct(s[i+1]):
			m.role[i], m.link[i] = roleSyntax, link
			r.text(i+1, i+2, link)
			i += 2
			continue
		case c == '|' && m.form.Kind == "tr":
			m.role[i] = roleCell
			i++
			continue
		case c == '[' && link < 0 && r.budget > 0:
			if textEnd, targetStart, targetEnd, closeAt, ok := linkAt(s, i, end); ok {
				idx := int32(len(m.links))
				m.links = append(m.links, markupLink{URL: unescapeTarget(s[targetStart:targetEnd])})
				m.role[i], m.link[i] = roleSyntax, idx
				r.read(i+1, textEnd, idx)
				m.setRole(textEnd, targetStart, roleSyntax)
				m.setRole(targetStart, targetEnd, roleTarget)
				m.setRole(targetEnd, closeAt+1, roleSyntax)
				for k := textEnd; k <= closeAt; k++ {
					m.link[k] = idx
				}
				i = closeAt + 1
				continue
			}
			r.budget--
		case c == '*' || c == '_':
			n := 1
			for i+n < end && s[i+n] == c {
				n++
			}
			if !emphasisLiteral(c, runeBefore(s, i), runeAfter(s, i+n)) {
				m.setRole(i, i+n, roleSyntax)
				for k := i; k < i+n; k++ {
					m.link[k] = link
				}
				if n >= 2 {
					r.style ^= styleStrong
				}
				if n%2 == 1 {
					r.style ^= styleEm
				}
				i += n
				continue
			}
			r.text(i, i+n, link)
			i += n
			continue
		}
		r.text(i, i+1, link)
		i++
	}
}

func (r *inlineReader) text(i, j int, link int32) {
	for k := i; k < j; k++ {
		r.m.role[k], r.m.link[k], r.m.style[k] = roleText, link, r.style
	}
}

// linkAt reads [text](target) at the '[' at i, within end: where the text
// ends (the ']'), where the target starts and ends, and the closing ')'.
func linkAt(s string, i, end int) (textEnd, targetStart, targetEnd, closeAt int, ok bool) {
	limit := min(end, i+maxLinkScan)
	depth := 0
	textEnd = -1
	for j := i; j < limit; j++ {
		switch s[j] {
		case '\\':
			j++
		case '[':
			depth++
		case ']':
			if depth--; depth == 0 {
				textEnd = j
			}
		}
		if textEnd >= 0 {
			break
		}
	}
	if textEnd < 0 || textEnd+1 >= end || s[textEnd+1] != '(' {
		return 0, 0, 0, 0, false
	}
	j := textEnd + 2
	limit = min(end, j+maxLinkScan)
	if j < limit && s[j] == '<' {
		targetStart = j + 1
		for j = targetStart; j < limit && s[j] != '>'; j++ {
			if s[j] == '\\' {
				j++
			}
		}
		if j >= limit || j+1 >= end || s[j+1] != ')' {
			return 0, 0, 0, 0, false
		}
		return textEnd, targetStart, j, j + 1, true
	}
	targetStart, depth = j, 0
	for ; j < limit; j++ {
		switch c := s[j]; {
		case c == '\\':
			j++
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return textEnd, targetStart, j, j, true
			}
			depth--
		case c <= ' ':
			return 0, 0, 0, 0, false
		}
	}
	return 0, 0, 0, 0, false
}

// unescapeTarget resolves the backslash escapes of a link target.
func unescapeTarget(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// emphasisLiteral says whether a run of '*' or '_' is text, as extract
// reads it: between spaces, or '_' inside a word.
func emphasisLiteral(marker byte, prev, next rune) bool {
	if prev != utf8.RuneError && next != utf8.RuneError && unicode.IsSpace(prev) && unicode.IsSpace(next) {
		return true
	}
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return marker == '_' && word(prev) && word(next)
}

func runeBefore(s string, i int) rune {
	if i == 0 {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func runeAfter(s string, j int) rune {
	if j >= len(s) {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r
}
