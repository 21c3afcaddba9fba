package extract

import (
	"strings"
	"unicode/utf8"
)

// Mojibake is UTF-8 that was decoded as Latin-1 or Windows-1252 and encoded
// again: "Español" became "EspaÃ±ol", "you’ve" became "youâ€™ve". When
// the decoder was Latin-1 and the C1 characters (bytes 0x80–0x9F) were then
// dropped as controls, the damage is lossy: "you’ve" becomes "youâve".
//
// Correct text holds the same characters: "publicité »" (with a no-break
// space) is, byte for byte, the Windows-1252 reading of UTF-8 "publicit頻".
// So a repair needs evidence, weighed per sequence and its neighbours, never
// per character:
//
//   - a group is a lead character (Â–ô) and the continuation characters
//     that complete a valid UTF-8 sequence once mapped back to bytes;
//   - a group is strong evidence when its characters, read as text, are
//     implausible (mojibake_evidence.go): "Ã©", "â€™", "dÃ»"; "é »" and
//     "Spaß“" are plausible text and only weak;
//   - a run of adjacent groups is repaired when one of its groups is
//     strong; a line of text (up to a line break or a tag) whose every
//     non-ASCII character belongs to a group — it re-encodes whole — is
//     repaired entirely once one group is strong. A whole page is never
//     such a unit: correct text elsewhere on it proves nothing;
//   - a byte a decoder could not map (U+FFFD after a lead: "Ñ�" was
//     "с", "я", …) is lost: such a group becomes one U+FFFD, and only next
//     to other evidence, never on its own;
//   - lossy damage (a lone "â") is repaired only in a text that shows it
//     unmistakably somewhere (mojibake_lossy.go).
//
// Each layer of text encoded wrongly several times ("ÃƒÂ©") is undone in
// turn.

// cp1252High maps the characters Windows-1252 decodes from bytes 0x80–0x9F
// back to those bytes.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// continuationByte is the UTF-8 continuation byte (0x80–0xBF) r was decoded
// from, if any.
func continuationByte(r rune) (byte, bool) {
	if r >= 0x80 && r <= 0xBF {
		return byte(r), true
	}
	if r < 0x152 {
		return 0, false // below the first cp1252 character (Œ)
	}
	b, ok := cp1252High[r]
	return b, ok
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

// maxLayers bounds the layers undone: text encoded wrongly more than three
// times is not seen in captures.
const maxLayers = 4

// spanKind says what a candidate span of text is.
type spanKind uint8

const (
	spanGroup     spanKind = iota // a complete sequence: "Ã©" → "é"
	spanLossyPair                 // "â" and one continuation, the 0x80 lost: "â¦" → "…"
	spanLossyLone                 // a lone "â", both continuation bytes lost
)

// mojiSpan is one candidate repair: s[start:end] would become repaired
// (and a space, with spaceAfter). It is kept small: a garbled page has one
// for every accented letter.
type mojiSpan struct {
	start, end int
	repaired   rune // what the sequence encodes; -1: nothing; lone "â": 0, the context decides
	kind       spanKind
	strong     bool // its characters, read as text, are implausible
	lost       bool // a byte is lost (U+FFFD) or became a space: no evidence of its own
	spaceAfter bool
}

// writeRepair writes what sp stands for; s is the text sp indexes.
func (sp mojiSpan) writeRepair(b *strings.Builder, s string, quoteOpen *bool) {
	switch {
	case sp.repaired > 0:
		b.WriteRune(sp.repaired)
	case sp.repaired == 0 && sp.kind == spanLossyLone:
		b.WriteString(lostPunctuation(s[:sp.start], s[sp.end:], quoteOpen))
	}
	if sp.spaceAfter {
		b.WriteByte(' ')
	}
}

// evidence reports a span that is evidence of mojibake by itself.
func (sp mojiSpan) evidence() bool { return sp.strong && !sp.lost }

// repairMojibake returns s with mojibake undone, s being the whole unit of
// evidence for lossy damage (see the comment above).
func repairMojibake(s string) string {
	if strings.IndexByte(s, 0xC3) < 0 {
		return s // every lead character is encoded as 0xC3 0x82–0xB4
	}
	quoteOpen := false
	return repairText(s, lossyEvidence(s), &quoteOpen)
}

// repairText undoes the layers of mojibake of s. lossy says that the unit
// s belongs to shows lossy damage; quoteOpen carries the state of lossy
// quotes from one text of the unit to the next.
func repairText(s string, lossy bool, quoteOpen *bool) string {
	wholeSoFar := true
	for range maxLayers {
		if strings.IndexByte(s, 0xC3) < 0 {
			return s
		}
		fixed, whole := repairLayer(s, lossy, wholeSoFar, quoteOpen)
		wholeSoFar = whole
		if fixed == s {
			break
		}
		s = fixed
	}
	return s
}

// repairLayer undoes one layer of mojibake. allowWhole permits repairing
// every group of a line that re-encodes whole (false once a previous
// layer had a line that did not: it mixed correct characters in). It
// reports whether every line with groups re-encoded whole.
func repairLayer(s string, lossy, allowWhole bool, quoteOpen *bool) (string, bool) {
	spans := scanMojibake(s, lossy)
	if len(spans) == 0 {
		return s, false
	}
	whole, allWhole := wholeLines(s, spans)
	if !allowWhole {
		clear(whole)
	}
	repair := make([]bool, len(spans))
	for i := 0; i < len(spans); {
		if spans[i].kind != spanGroup {
			sp := &spans[i]
			repair[i] = sp.strong || lossy
			i++
			continue
		}
		j, strong := i+1, spans[i].evidence()
		for j < len(spans) && spans[j].kind == spanGroup && spansAdjacent(s, spans[j-1], spans[j]) {
			strong = strong || spans[j].evidence()
			j++
		}
		ok := whole[i] || strong && (j-i > 1 || isolatedRepairOK(s, spans[i]))
		for k := i; k < j; k++ {
			repair[k] = ok
		}
		i = j
	}
	var b strings.Builder
	last := 0
	for i, sp := range spans {
		if !repair[i] {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:sp.start])
		sp.writeRepair(&b, s, quoteOpen)
		last = sp.end
	}
	if last == 0 {
		return s, allWhole
	}
	b.WriteString(s[last:])
	return b.String(), allWhole
}

