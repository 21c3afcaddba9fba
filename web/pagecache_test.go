package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// keptSite is the test site served by a Server whose page cache the test
// can count renders of.
type keptSite struct {
	*testSite
	server *Server
}

func newKeptSite(t *testing.T) *keptSite {
	t.Helper()
	site := newTestSite(t)
	server := New(archive.NewView(site.st, 0), Options{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if server.pageCache == nil {
		t.Fatal("a server reading an archive.View keeps no pages")
	}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	site.srv = srv
	return &keptSite{testSite: site, server: server}
}

func (k *keptSite) renders() int64 { return k.server.pageCache.renders.Load() }

// request sends method to path with headers, and returns the response and
// its body.
func (k *keptSite) request(t *testing.T, method, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, k.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range header {
		req.Header.Set(name, value)
	}
	resp, err := k.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// otherProcess opens the test site's database again, as a crawl or import
// run next to the server would, and returns an archive on it.
func (k *keptSite) otherProcess(t *testing.T) (*archive.Archive, *store.Store) {
	t.Helper()
	st := storetest.OpenAt(t, k.st.Path())
	return archive.New(st), st
}

// recordNewCookiesVersion places a fifth version of X's cookie policy,
// captured on 2025-06-01, through ar.
func (k *keptSite) recordNewCookiesVersion(t *testing.T, ar *archive.Archive) int64 {
	t.Helper()
	content, err := os.ReadFile(cookiesHistory + cookieCaptures[len(cookieCaptures)-1])
	if err != nil {
		t.Fatal(err)
	}
	content = append(content, "\n\nWe keep a record of every page you read for thirteen months.\n"...)
	out, err := ar.Record(context.Background(), archive.DocumentRef{Service: "X", Type: "Cookies Policy"},
		archive.Capture{At: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), Source: "import", ContentType: "text/markdown", Content: content})
	if err != nil {
		t.Fatal(err)
	}
	if !out.NewVersion {
		t.Fatal("the edited capture made no new version")
	}
	return out.VersionID
}

// TestPagesAreKeptUntilTheArchiveChanges: a page asked again is served
// without being rendered again, the same bytes; once another process
// places a version, the pages show it on the next request.
func TestPagesAreKeptUntilTheArchiveChanges(t *testing.T) {
	site := newKeptSite(t)
	newest := site.cookies["2024-08-16"]
	paths := []string{
		"/",
		documentPath(site.cookiesDoc),
		versionPath(site.cookiesDoc, newest),
		diffPath(site.cookiesDoc, site.cookies["2022-11-23"], site.cookies["2023-09-20"]),
		"/feed.atom",
		fmt.Sprintf("/api/documents/%d/versions", site.cookiesDoc),
	}
	first := map[string]string{}
	for _, path := range paths {
		first[path] = site.mustGet(t, path, http.StatusOK)
	}
	rendered := site.renders()
	if rendered != int64(len(paths)) {
		t.Fatalf("%d renders for %d pages", rendered, len(paths))
	}
	for _, path := range paths {
		if again := site.mustGet(t, path, http.StatusOK); again != first[path] {
			t.Errorf("GET %s again: another body", path)
		}
	}
	if n := site.renders(); n != rendered {
		t.Fatalf("asking the same %d pages again rendered %d of them", len(paths), n-rendered)
	}
	if stats := site.server.PageCacheStats(); stats.Pages != len(paths) || stats.Bytes <= 0 || stats.Served != int64(len(paths)) {
		t.Errorf("the cache holds %d pages in %d bytes and served %d; want %d held and served", stats.Pages, stats.Bytes, stats.Served, len(paths))
	}

	ar, _ := site.otherProcess(t)
	added := site.recordNewCookiesVersion(t, ar)
	for _, path := range paths {
		body := site.mustGet(t, path, http.StatusOK)
		if body == first[path] {
			t.Errorf("GET %s after a version was placed: the page kept from before", path)
		}
	}
	if n := site.renders(); n != rendered+int64(len(paths)) {
		t.Errorf("%d renders after the archive changed, want %d", n-rendered, len(paths))
	}
	home := site.mustGet(t, "/", http.StatusOK)
	assertContains(t, "home page after the new version", home, "2025-06-01", strings.ReplaceAll(diffPath(site.cookiesDoc, newest, added), "&", "&amp;"))
	doc := site.mustGet(t, documentPath(site.cookiesDoc), http.StatusOK)
	assertContains(t, "document page after the new version", doc, versionPath(site.cookiesDoc, added))
}

// TestAlertsSentRenewOnlyTheDocumentPage: notify's writes (alerts,
// deliveries, attempts) show on the document page at once, and leave the
// other pages kept.
func TestAlertsSentRenewOnlyTheDocumentPage(t *testing.T) {
	site := newKeptSite(t)
	ctx := context.Background()
	doc := documentPath(site.cookiesDoc)
	home := site.mustGet(t, "/", http.StatusOK)
	before := site.mustGet(t, doc, http.StatusOK)
	assertNotContains(t, "document page without alerts", before, "<h2>Alerts</h2>")
	rendered := site.renders()

	_, st := site.otherProcess(t)
	versions, err := st.Versions(ctx, site.cookiesDoc)
	if err != nil || len(versions) == 0 || versions[0].Change == nil {
		t.Fatalf("versions: %v", err)
	}
	if err := st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddSubscription(store.Subscription{Kind: store.KindWebhook, URL: "https://hooks.example.org/alerts", Secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0"}); err != nil {
			return err
		}
		_, err := tx.QueueDeliveries(*versions[0].Change)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if again := site.mustGet(t, "/", http.StatusOK); again != home {
		t.Error("the home page changed with an alert queued")
	}
	if n := site.renders(); n != rendered {
		t.Errorf("an alert queued rendered the home page again")
	}
	after := site.mustGet(t, doc, http.StatusOK)
	assertContains(t, "document page with an alert queued", after, "<h2>Alerts</h2>", "webhook", "pending")
	if n := site.renders(); n != rendered+1 {
		t.Errorf("%d renders after an alert was queued, want 1 (the document page)", n-rendered)
	}
}

// TestKeptPagesAnswerConditionalRequests: a kept page has an ETag of its
// body; a reader sending it back gets 304 without a body, even after a
// write that changed other pages; HEAD gets the headers alone.
func TestKeptPagesAnswerConditionalRequests(t *testing.T) {
	site := newKeptSite(t)
	path := versionPath(site.cookiesDoc, site.cookies["2022-09-24"])
	resp, body := site.request(t, http.MethodGet, path, nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" || body == "" {
		t.Fatalf("GET %s: status %d, ETag %q, %d bytes", path, resp.StatusCode, etag, len(body))
	}
	if resp.Header.Get("Content-Security-Policy") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("a kept page lost its headers: %v", resp.Header)
	}
	resp, again := site.request(t, http.MethodGet, path, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified || again != "" {
		t.Errorf("GET with its ETag: status %d, %d bytes; want 304 and none", resp.StatusCode, len(again))
	}
	// Go's client asks for gzip on GET, not on HEAD: the same tag, strong
	// for the uncompressed page, and the uncompressed length.
	resp, again = site.request(t, http.MethodHead, path, nil)
	if resp.StatusCode != http.StatusOK || again != "" || "W/"+resp.Header.Get("ETag") != etag || resp.ContentLength != int64(len(body)) {
		t.Errorf("HEAD: status %d, %d bytes, ETag %q, length %d; want 200, none, %q, %d", resp.StatusCode, len(again), resp.Header.Get("ETag"), resp.ContentLength, etag, len(body))
	}

	// A version of another document: this page is rendered again, the same.
	ar, _ := site.otherProcess(t)
	if _, err := ar.Record(context.Background(), archive.DocumentRef{Service: "Other", Type: "Privacy Policy"},
		archive.Capture{At: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), ContentType: "text/markdown", Content: []byte("# Other\n\nWe keep nothing.\n")}); err != nil {
		t.Fatal(err)
	}
	rendered := site.renders()
	resp, _ = site.request(t, http.MethodGet, path, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("GET with its ETag after another document changed: status %d, want 304", resp.StatusCode)
	}
	if site.renders() != rendered+1 {
		t.Errorf("the page was not rendered again in the new generation")
	}

	// A feed keeps its own Last-Modified, and answers If-Modified-Since.
	resp, _ = site.request(t, http.MethodGet, "/feed.atom", nil)
	modified := resp.Header.Get("Last-Modified")
	if resp.StatusCode != http.StatusOK || modified == "" {
		t.Fatalf("feed: status %d, Last-Modified %q", resp.StatusCode, modified)
	}
	resp, _ = site.request(t, http.MethodGet, "/feed.atom", map[string]string{"If-Modified-Since": modified})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("feed with its Last-Modified: status %d, want 304", resp.StatusCode)
	}
}

// TestErrorsAreNeverKept: a missing document is rendered for every
// request, and once it exists the page shows it.
func TestErrorsAreNeverKept(t *testing.T) {
	site := newKeptSite(t)
	missing := fmt.Sprintf("/documents/%d", site.hostileDoc+1)
	for range 2 {
		site.mustGet(t, missing, http.StatusNotFound)
	}
	if n := site.renders(); n != 2 {
		t.Errorf("two requests for a missing document rendered %d pages, want 2", n)
	}
	if n, _ := site.server.pageCache.cached(); n != 0 {
		t.Errorf("%d error pages kept", n)
	}
	site.mustGet(t, "/documents/x", http.StatusBadRequest)
	if n, _ := site.server.pageCache.cached(); n != 0 {
		t.Errorf("%d error pages kept", n)
	}
}

// TestConcurrentRequestsRenderAPageOnce: requests for a page not kept yet
// wait for the one rendering it.
func TestConcurrentRequestsRenderAPageOnce(t *testing.T) {
	site := newKeptSite(t)
	path := diffPath(site.cookiesDoc, site.cookies["2022-09-24"], site.cookies["2024-08-16"])
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Go(func() {
			resp, body := site.request(t, http.MethodGet, path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status %d", path, resp.StatusCode)
			}
			bodies[i] = body
		})
	}
	wg.Wait()
	if n := site.renders(); n != 1 {
		t.Errorf("8 requests at once rendered the page %d times, want 1", n)
	}
	for _, body := range bodies[1:] {
		if body != bodies[0] {
			t.Fatal("requests at once got different bodies")
		}
	}
}

