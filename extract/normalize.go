package extract

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// isZeroWidth reports invisible format characters that only get in the way
// of comparing text: zero-width space, (non-)joiners, word joiner, BOM and
// soft hyphen.
func isZeroWidth(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}

// isSpaceRune is the one definition of whitespace used by normalisation,
// the Markdown parser and the Markdown renderer; they must agree.
func isSpaceRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00A0' || r == '\u202F' || r == '\u2007'
}

// normalizeText returns s as one clean line: valid UTF-8, NFC, invisible
// characters removed, every whitespace run (NBSP included) one space, trimmed.
func normalizeText(s string) string {
	if isCleanASCII(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return collapseSpaces(s)
}

// collapseSpaces drops invisible and control characters and turns every
// whitespace run into one space, trimming both ends. Runs of printable
// ASCII are copied whole: this is the hot loop of extraction.
func collapseSpaces(s string) string {
	out := make([]byte, 0, len(s))
	pendingSpace := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c >= '\t' && c <= '\r':
				pendingSpace = len(out) > 0
				i++
			case c < 0x20 || c == 0x7F:
				i++
			default:
				j := i + 1
				for j < len(s) && s[j] > ' ' && s[j] < 0x7F {
					j++
				}
				if pendingSpace {
					out = append(out, ' ')
					pendingSpace = false
				}
				out = append(out, s[i:j]...)
				i = j
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpaceRune(r):
			pendingSpace = len(out) > 0
		case isZeroWidth(r), unicode.IsControl(r):
		default:
			if pendingSpace {
				out = append(out, ' ')
				pendingSpace = false
			}
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return string(out)
}

// normalizeMapped normalises s as normalizeText does and maps byte
// offsets of s (in any order) to offsets of the result, so that spans
// found in raw text (emphasis) land on the same characters once it is
// normalised. An offset inside a run of whitespace maps to where the
// run's space is (or would be), one inside a character that changes in
// normalisation to the start of what it became.
func normalizeMapped(s string, offsets []int) (string, []int) {
	mapped := slices.Clone(offsets)
	if isCleanASCII(s) {
		return s, mapped
	}
	if !utf8.ValidString(s) {
		s = validUTF8Mapped(s, mapped)
	}
	if !norm.NFC.IsNormalString(s) {
		s = nfcMapped(s, mapped)
	}
	return collapseSpacesMapped(s, mapped), mapped
}

// offsetCursor rewrites offsets of an input into offsets of the output as
// a transformation reads the input from left to right.
type offsetCursor struct {
	offsets []int
	order   []int // indexes of offsets, by increasing offset
	next    int
}

func newOffsetCursor(offsets []int) *offsetCursor {
	order := make([]int, len(offsets))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return offsets[a] - offsets[b] })
	return &offsetCursor{offsets: offsets, order: order}
}

// at maps every offset below end not yet mapped to out: the input up to
// end came out as the output up to out, what lies from the last mapped
// position to end becoming what follows out.
func (c *offsetCursor) at(end, out int) {
	for c.next < len(c.order) && c.offsets[c.order[c.next]] < end {
		c.offsets[c.order[c.next]] = out
		c.next++
	}
}

// validUTF8Mapped is strings.ToValidUTF8(s, "\uFFFD") with its offsets.
func validUTF8Mapped(s string, offsets []int) string {
	c := newOffsetCursor(offsets)
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || size > 1 {
			c.at(i+size, len(out))
			out = append(out, s[i:i+size]...)
			i += size
			continue
		}
		// One replacement for a run of invalid bytes.
		j := i + 1
		for j < len(s) {
			if r, size := utf8.DecodeRuneInString(s[j:]); r != utf8.RuneError || size > 1 {
				break
			}
			j++
		}
		c.at(j, len(out))
		out = append(out, "\uFFFD"...)
		i = j
	}
	c.at(math.MaxInt, len(out))
	return string(out)
}

// nfcMapped is norm.NFC.String(s) with its offsets: the text is
// normalised segment by segment, and a segment that changes maps the
// offsets inside it to its start.
func nfcMapped(s string, offsets []int) string {
	c := newOffsetCursor(offsets)
	out := make([]byte, 0, len(s))
	var it norm.Iter
	it.InitString(norm.NFC, s)
	for !it.Done() {
		start := it.Pos()
		segment := it.Next()
		end := it.Pos()
		if string(segment) == s[start:end] {
			for i := start; i < end; {
				_, size := utf8.DecodeRuneInString(s[i:])
				c.at(i+size, len(out)+i-start)
				i += size
			}
		} else {
			c.at(end, len(out))
		}
		out = append(out, segment...)
	}
	c.at(math.MaxInt, len(out))
	return string(out)
}

// collapseSpacesMapped is collapseSpaces with its offsets.
func collapseSpacesMapped(s string, offsets []int) string {
	c := newOffsetCursor(offsets)
	out := make([]byte, 0, len(s))
	pendingSpace := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpaceRune(r):
			c.at(i+size, len(out))
			pendingSpace = len(out) > 0
		case isZeroWidth(r), unicode.IsControl(r):
			c.at(i+size, len(out))
		default:
			if pendingSpace {
				out = append(out, ' ')
				pendingSpace = false
			}
			c.at(i+size, len(out))
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	c.at(math.MaxInt, len(out))
	return string(out)
}

