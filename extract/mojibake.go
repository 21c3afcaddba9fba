package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mojibake is UTF-8 that was decoded as Latin-1 or Windows-1252 and encoded
// again: "Español" became "EspaÃ±ol", "you’ve" became "youâ€™ve". When
// the decoder was Latin-1 and the C1 characters (bytes 0x80–0x9F) were then
// dropped as controls, the damage is lossy: "you’ve" becomes "youâve".
//
// repairMojibake undoes both, but only in text that shows the damage
// unmistakably (see hasMojibake): clean accented text ("château", "«É»")
// is returned as it is.

// cp1252High maps the characters Windows-1252 decodes from bytes 0x80–0x9F
// back to those bytes.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// mojibakeByte is the byte a Latin-1 or Windows-1252 decoder turned into r.
func mojibakeByte(r rune) (byte, bool) {
	if r >= 0x80 && r <= 0xFF {
		return byte(r), true
	}
	b, ok := cp1252High[r]
	return b, ok
}

func isContinuation(r rune) bool {
	b, ok := mojibakeByte(r)
	return ok && b >= 0x80 && b <= 0xBF
}

// sequenceLength is the length of the UTF-8 sequence a lead byte starts, or 0.
func sequenceLength(b byte) int {
	switch {
	case b >= 0xC2 && b <= 0xDF:
		return 2
	case b >= 0xE0 && b <= 0xEF:
		return 3
	case b >= 0xF0 && b <= 0xF4:
		return 4
	}
	return 0
}

// lossySuffixes are the ends of English contractions and
// possessives after a lone "â" (an apostrophe whose two last bytes were
// lost): "Xâs", "youâve", "donât", "weâre", "Iâm", "itâll", "sheâd".
// ("t" only after "n", as in "donât").
var lossySuffixes = []string{"s", "ve", "re", "ll", "d", "m", "t"}

// hasMojibake reports text showing mojibake that clean text never has: a
// lead character Ã, Â or â followed by a continuation character, or a lone
// "â" inside an English contraction.
func hasMojibake(s string) bool {
	for i := 0; i < len(s); {
		// Every lead character (U+00C2–U+00F4) is encoded as 0xC3 0x82–0xB4.
		k := strings.IndexByte(s[i:], 0xC3)
		if k < 0 {
			return false
		}
		i += k
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r < 0xC2 || r > 0xF4 {
			continue
		}
		if lead := byte(r); lead >= 0xE0 && completeSequence(lead, s[i:]) {
			return true
		}
		if r != 'Ã' && r != 'Â' && r != 'â' {
			continue
		}
		next := nextKept(s[i:])
		if r != 'â' && isContinuation(next) || r == 'â' && next >= 0xA0 && next <= 0xBF {
			return true
		}
		if r == 'â' && lossyApostrophe(s[:i-size], s[i:]) {
			return true
		}
	}
	return false
}

// completeSequence reports a 3- or 4-byte UTF-8 sequence started by lead
// and continued by the characters of rest, decoding to a plausible
// character ("æ—¥" is "日", "â€™" is "’").
func completeSequence(lead byte, rest string) bool {
	n := sequenceLength(lead)
	if n < 3 {
		return false
	}
	seq := []byte{lead}
	for _, c := range rest {
		if len(seq) == n {
			break
		}
		if droppedByNormalization(c) {
			continue
		}
		b, ok := mojibakeByte(c)
		if !ok || b < 0x80 || b > 0xBF {
			return false
		}
		seq = append(seq, b)
	}
	r, size := utf8.DecodeRune(seq)
	return len(seq) == n && size == n && r != utf8.RuneError && plausibleRepair(r)
}

// lossyApostrophe reports "â" between a letter and a contraction ending
// that ends the word ("Xâs ", "donât.").
func lossyApostrophe(before, after string) bool {
	prev, _ := utf8.DecodeLastRuneInString(before)
	if !unicode.IsLetter(prev) {
		return false
	}
	for _, suffix := range lossySuffixes {
		if suffix == "t" && !strings.HasSuffix(before, "n") {
			continue
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

// repairMojibake returns s with mojibake undone; see the comment above.
func repairMojibake(s string) string {
	if !containsLeadRune(s) || !hasMojibake(s) {
		return s
	}
	quoteOpen := false
	return repairSequences(s, &quoteOpen)
}

// repairSequences undoes every mojibake sequence of s, which is known to
// hold mojibake; quoteOpen carries the state of lossy quotes across calls.
func repairSequences(s string, quoteOpenState *bool) string {
	var b strings.Builder
	b.Grow(len(s))
	quoteOpen := *quoteOpenState
	defer func() { *quoteOpenState = quoteOpen }()
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		lead, ok := mojibakeByte(r)
		n := sequenceLength(lead)
		if !ok || n == 0 {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		// Collect up to n-1 continuation characters after the lead.
		seq := []byte{lead}
		j := i + size
		for len(seq) < n && j < len(s) {
			c, csize := utf8.DecodeRuneInString(s[j:])
			if droppedByNormalization(c) {
				// Normalisation removes it later; the sequence is read
				// through it, as it will be when the text is read again.
				j += csize
				continue
			}
			cb, ok := mojibakeByte(c)
			if !ok || cb < 0x80 || cb > 0xBF {
				break
			}
			seq = append(seq, cb)
			j += csize
		}
		if len(seq) == n {
			if fixed, fsize := utf8.DecodeRune(seq); fixed != utf8.RuneError && fsize == n && plausibleRepair(fixed) {
				b.WriteRune(fixed)
				i = j
				continue
			}
		}
		if lead == 0xE2 && len(seq) == 2 && seq[1] >= 0xA0 {
			// E2 80 xx with the 0x80 lost: "â¦" is "…", "â¢" is "•".
			b.WriteRune(rune(0x2000 | int(seq[1]&0x3F)))
			i = j
			continue
		}
		if lead == 0xE2 && len(seq) == 1 {
			// E2 80 xx with both continuation bytes lost: in running text
			// these were quotes, apostrophes and dashes; the context says which.
			if repl := lostPunctuation(s[:i], s[i+size:], &quoteOpen); repl != "" {
				b.WriteString(repl)
			}
			i += size
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// containsLeadRune reports a character that could start a mojibake
// sequence other than Â, Ã and â (other Latin-1 letters from À up).
func containsLeadRune(s string) bool {
	if strings.IndexByte(s, 0xC3) < 0 {
		return false // every lead character is encoded as 0xC3 0x82–0xB4
	}
	for _, r := range s {
		if r >= 0xC2 && r <= 0xF4 {
			return true
		}
	}
	return false
}

// plausibleRepair rejects repairs into rarely used blocks (IPA, combining
// marks, private use, controls), which are more likely clean text that
// happens to look like a sequence.
func plausibleRepair(r rune) bool {
	switch {
	case r >= 0x250 && r <= 0x36F:
		return false
	case r >= 0xE000 && r <= 0xF8FF:
		return false
	case r >= 0x80 && r <= 0x9F:
		return false
	}
	return unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r)
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

// droppedByNormalization reports characters that normalizeText removes
// (controls other than whitespace, zero-width characters other than the
// soft hyphen, which is a Latin-1 character here).
func droppedByNormalization(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == 0xAD {
		return false
	}
	return r < 0x20 || r == 0x7F || isZeroWidth(r)
}

// nextKept is the first character of s that normalisation keeps.
func nextKept(s string) rune {
	for _, r := range s {
		if !droppedByNormalization(r) {
			return r
		}
	}
	return utf8.RuneError
}
