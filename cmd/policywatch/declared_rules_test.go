package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A declaration's range selector, removals and removeQueryParams filter,
// read by package declaration, decide what a crawl records.
func TestCrawlAppliesDeclaredRules(t *testing.T) {
	var visits atomic.Int32
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		n := visits.Add(1)
		fmt.Fprintf(w, `<html><body>
<div id="intro">Welcome to our site, visitor %d.</div>
<h1 id="start">Cookies Policy</h1>
<p>We use cookies to keep you signed in. Read <a href="/settings?lang=en&amp;nonce=%d">your settings</a>.</p>
<p class="promo">Try our new app today!</p>
<p>We keep cookie data for at most 13 months, and you can delete it at any time.</p>
<h2 id="end">Related articles</h2>
<p>Visitor %d also read these articles.</p>
</body></html>`, n, n, n)
	}))
	defer ts.Close()
	declaration := fmt.Sprintf(`{
  "name": "Example",
  "terms": {
    "Cookies Policy": {
      "fetch": %q,
      "select": {"startBefore": "#start", "endBefore": "#end"},
      "remove": ".promo",
      "filter": [{"removeQueryParams": ["nonce"]}]
    }
  }
}`, ts.URL+"/cookies")
	f := newCrawlFixture(t, map[string]string{"Example.json": declaration})
	if len(f.targets) != 1 || f.targets[0].Type != "Trackers Policy" {
		t.Fatalf("targets %+v: want one, typed with the canonical name of \"Cookies Policy\"", f.targets)
	}
	for range 3 {
		f.crawl()
	}
	doc, versions, _ := f.document()
	if len(versions) != 1 {
		t.Fatalf("%d versions after three crawls of a page whose only changes are outside the declared range or in a declared parameter, want 1", len(versions))
	}
	v, err := f.st.Version(context.Background(), versions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"We use cookies to keep you signed in.", "13 months", "(" + ts.URL + "/settings?lang=en)"} {
		if !strings.Contains(v.Markdown, want) {
			t.Errorf("version of %s lacks %q:\n%s", doc.Type, want, v.Markdown)
		}
	}
	for _, gone := range []string{"Welcome", "Try our new app", "Related articles", "nonce", "Visitor"} {
		if strings.Contains(v.Markdown, gone) {
			t.Errorf("version keeps %q, which the declaration excludes:\n%s", gone, v.Markdown)
		}
	}
}

// reextract finds a crawled document's rules in its declaration; without
// them it leaves the document alone rather than take the whole page.
func TestReextractUsesDeclaredRulesOfCrawledDocuments(t *testing.T) {
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><div class="ad">Buy now</div><main>`+policyBody(false)+`</main></body></html>`)
	}))
	defer ts.Close()
	f := newCrawlFixture(t, map[string]string{"Example.json": declarationOf("Example", "Privacy Policy", ts.URL+"/p", "main")})
	f.crawl()
	f.st.Close()

	with := runCommand(t, nil, "reextract", "--db", f.dbPath, "--declarations", f.decls)
	if with.code != exitOK || !strings.Contains(with.stdout, "Example / Privacy Policy: unchanged, 1 versions") {
		t.Errorf("reextract with declarations: exit %d\n%s%s", with.code, with.stdout, with.stderr)
	}
	without := runCommand(t, nil, "reextract", "--db", f.dbPath, "--declarations", t.TempDir())
	if without.code != exitOK || !strings.Contains(without.stdout, "Example / Privacy Policy: skipped") {
		t.Errorf("reextract without the declaration: exit %d\n%s%s", without.code, without.stdout, without.stderr)
	}
}
