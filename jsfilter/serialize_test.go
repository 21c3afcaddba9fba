package jsfilter

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestSerialisationEscapesAsTheHTMLStandard(t *testing.T) {
	markup := `<p title='a "q" &amp; b&nbsp;c <x>'>1 &lt; 2 &gt; 0 &amp; a&nbsp;b &quot;</p><br><img src="x.png?a=1&amp;b=2">` +
		`<script>if (a < b && c > "d") {}</script><style>p > a {}</style><!-- c&d --><textarea>&lt;t&gt;</textarea>` +
		`<svg viewBox="0 0 1 1"><path d="M0"/></svg>`
	want := `<p title="a &quot;q&quot; &amp; b&nbsp;c <x>">1 &lt; 2 &gt; 0 &amp; a&nbsp;b "</p><br><img src="x.png?a=1&amp;b=2">` +
		`<script>if (a < b && c > "d") {}</script><style>p > a {}</style><!-- c&d --><textarea>&lt;t&gt;</textarea>` +
		`<svg viewBox="0 0 1 1"><path d="M0"></path></svg>`
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(markup), body)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	if got := innerHTML(body); got != want {
		t.Errorf("innerHTML:\n got %s\nwant %s", got, want)
	}
}

const cmbCapture = "../testdata/ota-histories/dating/Coffee Meets Bagel/Copyright Claims Policy/snapshots/2023-07-17T18-32-15Z.html"

func TestSerialisationOfARealPage(t *testing.T) {
	// Coffee Meets Bagel's capture: U+00A0 in text comes out as &nbsp;.
	b, err := os.ReadFile(cmbCapture)
	if err != nil {
		t.Fatal(err)
	}
	page, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	var link *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && link == nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "a" {
				for _, a := range c.Attr {
					if a.Key == "class" && a.Val == "__cf_email__" {
						link = c
					}
				}
			}
			walk(c)
		}
	}
	walk(page)
	if link == nil {
		t.Fatal("no protected address in the capture")
	}
	want := "<a"
	for _, a := range link.Attr {
		want += " " + a.Key + `="` + a.Val + `"`
	}
	want += ">[email&nbsp;protected]</a>"
	if got := outerHTML(link); got != want {
		t.Errorf("outerHTML:\n got %s\nwant %s", got, want)
	}
	if got := innerHTML(link.Parent); !strings.Contains(got, want) || strings.Contains(got, "\u00a0") {
		t.Errorf("parent's innerHTML: %s", got)
	}
}
