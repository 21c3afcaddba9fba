package jsfilter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

// Real pages the tests run filters on: captures from Open Terms Archive's
// dating collection and the Twitter demo archive.
type realPage struct {
	name, path, url string
}

var (
	cmbDir       = "../testdata/ota-histories/dating/Coffee Meets Bagel/Copyright Claims Policy"
	cmbPage      = realPage{"Coffee Meets Bagel", cmbCapture, "https://coffeemeetsbagel.com/privacy-terms/"}
	bumblePage   = realPage{"Bumble", "../testdata/ota-histories/dating/Bumble/Terms of Service/snapshots/2026-06-12T00-30-54Z.html", "https://bumble.com/en/terms"}
	minglePage   = realPage{"ChristianMingle", "../testdata/ota-histories/dating/ChristianMingle/Privacy Policy/snapshots/2026-06-12T00-30-59Z.html", "https://about.christianmingle.com/en/legal-en/privacy-policy/"}
	twitterPage  = realPage{"Twitter", "../demo/twitter-x/twitter-dev-help-privacy.html", "https://dev.twitter.com/rest/reference/get/help/privacy"}
	allRealPages = []realPage{cmbPage, bumblePage, minglePage, twitterPage}
)

func (p realPage) parse(t testing.TB) *html.Node {
	t.Helper()
	b, err := os.ReadFile(p.path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// scriptModule writes a filter file called "<id>.filters.js" with src
// into a fresh directory and loads it.
func scriptModule(t testing.TB, id, src string) *Module {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, id+".filters.js"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(dir, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// runFilter applies the named filter of m to page.
func runFilter(t testing.TB, m *Module, name string, page *html.Node, url string) error {
	t.Helper()
	f, ok := m.Filter(name, nil, time.Time{})
	if !ok {
		t.Fatalf("no filter %s", name)
	}
	return f.Apply(page, extract.FilterContext{URL: url, Select: extract.CSS("body"), Filters: []string{f.Name()}})
}

// evalOn runs body (the statements of a function) as a filter on page and
// returns String() of what it returns; the filter must succeed.
func evalOn(t *testing.T, page *html.Node, url, body string) string {
	t.Helper()
	m := scriptModule(t, "Eval", "export function probe(document) {\n"+
		"  const out = (() => {\n"+body+"\n  })();\n"+
		"  document.documentElement.setAttribute('data-pw-out', String(out));\n}\n")
	if err := runFilter(t, m, "probe", page, url); err != nil {
		t.Fatalf("%s\nfailed: %v", body, err)
	}
	root := find(t, page, "html")
	out, _ := getAttr(root, "data-pw-out")
	removeAttr(root, "data-pw-out")
	return out
}

// find returns the first node matching sel, failing the test when there is none.
func find(t testing.TB, root *html.Node, sel string) *html.Node {
	t.Helper()
	n := cascadia.Query(root, cascadia.MustCompile(sel))
	if n == nil {
		t.Fatalf("no %s in the page", sel)
	}
	return n
}

func findAll(root *html.Node, sel string) []*html.Node {
	return cascadia.QueryAll(root, cascadia.MustCompile(sel))
}

// render is golang.org/x/net/html's rendering: an independent view of the
// tree to check what the DOM changed.
func render(t testing.TB, n *html.Node) string {
	t.Helper()
	var b strings.Builder
	if err := html.Render(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
