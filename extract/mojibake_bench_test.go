package extract

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// frenchPolicyPage is a ~100 KB HTML page of the clean corpus's French and
// adversarial lines: accented text everywhere, the case the repair's fast
// path (no 0xC3 byte) does not cover, and sequences that look like
// mojibake far more often than real pages have them (the worst case).
func frenchPolicyPage(b *testing.B) string {
	var lines []string
	for _, name := range []string{"fr.txt", "adversarial.txt"} {
		raw, err := os.ReadFile("testdata/clean-text/" + name)
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.TrimSpace(string(raw)), "\n")...)
	}
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Politique</title></head><body><main>`)
	for page.Len() < 100<<10 {
		for i, line := range lines {
			if i%7 == 0 {
				page.WriteString("<h2>" + line + "</h2>")
			} else {
				page.WriteString("<p>" + line + "</p>")
			}
		}
	}
	page.WriteString("</main></body></html>")
	return page.String()
}

func BenchmarkRepairMojibakeFrench(b *testing.B) {
	page := frenchPolicyPage(b)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		repairMojibake(page)
	}
}

func BenchmarkRepairMojibakeFrenchGarbled(b *testing.B) {
	page, _ := charmap.Windows1252.NewDecoder().String(frenchPolicyPage(b))
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		repairMojibake(page)
	}
}

func BenchmarkExtractFrenchPage(b *testing.B) {
	page := []byte(frenchPolicyPage(b))
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(page, "text/html", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
