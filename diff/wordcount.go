package diff

import (
	"github.com/policywatch/policywatch/extract"
)

// Words are counted as extract counts them (extract.CountWords), in the
// text a reader reads. The comparison works on each block's line of
// canonical Markdown, which also holds link targets and a numbered list
// item's number: those parts hold no words of the text, so that a version
// of N words compared with itself counts N words unchanged.

// span is a byte range [start, end) of a line.
type span struct{ start, end int }

// countWords counts the words of plain text (a heading).
func countWords(s string) int { return extract.CountWords(s) }

// lineWords counts the words of a block's Markdown line.
func lineWords(line string) int { return extract.LineWords(line) }

// notText lists the parts of a block's Markdown line that are not text.
func notText(line string) []span {
	var out []span
	for _, r := range extract.NotText(line) {
		out = append(out, span{r[0], r[1]})
	}
	return out
}

// wordsBetween counts the words of line[start:end] outside the skipped
// spans. Ranges and spans both end between tokens, and spans begin and end
// at punctuation, so no word is cut.
func wordsBetween(line string, start, end int, skip []span) int {
	n := 0
	for _, s := range skip {
		if s.end <= start || s.start >= end {
			continue
		}
		if s.start > start {
			n += extract.CountWords(line[start:s.start])
		}
		start = max(start, s.end)
	}
	if start < end {
		n += extract.CountWords(line[start:end])
	}
	return n
}
