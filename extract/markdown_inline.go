package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Inline Markdown is reduced to plain text: links to their text (their
// targets listed apart), images to their alt text, emphasis to spans
// beside the text (markdown_emphasis.go), code markers removed, escapes
// resolved. The
// renderer (escapeInline) escapes exactly what this parser would otherwise
// interpret, using the same predicates, so that rendering then parsing
// gives back the same text.

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// runeBefore and runeAfter give the neighbours of s[i:j]; utf8.RuneError
// stands for the start or end of the text (neither space nor word).
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

// emphasisIsLiteral reports whether a run of '*' or '_' between prev and
// next stays as text. Everything else is a delimiter run: paired, it
// marks emphasis; unpaired, it is dropped all the same, since converters
// leave bold markers broken across lines (pairDelimiters).
// A run between spaces is literal ("a * b"); '_' inside a word is literal
// (snake_case).
func emphasisIsLiteral(marker byte, prev, next rune) bool {
	if prev != utf8.RuneError && next != utf8.RuneError && isSpaceRune(prev) && isSpaceRune(next) {
		return true
	}
	return marker == '_' && isWordRune(prev) && isWordRune(next)
}

// inlineParser reads inline Markdown; refs holds the document's link
// reference definitions (normalised label → destination).
type inlineParser struct {
	refs    map[string]string
	resolve linkResolver

	runs   []delimiterRun // of the paragraph being read
	scopes int            // scopes handed out: 0 is the paragraph's own
}

// parseInline reduces inline Markdown to normalised text, without links.
func parseInline(s string) string {
	text, _, _ := (&inlineParser{}).parse(s)
	return text
}

// parse reduces one paragraph's raw Markdown to normalised text, its
// links and its emphasis.
func (ip *inlineParser) parse(s string) (string, []Link, []Emphasis) {
	var t inlineText
	t.buf.Grow(len(s))
	budget := linkAttempts
	ip.runs, ip.scopes = ip.runs[:0], 0
	ip.write(&t, s, &budget, false, 0)
	pairDelimiters(ip.runs, &t)
	return t.take()
}

// linkAttempts is how many failed link parses one paragraph may cost;
// after that '[' is plain text, so hostile text full of brackets stays
// linear to parse.
const linkAttempts = 64

// write appends the text of s to t, and records its delimiter runs in
// scope. Inside a link's text (inLink), links are reduced to their text:
// a link cannot hold another.
func (ip *inlineParser) write(t *inlineText, s string, budget *int, inLink bool, scope int) {
	b := &t.buf
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) && isASCIIPunct(s[i+1]) {
				b.WriteByte(s[i+1])
				i += 2
				continue
			}
		case '`':
			n := runLength(s, i, '`')
			if end := closingBackticks(s, i+n, n); end >= 0 {
				code := s[i+n : end]
				if len(code) >= 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
					code = code[1 : len(code)-1]
				}
				b.WriteString(code)
				i = end + n
				continue
			}
			b.WriteString(s[i : i+n])
			i += n
			continue
		case '!':
			if i+1 < len(s) && s[i+1] == '[' && *budget > 0 {
				if link, ok := ip.parseLink(s, i+1); ok {
					// An image is its alt text, a word of its own, as
					// in HTML (writeImage).
					if t.endsWithWord() && startsWithWord(link.text) {
						b.WriteByte(' ')
					}
					ip.write(t, link.text, budget, true, ip.newScope())
					if t.endsWithWord() && startsWithWord(s[link.end:]) {
						b.WriteByte(' ')
					}
					i = link.end
					continue
				}
				*budget--
			}
		case '[':
			if *budget > 0 {
				if link, ok := ip.parseLink(s, i); ok {
					target, keep := "", false
					if link.hasURL && !inLink {
						target, keep = ip.resolve.target(link.url)
					}
					if keep {
						t.startLink(target)
					}
					ip.write(t, link.text, budget, true, ip.newScope())
					if keep {
						t.endLink()
					}
					i = link.end
					continue
				}
				*budget--
			}
		case '<':
			if end := htmlCommentEnd(s, i); end >= 0 {
				i = end
				continue
			}
			if url, end, ok := parseAutolink(s, i); ok {
				b.WriteString(url)
				i = end
				continue
			}
		case '*', '_':
			n := runLength(s, i, c)
			if !emphasisIsLiteral(c, runeBefore(s, i), runeAfter(s, i+n)) {
				ip.runs = append(ip.runs, newDelimiterRun(s, i, n, b.Len(), scope))
				i += n
				continue
			}
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		b.WriteByte(c)
		i++
	}
}

func (ip *inlineParser) newScope() int {
	ip.scopes++
	return ip.scopes
}

