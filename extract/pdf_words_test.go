package extract

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// spacelessLines are a policy paragraph as lines of words, with the gap
// between the words of each line in em: Helvetica's space (0.278), a line
// justified tight (0.2) and one justified loose (0.45). The words hold
// pairs fonts kern tightly (To, Ty, Yo, AV, LT, y.), and "only" is bold.
var spacelessLines = []struct {
	words string
	gap   float64
}{
	{"We collect information you give us when you create an account, such as", 0.278},
	{"your name, email address, date of birth and phone number. To provide", 0.2},
	{"our services, AVAILABILITY of Type, Yours, WAVE and LTD data matter.", 0.45},
	{"Typography: a, I, y. Why? We keep it only as long as we need it.", 0.278},
}

// kerning are tightened pairs, in em, as a font's kerning table has them.
var kerning = map[string]float64{
	"To": -0.12, "Ty": -0.12, "Ta": -0.12, "Yo": -0.11, "AV": -0.07, "VA": -0.07,
	"LT": -0.11, "We": -0.04, "Wh": -0.02, "y.": -0.1, "r.": -0.05, "Ye": -0.1,
}

// spacelessFont is Helvetica (F1) or Helvetica-Bold (F2, for "only"),
// with or without a Widths array (with one, the library knows the glyphs'
// widths, as for simple TrueType fonts; without, as for the composite
// fonts browsers and office suites embed, it knows none).
func spacelessFonts(withWidths bool) map[string]string {
	widths := ""
	if withWidths {
		var w strings.Builder
		for _, n := range helveticaWidths {
			fmt.Fprintf(&w, "%d ", n)
		}
		widths = "/FirstChar 32 /LastChar 126 /Widths [" + w.String() + "]"
	}
	return map[string]string{
		"F1": "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding " + widths + " >>",
		"F2": "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding " + widths + " >>",
	}
}

func fontFor(word string) string {
	if word == "only" {
		return "F2"
	}
	return "F1"
}

const spacelessSize = 11.0

// spacelessPDF draws spacelessLines without a single space character, as
// one of the writers seen in the wild does:
//
//   - "glyphs": every glyph placed by itself (Tm) at its advance, kerned,
//     words apart by the gap (browsers and Google Docs, through Skia);
//   - "tj": a TJ array a line, kerning and word gaps as its offsets;
//   - "words": a Tj a word, each word placed by Td.
func spacelessPDF(writer string, withWidths bool) []byte {
	var s strings.Builder
	y := 700.0
	for _, line := range spacelessLines {
		words := strings.Fields(line.words)
		switch writer {
		case "glyphs":
			x := 72.0
			for _, w := range words {
				for i, r := range w {
					fmt.Fprintf(&s, "BT /%s %g Tf 1 0 0 1 %.3f %.3f Tm (%s) Tj ET\n", fontFor(w), spacelessSize, x, y, pdfString(string(r)))
					x += standardAdvance(r) * spacelessSize
					if i+1 < len(w) {
						x += kerning[w[i:i+2]] * spacelessSize
					}
				}
				x += line.gap * spacelessSize
			}
		case "tj":
			fmt.Fprintf(&s, "BT 72 %.3f Td ", y)
			font := ""
			for k, w := range words {
				if f := fontFor(w); f != font {
					fmt.Fprintf(&s, "/%s %g Tf ", f, spacelessSize)
					font = f
				}
				s.WriteString("[(")
				for i, r := range w {
					s.WriteString(pdfString(string(r)))
					if kern := kerning[w[i:min(i+2, len(w))]]; i+1 < len(w) && kern != 0 {
						fmt.Fprintf(&s, ") %.0f (", -kern*1000)
					}
				}
				s.WriteString(")")
				if k+1 < len(words) {
					fmt.Fprintf(&s, " %.0f", -line.gap*1000)
				}
				s.WriteString("] TJ ")
			}
			s.WriteString("ET\n")
		case "words":
			x := 72.0
			for _, w := range words {
				fmt.Fprintf(&s, "BT /%s %g Tf %.3f %.3f Td (%s) Tj ET\n", fontFor(w), spacelessSize, x, y, pdfString(w))
				for _, r := range w {
					x += standardAdvance(r) * spacelessSize
				}
				x += line.gap * spacelessSize
			}
		}
		y -= 1.2 * spacelessSize
	}
	return pdfWithStream(s.String(), spacelessFonts(withWidths))
}

// TestPDFWordsWithoutSpaceGlyphs: a text layer with no space characters
// comes back with its words apart, none split, however the writer placed
// them and whether or not the library knows the glyph widths.
func TestPDFWordsWithoutSpaceGlyphs(t *testing.T) {
	var lines []string
	for _, l := range spacelessLines {
		lines = append(lines, l.words)
	}
	want := strings.Join(lines, " ")
	for _, c := range []struct {
		writer     string
		withWidths bool
	}{
		{"glyphs", false}, {"glyphs", true}, {"tj", true}, {"tj", false}, {"words", false}, {"words", true},
	} {
		name := fmt.Sprintf("%s, widths known %v", c.writer, c.withWidths)
		content := spacelessPDF(c.writer, c.withWidths)
		r, err := pdf.NewReader(bytes.NewReader(content), int64(len(content)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, g := range r.Page(1).Content().Text {
			if strings.ContainsAny(g.S, " \u00a0") {
				t.Fatalf("%s: the text layer draws a space (%q): the test needs none", name, g.S)
			}
		}
		doc, err := Extract(content, "application/pdf", Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := documentTexts(doc)
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
			continue
		}
		for _, w := range strings.Fields(got[0]) {
			if utf8.RuneCountInString(w) > 25 {
				t.Errorf("%s: glued words %q", name, w)
			}
		}
	}
}
