package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func BenchmarkExtractDevHelpPrivacy(b *testing.B) {
	content, err := os.ReadFile(fixtures + "twitter-dev-help-privacy.html")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(content, "text/html", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarkdownRoundTripPrivacyPolicy(b *testing.B) {
	content, err := os.ReadFile("../demo/twitter-x-history/privacy-policy/2023-08-23T00-36-12Z.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Extract(content, "text/markdown", Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = doc.ComparisonKey()
	}
}

// largePolicyPage builds a ~250 KB policy page the size of the largest
// real ones: a header, a navigation sidebar, 60 sections of paragraphs,
// lists and a table, a footer and a consent banner.
func largePolicyPage() []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Privacy Policy</title><script>var x = 1;</script></head><body>`)
	b.WriteString(`<header><nav>`)
	for i := range 80 {
		fmt.Fprintf(&b, `<a href="/section/%d?utm_source=nav">Menu entry %d</a>`, i, i)
	}
	b.WriteString(`</nav></header><main><h1>Privacy Policy</h1>`)
	for s := range 60 {
		fmt.Fprintf(&b, `<h2 id="s%d">Section %d: how we handle data of kind %d</h2>`, s, s, s)
		for p := range 5 {
			fmt.Fprintf(&b, `<p>Paragraph %d of section %d. We collect, use and share the information described here `+
				`to provide, improve and protect our services, as explained in <a href="/policy/%d#p%d">the details</a>, `+
				`and we keep it only as long as we need it for these purposes or as the law requires.</p>`, p, s, s, p)
		}
		b.WriteString(`<ul>`)
		for i := range 4 {
			fmt.Fprintf(&b, `<li>Item %d: a kind of data we receive, such as device, log or location data.</li>`, i)
		}
		b.WriteString(`</ul><table><tr><th>Purpose</th><th>Data</th><th>Legal basis</th></tr>`)
		for r := range 3 {
			fmt.Fprintf(&b, `<tr><td>Purpose %d</td><td>Account and usage data</td><td>Legitimate interests</td></tr>`, r)
		}
		b.WriteString(`</table>`)
	}
	b.WriteString(`</main><footer><p>© 2026 Example</p></footer><div id="onetrust-banner-sdk"><p>We use cookies.</p></div></body></html>`)
	return []byte(b.String())
}

func BenchmarkExtractLargePage(b *testing.B) {
	content := largePolicyPage()
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(content, "text/html", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkThousandPages extracts 1,000 pages in a row (the fixtures and
// the corpus, in turn) and reports the largest heap in use after each
// hundred pages: the steady memory of a long crawl.
func BenchmarkThousandPages(b *testing.B) {
	var pages [][]byte
	var types []string
	paths, _ := filepath.Glob("testdata/corpus/*.html")
	fixturePaths, _ := filepath.Glob(fixtures + "*")
	for _, p := range append(paths, fixturePaths...) {
		if strings.HasSuffix(p, ".md") && strings.Contains(p, "README") {
			continue
		}
		content, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, content)
		types = append(types, ContentTypeForName(p))
	}
	pages = append(pages, largePolicyPage())
	types = append(types, "text/html")
	var peak uint64
	for b.Loop() {
		for i := range 1000 {
			k := i % len(pages)
			if _, err := Extract(pages[k], types[k], Options{}); err != nil {
				b.Fatalf("page %d: %v", k, err)
			}
			if i%100 == 99 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
