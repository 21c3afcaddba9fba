package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleasingThePageChangesNothing: the walk that drops the parts of
// the page it has read gives the document the walk that keeps them
// gives, on every real page of the repository and on pages built to
// read a walked part again: a hidden panel after the button that opens
// it (nested in the element before it), a <title> only inside the
// content, selections nested in each other, a main content without text
// (the whole page is walked instead).
func TestReleasingThePageChangesNothing(t *testing.T) {
	type page struct {
		name string
		html string
		opts Options
	}
	var pages []page
	var files []string
	for _, pattern := range []string{"../demo/twitter-x/*.html", "../testdata/ota-histories/*/*/*/snapshots/*.html", "testdata/*/*.html", "testdata/*/*/*.html"} {
		found, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
	}
	if len(files) < 100 {
		t.Fatalf("found %d pages, want the repository's (over 100)", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page{name: f, html: string(b), opts: Options{BaseURL: "https://example.org/policy"}})
	}
	panel := `<html><head><title>Help</title></head><body><main>
		<h1>Questions</h1>
		<div><p>Intro</p></div>
		<div class="q"><div><h3><span aria-expanded="false">What do you keep?</span></h3></div></div>
		<div hidden>We keep your name.</div>
		<div class="q"><h3>No button here</h3></div>
		<div hidden>This hidden text is no panel.</div>
		<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
	</main></body></html>`
	titleInBody := `<html><body><div><title>Only title</title><p>Some text, ` + strings.Repeat("word ", 50) + `</p></div><div><p>More</p></div></body></html>`
	nested := `<html><body><div id="outer"><p>Outer first</p><section id="inner"><p>Inner</p><div><p>deep</p></div></section><p>Outer last</p></div><div id="after"><p>After</p></div></body></html>`
	empty := `<html><head><title>T</title></head><body><nav><a href="/a">Home</a></nav><main><div></div><img src="x.png"></main><div><p>Text outside the main element.</p></div></body></html>`
	pages = append(pages,
		page{name: "panel", html: panel},
		page{name: "title in body", html: titleInBody},
		page{name: "nested selections", html: nested, opts: Options{Select: CSS("#inner", "#outer", "#after")}},
		page{name: "nested selections, outer first", html: nested, opts: Options{Select: CSS("#outer", "#inner")}},
		page{name: "empty main content", html: empty},
	)
	for _, p := range pages {
		resolve, err := newLinkResolver(p.opts.BaseURL, p.opts.RemoveQueryParams)
		if err != nil {
			t.Fatal(err)
		}
		var exKept, exReleased Explanation
		kept, keptErr := parseHTMLWalk(p.html, p.opts, resolve, &exKept, false)
		released, releasedErr := parseHTML(p.html, p.opts, resolve, &exReleased)
		if (keptErr == nil) != (releasedErr == nil) {
			t.Errorf("%s: walked keeping the page: %v; releasing it: %v", p.name, keptErr, releasedErr)
			continue
		}
		want, _ := json.Marshal(kept)
		got, _ := json.Marshal(released)
		if string(got) != string(want) {
			t.Errorf("%s: releasing the page changes the document:\n%s\nwant\n%s", p.name, got, want)
		}
		// A walk started again tells its choice once.
		if want, got := exKept.String(), exReleased.String(); got != want {
			t.Errorf("%s: releasing the page changes the explanation:\n%s\nwant\n%s", p.name, got, want)
		}
	}
	// The built pages say what they were built to say.
	for _, c := range []struct{ name, html, want string }{
		{"panel", panel, "We keep your name."},
		{"title in body", titleInBody, `"title":"Only title"`},
		{"empty main content", empty, "Text outside the main element."},
	} {
		resolve, _ := newLinkResolver("", nil)
		doc, err := parseHTML(c.html, Options{}, resolve, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, _ := json.Marshal(doc)
		if !strings.Contains(string(got), c.want) {
			t.Errorf("%s: %s lacks %s", c.name, got, c.want)
		}
	}
}
