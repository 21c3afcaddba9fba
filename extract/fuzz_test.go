package extract

import (
	"errors"
	"slices"
	"testing"
)

// FuzzMarkdownRoundTrip: for any input, the canonical Markdown is a fixed
// point of reading and rendering. Run longer with
// go test -fuzz FuzzMarkdownRoundTrip ./extract/
func FuzzMarkdownRoundTrip(f *testing.F) {
	for _, seed := range []string{
		"# Title\n\nText with *em* and [link](url).\n\n- a\n  - b\n\n| h |\n| --- |\n| c |\n",
		"Setext\n---\n\n1. one\n2. two\n\n    code\n\n```\nfenced\n```\n",
		"**broken  \nbold** \\_x\\_ <!-- c --> <http://a.b> `code`",
		"> quote\n\n***\n\n+ plus\n\n2016. year\n",
	} {
		f.Add(seed, "text/markdown")
		f.Add(seed, "text/plain")
		f.Add(seed, "text/html")
	}
	f.Add("<ul><li>a<ol><li>b</li></ol></li></ul><table><tr><th>x|y</th></tr></table><pre>```</pre>", "text/html")
	for _, seed := range []string{
		"See [the *X* Rules](https://x.com/r \"t\") and [a](<b c>) or [same](u) [same](v)!\n",
		"**a** *b* ***c*** *foo**bar**baz* **x*y***z** __d__ _e_ **[f](g)** [**h**](i) **Note:**j\n",
		"Wow![x](y) \\[not\\] [a\\]b](<p(q)\\>>) [ref][r] [r] [r][]\n\n[r]: /ref 'T'\n",
		"| [a|b](c\\|d) | [e](f) |\n| --- | --- |\n\n- [x_](y) *[z](w)*\n",
		"[ref]: [x](y)\n\ntext\n[d]: e\n\n# [h](i)\n",
	} {
		f.Add(seed, "text/markdown")
	}
	f.Add(`<p>A <a href="/x">link</a> and <a href="#f">jump</a>, <a href="u v">two</a> <a href="u(v)">[b]</a>!<a href="w">x</a></p>`+
		`<table><tr><td><a href="p|q">c|d</a></td></tr></table><a href="card"><div>t</div><div>u</div></a>`, "text/html")
	f.Fuzz(func(t *testing.T, input, contentType string) {
		switch contentType {
		case "text/markdown", "text/plain", "text/html":
		default:
			return
		}
		doc, err := Extract([]byte(input), contentType, Options{})
		var binary *BinaryError
		if errors.Is(err, ErrNoText) || errors.As(err, &binary) {
			return
		}
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		first := doc.Markdown()
		again, err := Extract([]byte(first), "text/markdown", Options{})
		if err != nil {
			t.Fatalf("re-extracting %q: %v", first, err)
		}
		if second := again.Markdown(); second != first {
			t.Fatalf("round trip changed the Markdown:\n%q\n%q", first, second)
		}
		// The links and emphasis the Markdown shows are the document's.
		if a, b := allLinks(doc), allLinks(again); !slices.Equal(a, b) {
			t.Fatalf("links %+v read back as %+v from %q", a, b, first)
		}
		if a, b := allEmphasis(doc), allEmphasis(again); !slices.Equal(a, b) {
			t.Fatalf("emphasis %+v read back as %+v from %q", a, b, first)
		}
	})
}

func allLinks(d *Document) []Link {
	var links []Link
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			links = append(links, b.Links...)
		}
	}
	return links
}

func allEmphasis(d *Document) []Emphasis {
	var spans []Emphasis
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			spans = append(spans, b.Emphasis...)
		}
	}
	return spans
}
