package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Crawled pages are hostile input: extraction must finish, in bounded
// time, on pages built to be hard. The bounds are generous (a slow CI
// machine under -race must pass); they catch quadratic blow-ups, not
// regressions of a few percent: at these sizes a quadratic step takes
// hours, while a linear one takes seconds even on a loaded 2-core machine
// with the race detector (which once took 36 s where 30 s was the bound).
const hangBound = 3 * time.Minute

func extractWithin(t *testing.T, limit time.Duration, content []byte, contentType string) *Document {
	t.Helper()
	start := time.Now()
	doc, err := Extract(content, contentType, Options{})
	if elapsed := time.Since(start); elapsed > limit {
		t.Errorf("extracting %d bytes took %v, want under %v", len(content), elapsed, limit)
	}
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return doc
}

func TestDeepNesting(t *testing.T) {
	const depth = 20000
	for _, page := range []string{
		"<html><body>" + strings.Repeat("<div>", depth) + "<p>Deep policy text.</p>" + strings.Repeat("</div>", depth) + "</body></html>",
		"<html><body><main>" + strings.Repeat("<span>", depth) + "Deep policy text." + "</main></body></html>",
		"<html><body><main>" + strings.Repeat("<b><i>", depth) + "Deep policy text." + "</main></body></html>",
		"<html><body><main><p>Shallow text.</p>" + strings.Repeat("<ul><li>", depth) + "Deep policy text." + "</main></body></html>",
	} {
		doc := extractWithin(t, hangBound, []byte(page), "text/html")
		assertContains(t, doc, "Deep policy text.")
	}
}

func TestTwentyMegabytesOfText(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	sentence := "We process your data lawfully and keep it no longer than needed. "
	text := strings.Repeat(sentence, 20<<20/len(sentence))
	doc := extractWithin(t, hangBound, []byte("<html><body><main><p>"+text+"</p></main></body></html>"), "text/html")
	if md := doc.Markdown(); len(md) < 19<<20 || !utf8.ValidString(md) {
		t.Errorf("HTML: Markdown of %d bytes, want the 20 MB of text", len(md))
	}
	plain := extractWithin(t, hangBound, []byte(text), "text/plain")
	if n := len(plain.Sections[0].Blocks); n < 1000 {
		t.Errorf("plain text: %d paragraphs, want it split into sentences", n)
	}
}

func TestAMillionAttributes(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	var b bytes.Buffer
	b.WriteString("<html><body><main><div")
	for i := 0; i < 1_000_000; i++ {
		b.WriteString(" a")
		b.WriteString(strings.Repeat("b", i%7))
		b.WriteString("=1")
	}
	b.WriteString("><p>Text beside many attributes.</p></div></main></body></html>")
	doc := extractWithin(t, hangBound, b.Bytes(), "text/html")
	assertContains(t, doc, "Text beside many attributes.")
}

// TestManyEmphasisMarkers: paragraphs full of delimiter runs and of
// emphasis elements are read and rendered in linear time.
func TestManyEmphasisMarkers(t *testing.T) {
	for _, c := range []struct{ content, contentType string }{
		{strings.Repeat("*a _b **c ", 50000) + strings.Repeat("d* e_ f** ", 50000), "text/markdown"},
		{strings.Repeat("**a*", 100000), "text/markdown"},
		{strings.Repeat("[*a*](u) *", 30000), "text/markdown"},
		{"<main><p>" + strings.Repeat("<b>bold</b> <i>it</i>", 100000) + "</p></main>", "text/html"},
		{"<main><p>" + strings.Repeat("<b>a<i>b</b>c</i>", 50000) + "</p></main>", "text/html"},
	} {
		doc := extractWithin(t, hangBound, []byte(c.content), c.contentType)
		start := time.Now()
		md := doc.Markdown()
		if elapsed := time.Since(start); elapsed > hangBound {
			t.Errorf("rendering %d bytes took %v", len(md), elapsed)
		}
	}
}

// FuzzExtract: no input makes extraction panic, hang or return invalid
// text, with or without declaration rules. Seeds are the corpus pages and
// the fixtures. CI runs it for a bounded time:
// go test -run '^$' -fuzz FuzzExtract -fuzztime 20s ./extract/
func FuzzExtract(f *testing.F) {
	pages, _ := filepath.Glob("testdata/corpus/*.html")
	fixturesGlob, _ := filepath.Glob(fixtures + "*")
	for _, p := range append(pages, fixturesGlob...) {
		if content, err := os.ReadFile(p); err == nil && len(content) < 64<<10 {
			f.Add(content, ContentTypeForName(p), uint8(len(p)))
		}
	}
	f.Add([]byte(`{"privacy": "Policy\n\nText."}`), "application/json", uint8(3))
	rules := []Options{
		{},
		{Select: CSS("main")},
		{Remove: CSS("p"), Select: CSS("body")},
		{Select: []Selector{{Range: &Range{StartBefore: "h1", EndAfter: "p"}}}},
		{Remove: []Selector{{Range: &Range{StartAfter: "h2", EndBefore: "h2"}}}},
		{Select: CSS("pre"), JSONPointer: "/privacy"},
		{JSONPointer: "/privacy"},
	}
	f.Fuzz(func(t *testing.T, content []byte, contentType string, rule uint8) {
		opts := rules[int(rule)%len(rules)]
		start := time.Now()
		doc, err := Extract(content, contentType, opts)
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Fatalf("extracting %d bytes took %v", len(content), elapsed)
		}
		if err != nil {
			return
		}
		md := doc.Markdown()
		if !utf8.ValidString(md) {
			t.Fatalf("invalid UTF-8 in output")
		}
		if md == "" {
			t.Fatalf("a document without text was returned")
		}
	})
}
