package diff

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policywatch/policywatch/extract"
)

// blockText is the text a block is compared on: its line of canonical
// Markdown, so that everything that makes two versions differ — a link's
// target, a list item becoming a paragraph — shows as an edit. Invalid UTF-8
// is replaced so that the edits reconstruct exactly what was compared.
func blockText(b extract.Block) string {
	text := b.Markdown()
	if utf8.ValidString(text) {
		return text
	}
	return strings.ToValidUTF8(text, "\uFFFD")
}

// isWordRune says whether r can be part of a word token.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isASCIIAlnum(r rune) bool {
	return 0 <= r && r < utf8.RuneSelf && asciiAlnum[r]
}

// tokenize splits s into words (a letter or digit, then letters, digits,
// marks and inner apostrophes), runs of whitespace, and single other
// characters. Concatenating the tokens gives s back.
func tokenize(s string) []string {
	tokens := make([]string, 0, len(s)/3)
	for i := 0; i < len(s); {
		end := tokenEnd(s, i)
		tokens = append(tokens, s[i:end])
		i = end
	}
	return tokens
}

// tokenEnd returns where the token starting at s[i] ends. ASCII text,
// most of any policy, is read byte by byte without decoding runes.
func tokenEnd(s string, i int) int {
	if c := s[i]; c < utf8.RuneSelf {
		switch {
		case asciiAlnum[c]:
			return wordEnd(s, i+1)
		case asciiSpace(c):
			return spaceEnd(s, i+1)
		}
		return i + 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case startsWord(r):
		return wordEnd(s, i+size)
	case unicode.IsSpace(r):
		return spaceEnd(s, i+size)
	}
	return i + size
}

// wordEnd returns where a word going on at s[end] ends: after its letters,
// digits and marks, and apostrophes followed by a letter.
func wordEnd(s string, end int) int {
	for end < len(s) {
		if c := s[end]; c < utf8.RuneSelf {
			if asciiAlnum[c] || c == '\'' && letterAt(s, end+1) {
				end++
				continue
			}
			return end
		}
		next, n := utf8.DecodeRuneInString(s[end:])
		if isWordRune(next) || next == '’' && letterAt(s, end+n) {
			end += n
			continue
		}
		return end
	}
	return end
}

// spaceEnd returns where a run of whitespace going on at s[end] ends.
func spaceEnd(s string, end int) int {
	for end < len(s) {
		if c := s[end]; c < utf8.RuneSelf {
			if !asciiSpace(c) {
				return end
			}
			end++
			continue
		}
		next, n := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsSpace(next) {
			return end
		}
		end += n
	}
	return end
}

// asciiAlnum says which bytes are ASCII letters or digits; bytes of
// multi-byte runes are all false.
var asciiAlnum = func() (table [256]bool) {
	for c := range table {
		table[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return table
}()

// startsWord says whether r starts a word: a letter or a digit.
func startsWord(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isWord says whether a token is a word.
func isWord(token string) bool {
	r, _ := utf8.DecodeRuneInString(token)
	return startsWord(r)
}

// letterAt says whether a letter starts at s[i].
func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// styleFolder folds typographic variants to their plain forms, so that a
// change of quote, dash or space style compares equal.
var styleFolder = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'", "\u00B4", "'", "`", "'",
	"\u201C", `"`, "\u201D", `"`, "\u201E", `"`, "\u201F", `"`, "\u2033", `"`, "\u00AB", `"`, "\u00BB", `"`,
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	"\u2026", "...",
	"\u00AD", "", "\u200B", "", "\u200C", "", "\u200D", "", "\uFEFF", "",
)

// foldStyle folds quote, dash and space styles and collapses whitespace
// (NBSP and other Unicode spaces included) to single spaces.
func foldStyle(s string) string {
	return strings.Join(strings.Fields(styleFolder.Replace(s)), " ")
}

// runeCoder maps each distinct string to its own rune, so that go-diff can
// diff sequences of paragraphs or tokens as if they were characters.
//
// Runes are handed out from 0 upwards, skipping the surrogate range
// U+D800–U+DFFF (invalid in Go strings: go-diff's string(runes) would turn
// them all into U+FFFD and make different tokens collide). That leaves
// maxDistinct distinct strings per coder; beyond it, every further new
// string becomes a side-specific overflow rune that never equals anything
// on the other side, so the diff stays correct (it can only report more
// edits, never a false equality).
type runeCoder struct {
	ids   map[string]rune
	limit int    // distinct strings before overflow; maxDistinct outside tests
	word  []bool // by index: whether the string is a word (isWord)
}

// maxDistinct is how many distinct strings a runeCoder can tell apart: all
// valid runes except the two overflow markers.
const maxDistinct = 0x110000 - (0xE000 - 0xD800) - 2

func newRuneCoder() *runeCoder {
	return &runeCoder{ids: make(map[string]rune), limit: maxDistinct}
}

// indexToRune turns 0, 1, 2, … into valid runes, skipping surrogates.
func indexToRune(i int) rune {
	if i >= 0xD800 {
		i += 0xE000 - 0xD800
	}
	return rune(i)
}

// overflowRune is the rune for strings past the coder's limit on one side
// (0 = old, 1 = new): the two last valid runes, never handed out otherwise.
func overflowRune(side int) rune { return 0x10FFFE + rune(side) }

// encode returns one rune per string; side (0 old, 1 new) picks the
// overflow rune.
func (c *runeCoder) encode(strs []string, side int) []rune {
	runes := make([]rune, len(strs))
	for i, s := range strs {
		runes[i] = c.encodeOne(s, side)
	}
	return runes
}

// encodeOne returns the rune of one string.
func (c *runeCoder) encodeOne(s string, side int) rune {
	r, ok := c.ids[s]
	if !ok {
		if len(c.ids) >= c.limit {
			return overflowRune(side)
		}
		r = indexToRune(len(c.ids))
		c.ids[s] = r
		c.word = append(c.word, isWord(s))
	}
	return r
}

// isWordID says whether r stands for a word.
func (c *runeCoder) isWordID(r rune) bool {
	i := int(r)
	if i >= 0xE000 {
		i -= 0xE000 - 0xD800
	}
	return 0 <= i && i < len(c.word) && c.word[i]
}
