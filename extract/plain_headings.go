package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Plain text has no markup for headings, but policies written as text set
// them apart the same way everywhere: a short line on its own, in title
// case, without closing punctuation, followed by more text.

// maxPlainHeading is the longest line, in runes, taken as a heading.
const maxPlainHeading = 80

// plainHeadingLevel says whether a paragraph (its lines joined and
// normalised) reads as a heading: 1 for the first paragraph of the text,
// which may be in sentence case, 2 for later title-case lines; 0 otherwise.
func plainHeadingLevel(paragraph string, lines int, first, last bool) int {
	if last || lines != 1 || paragraph == "" || utf8.RuneCountInString(paragraph) > maxPlainHeading {
		return 0
	}
	end, _ := utf8.DecodeLastRuneInString(paragraph)
	if strings.ContainsRune(".?!:;,", end) || strings.ContainsRune(paragraph, ':') || unicode.IsDigit(end) {
		return 0
	}
	start, _ := utf8.DecodeRuneInString(paragraph)
	if !unicode.IsUpper(start) {
		return 0
	}
	if first {
		return 1
	}
	if isTitleCase(paragraph) {
		return 2
	}
	return 0
}

// titleCaseMinors are the short words title case leaves in lower case.
var titleCaseMinors = map[string]bool{
	"a": true, "an": true, "and": true, "as": true, "at": true, "by": true, "for": true, "from": true,
	"in": true, "of": true, "on": true, "or": true, "the": true, "to": true, "with": true, "your": true,
	"our": true, "this": true, "we": true, "you": true, "how": true, "what": true, "is": true,
}

// isTitleCase reports a line of at least two words whose every word but
// the minor ones starts with a capital letter ("Information Sharing and
// Disclosure", "Changes to this Policy").
func isTitleCase(line string) bool {
	words := strings.Fields(line)
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || titleCaseMinors[strings.ToLower(w)] {
			continue
		}
		return false
	}
	return true
}
