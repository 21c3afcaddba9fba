package extract

import (
	"unicode"
	"unicode/utf8"
)

// The evidence that a group is mojibake is that its characters, read as
// text, do not make sense together: a letter directly followed by a
// symbol ("Ã©", "â€"), a spacing accent ("Ã¨"), an opening mark ("Ð¿"), a
// C1 control, closing punctuation directly followed by a letter ("Ã»r"),
// an upper-case accented letter inside a lower-case word ("EspaÃ±ol").
// Correct text puts the same characters together only as a word's last
// letter followed by punctuation and spaces ("publicité »", "Spaß“",
// "MAÇÃ »"), as a word's letters ("VÝŠE", "GENÇ’İN"), or a soft hyphen
// ("Fuß\u00adball"); those groups are weak evidence and never repaired on
// their own.

// charClass is the role a character plays in text, for the evidence.
type charClass uint8

const (
	classOther charClass = iota // ASCII punctuation and the rest: neutral
	classSpace                  // whitespace, no-break spaces, the ends of the text
	classUpper                  // upper-case letter
	classLower                  // lower-case or caseless letter
	classDigit
	classApostrophe // ’ ´: inside or at the end of a word
	classQuote      // « » “ ” ‘ ‚ „ ‹ ›: opening or closing, by language
	classClose      // … ® ™ ¹ ² ³ † ‡: after a word
	classOpen       // ¡ ¿: before a word
	classDash       // – —
	classSymbol     // © ° § € £ ± · • …: after a space or a digit, not a letter
	classMark       // ¨ ¯ ¸ ˆ ˜ ª º: spacing accents and ordinals
	classSoftHyphen // inside a word
	classControl    // C1 controls: never in text
)

func classOf(r rune) charClass {
	if r < 0 {
		return classSpace // the start or end of the text
	}
	if r < utf8.RuneSelf {
		switch {
		case r >= 'A' && r <= 'Z':
			return classUpper
		case r >= 'a' && r <= 'z':
			return classLower
		case r >= '0' && r <= '9':
			return classDigit
		case r == ' ' || r >= '\t' && r <= '\r':
			return classSpace
		}
		return classOther
	}
	if r <= 0x9F || r == utf8.RuneError {
		return classControl // C1 controls and U+FFFD are damage, never text
	}
	switch r {
	case 0xA0, 0x202F, 0x2007:
		return classSpace
	case 0xAD:
		return classSoftHyphen
	case '’', '´':
		return classApostrophe
	case '«', '»', '“', '”', '‘', '‚', '„', '‹', '›':
		return classQuote
	case '…', '®', '™', '¹', '²', '³', '†', '‡':
		return classClose
	case '¡', '¿':
		return classOpen
	case '–', '—':
		return classDash
	case 'ˆ', '˜', '¨', '¯', '¸', 'ª', 'º':
		return classMark
	case '€', 'ƒ', '‰', '•', '¢', '£', '¤', '¥', '¦', '§', '©', '¬', '°', '±', 'µ', '¶', '·', '¼', '½', '¾', '×', '÷':
		return classSymbol
	}
	switch {
	case unicode.IsUpper(r):
		return classUpper
	case unicode.IsLetter(r):
		return classLower
	case unicode.IsDigit(r):
		return classDigit
	case unicode.IsSpace(r):
		return classSpace
	}
	return classOther
}

func isLetterClass(c charClass) bool { return c == classUpper || c == classLower }

