package jsfilter

import (
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Members of CharacterData (Text, Comment), DocumentType and Document.

func (d *dom) setupCharacterData() {
	vm := d.vm
	p := d.proto.charData
	d.attr(p, "data", func(n *html.Node) goja.Value { return vm.ToValue(n.Data) }, func(n *html.Node, v goja.Value) {
		d.setData(n, d.capString(str(v, true), "data"))
	})
	d.attr(p, "length", func(n *html.Node) goja.Value { return vm.ToValue(utf16Len(n.Data)) }, nil)
	d.attr(d.proto.doctype, "name", func(n *html.Node) goja.Value { return vm.ToValue(n.Data) }, nil)
}

func (d *dom) setupDocument() {
	vm := d.vm
	p := d.proto.document
	d.attr(p, "documentElement", func(n *html.Node) goja.Value {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				return d.wrap(c)
			}
		}
		return goja.Null()
	}, nil)
	d.attr(p, "head", func(n *html.Node) goja.Value { return d.wrap(d.htmlChild(atom.Head)) }, nil)
	d.attr(p, "body", func(n *html.Node) goja.Value {
		if b := d.htmlChild(atom.Body); b != nil {
			return d.wrap(b)
		}
		return d.wrap(d.htmlChild(atom.Frameset))
	}, nil)
	d.attr(p, "doctype", func(n *html.Node) goja.Value {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.DoctypeNode {
				return d.wrap(c)
			}
		}
		return goja.Null()
	}, nil)
	d.attr(p, "title", func(n *html.Node) goja.Value {
		var title *html.Node
		walkElements(n, func(e *html.Node) bool {
			if e.DataAtom == atom.Title {
				title = e
				return false
			}
			return true
		})
		if title == nil {
			return vm.ToValue("")
		}
		return vm.ToValue(strings.Join(asciiFields(textContent(title)), " "))
	}, nil)
	href := func(*html.Node) goja.Value { return vm.ToValue(d.locationHref()) }
	d.attr(p, "URL", href, nil)
	d.attr(p, "documentURI", href, nil)
	var location goja.Value
	d.attr(p, "location", func(*html.Node) goja.Value {
		if location == nil {
			location = d.run.newURL(d.locationHref(), "")
		}
		return location
	}, nil)
	d.attr(p, "compatMode", func(*html.Node) goja.Value { return vm.ToValue("CSS1Compat") }, nil)
	d.attr(p, "contentType", func(*html.Node) goja.Value { return vm.ToValue("text/html") }, nil)

	d.method(p, "createElement", func(_ *html.Node, c goja.FunctionCall) goja.Value {
		name := str(c.Argument(0), false)
		if !validAttrName(name) {
			panic(d.domException("InvalidCharacterError", "The tag name provided ('"+name+"') is not a valid name."))
		}
		name = strings.ToLower(name)
		return d.wrap(&html.Node{Type: html.ElementNode, Data: name, DataAtom: atom.Lookup([]byte(name))})
	})
	d.method(p, "createTextNode", func(_ *html.Node, c goja.FunctionCall) goja.Value {
		return d.wrap(&html.Node{Type: html.TextNode, Data: d.capString(str(c.Argument(0), false), "createTextNode")})
	})
	d.method(p, "createComment", func(_ *html.Node, c goja.FunctionCall) goja.Value {
		return d.wrap(&html.Node{Type: html.CommentNode, Data: d.capString(str(c.Argument(0), false), "createComment")})
	})
	d.method(p, "createDocumentFragment", func(*html.Node, goja.FunctionCall) goja.Value {
		return d.wrap(d.newFragment())
	})
	d.method(p, "createRange", func(*html.Node, goja.FunctionCall) goja.Value {
		return d.newRange()
	})
}

// htmlChild is a child element of the document's <html> element.
func (d *dom) htmlChild(a atom.Atom) *html.Node {
	for root := d.doc.FirstChild; root != nil; root = root.NextSibling {
		if root.Type != html.ElementNode || root.DataAtom != atom.Html {
			continue
		}
		for c := root.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == a {
				return c
			}
		}
	}
	return nil
}