// scanMojibake lists the candidate spans of s, in order. Lone "â"s are
// listed only when lossy damage is in evidence.
func scanMojibake(s string, lossy bool) []mojiSpan {
	var spans []mojiSpan
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], 0xC3)
		if k < 0 {
			break
		}
		i += k
		sp, ok := scanAt(s, i)
		if !ok || sp.kind == spanLossyLone && !lossy {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		if sp.kind == spanLossyLone && !lossyLoneRepairable(s, &sp) {
			i = sp.end
			continue
		}
		spans = append(spans, sp)
		i = sp.end
	}
	return spans
}

// scanAt reads the candidate span that starts at s[i], a 0xC3 byte.
func scanAt(s string, i int) (mojiSpan, bool) {
	r, size := utf8.DecodeRuneInString(s[i:])
	if r < 0xC2 || r > 0xF4 {
		return mojiSpan{}, false
	}
	if sp, ok := spacedGroup(s, i, r, size); ok {
		return sp, true
	}
	lead := byte(r)
	n := sequenceLength(lead)
	var seq [4]byte
	var conts [3]rune
	seq[0] = lead
	m, lost := 1, false
	j := i + size
	for m < n && j < len(s) {
		c, csize := utf8.DecodeRuneInString(s[j:])
		if droppedByNormalization(c) {
			// Normalisation removes it later; the sequence is read
			// through it, as it will be when the text is read again.
			j += csize
			continue
		}
		cb, ok := continuationByte(c)
		if c == utf8.RuneError && csize == 3 {
			cb, ok, lost = 0x80, true, true // a byte the decoder could not map
		}
		if !ok {
			break
		}
		seq[m], conts[m-1] = cb, c
		m++
		j += csize
	}
	if lost && m == n && !(lead == 0xE2 && m == 3 && seq[1] == 0x80 && conts[1] == utf8.RuneError) {
		sp := mojiSpan{start: i, end: j, kind: spanGroup, lost: true, repaired: utf8.RuneError}
		sp.strong = groupStrong(r, conts[:m-1], lastKept(s[:i]), nextKept(s[j:]))
		return sp, true
	}
	if lost && conts[m-2] == utf8.RuneError {
		m-- // read "â€�" as "â€" that lost its last byte
		j -= 3
	}
	if m == n {
		fixed, fsize := utf8.DecodeRune(seq[:n])
		if fixed == utf8.RuneError || fsize != n || !plausibleRepair(fixed) {
			return mojiSpan{}, false
		}
		sp := mojiSpan{start: i, end: j, kind: spanGroup, repaired: fixed}
		sp.strong = groupStrong(r, conts[:m-1], lastKept(s[:i]), nextKept(s[j:]))
		return sp, true
	}
	if lead != 0xE2 {
		return mojiSpan{}, false
	}
	switch {
	case m == 2 && seq[1] >= 0xA0:
		// E2 80 xx with the 0x80 lost: "â¦" is "…", "â¢" is "•".
		sp := mojiSpan{start: i, end: j, kind: spanLossyPair, repaired: rune(0x2000 | int(seq[1]&0x3F))}
		sp.strong = groupStrong(r, conts[:1], lastKept(s[:i]), nextKept(s[j:]))
		return sp, true
	case m == 2 && seq[1] == 0x80:
		// "â€" with its last byte gone: 0x9D (”) is undefined in
		// Windows-1252, so decoders drop it or write U+FFFD.
		end := j
		if next, nsize := utf8.DecodeRuneInString(s[j:]); next == utf8.RuneError && nsize == 3 {
			end += nsize
		}
		return mojiSpan{start: i, end: end, kind: spanLossyPair, strong: true, repaired: lostThirdByte(s[:i], s[end:])}, true
	case m == 1 && r == 'â':
		return mojiSpan{start: i, end: i + size, kind: spanLossyLone}, true
	}
	return mojiSpan{}, false
}

