package store

import (
	"fmt"
	"strings"
	"unicode"
)

// ParseQuery turns what a reader types into a search box into an FTS5
// query. Words are looked for as they are (a word holding punctuation,
// "x.com", is the phrase of its parts, x then com); "quoted words" are a
// phrase; a word or phrase ending in * is a prefix ("bio*" finds
// biometric); AND, OR and NOT (in capitals) and parentheses combine them;
// words side by side must all be found. A passage (a section of a
// version) must hold them all.
//
// What cannot be read — an unclosed quote, a lone *, nothing to look for —
// is an error wrapping ErrBadQuery that says what is wrong; what FTS5
// itself refuses ("biometric AND") is reported by Search the same way.
func ParseQuery(input string) (string, error) {
	var out []string
	terms := 0
	s := strings.TrimSpace(input)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			out = append(out, string(c))
			i++
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return "", fmt.Errorf("%w: the quote opened at character %d is not closed", ErrBadQuery, len([]rune(s[:i]))+1)
			}
			phrase := s[i+1 : i+1+end]
			i += end + 2
			prefix := false
			for i < len(s) && s[i] == '*' {
				prefix = true
				i++
			}
			if strings.TrimFunc(phrase, notSearchable) == "" {
				return "", fmt.Errorf("%w: the phrase \"%s\" has no word to look for", ErrBadQuery, phrase)
			}
			out = append(out, ftsString(phrase, prefix))
			terms++
		default:
			end := i
			for end < len(s) && !strings.ContainsRune(" \t\n\r()\"", rune(s[end])) {
				end++
			}
			word := s[i:end]
			i = end
			if word == "AND" || word == "OR" || word == "NOT" {
				out = append(out, word)
				continue
			}
			prefix := strings.HasSuffix(word, "*")
			word = strings.TrimRight(word, "*")
			if strings.TrimFunc(word, notSearchable) == "" {
				if prefix {
					return "", fmt.Errorf("%w: a * must end a word, as in bio*", ErrBadQuery)
				}
				continue // punctuation alone: nothing to look for
			}
			out = append(out, ftsString(word, prefix))
			terms++
		}
	}
	if terms == 0 {
		return "", fmt.Errorf("%w: give a word to look for", ErrBadQuery)
	}
	return strings.Join(out, " "), nil
}

// notSearchable says whether a character is no part of any word FTS5
// indexes (unicode61 keeps letters, digits and marks).
func notSearchable(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
}

// ftsString quotes text as an FTS5 string, a prefix when asked.
func ftsString(text string, prefix bool) string {
	q := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
	if prefix {
		q += "*"
	}
	return q
}
