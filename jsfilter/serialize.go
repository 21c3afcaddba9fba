package jsfilter

import (
	"strings"

	"golang.org/x/net/html"
)

// HTML fragment serialisation as the HTML standard defines it (and jsdom,
// through parse5, implements it): what innerHTML and outerHTML return.
// html.Render is not used: it escapes differently (&#34;, &#39;, no
// &nbsp;), and filters compare and match the serialised text.

// voidElements have no end tag and no content.
var voidElements = map[string]bool{
	"area": true, "base": true, "basefont": true, "bgsound": true, "br": true, "col": true,
	"embed": true, "frame": true, "hr": true, "img": true, "input": true, "keygen": true,
	"link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// rawTextElements serialise their text children unescaped. noscript is one
// because golang.org/x/net/html parses with scripting enabled, so its
// content is a single text node holding markup.
var rawTextElements = map[string]bool{
	"style": true, "script": true, "xmp": true, "iframe": true, "noembed": true,
	"noframes": true, "plaintext": true, "noscript": true,
}

// innerHTML serialises n's children.
func innerHTML(n *html.Node) string {
	var b strings.Builder
	serializeChildren(&b, n)
	return b.String()
}

// outerHTML serialises n itself.
func outerHTML(n *html.Node) string {
	var b strings.Builder
	serializeNode(&b, n, n.Parent)
	return b.String()
}

func serializeChildren(b *strings.Builder, n *html.Node) {
	if n.Type == html.ElementNode && n.Namespace == "" && voidElements[n.Data] {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		serializeNode(b, c, n)
	}
}

func serializeNode(b *strings.Builder, n, parent *html.Node) {
	switch n.Type {
	case html.ElementNode:
		b.WriteByte('<')
		b.WriteString(n.Data)
		for _, a := range n.Attr {
			b.WriteByte(' ')
			b.WriteString(attrName(a))
			b.WriteString(`="`)
			escapeString(b, a.Val, true)
			b.WriteByte('"')
		}
		b.WriteByte('>')
		if n.Namespace == "" && voidElements[n.Data] {
			return
		}
		serializeChildren(b, n)
		b.WriteString("</")
		b.WriteString(n.Data)
		b.WriteByte('>')
	case html.TextNode:
		if parent != nil && parent.Type == html.ElementNode && parent.Namespace == "" && rawTextElements[parent.Data] {
			b.WriteString(n.Data)
			return
		}
		escapeString(b, n.Data, false)
	case html.RawNode:
		b.WriteString(n.Data)
	case html.CommentNode:
		b.WriteString("<!--")
		b.WriteString(n.Data)
		b.WriteString("-->")
	case html.DoctypeNode:
		b.WriteString("<!DOCTYPE ")
		b.WriteString(n.Data)
		b.WriteByte('>')
	case html.DocumentNode:
		serializeChildren(b, n)
	}
}

// escapeString escapes text as the HTML standard's serialisation does: &,
// U+00A0 and, in attribute mode, " ; in text mode < and >.
func escapeString(b *strings.Builder, s string, attribute bool) {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '"':
			if attribute {
				rep = "&quot;"
			}
		case '<':
			if !attribute {
				rep = "&lt;"
			}
		case '>':
			if !attribute {
				rep = "&gt;"
			}
		case 0xC2:
			if i+1 < len(s) && s[i+1] == 0xA0 {
				b.WriteString(s[last:i])
				b.WriteString("&nbsp;")
				i++
				last = i + 1
			}
			continue
		}
		if rep != "" {
			b.WriteString(s[last:i])
			b.WriteString(rep)
			last = i + 1
		}
	}
	b.WriteString(s[last:])
}

// attrName is an attribute's qualified name: "href", "xlink:href".
func attrName(a html.Attribute) string {
	if a.Namespace != "" {
		return a.Namespace + ":" + a.Key
	}
	return a.Key
}