// groupStrong reports whether a group — lead, then its continuation
// characters, between before and after (-1 at the ends) — is implausible
// as text.
func groupStrong(lead rune, conts []rune, before, after rune) bool {
	var window [6]charClass
	w := window[:0]
	w = append(w, classOf(before), classOf(lead))
	for _, c := range conts {
		w = append(w, classOf(c))
	}
	w = append(w, classOf(after))
	last := len(w) - 1
	if lead == 'Ã' || lead == 'Â' {
		// The two commonest leads stand for nearly all mojibake of
		// Western text; as letters they end upper-case words ("JOÃO",
		// "MAÇÃ"), before spaces and punctuation only.
		if w[0] != classUpper {
			return true
		}
		for _, c := range w[2:last] {
			if c != classSpace && c != classQuote && c != classClose {
				return true
			}
		}
	}
	for k := 1; k <= last; k++ {
		a, b := w[k-1], w[k]
		if implausiblePair(a, b) {
			return true
		}
		if a == classLower && b == classUpper && k < last {
			return true // "EspaÃ±ol", "siÄ™"
		}
		if b == classQuote && k < last && isLetterClass(a) && isLetterClass(w[k+1]) {
			return true // a quote inside a word: "Ñ‚Ð"
		}
	}
	return false
}

// implausiblePair reports two characters that do not follow one another
// in text.
func implausiblePair(a, b charClass) bool {
	switch {
	case a == classControl || b == classControl:
		return true
	case a == classMark || b == classMark:
		return true
	case a == classSoftHyphen:
		return !isLetterClass(b)
	case b == classSoftHyphen:
		return !isLetterClass(a)
	case b == classSymbol:
		return a != classSpace && a != classDigit && a != classOther
	case isLetterClass(a):
		return b == classOpen
	case a == classClose:
		return isLetterClass(b) || b == classOpen
	case a == classOpen:
		return b == classSpace || b == classClose || b == classQuote || b == classDash
	case a == classApostrophe:
		return b == classApostrophe
	}
	return false
}

// isolatedRepairOK checks the repair of a strong group that stands alone:
// its character must be one that mojibake commonly stands for, and a
// letter of a script other than Latin must not stick to an ASCII word.
func isolatedRepairOK(s string, sp mojiSpan) bool {
	r := sp.repaired
	if !commonRepairTarget(r) {
		return false
	}
	if !unicode.IsLetter(r) || unicode.Is(unicode.Latin, r) || isCJK(r) {
		return true
	}
	before, after := lastKept(s[:sp.start]), nextKept(s[sp.end:])
	return !isASCIILetterRune(before) && !isASCIILetterRune(after)
}

func isASCIILetterRune(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// commonRepairTarget reports the blocks text in captures is written in:
// Latin, Greek, Cyrillic, Hebrew, Arabic, the scripts of India and
// South-East Asia, punctuation and symbols, CJK, emoji. A lone sequence
// decoding to anything else (Syriac, NKo, Samaritan, …) is more likely
// correct text that happens to look like one.
func commonRepairTarget(r rune) bool {
	switch {
	case r >= 0xA0 && r <= 0x24F, r >= 0x370 && r <= 0x52F, r >= 0x590 && r <= 0x6FF:
		return true
	case r >= 0x900 && r <= 0xEFF, r >= 0x1E00 && r <= 0x1EFF:
		return true
	case r >= 0x2000 && r <= 0x2BFF, r >= 0x3000 && r <= 0x30FF, r >= 0x4E00 && r <= 0x9FFF:
		return true
	case r >= 0xAC00 && r <= 0xD7A3, r >= 0xFF00 && r <= 0xFFEF, r == 0xFEFF:
		return true
	case r >= 0x1F000 && r <= 0x1FAFF:
		return true
	}
	return false
}

// plausibleRepair rejects repairs into rarely used blocks (IPA, combining
// marks, private use), which are more likely clean text that happens to
// look like a sequence. C1 controls are kept: text read wrongly twice
// through Latin-1 passes through them ("Â\u0080" → U+0080, and with the
// layer below, "À"); commonRepairTarget keeps them out of lone repairs.
func plausibleRepair(r rune) bool {
	switch {
	case r >= 0x250 && r <= 0x36F:
		return false
	case r >= 0xE000 && r <= 0xF8FF:
		return false
	case r >= 0x80 && r <= 0x9F:
		return true
	}
	return unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r)
}
