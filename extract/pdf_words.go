package extract

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Many PDF text layers have no space glyphs: writers (Google Docs among
// them) place each word, or each glyph, where it goes and leave the gaps
// empty. Words are then told apart by the gaps: a space goes where the
// advance from one glyph to the next exceeds the first glyph's own advance
// by more than wordGap of the font size. Kerning stays below, word spaces
// above: on the browser-printed policy of pdf_faithfulness_test.go, 18,355
// glyph pairs inside words leave at most 0.085 em, 4,044 word boundaries at
// least 0.176 em (a space is 0.2–0.33 em; justified text narrows it).
//
// A glyph's own advance is its width when the library knows it (simple
// fonts with a Widths array). For other fonts (composite fonts, which
// browsers and office suites embed) the library reports no width, and the
// advance is learnt from the document: the advances seen after a character
// in one font cluster at its advance inside a word (kerned a little less),
// with word boundaries a space or more above; the median of the lowest
// cluster is the character's advance. Punctuation and digits often end
// words, so their lowest cluster may include a space; it is capped by
// standard metrics scaled to the font. Glyphs the library places at one X
// (a run it cannot advance through, for want of widths) are stacked: the
// gap after such a run is measured from its X, as the writer moved on by
// the word and the space (Td) or by the space alone (a TJ offset).
const wordGap = 0.15

// stackedGap is how close, in em, two glyphs' X are when stacked.
const stackedGap = 0.01

// glyphKey is a character in one font.
type glyphKey struct {
	font string
	r    rune
}

// glyphAdvances are the advances learnt from a document, in em.
type glyphAdvances struct {
	least   map[glyphKey]float64 // the character's advance inside a word
	seen    map[glyphKey]int
	scale   map[string]float64 // a font's width against standard metrics
	stacked map[string]bool    // a font the library draws without advancing
}

// maxSamples bounds the advances kept for one character: enough for the
// clusters, bounded memory on long documents.
const maxSamples = 64

// learnAdvances measures, for every character of every font, the advances
// to the glyph after it on the same row.
func learnAdvances(pages [][]pdfRow) glyphAdvances {
	a := glyphAdvances{least: map[glyphKey]float64{}, seen: map[glyphKey]int{}, scale: map[string]float64{}, stacked: map[string]bool{}}
	pairs, stackedPairs := map[string]int{}, map[string]int{}
	samples := map[glyphKey][]float64{}
	for _, rows := range pages {
		for _, row := range rows {
			for j := 1; j < len(row.texts); j++ {
				prev, next := row.texts[j-1], row.texts[j]
				r, ok := singleGlyph(prev.S)
				if !ok || strings.TrimSpace(next.S) == "" || next.Font != prev.Font || abs(next.FontSize-prev.FontSize) > 0.01 || prev.FontSize <= 0 {
					continue
				}
				d := (next.X - prev.X) / prev.FontSize
				pairs[prev.Font]++
				if abs(d) < stackedGap {
					stackedPairs[prev.Font]++
					continue
				}
				if d < 0 {
					continue // out of order (another column) or kerned back
				}
				k := glyphKey{prev.Font, r}
				if len(samples[k]) < maxSamples {
					samples[k] = append(samples[k], d)
				}
				a.seen[k]++
			}
		}
	}
	for k, ds := range samples {
		slices.Sort(ds)
		n := 1 // the lowest cluster is ds[:n]
		for n < len(ds) && ds[n] <= ds[0]+wordGap {
			n++
		}
		a.least[k] = ds[n/2]
	}
	for font, n := range pairs {
		// Where most glyphs are stacked, what moves the rest is the
		// writer's offsets between words, not glyph advances.
		a.stacked[font] = stackedPairs[font]*2 > n
	}
	ratios := map[string][]float64{}
	for k, least := range a.least {
		if k.r < utf8.RuneSelf && unicode.IsLetter(k.r) && a.seen[k] >= 2 {
			ratios[k.font] = append(ratios[k.font], least/standardAdvance(k.r))
		}
	}
	for font, rs := range ratios {
		slices.Sort(rs)
		a.scale[font] = rs[len(rs)/2]
	}
	return a
}

// singleGlyph is the one visible character a glyph draws.
func singleGlyph(s string) (rune, bool) {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || size != len(s) || unicode.IsSpace(r) {
		return 0, false
	}
	return r, true
}

// advance is the learnt advance of t's glyph, in em.
func (a glyphAdvances) advance(t pdf.Text) float64 {
	r, ok := singleGlyph(t.S)
	if !ok {
		return float64(utf8.RuneCountInString(t.S)) * 0.5
	}
	if a.stacked[t.Font] {
		return 0
	}
	k := glyphKey{t.Font, r}
	scale, ok := a.scale[t.Font]
	if !ok {
		scale = 1
	}
	if r == '–' || r == '—' || r == '…' {
		scale = 1 // as wide as the type is large, not as its letters
	}
	capped := scale*standardAdvance(r) + 0.05
	least, ok := a.least[k]
	switch {
	case !ok:
		return capped
	case unicode.IsLetter(r) && a.seen[k] >= 2:
		return least
	}
	// Punctuation and digits often end words: their least advance may
	// hold a space.
	return min(least, capped)
}

// rowText is a row's glyphs as a line of text.
func rowText(row pdfRow, advances glyphAdvances) string {
	var line strings.Builder
	explicitSpaces := slices.ContainsFunc(row.texts, func(t pdf.Text) bool { return t.S != "" && strings.TrimSpace(t.S) == "" })
	afterSpace := false
	for j, t := range row.texts {
		stacked := j > 1 && abs(row.texts[j-1].X-row.texts[j-2].X) < stackedGap*max(t.FontSize, 1)
		if j > 0 && !afterSpace && needsSpace(row.texts[j-1], t, explicitSpaces, stacked, advances) {
			line.WriteByte(' ')
		}
		line.WriteString(t.S)
		afterSpace = strings.HasSuffix(t.S, " ")
	}
	return ligatures.Replace(strings.TrimSpace(line.String()))
}

// ligatures are the glyphs writers set for letter pairs ("ﬁ" for "fi"):
// typesetting, not text, so that "aﬀiliates" is "affiliates".
var ligatures = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "st", "ﬆ", "st")

// needsSpace reports whether two pieces of a row, the first not ending in
// a space, are separate words: the second brings no space of its own and
// the gap between them is a word space.
func needsSpace(prev, next pdf.Text, rowDrawsSpaces, stacked bool, advances glyphAdvances) bool {
	if strings.HasPrefix(next.S, " ") {
		return false
	}
	size := max(prev.FontSize, 1)
	if prev.W > 0 {
		return next.X-(prev.X+prev.W) > size*wordGap
	}
	// A row that draws its spaces as glyphs needs none added.
	if rowDrawsSpaces {
		return false
	}
	gap := (next.X - prev.X) / size
	if !stacked {
		gap -= advances.advance(prev)
	}
	return gap > wordGap
}

// standardAdvance is a character's advance in Helvetica, in em: the
// metrics a learnt advance is compared with.
func standardAdvance(r rune) float64 {
	if r >= ' ' && r <= '~' {
		return float64(helveticaWidths[r-' ']) / 1000
	}
	switch r {
	case '’', '‘', '‚':
		return 0.222
	case '”', '“', '„':
		return 0.333
	case '–':
		return 0.556
	case '—', '…':
		return 1
	}
	return 0.556
}

// helveticaWidths are Helvetica's advances (Adobe's AFM) for ' ' to '~'.
var helveticaWidths = [...]int16{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
}
