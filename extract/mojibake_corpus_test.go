package extract

import (
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// cleanCorpus reads testdata/clean-text: correct text, one text a line,
// by file name.
func cleanCorpus(t testing.TB) map[string][]string {
	t.Helper()
	paths, err := filepath.Glob("testdata/clean-text/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 12 {
		t.Fatalf("clean-text corpus has %d files, want at least 12", len(paths))
	}
	corpus := map[string][]string{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.TrimSpace(line) != "" {
				corpus[filepath.Base(p)] = append(corpus[filepath.Base(p)], line)
			}
		}
		if strings.ContainsAny(string(raw), "*_`[]<>|#\\&") {
			t.Fatalf("%s: keep Markdown and HTML syntax out of the corpus, so that every format reads the lines as text", p)
		}
	}
	return corpus
}

// cleanRole is how a corpus line is set: heading, paragraph, list item or
// table cell, in turn (headings only when short enough to be one).
func cleanRole(i int, line string) int {
	role := i % 4
	if role == 0 && utf8.RuneCountInString(line) > maxPlainHeading {
		role = 1
	}
	return role
}

func cleanHTML(lines []string, head string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head>" + head + "</head><body><main>\n")
	for i, line := range lines {
		text := html.EscapeString(line)
		switch cleanRole(i, line) {
		case 0:
			b.WriteString("<h2>" + text + "</h2>\n")
		case 1:
			b.WriteString("<p>" + text + "</p>\n")
		case 2:
			b.WriteString("<ul><li>" + text + "</li></ul>\n")
		default:
			b.WriteString("<table><tr><td>" + text + "</td></tr></table>\n")
		}
	}
	b.WriteString("</main></body></html>\n")
	return b.String()
}

func cleanMarkdown(lines []string) string {
	var b strings.Builder
	for i, line := range lines {
		switch cleanRole(i, line) {
		case 0:
			b.WriteString("## " + line + "\n\n")
		case 1:
			b.WriteString(line + "\n\n")
		case 2:
			b.WriteString("- " + line + "\n\n")
		default:
			b.WriteString("| " + line + " |\n| --- |\n\n")
		}
	}
	return b.String()
}

