package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lossy mojibake: a Latin-1 decoder turned the bytes 0x80–0x9F into C1
// controls, and something dropped them. "’" (E2 80 99) leaves a lone "â"
// ("youâve"), "…" (E2 80 A6) leaves "â¦". A lone "â" is also a letter
// ("âge", "pâte", "tâm"), so one is repaired only in a text that shows the
// damage unmistakably somewhere: an English contraction around a lone "â"
// ("Xâs", "donât") or a pair no text has ("â¦"). Even then an "â" that
// can be a letter (before a lower-case letter) is left alone.

// lossyEvidence reports unmistakable lossy damage in s.
func lossyEvidence(s string) bool {
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], 0xC3)
		if k < 0 {
			return false
		}
		i += k
		sp, ok := scanAt(s, i)
		if !ok {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		switch sp.kind {
		case spanLossyPair:
			if sp.strong {
				return true
			}
		case spanLossyLone:
			if lossyApostrophe(s[:sp.start], s[sp.end:]) {
				return true
			}
		}
		i = sp.end
	}
	return false
}

// lossyLoneRepairable reports whether a lone "â", in a text showing lossy
// damage, stands for lost punctuation: an apostrophe in a contraction (set
// as sp.repaired), or anything that cannot be the letter.
func lossyLoneRepairable(s string, sp *mojiSpan) bool {
	if lossyApostrophe(s[:sp.start], s[sp.end:]) {
		sp.repaired = '’'
		return true
	}
	return !unicode.IsLower(nextKept(s[sp.end:]))
}

// lossySuffixes are the ends of English contractions and possessives after
// a lone "â" (an apostrophe whose two last bytes were lost): "Xâs",
// "youâve", "weâre", "itâll", "sheâd", and, with the word they need,
// "Iâm" and "donât". (Vietnamese "tâm" and French "mât" are words.)
var lossySuffixes = []string{"s", "ve", "re", "ll", "d", "m", "t"}

// lossyApostrophe reports "â" between an ASCII letter and a contraction
// ending that ends the word ("Xâs ", "donât.").
func lossyApostrophe(before, after string) bool {
	prev, _ := utf8.DecodeLastRuneInString(before)
	if !isASCIILetterRune(prev) {
		return false
	}
	for _, suffix := range lossySuffixes {
		switch suffix {
		case "t":
			if !strings.HasSuffix(before, "n") {
				continue
			}
		case "m":
			if word, ok := strings.CutSuffix(before, "I"); !ok || endsInLetter(word) {
				continue
			}
		}
		if rest, ok := strings.CutPrefix(after, suffix); ok {
			next, _ := utf8.DecodeRuneInString(rest)
			if rest == "" || !unicode.IsLetter(next) {
				return true
			}
		}
	}
	return false
}

func endsInLetter(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsLetter(r)
}

// lostPunctuation chooses what a lone "â" stood for from its neighbours:
// an apostrophe inside a word ("Xâs"), an opening quote before a word, a
// closing quote after one when a quote is open, a dash between spaces, and
// nothing where it cannot have been visible (a direction mark after
// non-Latin text).
func lostPunctuation(before, after string, quoteOpen *bool) string {
	prev, _ := utf8.DecodeLastRuneInString(before)
	next, _ := utf8.DecodeRuneInString(after)
	prevWord := unicode.IsLetter(prev) || unicode.IsDigit(prev)
	nextWord := unicode.IsLetter(next) || unicode.IsDigit(next)
	prevSpace := before == "" || unicode.IsSpace(prev) || strings.ContainsRune("([{", prev)
	nextSpace := after == "" || unicode.IsSpace(next)
	switch {
	case prevSpace && nextSpace:
		return "–"
	case prevSpace && nextWord:
		*quoteOpen = true
		return "“"
	case prevWord && nextWord && !*quoteOpen:
		return "’"
	case prevWord && nextWord && lossyApostrophe(before, after):
		return "’"
	case *quoteOpen && (prevWord || unicode.IsPunct(prev)):
		*quoteOpen = false
		return "”"
	case prevWord && prev <= unicode.MaxLatin1 || prevWord && unicode.In(prev, unicode.Latin):
		return "’"
	case unicode.IsPunct(prev) && nextWord:
		*quoteOpen = true
		return "“"
	case unicode.IsPunct(prev) && nextSpace:
		return "”"
	}
	return ""
}

// lostThirdByte is what "â€" stood for when its last byte is gone: one of
// the bytes Windows-1252 leaves undefined, 0x9D (”) in running text, 0x90
// (‐) between letters, 0x8D and 0x8F (invisible joiner and mark) after a
// space. The character before may itself be mojibake not yet repaired, so
// anything but a space counts as running text.
// It returns -1 for nothing visible.
func lostThirdByte(before, after string) rune {
	prev, _ := utf8.DecodeLastRuneInString(before)
	next, _ := utf8.DecodeRuneInString(after)
	switch {
	case before == "" || unicode.IsSpace(prev):
		return -1
	case unicode.IsLetter(prev) && unicode.IsLetter(next):
		return '‐'
	}
	return '”'
}
