package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// allFeedPaths are the nine feeds of the test site.
func allFeedPaths(site *testSite) []string {
	var paths []string
	for _, prefix := range []string{"", "/services/X", documentPath(site.cookiesDoc)} {
		for _, ext := range feedExts {
			paths = append(paths, prefix+"/feed."+ext)
		}
	}
	return paths
}

// conditionalGet fetches path with one request header set.
func (s *testSite) conditionalGet(t *testing.T, path, header, value string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(header, value)
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp, string(body)
}

func TestFeedConditionalGet(t *testing.T) {
	site := newTestSite(t)
	etags := map[string]string{}
	for _, p := range append(allFeedPaths(site), "/feed.atom?class=rebrand") {
		resp, body := site.get(t, p)
		etag, modified := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		// Weak: the Go client asks for gzip, and compressed bytes are a
		// representation equal in meaning only (compress.go).
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(etag, `W/"`) || modified == "" {
			t.Fatalf("GET %s: status %d, ETag %q, Last-Modified %q", p, resp.StatusCode, etag, modified)
		}
		if other, seen := etags[etag]; seen {
			t.Errorf("%s and %s share the ETag %s", p, other, etag)
		}
		etags[etag] = p
		// Newest entry of every one of these feeds: 2025-01-02 (the hostile
		// change) for the site, 2024-08-16 for X and its cookie policy.
		lm, err := http.ParseTime(modified)
		if err != nil || !(lm.Equal(time.Date(2025, 1, 2, 12, 0, 0, 0, time.UTC)) || lm.Equal(time.Date(2024, 8, 16, 0, 36, 31, 0, time.UTC)) ||
			lm.Equal(time.Date(2023, 9, 20, 18, 34, 47, 0, time.UTC))) {
			t.Errorf("GET %s: Last-Modified %q is not the newest entry's date", p, modified)
		}

		for _, c := range []struct{ header, value string }{
			{"If-None-Match", etag},
			{"If-None-Match", `"other", ` + etag},
			{"If-Modified-Since", modified},
			{"If-Modified-Since", lm.Add(time.Hour).Format(http.TimeFormat)},
		} {
			resp, got := site.conditionalGet(t, p, c.header, c.value)
			if resp.StatusCode != http.StatusNotModified || got != "" {
				t.Errorf("GET %s with %s: %s: status %d with %d bytes, want 304 and none", p, c.header, c.value, resp.StatusCode, len(got))
			}
			if resp.Header.Get("ETag") != etag {
				t.Errorf("GET %s with %s: 304 with ETag %q, want %q", p, c.header, resp.Header.Get("ETag"), etag)
			}
		}
		head, err := site.srv.Client().Head(site.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		head.Body.Close()
		// Go's client asks for gzip on GET, not on HEAD: the uncompressed
		// representation's tag, strong, and length.
		if head.StatusCode != http.StatusOK || "W/"+head.Header.Get("ETag") != etag || head.ContentLength != int64(len(body)) {
			t.Errorf("HEAD %s: status %d, ETag %q, length %d; want 200, %s, %d", p, head.StatusCode, head.Header.Get("ETag"), head.ContentLength, etag, len(body))
		}
		for _, c := range []struct{ header, value string }{
			{"If-None-Match", `"something else"`},
			{"If-Modified-Since", lm.Add(-time.Second).Format(http.TimeFormat)},
		} {
			resp, got := site.conditionalGet(t, p, c.header, c.value)
			if resp.StatusCode != http.StatusOK || got != body {
				t.Errorf("GET %s with %s: %s: status %d, want 200 and the feed", p, c.header, c.value, resp.StatusCode)
			}
		}
	}
}

// TestFeedIgnoresTheHostHeader: links come from the configured base URL;
// a Host header chosen by the client must not reach a feed that caches and
// readers share.
func TestFeedIgnoresTheHostHeader(t *testing.T) {
	site := newTestSite(t)
	for _, p := range allFeedPaths(site) {
		honest := getFeed(t, site, p)
		hostile := getFeedWithHost(t, site, p, "evil.example")
		if strings.Contains(hostile.body, "evil") {
			t.Errorf("%s: the request's Host reached the feed", p)
		}
		if hostile.body != honest.body {
			t.Errorf("%s: the feed depends on the Host header", p)
		}
		if !strings.HasPrefix(hostile.feed.Items[0].Link, site.srv.URL+"/documents/") {
			t.Errorf("%s: entry link %q is not on the base URL %s", p, hostile.feed.Items[0].Link, site.srv.URL)
		}
	}
	// X-Forwarded-Host and -Proto are not trusted either.
	req, _ := http.NewRequest(http.MethodGet, site.srv.URL+"/feed.rss", nil)
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := site.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	assertNotContains(t, "/feed.rss with X-Forwarded-*", string(body), "evil", "https://"+site.srv.Listener.Addr().String())
}

func TestFeedBaseURLWithAPath(t *testing.T) {
	st, err := store.Open(context.Background(), storetest.DB(t, "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, c := range []struct{ base, want string }{
		{"https://policywatch.example/watch/", "https://policywatch.example/watch/feed.atom"},
		{"", "http://localhost/feed.atom"},
		{"not a URL", "http://localhost/feed.atom"}, // logged; the server still serves
	} {
		h := New(archive.NewView(st, 0), Options{BaseURL: c.base, Logger: discardLogger()}).Handler()
		rec := serveRecorded(h, "/feed.atom")
		f, err := gofeed.NewParser().ParseString(rec.Body.String())
		if err != nil || f.FeedLink != c.want {
			t.Errorf("base URL %q: self link %q (%v), want %q", c.base, f.FeedLink, err, c.want)
		}
	}
	for _, bad := range []string{"policywatch.example", "ftp://x.example", "https://x.example/?a=b", "https://u:p@x.example"} {
		if _, err := ParseBaseURL(bad); err == nil {
			t.Errorf("ParseBaseURL(%q) accepted it", bad)
		}
	}
}

// TestEmptyFeedsHaveARealDate: a feed with no entry is dated by the
// server's start, not 1970, and keeps that date between requests.
func TestEmptyFeedsHaveARealDate(t *testing.T) {
	st, err := store.Open(context.Background(), storetest.DB(t, "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	before := time.Now().Add(-time.Second)
	site := &testSite{srv: serveSite(t, st), st: st}
	after := time.Now().Add(time.Second)
	for _, ext := range feedExts {
		p := "/feed." + ext
		f := getFeed(t, site, p)
		if len(f.feed.Items) != 0 {
			t.Fatalf("%s: %d entries in an empty database", p, len(f.feed.Items))
		}
		lm, err := http.ParseTime(f.resp.Header.Get("Last-Modified"))
		if err != nil || lm.Before(before) || lm.After(after) {
			t.Errorf("%s: Last-Modified %q, want the server's start", p, f.resp.Header.Get("Last-Modified"))
		}
		if ext != "json" { // JSON Feed has no feed date
			if u := f.feed.UpdatedParsed; u == nil || u.Before(before) || u.After(after) {
				t.Errorf("%s: updated %v, want the server's start (between %v and %v)", p, u, before, after)
			}
		}
		if again := getFeed(t, site, p); again.body != f.body {
			t.Errorf("%s: an empty feed changed between two requests", p)
		}
	}
}

func TestFeedFilters(t *testing.T) {
	site := newTestSite(t)
	classesOf := func(f fetched) map[string]int {
		seen := map[string]int{}
		for _, item := range f.feed.Items {
			for _, c := range item.Categories {
				seen[c]++
			}
		}
		return seen
	}
	for _, ext := range feedExts {
		all := classesOf(getFeed(t, site, "/feed."+ext))
		if all["rebrand"] != 1 || all["substantive"] != 3 || all["major"] != 3 || all["minor"] != 1 {
			t.Fatalf("/feed.%s: categories %v, want 1 rebrand and 3 substantive, 3 major and 1 minor", ext, all)
		}
		cases := []struct {
			query string
			want  map[string]int
		}{
			{"?class=rebrand", map[string]int{"rebrand": 1, "minor": 1}},
			{"?magnitude=major", map[string]int{"substantive": 3, "major": 3}},
			{"?class=rebrand,substantive", all},
			{"?class=substantive&class=rebrand", all},
			{"?class=Substantive&magnitude=minor", map[string]int{}},
			{"?class=&utm_source=reader", all}, // empty and unknown parameters select nothing
		}
		for _, c := range cases {
			p := "/feed." + ext + c.query
			f := getFeed(t, site, p)
			got := classesOf(f)
			if len(got) != len(c.want) {
				t.Errorf("%s: categories %v, want %v", p, got, c.want)
			}
			for k, n := range c.want {
				if got[k] != n {
					t.Errorf("%s: %d entries of %s, want %d (%v)", p, got[k], k, n, got)
				}
			}
		}
		// A filtered feed is a feed of its own: its own id and self link.
		rebrand := getFeed(t, site, "/feed."+ext+"?class=rebrand")
		if want := site.srv.URL + "/feed." + ext + "?class=rebrand"; rebrand.feed.FeedLink != want {
			t.Errorf("/feed.%s?class=rebrand: self link %q, want %q", ext, rebrand.feed.FeedLink, want)
		}
		assertContains(t, "/feed."+ext+"?class=rebrand", rebrand.feed.Title, "(rebrand only)")

		for query, msg := range map[string]string{
			"?class=rebrand,nonsense": `unknown class "nonsense" in the query: a class is one of cosmetic, rebrand, editorial, substantive`,
			"?magnitude=huge":         `unknown magnitude "huge" in the query: a magnitude is one of minor, major`,
		} {
			for _, prefix := range []string{"", "/services/X", documentPath(site.cookiesDoc)} {
				p := prefix + "/feed." + ext + query
				body := site.mustGet(t, p, http.StatusBadRequest)
				assertContains(t, p, body, strings.ReplaceAll(msg, `"`, "&#34;"))
			}
		}
	}
	if atom := getFeed(t, site, "/feed.atom?class=rebrand").body; !strings.Contains(atom, "<id>urn:policywatch:feed:all;class=rebrand</id>") {
		t.Errorf("filtered Atom feed: its id does not name the filter:\n%.600s", atom)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// serveRecorded serves one GET of target through h, without the network.
func serveRecorded(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}