// TestPageCacheStaysWithinItsBudget: the least recently used pages go
// first, and a page larger than an eighth of the budget is not kept.
func TestPageCacheStaysWithinItsBudget(t *testing.T) {
	ctx := context.Background()
	c := newPageCache(8 << 10)
	put := func(uri string, size int) {
		key := pageKey{uri: uri, pages: 1}
		page, claim := c.lookup(ctx, key)
		if page != nil || claim == nil {
			t.Fatalf("%s: kept before it was rendered", uri)
		}
		c.finish(key, claim, &keptPage{header: http.Header{}, gzipped: make([]byte, size)})
	}
	for i := range 12 {
		put(fmt.Sprintf("/page/%d", i), 700)
	}
	n, used := c.cached()
	if used > c.budget || n >= 12 || n == 0 {
		t.Errorf("%d pages in %d bytes; want fewer than 12 within %d", n, used, c.budget)
	}
	if page, claim := c.lookup(ctx, pageKey{uri: "/page/0", pages: 1}); page != nil || claim == nil {
		t.Error("the least recently used page is still kept")
	} else {
		c.finish(pageKey{uri: "/page/0", pages: 1}, claim, nil)
	}
	if page, _ := c.lookup(ctx, pageKey{uri: "/page/11", pages: 1}); page == nil {
		t.Error("the most recent page is not kept")
	}
	if page, claim := c.lookup(ctx, pageKey{uri: "/page/11", pages: 2}); page != nil || claim == nil {
		t.Error("a page of another generation was served")
	} else {
		c.finish(pageKey{uri: "/page/11", pages: 2}, claim, nil)
	}
	put("/large", 2<<10)
	if page, claim := c.lookup(ctx, pageKey{uri: "/large", pages: 1}); page != nil || claim == nil {
		t.Error("a page larger than an eighth of the budget was kept")
	} else {
		c.finish(pageKey{uri: "/large", pages: 1}, claim, nil)
	}
}
