package extract

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// PDF policies have a text layer: rows of text placed on pages. It is read
// with github.com/ledongthuc/pdf (pure Go; as faithful as Debian's
// pdftotext on the policies measured, see BENCHMARKS.md), rebuilding lines
// from rows, paragraphs from the vertical gaps between them, and headings
// from type larger than the body text's.

// pdfTimeout bounds the reading of one PDF: the library has no
// cancellation, and hostile files can make it loop.
const pdfTimeout = 10 * time.Second

// pdfParagraph is a run of rows of one type size.
type pdfParagraph struct {
	text string
	size float64
	bold bool // every glyph set in a bold face
}

// pdfParagraphs returns the paragraphs of a PDF's text layer. A panic in
// the library becomes an error; so does a file that takes longer than
// pdfTimeout (its goroutine is then abandoned).
func pdfParagraphs(content []byte) ([]pdfParagraph, error) {
	type result struct {
		paragraphs []pdfParagraph
		err        error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("reading PDF: %v", r)}
			}
		}()
		paragraphs, err := readPDF(content)
		done <- result{paragraphs, err}
	}()
	select {
	case r := <-done:
		return r.paragraphs, r.err
	case <-time.After(pdfTimeout):
		return nil, fmt.Errorf("reading PDF took longer than %v", pdfTimeout)
	}
}

func readPDF(content []byte) ([]pdfParagraph, error) {
	reader, err := pdf.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return nil, fmt.Errorf("reading PDF: %v", err)
	}
	var pages [][]pdfRow
	for i := 1; i <= reader.NumPage(); i++ {
		page := reader.Page(i)
		if page.V.IsNull() || page.V.Key("Contents").Kind() == pdf.Null {
			continue
		}
		pages = append(pages, pdfRows(page.Content().Text))
	}
	return pagesParagraphs(pages), nil
}

// pagesParagraphs reads the rows of every page as paragraphs; the glyph
// advances that tell words apart are learnt from the whole document.
func pagesParagraphs(pages [][]pdfRow) []pdfParagraph {
	advances := learnAdvances(pages)
	var paragraphs []pdfParagraph
	for _, rows := range pages {
		paragraphs = appendPDFParagraphs(paragraphs, rows, advances)
	}
	return paragraphs
}

// pdfDocument builds a Document from a PDF's paragraphs: a short paragraph
// set in type clearly larger than the body text's (the size most of the
// text has) is a heading, the largest size level 1, the next level 2, and
// so on; a short paragraph all in bold is a heading one level below those
// (writers set minor headings in bold at body size or smaller).
func pdfDocument(paragraphs []pdfParagraph) *Document {
	runesBySize := map[float64]int{}
	for _, p := range paragraphs {
		runesBySize[roundSize(p.size)] += utf8.RuneCountInString(p.text)
	}
	body, most := 0.0, -1
	for size, n := range runesBySize {
		if n > most || n == most && size < body {
			body, most = size, n
		}
	}
	var headingSizes []float64
	for size := range runesBySize {
		if size >= body*1.15 {
			headingSizes = append(headingSizes, size)
		}
	}
	slices.SortFunc(headingSizes, func(a, b float64) int { return compareFloats(b, a) })
	var doc docBuilder
	title := ""
	for _, p := range paragraphs {
		text := normalizeText(repairMojibake(p.text))
		if text == "" {
			continue
		}
		level := slices.Index(headingSizes, roundSize(p.size)) + 1
		if level == 0 && p.bold && roundSize(p.size) <= body {
			level = len(headingSizes) + 1
		}
		if level > 0 && utf8.RuneCountInString(text) <= maxPlainHeading {
			level = min(level, 6)
			if level == 1 && title == "" {
				title = text
			}
			doc.heading(level, text)
			continue
		}
		doc.add(Block{Kind: Paragraph, Text: text})
	}
	return doc.document(title)
}