// TestCleanTextSurvivesExtraction: correct text in a dozen languages, with
// the typography real policies use and sequences that look like mojibake,
// comes out of every reader byte for byte as its normalised self.
func TestCleanTextSurvivesExtraction(t *testing.T) {
	for name, lines := range cleanCorpus(t) {
		var cp1252Lines []string
		var cp1252Page []byte
		for _, line := range lines {
			if _, err := charmap.Windows1252.NewEncoder().String(line); err == nil {
				cp1252Lines = append(cp1252Lines, line)
			}
		}
		if len(cp1252Lines) > 0 {
			encoded, err := charmap.Windows1252.NewEncoder().String(cleanHTML(cp1252Lines, `<meta charset="windows-1252">`))
			if err != nil {
				t.Fatal(err)
			}
			cp1252Page = []byte(encoded)
		}
		variants := []struct {
			format, contentType string
			content             []byte
			lines               []string
		}{
			{"HTML, UTF-8 declared in a meta", "text/html", []byte(cleanHTML(lines, `<meta charset="utf-8">`)), lines},
			{"HTML, UTF-8 declared in the content type", "text/html; charset=utf-8", []byte(cleanHTML(lines, "")), lines},
			{"HTML, UTF-8 undeclared, sniffed", "", []byte(cleanHTML(lines, "<title>Policy</title>")), lines},
			{"Markdown", "text/markdown", []byte(cleanMarkdown(lines)), lines},
			{"plain text", "text/plain", []byte(strings.Join(lines, "\n\n") + "\n"), lines},
			{"HTML, Windows-1252", "text/html", cp1252Page, cp1252Lines},
		}
		for _, v := range variants {
			if len(v.lines) == 0 {
				continue
			}
			t.Run(name+"/"+v.format, func(t *testing.T) {
				doc, err := Extract(v.content, v.contentType, Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := documentTexts(doc)
				for i, line := range v.lines {
					want := normalizeText(line)
					if i >= len(got) {
						t.Fatalf("text %d missing: %q", i, want)
					}
					if got[i] != want {
						t.Errorf("text %d changed:\n got %q\nwant %q", i, got[i], want)
					}
				}
				if len(got) != len(v.lines) {
					t.Errorf("%d texts, want %d", len(got), len(v.lines))
				}
			})
		}
	}
}

// cleanTokens are the corpus's words with the punctuation they carry
// ("«\u00a0Ça\u00a0»,", "l’âge"), and the separators text puts between
// words.
func cleanTokens(t testing.TB) []string {
	var tokens []string
	for _, lines := range cleanCorpus(t) {
		for _, line := range lines {
			tokens = append(tokens, strings.Fields(line)...)
		}
	}
	return tokens
}

var cleanSeparators = []string{" ", " ", " ", "\u00a0", "\u202f", "\n", " — ", "\u00a0: ", " «\u00a0", "\u00a0» ", ", ", "… "}

// randomCleanText joins random corpus words with random separators:
// correct text, if not always sensible.
func randomCleanText(rng *rand.Rand, tokens []string) string {
	var b strings.Builder
	for k := range 1 + rng.IntN(12) {
		if k > 0 {
			b.WriteString(cleanSeparators[rng.IntN(len(cleanSeparators))])
		}
		b.WriteString(tokens[rng.IntN(len(tokens))])
	}
	return b.String()
}

// TestRepairKeepsRandomCleanText: the property behind the corpus test, on
// many random texts made of its words: repair(s) == s, both for a page's
// decoded text and for one extracted text.
func TestRepairKeepsRandomCleanText(t *testing.T) {
	tokens := cleanTokens(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		checkRepairKeeps(t, randomCleanText(rng, tokens))
	}
}

// FuzzRepairKeepsCleanText explores the same property further:
// go test -fuzz FuzzRepairKeepsCleanText ./extract/
func FuzzRepairKeepsCleanText(f *testing.F) {
	tokens := cleanTokens(f)
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(7), uint64(1<<40))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		rng := rand.New(rand.NewPCG(a, b))
		for range 20 {
			checkRepairKeeps(t, randomCleanText(rng, tokens))
		}
	})
}

func checkRepairKeeps(t *testing.T, s string) {
	t.Helper()
	if got := repairMojibake(s); got != s {
		t.Fatalf("repairMojibake changed correct text:\n got %q\nwant %q", got, s)
	}
	text := normalizeText(s)
	quoteOpen := false
	if got := repairText(text, lossyEvidence(text), &quoteOpen); got != text {
		t.Fatalf("repairText changed correct text:\n got %q\nwant %q", got, text)
	}
	doc := &Document{Sections: []Section{{Blocks: []Block{{Kind: Paragraph, Text: text}}}}}
	repairDocument(doc)
	if got := doc.Sections[0].Blocks[0].Text; got != text {
		t.Fatalf("repairDocument changed correct text:\n got %q\nwant %q", got, text)
	}
}

// TestCleanCorpusIsAdversarial guards the corpus's purpose: it must hold
// sequences that a repair by characters would take for mojibake (groups
// that decode), else the tests above prove nothing.
func TestCleanCorpusIsAdversarial(t *testing.T) {
	groups := 0
	var examples []string
	for _, lines := range cleanCorpus(t) {
		for _, line := range lines {
			for _, sp := range scanMojibake(line, true) {
				if sp.kind == spanGroup {
					groups++
					examples = append(examples, fmt.Sprintf("%q→%q", line[sp.start:sp.end], sp.repaired))
				}
			}
		}
	}
	if groups < 20 {
		t.Errorf("the corpus holds %d sequences that decode as UTF-8, want at least 20: %v", groups, examples)
	}
}