func runLength(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// closingBackticks finds a run of exactly n backticks from i, or -1,
// looking no further than maxLinkScan bytes.
func closingBackticks(s string, i, n int) int {
	s = s[:min(len(s), i+maxLinkScan)]
	for i < len(s) {
		j := strings.IndexByte(s[i:], '`')
		if j < 0 {
			return -1
		}
		j += i
		m := runLength(s, j, '`')
		if m == n {
			return j
		}
		i = j + m
	}
	return -1
}

// linkSyntax is a link read from Markdown: its raw text, its destination
// (when it has one: an inline link, or a reference that resolved) and the
// index just past it.
type linkSyntax struct {
	text   string
	url    string
	hasURL bool
	end    int
}

// parseLink reads [text](destination "title"), [text][ref], [text][] or,
// when a definition names it, [text], starting at the '[' at i.
func (ip *inlineParser) parseLink(s string, i int) (linkSyntax, bool) {
	closeText := matchBracket(s, i, '[', ']')
	if closeText < 0 {
		return linkSyntax{}, false
	}
	text := s[i+1 : closeText]
	if closeText+1 < len(s) {
		switch s[closeText+1] {
		case '(':
			if dest, end, ok := parseDestination(s, closeText+1); ok {
				return linkSyntax{text: text, url: dest, hasURL: true, end: end}, true
			}
			// Not a valid destination: still read as a link, without target.
			if closeDest := matchBracket(s, closeText+1, '(', ')'); closeDest >= 0 {
				return linkSyntax{text: text, end: closeDest + 1}, true
			}
		case '[':
			if closeRef := matchBracket(s, closeText+1, '[', ']'); closeRef >= 0 {
				label := s[closeText+2 : closeRef]
				if strings.TrimSpace(label) == "" {
					label = text
				}
				dest, found := ip.refs[normalizeLabel(label)]
				return linkSyntax{text: text, url: dest, hasURL: found, end: closeRef + 1}, true
			}
		}
	}
	if len(ip.refs) > 0 {
		if dest, found := ip.refs[normalizeLabel(text)]; found {
			return linkSyntax{text: text, url: dest, hasURL: true, end: closeText + 1}, true
		}
	}
	return linkSyntax{}, false
}

// maxLinkScan bounds how far a link's closing bracket is looked for, so
// that hostile text full of '[' cannot make parsing quadratic.
const maxLinkScan = 4096

// matchBracket finds the bracket closing the one at i, honouring nesting,
// backslash escapes and, for parentheses, quoted link titles.
func matchBracket(s string, i int, open, close byte) int {
	depth := 0
	end := min(len(s), i+maxLinkScan)
	for j := i; j < end; j++ {
		switch c := s[j]; {
		case c == '\\':
			j++
		case c == '"' && open == '(' && j > i && s[j-1] == ' ':
			if k := strings.IndexByte(s[j+1:], '"'); k >= 0 {
				j += k + 1
			}
		case c == open:
			depth++
		case c == close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// htmlCommentEnd returns the index just past an HTML comment starting at
// i, or -1.
func htmlCommentEnd(s string, i int) int {
	if !strings.HasPrefix(s[i:], "<!--") {
		return -1
	}
	if k := strings.Index(s[i+4:min(len(s), i+maxLinkScan)], "-->"); k >= 0 {
		return i + 4 + k + 3
	}
	return -1
}

// parseAutolink reads <scheme:rest> at i.
func parseAutolink(s string, i int) (url string, end int, ok bool) {
	j := i + 1
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' ||
		j > i+1 && (s[j] >= '0' && s[j] <= '9' || s[j] == '+' || s[j] == '.' || s[j] == '-')) {
		j++
	}
	if j-i-1 < 2 || j >= len(s) || s[j] != ':' {
		return "", 0, false
	}
	k := strings.IndexAny(s[j:], " <>")
	if k < 0 || s[j+k] != '>' {
		return "", 0, false
	}
	return s[i+1 : j+k], j + k + 1, true
}

// escapeInline renders plain text as Markdown inline content that
// parseInline reads back as the same text.
func escapeInline(text string) string {
	return escapeInlineMode(text, false)
}

// escapeInlineMode escapes as escapeInline; in a block holding links
// (linked), also every backslash and square bracket, so that only the
// links' own brackets pair up.
func escapeInlineMode(text string, linked bool) string {
	special := "\\`*_[<"
	if linked {
		special = "\\`*_[]<"
	}
	if !strings.ContainsAny(text, special) {
		return text
	}
	// A '[' can open a link only before the last "](" or "][".
	lastLinkBracket := max(strings.LastIndex(text, "]("), strings.LastIndex(text, "]["))
	var b strings.Builder
	b.Grow(len(text) + 8)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '\\':
			if linked || i+1 < len(text) && isASCIIPunct(text[i+1]) {
				b.WriteByte('\\')
			}
		case '`':
			b.WriteByte('\\')
		case '*', '_':
			if !emphasisIsLiteral(c, runeBefore(text, i), runeAfter(text, i+1)) {
				b.WriteByte('\\')
			}
		case '[':
			if linked || i < lastLinkBracket {
				b.WriteByte('\\')
			}
		case ']':
			if linked {
				b.WriteByte('\\')
			}
		case '<':
			if i+1 < len(text) && (text[i+1] == '!' || isASCIILetter(text[i+1])) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
