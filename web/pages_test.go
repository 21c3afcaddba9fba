package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// attr is how html/template writes a URL into an attribute.
func attr(path string) string { return strings.ReplaceAll(path, "&", "&amp;") }

func TestHomeListsServicesDocumentsAndLatestChanges(t *testing.T) {
	site := newTestSite(t)
	body := site.mustGet(t, "/", http.StatusOK)

	assertContains(t, "home", body,
		`<a href="/services/X">X</a>`,
		fmt.Sprintf(`<a href="/documents/%d">Trackers Policy</a>`, site.cookiesDoc),
		`last change <time datetime="2024-08-16T00:36:31Z">2024-08-16</time>`, // X's
		`href="/services/Evil%20%3Cb%3ECorp%3C%2Fb%3E"`,
		attr(diffPath(site.cookiesDoc, site.cookies["2022-11-23"], site.cookies["2023-09-20"])),
		`<link rel="stylesheet" href="/static/style.css">`,
	)
	// The latest changes first, newest first (the hostile document's of
	// 2025 before X's of 2024), then the services by name.
	assertOrder(t, "home", body, "Latest changes", "2025-01-02", "2024-08-16", "2023-09-20",
		`<h2 id="services">Services</h2>`, "Evil &lt;b&gt;Corp&lt;/b&gt;", `<a href="/services/X">X</a>`)
}

func TestServicePageListsItsDocumentsAndChanges(t *testing.T) {
	site := newTestSite(t)
	body := site.mustGet(t, "/services/X", http.StatusOK)
	assertContains(t, "service X", body, "<h1>X</h1>", "Trackers Policy", "2023-09-20", `href="/services/X/feed.atom"`)
	assertNotContains(t, "service X", body, "2025-01-02") // the other service's change

	site.mustGet(t, "/services/Evil%20%3Cb%3ECorp%3C%2Fb%3E", http.StatusOK)

	missing := site.mustGet(t, "/services/Nobody", http.StatusNotFound)
	assertContains(t, "unknown service", missing, "There is no service named &#34;Nobody&#34;.")
}

func TestDocumentPageShowsTimelineNewestFirst(t *testing.T) {
	site := newTestSite(t)
	body := site.mustGet(t, documentPath(site.cookiesDoc), http.StatusOK)

	assertContains(t, "document", body,
		"<h1>Trackers Policy (Cookies Policy)</h1>",
		"https://help.x.com/en/rules-and-policies/x-cookies",
		`<select name="from">`, `<select name="to">`,
		fmt.Sprintf(`action="/documents/%d/diff"`, site.cookiesDoc),
		"first version",
	)
	// Timeline newest first, each with its version and diff links.
	assertOrder(t, "timeline", body, "Timeline",
		"2024-08-16 00:36 UTC", "2023-09-20 18:34 UTC", "2022-11-23 00:34 UTC", "2022-09-24 00:33 UTC")
	for date, vid := range site.cookies {
		assertContains(t, "timeline "+date, body, attr(versionPath(site.cookiesDoc, vid)))
	}
	assertContains(t, "timeline rebrand row", body,
		attr(diffPath(site.cookiesDoc, site.cookies["2022-11-23"], site.cookies["2023-09-20"])))
	// The change into the rebrand version: its class and word counts.
	versions, err := site.st.Versions(t.Context(), site.cookiesDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if v.ID == site.cookies["2023-09-20"] {
			if v.Change == nil {
				t.Fatal("the 2023-09-20 version has no change")
			}
			counts := fmt.Sprintf(`title="words added">+%d</span> <span class="words-removed" title="words removed">−%d</span>`, v.Change.WordsAdded, v.Change.WordsRemoved)
			assertOrder(t, "timeline rebrand row", body, "2023-09-20 18:34 UTC", "class-rebrand", "Twitter → X ×40", counts, "2022-11-23 00:34 UTC")
		}
	}
	// The picker proposes the newest change.
	assertContains(t, "picker", body,
		fmt.Sprintf(`<option value="%d" selected>2024-08-16 00:36 UTC</option>`, site.cookies["2024-08-16"]),
		fmt.Sprintf(`<option value="%d" selected>2023-09-20 18:34 UTC</option>`, site.cookies["2023-09-20"]))
}