// isCleanASCII is the fast path: printable ASCII with single inner spaces
// and no leading or trailing space is already normal.
func isCleanASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7F {
			return false
		}
		if c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}

// normalizePre cleans preformatted text line by line, keeping line breaks
// and indentation: valid UTF-8, NFC, invisible characters removed, NBSP to
// space, trailing whitespace and leading/trailing blank lines dropped.
func normalizePre(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if !preLineNeedsMapping(line) {
			lines[i] = strings.TrimRight(line, " \t")
			continue
		}
		var b strings.Builder
		for _, r := range line {
			switch {
			case r == '\t':
				b.WriteRune(r)
			case isSpaceRune(r):
				b.WriteByte(' ')
			case isZeroWidth(r), unicode.IsControl(r):
			default:
				b.WriteRune(r)
			}
		}
		lines[i] = strings.TrimRight(b.String(), " \t")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// preLineNeedsMapping reports a line holding characters normalizePre maps
// or drops (anything but tabs, printable ASCII and other visible runes).
func preLineNeedsMapping(line string) bool {
	for i := 0; i < len(line); i++ {
		if c := line[i]; c >= 0x80 {
			for _, r := range line[i:] {
				if r != '\t' && (isSpaceRune(r) && r != ' ' || isZeroWidth(r) || unicode.IsControl(r)) {
					return true
				}
			}
			return false
		} else if c < 0x20 && c != '\t' || c == 0x7F {
			return true
		}
	}
	return false
}

// isBlankLine reports a line holding nothing visible once normalised
// (converters leave lines of NBSPs and zero-width spaces).
func isBlankLine(line string) bool {
	for _, r := range line {
		if !isSpaceRune(r) && !isZeroWidth(r) {
			return false
		}
	}
	return true
}

// typographicFolds maps typographic punctuation and spaces to plain forms
// for ComparisonKey, so a change of quote style is not a new version.
var typographicFolds = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'",
	"\u2039", "'", "\u203A", "'",
	"\u201C", "\"", "\u201D", "\"", "\u201E", "\"", "\u201F", "\"", "\u2033", "\"",
	"\u00AB", "\"", "\u00BB", "\"",
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-",
	"\u2015", "-", "\u2212", "-",
	"\u2026", "...",
	"\u00A0", " ", "\u202F", " ", "\u2007", " ", "\u2009", " ", "\u200A", " ",
)

// foldForComparison folds typographic variants and collapses whitespace.
func foldForComparison(s string) string {
	return collapseSpaces(typographicFolds.Replace(s))
}

// longParagraph is the size above which a plain-text paragraph is taken to
// be flattened page text and split into sentences.
const longParagraph = 1500

// splitSentences splits a very long paragraph at sentence boundaries:
// ". " followed by an upper-case letter, "? " and "! ". A period after a
// single letter or an abbreviation with inner periods ("e.g.", "U.S.") is
// not taken as a boundary.
func splitSentences(s string) []string {
	if len(s) <= longParagraph {
		return []string{s}
	}
	var out []string
	start := 0
	for i := 0; i+2 < len(s); i++ {
		c := s[i]
		if c == '.' && i > 0 && gluedSentence(s[i-1], s[i+1], s[i+2]) {
			// Flattened text glues sentences: "our services.Help protect".
			if sentence := strings.TrimSpace(s[start : i+1]); sentence != "" {
				out = append(out, sentence)
			}
			start = i + 1
			continue
		}
		if (c != '.' && c != '?' && c != '!') || s[i+1] != ' ' {
			continue
		}
		if c == '.' {
			next, _ := utf8.DecodeRuneInString(s[i+2:])
			if !unicode.IsUpper(next) || isAbbreviation(s[start:i]) {
				continue
			}
		}
		if sentence := strings.TrimSpace(s[start : i+1]); sentence != "" {
			out = append(out, sentence)
		}
		start = i + 2
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// gluedSentence reports "word.Word" with no space: a lower-case letter, the
// period, then a capitalised word — a sentence boundary lost when page text
// was flattened (abbreviations like "U.S." and host names do not match).
func gluedSentence(before, after, afterNext byte) bool {
	return before >= 'a' && before <= 'z' && after >= 'A' && after <= 'Z' && afterNext >= 'a' && afterNext <= 'z'
}

// isAbbreviation reports whether the word ending text (just before a
// period) looks like an abbreviation rather than a sentence's last word.
func isAbbreviation(text string) bool {
	word := text[strings.LastIndexByte(text, ' ')+1:]
	if utf8.RuneCountInString(word) <= 1 || strings.Contains(word, ".") {
		return true
	}
	switch strings.ToLower(word) {
	case "mr", "mrs", "ms", "dr", "st", "vs", "no", "approx":
		return true
	}
	return false
}
