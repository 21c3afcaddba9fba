package extract

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// minimalPDF writes a one-page PDF whose text layer holds lines, each
// drawn at its own height in Helvetica (a standard font, so no font file
// is needed): a real PDF as generators write them, made here so that the
// test needs no tool.
func minimalPDF(lines []pdfLine) []byte {
	var stream strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&stream, "BT /F1 %d Tf 72 %d Td (%s) Tj ET\n", l.size, l.y, pdfString(l.text))
	}
	return pdfWithStream(stream.String(), map[string]string{"F1": "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"})
}

// pdfString escapes text for a PDF string literal.
func pdfString(text string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(text)
}

// pdfWithStream writes a one-page PDF drawing stream with the fonts given
// (resource name to font dictionary).
func pdfWithStream(stream string, fonts map[string]string) []byte {
	names := slices.Sorted(maps.Keys(fonts))
	var resources strings.Builder
	for i, name := range names {
		fmt.Fprintf(&resources, "/%s %d 0 R ", name, 5+i)
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << " + resources.String() + ">> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(stream), stream),
	}
	for _, name := range names {
		objects = append(objects, fonts[name])
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

type pdfLine struct {
	y, size int
	text    string
}

func TestPDFTextLayer(t *testing.T) {
	content := minimalPDF([]pdfLine{
		{740, 18, "Example Privacy Policy"},
		{700, 11, "We collect the information you give us when you"},
		{686, 11, "create an account, such as your name."},
		{650, 14, "How We Use Information"},
		{620, 11, "We use it to provide and improve the service."},
	})
	for _, contentType := range []string{"application/pdf", ""} {
		doc, err := Extract(content, contentType, Options{})
		if err != nil {
			t.Fatalf("%q: %v", contentType, err)
		}
		if doc.Title != "Example Privacy Policy" {
			t.Errorf("title %q", doc.Title)
		}
		findBlock(t, doc, "We collect the information you give us when you create an account, such as your name.")
		if s := findSection(t, doc, "How We Use Information"); s.Level != 2 {
			t.Errorf("section level %d", s.Level)
		}
		findBlock(t, doc, "We use it to provide and improve the service.")
	}
}

func TestPDFErrors(t *testing.T) {
	if _, err := Extract([]byte("%PDF-1.4\nnot really a pdf"), "application/pdf", Options{}); err == nil || !strings.Contains(err.Error(), "PDF") {
		t.Errorf("broken PDF: %v", err)
	}
	if _, err := Extract(minimalPDF([]pdfLine{{700, 11, "Text"}}), "application/pdf", Options{Select: CSS("p")}); err == nil {
		t.Error("CSS rules on a PDF: no error")
	}
}

// TestPDFLigaturesAndHyphens: ligature glyphs are the letters they join,
// and a word broken after its hyphen at the end of a line is one word.
func TestPDFLigaturesAndHyphens(t *testing.T) {
	// Bytes 128 and 129 draw the "fi" and "ffi" glyphs, as writers encode
	// them with a Differences array.
	stream := "BT /F1 11 Tf 72 700 Td (Our a\\201liates \\200nd it. We prevent cross-) Tj ET\n" +
		"BT /F1 11 Tf 72 686 Td (posting and re-) Tj ET\n" +
		"BT /F1 11 Tf 72 672 Td (Use of - Data.) Tj ET\n"
	content := pdfWithStream(stream, map[string]string{
		"F1": "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [128 /fi /ffi] >> >>",
	})
	doc, err := Extract(content, "application/pdf", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "Our affiliates find it. We prevent cross-posting and re- Use of - Data."
	if got := documentTexts(doc); len(got) != 1 || got[0] != want {
		t.Errorf("texts %q, want %q", got, want)
	}
}
