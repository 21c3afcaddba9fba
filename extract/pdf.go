package extract

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// PDF policies have a text layer: rows of text placed on pages. pdfText
// reads it with github.com/ledongthuc/pdf (pure Go; Debian's pdftotext is
// slightly more faithful but is not installed everywhere), rebuilding
// lines from rows and paragraphs from the vertical gaps between them; the
// text is then read like plain text.

// pdfTimeout bounds the reading of one PDF: the library has no
// cancellation, and hostile files can make it loop.
const pdfTimeout = 10 * time.Second

// pdfText returns the text of a PDF's text layer, paragraphs separated by
// blank lines. A panic in the library becomes an error; so does a file
// that takes longer than pdfTimeout (its goroutine is then abandoned).
func pdfText(content []byte) (string, error) {
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("extract: reading PDF: %v", r)}
			}
		}()
		text, err := readPDF(content)
		done <- result{text, err}
	}()
	select {
	case r := <-done:
		return r.text, r.err
	case <-time.After(pdfTimeout):
		return "", fmt.Errorf("extract: reading PDF took longer than %v", pdfTimeout)
	}
}

func readPDF(content []byte) (string, error) {
	reader, err := pdf.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return "", fmt.Errorf("extract: reading PDF: %v", err)
	}
	var out strings.Builder
	for i := 1; i <= reader.NumPage(); i++ {
		page := reader.Page(i)
		if page.V.IsNull() || page.V.Key("Contents").Kind() == pdf.Null {
			continue
		}
		writePDFRows(&out, pdfRows(page.Content().Text))
		out.WriteString("\n\n")
	}
	return out.String(), nil
}

// pdfRow is the text drawn on one baseline of a page.
type pdfRow struct {
	y     float64
	texts []pdf.Text
}

// pdfRows groups a page's glyphs by baseline, top to bottom, each row
// left to right. (The library's GetTextByRow ignores Td moves, which most
// generators use, so rows are built here from the positioned glyphs.)
func pdfRows(texts []pdf.Text) []pdfRow {
	var rows []pdfRow
	for _, t := range texts {
		k := slices.IndexFunc(rows, func(r pdfRow) bool { return abs(r.y-t.Y) < max(t.FontSize*0.3, 1) })
		if k < 0 {
			rows = append(rows, pdfRow{y: t.Y})
			k = len(rows) - 1
		}
		rows[k].texts = append(rows[k].texts, t)
	}
	slices.SortStableFunc(rows, func(a, b pdfRow) int { return compareFloats(b.y, a.y) })
	for _, r := range rows {
		slices.SortStableFunc(r.texts, func(a, b pdf.Text) int { return compareFloats(a.X, b.X) })
	}
	return rows
}

func abs(x float64) float64 { return max(x, -x) }

func compareFloats(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// writePDFRows writes a page's rows as lines, with a blank line (a new
// paragraph) where the gap above a row is wider than 1.5 lines of its
// text, or where the font size changes (a heading and its text).
func writePDFRows(out *strings.Builder, rows []pdfRow) {
	for i, row := range rows {
		size := rowFontSize(row)
		if i > 0 {
			prevSize := rowFontSize(rows[i-1])
			if rows[i-1].y-row.y > 1.5*max(size, 1) || abs(prevSize-size) > 0.5 {
				out.WriteString("\n")
			}
		}
		var line strings.Builder
		explicitSpaces := slices.ContainsFunc(row.texts, func(t pdf.Text) bool { return strings.TrimSpace(t.S) == "" })
		afterSpace := false
		for j, t := range row.texts {
			if j > 0 && !afterSpace && needsSpace(row.texts[j-1], t, explicitSpaces) {
				line.WriteByte(' ')
			}
			line.WriteString(t.S)
			afterSpace = strings.HasSuffix(t.S, " ")
		}
		out.WriteString(strings.TrimSpace(line.String()))
		out.WriteString("\n")
	}
}

// rowFontSize is the largest font size of a row.
func rowFontSize(r pdfRow) float64 {
	size := 0.0
	for _, t := range r.texts {
		size = max(size, t.FontSize)
	}
	return size
}

// needsSpace reports whether two pieces of a row, the first not ending in
// a space, are separate words: the second brings no space of its own and
// there is a visible gap between them.
func needsSpace(prev, next pdf.Text, rowDrawsSpaces bool) bool {
	if strings.HasPrefix(next.S, " ") {
		return false
	}
	size := max(prev.FontSize, 1)
	if prev.W > 0 {
		return next.X-(prev.X+prev.W) > size*0.15
	}
	// The library knows no glyph widths for many embedded fonts (those of
	// browser-printed PDFs among them), so the gap cannot be measured. A
	// row that draws its spaces as glyphs needs none added; otherwise only
	// an advance much wider than the glyphs' usual one is a word break.
	if rowDrawsSpaces {
		return false
	}
	return next.X-prev.X > float64(utf8.RuneCountInString(prev.S))*size*0.6+size*0.3
}
