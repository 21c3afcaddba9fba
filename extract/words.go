package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// One definition of a word, used wherever policywatch counts them (a
// version's size, a change's words added and removed, a story's section
// counts): a run of letters, digits and combining marks that starts with a
// letter or digit, with apostrophes inside it when a letter follows
// ("Twitter's", "don’t" are one word; "Off-Twitter" is two). Only the
// text a reader reads counts: headings, paragraphs, list items and table
// cells, never link targets or Markdown syntax.

// wordASCII says which bytes are ASCII letters or digits.
var wordASCII = func() (table [256]bool) {
	for c := range table {
		table[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return table
}()

// IsWordStart says whether r starts a word: a letter or a digit.
func IsWordStart(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && wordASCII[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// IsWordRune says whether r goes on a word: a letter, digit or mark.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && wordASCII[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// letterStarts says whether a letter starts at s[i].
func letterStarts(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// CountWords counts the words of plain text s, in one pass and without
// allocating: this is the hot loop of every count.
func CountWords(s string) int {
	words := 0
	inWord := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case wordASCII[c]:
				if !inWord {
					words++
					inWord = true
				}
				for i+1 < len(s) && wordASCII[s[i+1]] {
					i++ // the rest of an ASCII word, in a tight loop
				}
			case c == '\'' && inWord && letterStarts(s, i+1):
			default:
				inWord = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case inWord && IsWordRune(r):
		case !inWord && IsWordStart(r):
			words++
			inWord = true
		case r == '’' && inWord && letterStarts(s, i+size):
		default:
			inWord = false
		}
		i += size
	}
	return words
}

// LineWords counts the words of a block's line of canonical Markdown (see
// Block.Markdown), as CountWords counts its text: link targets and a
// numbered item's number are no words, and the Markdown's own marks (a
// link's brackets, emphasis) separate words as they separate runs of text.
func LineWords(line string) int {
	n, start := 0, 0
	for _, r := range NotText(line) {
		n += CountWords(line[start:r[0]])
		start = r[1]
	}
	return n + CountWords(line[start:])
}

// NotText lists the byte ranges [start, end) of a block's Markdown line
// that hold no words of its text, in order: a numbered list item's number,
// and each link's destination "(…)". Each begins and ends at punctuation,
// so no word is cut.
func NotText(line string) [][2]int {
	var out [][2]int
	if marker := listNumberLength(line); marker > 0 {
		out = append(out, [2]int{0, marker})
	}
	if !strings.Contains(line, "](") {
		return out
	}
	opened := false // an unescaped '[' came before: "](" then ends a link text
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '[':
			opened = true
		case ']':
			if opened && i+1 < len(line) && line[i+1] == '(' {
				if end := destinationClose(line, i+2); end >= 0 {
					out = append(out, [2]int{i + 1, end + 1})
					i = end
				}
				opened = false
			}
		}
	}
	return out
}

// listNumberLength is the length of a numbered list item's marker
// ("  1. ") at the start of line, or 0.
func listNumberLength(line string) int {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	digits := i
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i == digits || i+1 >= len(line) || line[i] != '.' && line[i] != ')' || line[i+1] != ' ' {
		return 0
	}
	return i + 2
}

// destinationClose finds the ')' closing a link destination that starts
// at start (just after "]("): a <…> destination, or one with balanced
// parentheses; -1 if none.
func destinationClose(s string, start int) int {
	if start < len(s) && s[start] == '<' {
		if k := strings.IndexByte(s[start:], '>'); k >= 0 && start+k+1 < len(s) && s[start+k+1] == ')' {
			return start + k + 1
		}
		return -1
	}
	depth := 0
	for j := start; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return j
			}
			depth--
		case ' ':
			return -1
		}
	}
	return -1
}
