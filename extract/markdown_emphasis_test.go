package extract

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomInline is inline HTML of up to five pieces, nested up to four
// deep.
func randomInline(r *rand.Rand, depth int) string {
	pieces := []string{"a", "b c", " ", "*", "_", "**", "!", "[", "]", "(", ")", "\\", "`", "<", "é", "1.", "#", "|", ":", "\"", "x_y", "—"}
	var b strings.Builder
	n := r.IntN(6)
	for i := 0; i < n; i++ {
		switch k := r.IntN(10); {
		case k < 5 || depth > 3:
			b.WriteString(pieces[r.IntN(len(pieces))])
		case k < 7:
			tag := []string{"b", "i", "strong", "em"}[r.IntN(4)]
			b.WriteString("<" + tag + ">" + randomInline(r, depth+1) + "</" + tag + ">")
		case k < 8:
			b.WriteString(`<a href="https://x.com/` + string(rune('a'+r.IntN(3))) + `">` + randomInline(r, depth+1) + "</a>")
		case k < 9:
			b.WriteString(`<img alt="` + pieces[r.IntN(len(pieces))] + `">`)
		default:
			b.WriteString("<span>" + randomInline(r, depth+1) + "</span>")
		}
	}
	return b.String()
}

// TestRandomHTMLEmphasisRoundTrip: random paragraphs, items and cells of
// nested emphasis, links, images and text that looks like Markdown render
// to Markdown that reads back as the same document (the fuzz tests go
// further: go test -fuzz FuzzMarkdownRoundTrip).
func TestRandomHTMLEmphasisRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var page string
		if r.IntN(2) == 0 {
			page = "<main><p>" + randomInline(r, 0) + "</p><ul><li>" + randomInline(r, 0) + "</li></ul><table><tr><td>" + randomInline(r, 0) + "</td><td>" + randomInline(r, 0) + "</td></tr></table></main>"
		} else {
			page = "<main><p>" + randomInline(r, 0) + randomInline(r, 0) + "</p></main>"
		}
		doc, err := Extract([]byte(page), "text/html", Options{})
		if err != nil {
			continue
		}
		first := doc.Markdown()
		again, err := Extract([]byte(first), "text/markdown", Options{})
		if err != nil {
			t.Fatalf("%q: %v", first, err)
		}
		if second := again.Markdown(); second != first || !slices.Equal(allEmphasis(doc), allEmphasis(again)) || !slices.Equal(allLinks(doc), allLinks(again)) {
			t.Fatalf("page %q\nfirst  %q\nsecond %q\n%+v\n%+v", page, first, second, allEmphasis(doc), allEmphasis(again))
		}
	}
}

// TestRandomMarkdownRoundTrip: random Markdown made of emphasis
// delimiters, links, escapes and block markers reads into a document whose
// Markdown reads back as the same document.
func TestRandomMarkdownRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "bc", " ", "*", "_", "**", "***", "__", "!", "[", "]", "(", ")", "](u)", "[l](https://x.com/l)", "\\", "\\*", "`", "<", "é", "1. ", "- ", "#", "|", ":", "\"", "x_y", "\n", "  ", "![i](s)", "<!--", "-->", "~~~", "* "}
	for range 30000 {
		var b strings.Builder
		for n := r.IntN(14); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		doc, err := Extract([]byte(b.String()), "text/markdown", Options{})
		if err != nil {
			continue
		}
		first := doc.Markdown()
		again, err := Extract([]byte(first), "text/markdown", Options{})
		if err != nil {
			t.Fatalf("input %q first %q: %v", b.String(), first, err)
		}
		if second := again.Markdown(); second != first || !slices.Equal(allEmphasis(doc), allEmphasis(again)) || !slices.Equal(allLinks(doc), allLinks(again)) {
			t.Fatalf("input %q\nfirst  %q\nsecond %q\n%+v\n%+v", b.String(), first, second, allEmphasis(doc), allEmphasis(again))
		}
	}
}
