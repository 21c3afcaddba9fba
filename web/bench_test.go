package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/archive"
)

// benchmarkPage serves path repeatedly through the handler, without the
// network, from the test site's store, rendering it every time (no page
// is kept: what a page costs when the archive has changed).
func benchmarkPage(b *testing.B, path func(*testSite) string) {
	site := newTestSite(b)
	handler := New(archive.NewView(site.st, 0), Options{Logger: slog.New(slog.DiscardHandler), PageCacheBytes: -1}).Handler()
	target := path(site)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", target, rec.Code)
		}
	}
}

func BenchmarkHomePage(b *testing.B) {
	benchmarkPage(b, func(*testSite) string { return "/" })
}

func BenchmarkDocumentPage(b *testing.B) {
	benchmarkPage(b, func(s *testSite) string { return documentPath(s.cookiesDoc) })
}

func BenchmarkVersionPage(b *testing.B) {
	benchmarkPage(b, func(s *testSite) string { return versionPath(s.cookiesDoc, s.cookies["2023-09-20"]) })
}

// BenchmarkRebrandDiffPage includes the diff itself, computed per request.
func BenchmarkRebrandDiffPage(b *testing.B) {
	benchmarkPage(b, func(s *testSite) string {
		return diffPath(s.cookiesDoc, s.cookies["2022-11-23"], s.cookies["2023-09-20"])
	})
}

// benchmarkDemoPage serves path repeatedly from the demo archive (both
// histories and the five single captures), without the network, and
// reports the page's weight. Diffs are cached by the view as they are
// when served, after the first request; pages are rendered every time
// (none is kept), unless the name says kept.
func benchmarkDemoPage(b *testing.B, path func(*demoSite) string) {
	benchmarkDemoPageKept(b, -1, path)
}

func benchmarkDemoPageKept(b *testing.B, pageCacheBytes int64, path func(*demoSite) string) {
	site := readDemoSite(b)
	handler := New(archive.NewView(site.st, 0), Options{Logger: slog.New(slog.DiscardHandler), PageCacheBytes: pageCacheBytes}).Handler()
	target := path(site)
	size := 0
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", target, rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "B/page")
}

func BenchmarkDemoHomePage(b *testing.B) {
	benchmarkDemoPage(b, func(*demoSite) string { return "/" })
}

// BenchmarkDemoHomePageKept is the home page served from the page cache:
// what every request after the first costs until the archive changes.
func BenchmarkDemoHomePageKept(b *testing.B) {
	benchmarkDemoPageKept(b, 0, func(*demoSite) string { return "/" })
}

func BenchmarkDemoAllChangesPage(b *testing.B) {
	benchmarkDemoPage(b, func(*demoSite) string { return "/changes" })
}

// BenchmarkDemoTimelinePage is the cookie policy's page: 37 versions, the
// chart of all of them, the flip-flops folded.
func BenchmarkDemoTimelinePage(b *testing.B) {
	benchmarkDemoPage(b, func(s *demoSite) string { return documentPath(s.demoDocument(b, "X", "Trackers Policy")) })
}

func BenchmarkDemoTimelineFiltered(b *testing.B) {
	benchmarkDemoPage(b, func(s *demoSite) string {
		return documentPath(s.demoDocument(b, "X", "Trackers Policy")) + "?class=substantive&magnitude=major"
	})
}

// bigDiff is the demo's largest diff: the privacy policy of 2023-08-23,
// which held the coming policy beside the current one.
func bigDiff(b *testing.B, s *demoSite) string {
	p := s.demoDocument(b, "X", "Privacy Policy")
	return diffPath(p, s.demoVersion(b, p, "2023-05-18"), s.demoVersion(b, p, "2023-08-23"))
}

func BenchmarkDemoBigDiffInline(b *testing.B) {
	benchmarkDemoPage(b, func(s *demoSite) string { return bigDiff(b, s) })
}

func BenchmarkDemoBigDiffSideBySide(b *testing.B) {
	benchmarkDemoPage(b, func(s *demoSite) string { return bigDiff(b, s) + "&view=side" })
}

func BenchmarkDemoVersionPage(b *testing.B) {
	benchmarkDemoPage(b, func(s *demoSite) string {
		p := s.demoDocument(b, "X", "Privacy Policy")
		return versionPath(p, s.demoVersion(b, p, "2023-08-23"))
	})
}

// BenchmarkDemoComparePage compares the seed Twitter and X cookie
// policies, two documents.
func BenchmarkDemoComparePage(b *testing.B) {
	benchmarkDemoPage(b, func(s *demoSite) string {
		tw, x := s.demoDocument(b, "Twitter", "Trackers Policy"), s.demoDocument(b, "X", "Cookies Policy (page text capture)")
		return comparePath(s.demoVersion(b, tw, "2021-01-01"), s.demoVersion(b, x, "2023-09-20"))
	})
}

func BenchmarkDemoSearchWord(b *testing.B) {
	benchmarkDemoPage(b, func(*demoSite) string { return "/search?q=biometric" })
}

func BenchmarkDemoSearchPhrase(b *testing.B) {
	benchmarkDemoPage(b, func(*demoSite) string { return "/search?q=%22third+parties%22" })
}

// BenchmarkDemoSearchCommonWord looks for a word every version holds.
func BenchmarkDemoSearchCommonWord(b *testing.B) {
	benchmarkDemoPage(b, func(*demoSite) string { return "/search?q=the" })
}

func BenchmarkDemoAPISearch(b *testing.B) {
	benchmarkDemoPage(b, func(*demoSite) string { return "/api/search?q=biometric" })
}

func BenchmarkDemoUnifiedDiff(b *testing.B) {
	benchmarkDemoPage(b, func(s *demoSite) string { return strings.Replace(bigDiff(b, s), "/documents/2/diff", "/diff.txt", 1) })
}
