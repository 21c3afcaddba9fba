package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/browser"
	"github.com/policywatch/policywatch/store"
)

// TestCrawlRendersDeclaredPages: crawl renders the document that declares
// executeClientScripts in the browser, fetches the other over HTTP, keeps
// the screenshot asked for, and says how much memory Chromium took.
func TestCrawlRendersDeclaredPages(t *testing.T) {
	if _, err := browser.FindChromium(""); err != nil {
		t.Skipf("skipped: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/app":
			fmt.Fprint(w, `<!doctype html><html><body><div id="root">Loading…</div><script>
setTimeout(() => { document.querySelector('#root').innerHTML = '<main id="policy"><h1>Privacy</h1><p>We keep your name for a year.</p></main>'; }, 300);</script></body></html>`)
		case "/static":
			fmt.Fprint(w, `<!doctype html><html><body><main id="policy"><h1>Cookies</h1><p>We set one cookie.</p></main></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	decls := filepath.Join(dir, "declarations")
	if err := os.Mkdir(decls, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(decls, "App.json"), `{"name": "App", "terms": {
  "Privacy Policy": {"fetch": "`+srv.URL+`/app", "select": "#policy", "executeClientScripts": true, "screenshot": true},
  "Trackers Policy": {"fetch": "`+srv.URL+`/static", "select": "#policy"}}}`)
	db := filepath.Join(dir, "app.db")

	check := runCommand(t, nil, "check", "--declarations", decls)
	if !strings.Contains(check.stdout, "1 document will be rendered in a browser (executeClientScripts): App / Privacy Policy; with ") {
		t.Errorf("check:\n%s", check.stdout)
	}
	r := runCommand(t, nil, "crawl", "--db", db, "--declarations", decls, "--allow-private-networks", "--delay", "0", "--browser-timeout", "20s")
	if r.code != exitOK {
		t.Fatalf("crawl: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`(?m)^browser: 1 page rendered; peak memory of Chromium's \d+ process(es)?: \d+ MB resident \(\d+ MB proportional\)$`).MatchString(r.stdout) {
		t.Errorf("crawl says nothing of the browser:\n%s", r.stdout)
	}
	for _, doc := range []string{"App / Privacy Policy", "App / Trackers Policy"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(doc) + ` +new version \d+$`).MatchString(r.stdout) {
			t.Errorf("%s not recorded:\n%s", doc, r.stdout)
		}
	}
	st, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, c := range []struct {
		docType, method string
		screenshot      bool
	}{{"Privacy Policy", "browser", true}, {"Trackers Policy", "http", false}} {
		docs, err := st.Documents(context.Background(), store.DocumentFilter{Service: "App", Type: c.docType})
		if err != nil || len(docs) != 1 {
			t.Fatalf("%s: %v %v", c.docType, docs, err)
		}
		versions, _ := st.Versions(context.Background(), docs[0].ID)
		info, err := st.VersionCapture(context.Background(), versions[0].ID)
		if err != nil || info.Method != c.method || (info.ScreenshotHash != "") != c.screenshot {
			t.Errorf("%s: fetched %+v (%v), want %s, screenshot %v", c.docType, info, err, c.method, c.screenshot)
		}
	}
}
