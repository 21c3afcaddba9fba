package extract

import (
	"bytes"
	"context"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// TestPDFFaithfulness measures how faithfully the text layer of a real PDF
// comes back: the X privacy policy of 2023-09-29 is laid out as HTML,
// printed to PDF by headless Chromium (as browsers and office suites make
// PDFs), and read back both by Extract (github.com/ledongthuc/pdf) and, when
// it is installed, by Debian's pdftotext. Each is scored by the share of the
// source's words it gives back in order. Run with -v to see the figures.
func TestPDFFaithfulness(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("Debian's chromium is not installed: it prints the PDF this test reads")
	}
	source, err := os.ReadFile("../demo/twitter-x-history/privacy-policy/2023-09-29T18-34-56Z.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Extract(source, "text/markdown", Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "policy.html")
	if err := os.WriteFile(page, []byte(documentHTML(doc)), 0o644); err != nil {
		t.Fatal(err)
	}
	pdfPath := filepath.Join(dir, "policy.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	print := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer", "--print-to-pdf="+pdfPath, "file://"+page)
	if out, err := print.CombinedOutput(); err != nil {
		t.Fatalf("chromium --print-to-pdf: %v\n%s", err, out)
	}
	content, err := os.ReadFile(pdfPath)
	if err != nil {
		t.Fatal(err)
	}
	want := words(documentText(doc))

	got, err := Extract(content, "application/pdf", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ours := wordRecall(want, words(documentText(got)))
	t.Logf("github.com/ledongthuc/pdf via Extract: %.4f of %d words in order, %d sections", ours, len(want), len(got.Sections))
	if ours < 0.97 {
		t.Errorf("Extract gave back %.4f of the words of a browser-printed PDF, want at least 0.97", ours)
	}
	// The same PDF without its space glyphs is a text layer as Google Docs
	// writes them: words apart only by where their glyphs are.
	spaceless := words(documentText(spacelessReading(t, content)))
	long := 0
	for _, w := range spaceless {
		if utf8.RuneCountInString(w) > 25 {
			long++
		}
	}
	spacelessRecall := wordRecall(want, spaceless)
	t.Logf("the same without its space glyphs: %.4f of %d words in order, %d of %d words longer than 25 letters", spacelessRecall, len(want), long, len(spaceless))
	if spacelessRecall < 0.97 {
		t.Errorf("without space glyphs, Extract gave back %.4f of the words, want at least 0.97", spacelessRecall)
	}
	gotHeadings := map[string]bool{}
	for _, sec := range got.Sections {
		gotHeadings[sec.Heading()] = true
	}
	sourceHeadings, found := 0, 0
	for _, sec := range doc.Sections {
		if h := sec.Heading(); h != "" {
			sourceHeadings++
			if gotHeadings[h] {
				found++
			} else {
				t.Logf("heading not recovered: %q (level %d)", h, sec.Level)
			}
		}
	}
	t.Logf("headings: %d of the source's %d come back as headings", found, sourceHeadings)
	if found*10 < sourceHeadings*9 {
		t.Errorf("%d of %d headings came back as headings, want at least 90 %%", found, sourceHeadings)
	}

	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.CommandContext(ctx, pdftotext, "-enc", "UTF-8", pdfPath, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		t.Logf("pdftotext (poppler): %.4f of %d words in order", wordRecall(want, words(string(out))), len(want))
	}
}

// spacelessReading reads a PDF as Extract does, its space glyphs dropped.
// Only spaces placed where they are drawn go: the library stacks the
// glyphs of some runs at one X (it cannot advance over glyphs of unknown
// width), and without its spaces such a run would hold no word boundary
// at all, where a writer that draws no spaces moves on between words.
func spacelessReading(t *testing.T, content []byte) *Document {
	t.Helper()
	reader, err := pdf.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		t.Fatal(err)
	}
	var pages [][]pdfRow
	for i := 1; i <= reader.NumPage(); i++ {
		var texts []pdf.Text
		glyphs := reader.Page(i).Content().Text
		for j, g := range glyphs {
			if strings.TrimSpace(g.S) == "" && j > 0 && abs(g.X-glyphs[j-1].X) > stackedGap*g.FontSize {
				continue
			}
			texts = append(texts, g)
		}
		pages = append(pages, pdfRows(texts))
	}
	doc := pdfDocument(pagesParagraphs(pages))
	repairDocument(doc)
	return doc
}

// documentHTML lays a Document out as a plain HTML page.
func documentHTML(d *Document) string {
	var b strings.Builder
	b.WriteString("<!doctype html><meta charset=utf-8><style>body{font:11pt serif;margin:2cm}</style>")
	for _, s := range d.Sections {
		if h := s.Heading(); h != "" {
			level := min(max(s.Level, 1), 6)
			b.WriteString("<h" + string(rune('0'+level)) + ">" + html.EscapeString(h) + "</h" + string(rune('0'+level)) + ">\n")
		}
		for _, blk := range s.Blocks {
			text := blk.Text
			if blk.Kind == TableRow {
				text = strings.Join(blk.Cells, " ")
			}
			b.WriteString("<p>" + html.EscapeString(text) + "</p>\n")
		}
	}
	return b.String()
}

// documentText is a Document's headings and block text, in order.
func documentText(d *Document) string {
	var b strings.Builder
	for _, s := range d.Sections {
		b.WriteString(s.Heading() + "\n")
		for _, blk := range s.Blocks {
			b.WriteString(blk.Text + " " + strings.Join(blk.Cells, " ") + "\n")
		}
	}
	return b.String()
}

// words splits text into lower-case words, dropping punctuation around
// them, so that typographic choices of a PDF writer do not count.
func words(text string) []string {
	var out []string
	for _, f := range strings.Fields(text) {
		f = strings.ToLower(strings.Trim(f, ".,;:!?\"'“”‘’()[]*-–—•"))
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// wordRecall is the share of want's words that got gives back in the same
// order (the longest common subsequence, computed by go-diff over words).
func wordRecall(want, got []string) float64 {
	if len(want) == 0 {
		return 1
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	a, b, _ := dmp.DiffLinesToRunes(strings.Join(want, "\n")+"\n", strings.Join(got, "\n")+"\n")
	common := 0
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		if d.Type == diffmatchpatch.DiffEqual {
			common += len([]rune(d.Text))
		}
	}
	return float64(common) / float64(len(want))
}
