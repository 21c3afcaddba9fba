package jsfilter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

// Filter runs on real captures, in milliseconds per page (parsing the page
// is outside the timing):
//
//	go test -run '^$' -bench BenchmarkFilter -benchmem ./jsfilter/

func benchmarkFilter(b *testing.B, f extract.Filter, p realPage, prepare func(*html.Node) int) {
	src, err := os.ReadFile(p.path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := extract.FilterContext{URL: p.url, Select: extract.CSS("body"), Filters: []string{f.Name()}}
	changed := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		page, err := html.Parse(strings.NewReader(string(src)))
		if err != nil {
			b.Fatal(err)
		}
		if prepare != nil {
			changed = prepare(page)
		}
		b.StartTimer()
		if err := f.Apply(page, ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
	if prepare != nil {
		b.ReportMetric(float64(changed), "links")
	}
}

func BenchmarkFilterCoffeeMeetsBagel(b *testing.B) {
	m, err := Load(cmbDir+"/declarations", "Coffee Meets Bagel")
	if err != nil {
		b.Fatal(err)
	}
	f, _ := m.Filter("unifyEmailProtectedAddresses", nil, time.Time{})
	benchmarkFilter(b, f, cmbPage, nil)
}

func BenchmarkFilterFacebookCleanUrls(b *testing.B) {
	m, err := Load(filepath.Join(publishedDir, "contrib"), "Facebook")
	if err != nil {
		b.Fatal(err)
	}
	f, _ := m.Filter("cleanUrls", nil, time.Time{})
	// ChristianMingle's links, made into the l.facebook.com redirects of Facebook's pages.
	benchmarkFilter(b, f, minglePage, func(page *html.Node) int { return len(facebookRedirects(page)) })
}

func BenchmarkFilterEmpty(b *testing.B) {
	// The fixed cost of a run: a fresh runtime, the prelude, the DOM's prototypes.
	m := scriptModule(b, "Empty", "export function nothing(document) {}\n")
	f, _ := m.Filter("nothing", nil, time.Time{})
	benchmarkFilter(b, f, cmbPage, nil)
}