// roundSize rounds a type size to half points, so that sizes a PDF writer
// scales slightly differently still count as one.
func roundSize(size float64) float64 { return float64(int(size*2+0.5)) / 2 }

// pdfRow is the text drawn on one baseline of a page.
type pdfRow struct {
	y     float64
	texts []pdf.Text
}

// pdfRows groups a page's glyphs by baseline, top to bottom, each row
// left to right. (The library's GetTextByRow ignores Td moves, which most
// generators use, so rows are built here from the positioned glyphs.) The
// "\n" the library adds after each TJ array is dropped: where a TJ ends
// says nothing about words (writers start one for a kerning pair or a
// style run), the positions do.
func pdfRows(texts []pdf.Text) []pdfRow {
	var rows []pdfRow
	for _, t := range texts {
		if t.S == "\n" {
			continue
		}
		k := slices.IndexFunc(rows, func(r pdfRow) bool { return abs(r.y-t.Y) < max(t.FontSize*0.3, 1) })
		if k < 0 {
			rows = append(rows, pdfRow{y: t.Y})
			k = len(rows) - 1
		}
		rows[k].texts = append(rows[k].texts, t)
	}
	slices.SortStableFunc(rows, func(a, b pdfRow) int { return compareFloats(b.y, a.y) })
	for _, r := range rows {
		if !drawnInOrder(r.texts) {
			slices.SortStableFunc(r.texts, func(a, b pdf.Text) int { return compareFloats(a.X, b.X) })
		}
	}
	return rows
}

// drawnInOrder reports a row drawn left to right but for small moves back:
// kerning, when the library cannot advance over glyphs, places the next
// glyph a little left of the one before ("T" then "ypography"), and
// sorting by X would take the word apart.
func drawnInOrder(texts []pdf.Text) bool {
	for j := 1; j < len(texts); j++ {
		if texts[j].X < texts[j-1].X-0.3*max(texts[j-1].FontSize, 1) {
			return false
		}
	}
	return true
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

// appendPDFParagraphs appends a page's rows as paragraphs: a new one
// starts where the gap above a row is wider than 1.5 lines of its text, or
// where the type size changes (a heading and its text).
func appendPDFParagraphs(paragraphs []pdfParagraph, rows []pdfRow, advances glyphAdvances) []pdfParagraph {
	var current strings.Builder
	currentSize, currentBold := 0.0, true
	flush := func() {
		if text := strings.TrimSpace(current.String()); text != "" {
			paragraphs = append(paragraphs, pdfParagraph{text: text, size: currentSize, bold: currentBold})
		}
		current.Reset()
		currentBold = true
	}
	for i, row := range rows {
		size := rowFontSize(row)
		if i > 0 && (rows[i-1].y-row.y > 1.5*max(size, 1) || abs(currentSize-size) > 0.5) {
			flush()
		}
		currentSize = size
		currentBold = currentBold && rowIsBold(row)
		text := rowText(row, advances)
		if current.Len() > 0 && !hyphenBreak(current.String(), text) {
			current.WriteByte(' ')
		}
		current.WriteString(text)
	}
	flush()
	return paragraphs
}

// hyphenBreak reports a line that ends in a word's hyphen ("cross-") and a
// next line that goes on with the word ("posting"): the word was broken
// at its hyphen, which stays.
func hyphenBreak(before, next string) bool {
	rest, ok := strings.CutSuffix(before, "-")
	if !ok {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(rest)
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLetter(last) && unicode.IsLower(first)
}

// rowIsBold reports a row whose every visible glyph is set in a bold face
// (by the font's name, the only weight a text layer tells).
func rowIsBold(row pdfRow) bool {
	for _, t := range row.texts {
		if strings.TrimSpace(t.S) != "" && !strings.Contains(strings.ToLower(t.Font), "bold") {
			return false
		}
	}
	return true
}

// rowFontSize is the largest font size of a row.
func rowFontSize(r pdfRow) float64 {
	size := 0.0
	for _, t := range r.texts {
		size = max(size, t.FontSize)
	}
	return size
}