func TestVersionPageRendersSectionsAndNeighbours(t *testing.T) {
	site := newTestSite(t)
	doc, vid := site.cookiesDoc, site.cookies["2023-09-20"]
	body := site.mustGet(t, versionPath(doc, vid), http.StatusOK)

	assertContains(t, "version", body,
		"How cookies are used on X",
		"<li", "Keep you logged in to X.",
		"extract-", // the extractor release
		"2023-09-20 18:34 UTC",
		attr(versionPath(doc, site.cookies["2022-11-23"])), // previous
		attr(versionPath(doc, site.cookies["2024-08-16"])), // next
		attr(diffPath(doc, site.cookies["2022-11-23"], vid)),
	)
	assertNotContains(t, "version", body, "Keep you logged in to Twitter.")

	var hash string
	versions, err := site.st.Versions(t.Context(), doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if v.ID == vid {
			hash = v.SnapshotHash
		}
	}
	if len(hash) != 64 {
		t.Fatalf("snapshot hash %q of version %d is not a SHA-256", hash, vid)
	}
	assertContains(t, "version snapshot", body, hash)
}

func TestVersionPageErrors(t *testing.T) {
	site := newTestSite(t)
	cases := []struct {
		path   string
		status int
		text   string
	}{
		{versionPath(site.cookiesDoc, site.hostile[1]), http.StatusNotFound,
			fmt.Sprintf("Document %d has no version %d.", site.cookiesDoc, site.hostile[1])},
		{versionPath(site.cookiesDoc, 999999), http.StatusNotFound, "has no version 999999"},
		{versionPath(999999, site.cookies["2023-09-20"]), http.StatusNotFound, "There is no document with id 999999."},
		{fmt.Sprintf("/documents/%d/versions/abc", site.cookiesDoc), http.StatusBadRequest, "version id &#34;abc&#34; is not a positive integer"},
		{"/documents/-1/versions/1", http.StatusBadRequest, "document id &#34;-1&#34; is not a positive integer"},
		{"/documents/0", http.StatusBadRequest, "document id &#34;0&#34; is not a positive integer"},
		{"/documents/999999", http.StatusNotFound, "There is no document with id 999999."},
		{"/no/such/page", http.StatusNotFound, "There is no page at /no/such/page."},
	}
	for _, c := range cases {
		body := site.mustGet(t, c.path, c.status)
		assertContains(t, c.path, body, c.text, "<!doctype html>")
	}
}

func TestDiffPageShowsRebrandSummaryThenInlineDiff(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	from, to := site.cookies["2022-11-23"], site.cookies["2023-09-20"]
	body := site.mustGet(t, diffPath(doc, from, to), http.StatusOK)

	assertContains(t, "diff", body,
		`<ul class="substitutions">`,
		`<span class="sub-from">Twitter</span> <span class="arrow" aria-label="replaced by">→</span> <span class="sub-to">X</span>`,
		"2022-11-23 00:34 UTC", "2023-09-20 18:34 UTC",
		"added", "removed", "unchanged",
		"<del>", "<ins>",
	)
	// Long runs of unchanged paragraphs fold away.
	assertContains(t, "diff", body, `<details class="folded"><summary>`, "unchanged paragraphs</summary>")
	// The summary comes first, then the inline diff.
	assertOrder(t, "diff", body, `class="diff-summary"`, `<ul class="substitutions">`, `<div class="diff"`, "<del>")
	// The old name is deleted and the new one inserted somewhere in the text.
	if !strings.Contains(body, "<del>Twitter") && !strings.Contains(body, "Twitter</del>") {
		t.Errorf("diff: no deletion of %q", "Twitter")
	}
	if !strings.Contains(body, "<ins>X") && !strings.Contains(body, "X</ins>") {
		t.Errorf("diff: no insertion of %q", "X")
	}

	// A diff with no change at all still renders, each section one line.
	same := site.mustGet(t, diffPath(doc, to, to), http.StatusOK)
	assertContains(t, "identical diff", same, `<details class="diff-section quiet"`, "unchanged, ")
	assertNotContains(t, "identical diff", same, "<ins>", "<del>")
}

func TestDiffPageRejectsBadVersions(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	v := site.cookies["2023-09-20"]
	base := fmt.Sprintf("/documents/%d/diff", doc)
	cases := []struct {
		query  string
		status int
		text   string
	}{
		{"", http.StatusBadRequest, "missing query parameter from"},
		{fmt.Sprintf("?from=%d", v), http.StatusBadRequest, "missing query parameter to"},
		{fmt.Sprintf("?from=x1&to=%d", v), http.StatusBadRequest, "query parameter from (a version id) &#34;x1&#34; is not a positive integer"},
		{fmt.Sprintf("?from=%d&to=%d", v, site.hostile[1]), http.StatusBadRequest,
			fmt.Sprintf("version %d belongs to document %d, not to document %d", site.hostile[1], site.hostileDoc, doc)},
		{fmt.Sprintf("?from=999999&to=%d", v), http.StatusNotFound, "There is no version with id 999999."},
	}
	for _, c := range cases {
		body := site.mustGet(t, base+c.query, c.status)
		assertContains(t, base+c.query, body, c.text)
	}
	site.mustGet(t, fmt.Sprintf("/documents/999999/diff?from=%d&to=%d", v, v), http.StatusNotFound)
}

