package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// frenchAfterASCII is a UTF-8 page without a charset declaration whose
// first 2 KB are ASCII: x/net/html/charset reads only the first 1,024
// bytes and takes such a page for Windows-1252.
func frenchAfterASCII(contentType string) []byte {
	prefix := strings.Repeat("This paragraph is plain ASCII text. ", 60)
	french := "Données personnelles\u00a0: la publicité\u00a0» est traitée à Zürich, l’âge n’est pas collecté."
	switch contentType {
	case "text/plain", "text/markdown":
		return []byte("Policy\n\n" + prefix + "\n\n" + french + "\n")
	}
	return []byte("<html><head><title>Policy</title></head><body><main><h1>Policy</h1><p>" + prefix + "</p><p>" + french + "</p></main></body></html>")
}

func TestUTF8AfterASCIIFirstKilobytes(t *testing.T) {
	const want = "Données personnelles : la publicité » est traitée à Zürich, l’âge n’est pas collecté."
	if _, name, _ := charset.DetermineEncoding(frenchAfterASCII("text/html"), "text/html"); name != "windows-1252" {
		t.Logf("x/net/html/charset now reads this page as %s; the guard stays harmless", name)
	}
	for _, contentType := range []string{"text/html", "", "text/plain", "text/markdown"} {
		content := frenchAfterASCII(contentType)
		if strings.IndexFunc(string(content[:2048]), func(r rune) bool { return r > 0x7F }) >= 0 {
			t.Fatal("the first 2 KB must be ASCII")
		}
		doc, err := Extract(content, contentType, Options{})
		if err != nil {
			t.Fatal(err)
		}
		texts := documentTexts(doc)
		if got := texts[len(texts)-1]; got != want {
			t.Errorf("%q: last text %q, want %q", contentType, got, want)
		}
	}
}

// TestUTF8LabelledLatin1: UTF-8 labelled ISO-8859-1 or Windows-1252, by the
// server or by a meta tag, is read as the UTF-8 it is — including the
// characters whose bytes Windows-1252 leaves undefined ("с" is D1 81),
// which no repair could bring back.
func TestUTF8LabelledLatin1(t *testing.T) {
	const text = "Политика конфиденциальности: publicité\u00a0», Łódź, VÝŠE"
	want := normalizeText(text)
	for _, c := range []struct{ page, contentType string }{
		{"<p>" + text + "</p>", "text/html; charset=iso-8859-1"},
		{"<p>" + text + "</p>", "text/html; charset=windows-1252"},
		{`<meta charset="windows-1252"><p>` + text + "</p>", "text/html"},
		{`<meta http-equiv="Content-Type" content="text/html; charset=latin1"><p>` + text + "</p>", ""},
		{text, "text/plain; charset=iso-8859-1"},
		{text, "text/markdown; charset=us-ascii"},
	} {
		doc, err := Extract([]byte(c.page), c.contentType, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := documentTexts(doc); len(got) != 1 || got[0] != want {
			t.Errorf("%q labelled %q: texts %q, want %q", c.page, c.contentType, got, want)
		}
	}
}

// TestWindows1252StaysWindows1252: real Windows-1252 bytes, declared, are
// decoded as such (they are not valid UTF-8).
func TestWindows1252StaysWindows1252(t *testing.T) {
	const text = "Données personnelles, « publicité », 5 € — Straße"
	encoded, err := charmap.Windows1252.NewEncoder().String("<p>" + text + "</p>")
	if err != nil {
		t.Fatal(err)
	}
	for _, contentType := range []string{"text/html; charset=windows-1252", "text/html; charset=iso-8859-1"} {
		doc, err := Extract([]byte(encoded), contentType, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := documentTexts(doc); len(got) != 1 || got[0] != text {
			t.Errorf("%q: texts %q, want %q", contentType, got, text)
		}
	}
}
