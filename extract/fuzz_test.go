package extract

import (
	"errors"
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
	f.Fuzz(func(t *testing.T, input, contentType string) {
		switch contentType {
		case "text/markdown", "text/plain", "text/html":
		default:
			return
		}
		doc, err := Extract([]byte(input), contentType, Options{})
		if errors.Is(err, ErrNoText) {
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
	})
}