func TestHostileCaptureIsEscapedEverywhere(t *testing.T) {
	site := newTestSite(t)
	ctx := t.Context()
	stored, err := site.st.Version(ctx, site.hostile[1])
	if err != nil {
		t.Fatal(err)
	}
	// The precondition: the markup really is in the stored text.
	if !strings.Contains(string(stored.Sections), "alert(1)") || !strings.Contains(stored.Markdown, "onerror") {
		t.Fatalf("the extractor dropped the hostile text; stored Markdown:\n%s", stored.Markdown)
	}

	doc := site.hostileDoc
	pages := []string{
		"/",
		"/services/Evil%20%3Cb%3ECorp%3C%2Fb%3E",
		documentPath(doc),
		versionPath(doc, site.hostile[1]),
		diffPath(doc, site.hostile[0], site.hostile[1]),
		"/feed.atom",
		documentPath(doc) + "/feed.atom",
		fmt.Sprintf("/api/diff?from=%d&to=%d", site.hostile[0], site.hostile[1]),
		"/api/services",
	}
	for _, p := range pages {
		body := withoutOwnScripts(site.mustGet(t, p, http.StatusOK))
		assertNotContains(t, p, body, "<script", "<img", "<b>Corp")
	}
	version := site.mustGet(t, versionPath(doc, site.hostile[1]), http.StatusOK)
	assertContains(t, "hostile version", version, "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;")
	home := site.mustGet(t, "/", http.StatusOK)
	assertContains(t, "hostile service name", home, "Evil &lt;b&gt;Corp&lt;/b&gt;")
	diffPage := site.mustGet(t, diffPath(doc, site.hostile[0], site.hostile[1]), http.StatusOK)
	assertContains(t, "hostile diff", diffPage, "<ins>", "&lt;script&gt;")
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	site := newTestSite(t)
	for _, p := range []string{"/", "/static/style.css", "/feed.atom", "/api/services", "/healthz", "/nowhere", "/documents/abc"} {
		resp, _ := site.get(t, p)
		want := map[string]string{
			"Content-Security-Policy": "default-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
		}
		for h, v := range want {
			if got := resp.Header.Get(h); !strings.Contains(got, v) {
				t.Errorf("GET %s: header %s = %q, want it to contain %q", p, h, got, v)
			}
		}
	}
}

func TestStaticStylesheetAndHealth(t *testing.T) {
	site := newTestSite(t)
	resp, css := site.get(t, "/static/style.css")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("stylesheet: status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	assertContains(t, "stylesheet", css, "ins {", "del {", "line-through")
	assertNotContains(t, "stylesheet", css, "http://", "https://", "@import", "@font-face")
	site.mustGet(t, "/static/missing.css", http.StatusNotFound)

	resp, body := site.get(t, "/healthz")
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("healthz: status %d, body %q", resp.StatusCode, body)
	}
	site.st.Close()
	resp, _ = site.get(t, "/healthz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz with a closed store: status %d, want 503", resp.StatusCode)
	}
}

func TestPagesLoadNothingFromOtherHosts(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	for _, p := range []string{"/", "/services/X", documentPath(doc), versionPath(doc, site.cookies["2023-09-20"]),
		diffPath(doc, site.cookies["2022-11-23"], site.cookies["2023-09-20"])} {
		body := site.mustGet(t, p, http.StatusOK)
		// Links to the publishers' pages are fine; nothing may be loaded
		// from elsewhere, and no script or style may be inline.
		if m := loadsFromElsewhere.FindString(body); m != "" {
			t.Errorf("%s loads %s", p, m)
		}
		assertNotContains(t, p, withoutOwnScripts(body), "<script", ` style="`, "<style")
	}
}

// loadsFromElsewhere finds an element that loads something from another
// host (or from a scheme-relative URL).
var loadsFromElsewhere = regexp.MustCompile(`<(?:script|img|iframe|link|video|audio|source|embed|object)\b[^>]*\b(?:src|href|data)="(?:[a-z]+:)?//[^"]*"`)

// withoutOwnScripts drops the script elements of our own static files.
func withoutOwnScripts(body string) string {
	return ownScript.ReplaceAllString(body, "")
}

var ownScript = regexp.MustCompile(`<script src="/static/[a-z]+\.js" defer></script>`)

func TestWritesAreRefused(t *testing.T) {
	site := newTestSite(t)
	for _, p := range []string{"/", documentPath(site.cookiesDoc), "/api/services", "/nowhere"} {
		resp, err := site.srv.Client().Post(site.srv.URL+p, "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") {
			t.Errorf("POST %s: status %d, Allow %q; want 405 allowing GET", p, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}