// spacedGroups are the leads whose sequence with 0xA0 is common text, and
// what that sequence reads as when the no-break space (0xA0) was turned
// into a space: "Ã " is "à" before a space (the spaces were collapsed into
// one), "Â " a space, "Î " "Π", "Ð " "Р" (inside a word, the space was
// the byte).
var spacedGroups = map[rune]rune{'Ã': 'à', 'Â': ' ', 'Î': 'Π', 'Ð': 'Р'}

// spacedGroup reads a lead and a space as a sequence whose 0xA0 became a
// space. Like a lost byte, it is no evidence of its own.
func spacedGroup(s string, i int, r rune, size int) (mojiSpan, bool) {
	j := i + size
	if j >= len(s) || s[j] != ' ' {
		return mojiSpan{}, false
	}
	fixed, ok := spacedGroups[r]
	if !ok {
		return mojiSpan{}, false
	}
	sp := mojiSpan{start: i, end: j + 1, kind: spanGroup, lost: true, repaired: fixed, spaceAfter: r == 'Ã'}
	nbsp := [1]rune{0xA0}
	sp.strong = groupStrong(r, nbsp[:], lastKept(s[:i]), nextKept(s[j+1:]))
	return sp, true
}

// spansAdjacent reports that only characters normalisation drops lie between
// two spans.
func spansAdjacent(s string, a, b mojiSpan) bool {
	for _, r := range s[a.end:b.start] {
		if !droppedByNormalization(r) {
			return false
		}
	}
	return true
}

// lineBreaks end the units that may re-encode whole: lines, and the text
// between tags of a page.
const lineBreaks = "\n<>"

// wholeLines reports, for each span, that its line re-encodes whole and
// holds evidence, so that all its groups are repaired; and whether every
// line holding spans re-encodes whole.
func wholeLines(s string, spans []mojiSpan) (whole []bool, all bool) {
	whole = make([]bool, len(spans))
	all = true
	for i := 0; i < len(spans); {
		start := strings.LastIndexAny(s[:spans[i].start], lineBreaks) + 1
		end := len(s)
		if k := strings.IndexAny(s[spans[i].end:], lineBreaks); k >= 0 {
			end = spans[i].end + k
		}
		j, evidence := i, false
		for j < len(spans) && spans[j].start < end {
			evidence = evidence || spans[j].kind == spanGroup && spans[j].evidence()
			j++
		}
		ok := reencodesWhole(s[start:end], spans[i:j], start)
		all = all && ok
		for k := i; k < j; k++ {
			whole[k] = ok && evidence && spans[k].kind == spanGroup
		}
		i = j
	}
	return whole, all
}

// reencodesWhole reports that every non-ASCII character of line (starting
// at offset in the text the spans index) belongs to a complete group: the
// line is all mojibake, not correct text with some in it.
func reencodesWhole(line string, spans []mojiSpan, offset int) bool {
	next := 0
	for i := 0; i < len(line); {
		if line[i] < utf8.RuneSelf {
			i++
			continue
		}
		for next < len(spans) && spans[next].end-offset <= i {
			next++
		}
		if next < len(spans) && spans[next].kind == spanGroup && spans[next].start-offset <= i {
			i = spans[next].end - offset
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		if !droppedByNormalization(r) {
			return false
		}
		i += size
	}
	return true
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

// nextKept is the first character of s that normalisation keeps, or -1.
func nextKept(s string) rune {
	for _, r := range s {
		if !droppedByNormalization(r) {
			return r
		}
	}
	return -1
}

// lastKept is the last character of s that normalisation keeps, or -1.
func lastKept(s string) rune {
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !droppedByNormalization(r) {
			return r
		}
		s = s[:len(s)-size]
	}
	return -1
}
