package extract

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// lostToWindows1252 is what a repair can give back of s garbled once by
// Windows-1252: a character whose UTF-8 holds an undefined byte (0x81,
// 0x8D, 0x8F, 0x90, 0x9D) is lost, one U+FFFD; but for "”" (E2 80 9D),
// which "â€" and a lost byte can only be in running text.
func lostToWindows1252(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r != '”' && lostInWindows1252(r) {
			b.WriteRune('\uFFFD')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func lostInWindows1252(r rune) bool {
	for _, b := range []byte(string(r)) {
		switch b {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
			return true
		}
	}
	return false
}

// TestRepairGarbledCorpus: every line of the clean corpus, garbled as real
// pages garble UTF-8, comes back: exactly through Latin-1, with only the
// undefined bytes lost through Windows-1252, once or twice encoded, as a
// page's text and through extraction.
func TestRepairGarbledCorpus(t *testing.T) {
	for name, lines := range cleanCorpus(t) {
		for _, line := range lines {
			for _, c := range []struct {
				decoder *charmap.Charmap
				layers  int
				want    string
			}{
				{charmap.ISO8859_1, 1, line},
				{charmap.ISO8859_1, 2, line},
				{charmap.Windows1252, 1, lostToWindows1252(line)},
			} {
				bad := garble(line, c.decoder, c.layers)
				want := normalizeText(c.want)
				if got := normalizeText(repairMojibake(bad)); got != want {
					t.Errorf("%s, %v ×%d, page text %q:\n got %q\nwant %q", name, c.decoder, c.layers, bad, got, want)
				}
				doc, err := Extract([]byte(bad), "text/plain", Options{})
				if err != nil {
					t.Fatal(err)
				}
				if got := documentTexts(doc); len(got) != 1 || got[0] != want {
					t.Errorf("%s, %v ×%d, extracted %q:\n got %q\nwant %q", name, c.decoder, c.layers, bad, got, want)
				}
			}
		}
	}
}

// dropC1 is the lossy damage: Latin-1 mojibake whose C1 controls were
// then dropped ("you’ve" → "youâve").
func dropC1(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x80 && r <= 0x9F {
			return -1
		}
		return r
	}, s)
}

// TestRepairedMarkdownIsAFixedPoint: text mixing correct words and words
// garbled every way, as HTML and plain text, gives canonical Markdown that
// reads back as itself — the repair decides the same on the extracted text
// as on the page.
func TestRepairedMarkdownIsAFixedPoint(t *testing.T) {
	tokens := cleanTokens(t)
	rng := rand.New(rand.NewPCG(3, 4))
	garblers := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return garble(s, charmap.Windows1252, 1) },
		func(s string) string { return garble(s, charmap.ISO8859_1, 1) },
		func(s string) string { return garble(s, charmap.Windows1252, 2) },
		func(s string) string { return dropC1(garble(s, charmap.ISO8859_1, 1)) },
	}
	for range 3000 {
		var lines []string
		for range 1 + rng.IntN(4) {
			var words []string
			for range 1 + rng.IntN(10) {
				words = append(words, garblers[rng.IntN(len(garblers))](tokens[rng.IntN(len(tokens))]))
			}
			lines = append(lines, strings.Join(words, cleanSeparators[rng.IntN(len(cleanSeparators))]))
		}
		for _, page := range []struct{ content, contentType string }{
			{strings.Join(lines, "\n\n"), "text/plain"},
			{"<!DOCTYPE html><meta charset=utf-8><main><p>" + strings.Join(lines, "</p><p>") + "</p></main>", "text/html"},
		} {
			doc, err := Extract([]byte(page.content), page.contentType, Options{})
			if err != nil {
				continue // nothing left once the markup is read
			}
			first := doc.Markdown()
			again, err := Extract([]byte(first), "text/markdown", Options{})
			if err != nil {
				t.Fatalf("re-extracting %q: %v", first, err)
			}
			if second := again.Markdown(); second != first {
				t.Fatalf("%s %q: the Markdown changed when read again:\n%q\n%q", page.contentType, page.content, first, second)
			}
		}
	}
}
