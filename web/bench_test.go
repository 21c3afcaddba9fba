package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/policywatch/policywatch/archive"
)

// benchmarkPage serves path repeatedly through the handler, without the
// network, from the test site's store.
func benchmarkPage(b *testing.B, path func(*testSite) string) {
	site := newTestSite(b)
	handler := New(archive.NewView(site.st, 0), Options{Logger: slog.New(slog.DiscardHandler)}).Handler()
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
