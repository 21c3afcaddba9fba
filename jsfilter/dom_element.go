package jsfilter

import (
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Members of Element: attributes, classes, markup, selectors.

// maxMarkup caps the strings filters hand the DOM to parse or store, so a
// runaway filter fails on the call rather than filling memory in Go code
// the time bound cannot interrupt.
const maxMarkup = 64 << 20

func (d *dom) capString(s, what string) string {
	if len(s) > maxMarkup {
		panic(d.rangeError("%s: %d bytes is more than policywatch accepts (%d)", what, len(s), maxMarkup))
	}
	return s
}

func (d *dom) setupElement() {
	p := d.proto.element
	vm := d.vm
	d.attr(p, "tagName", func(n *html.Node) goja.Value { return vm.ToValue(tagName(n)) }, nil)
	d.attr(p, "localName", func(n *html.Node) goja.Value { return vm.ToValue(n.Data) }, nil)
	d.attr(p, "namespaceURI", func(n *html.Node) goja.Value { return vm.ToValue(namespaceURI(n)) }, nil)
	d.reflect(p, "id", "id")
	d.reflect(p, "className", "class")
	d.attr(p, "classList", func(n *html.Node) goja.Value { return d.classList(n) }, func(n *html.Node, v goja.Value) {
		setAttr(n, "class", str(v, false))
	})
	d.attr(p, "attributes", func(n *html.Node) goja.Value { return d.attributes(n) }, nil)
	d.attr(p, "dataset", func(n *html.Node) goja.Value { return d.dataset(n) }, nil)
	d.method(p, "getAttribute", func(n *html.Node, c goja.FunctionCall) goja.Value {
		if v, ok := getAttr(n, str(c.Argument(0), false)); ok {
			return vm.ToValue(v)
		}
		return goja.Null()
	})
	d.method(p, "setAttribute", func(n *html.Node, c goja.FunctionCall) goja.Value {
		name := str(c.Argument(0), false)
		if !validAttrName(name) {
			panic(d.domException("InvalidCharacterError", "'"+name+"' is not a valid attribute name."))
		}
		setAttr(n, name, d.capString(str(c.Argument(1), false), "setAttribute"))
		return nil
	})
	d.method(p, "removeAttribute", func(n *html.Node, c goja.FunctionCall) goja.Value {
		removeAttr(n, str(c.Argument(0), false))
		return nil
	})
	d.method(p, "hasAttribute", func(n *html.Node, c goja.FunctionCall) goja.Value {
		return vm.ToValue(hasAttr(n, str(c.Argument(0), false)))
	})
	d.method(p, "hasAttributes", func(n *html.Node, c goja.FunctionCall) goja.Value {
		return vm.ToValue(len(n.Attr) > 0)
	})
	d.method(p, "getAttributeNames", func(n *html.Node, c goja.FunctionCall) goja.Value {
		names := make([]any, len(n.Attr))
		for i, a := range n.Attr {
			names[i] = attrName(a)
		}
		return vm.NewArray(names...)
	})
	d.method(p, "toggleAttribute", func(n *html.Node, c goja.FunctionCall) goja.Value {
		name := str(c.Argument(0), false)
		has := hasAttr(n, name)
		force, forced := c.Argument(1), len(c.Arguments) > 1 && !goja.IsUndefined(c.Argument(1))
		switch {
		case has && (!forced || !force.ToBoolean()):
			removeAttr(n, name)
			return vm.ToValue(false)
		case !has && (!forced || force.ToBoolean()):
			setAttr(n, name, "")
			return vm.ToValue(true)
		}
		return vm.ToValue(has)
	})
	d.attr(p, "innerHTML", func(n *html.Node) goja.Value { return vm.ToValue(innerHTML(n)) }, func(n *html.Node, v goja.Value) {
		frag := d.parseFragment(str(v, true), n, "innerHTML")
		d.replaceChildren(n, frag)
	})
	d.attr(p, "outerHTML", func(n *html.Node) goja.Value { return vm.ToValue(outerHTML(n)) }, func(n *html.Node, v goja.Value) {
		parent := n.Parent
		if parent == nil {
			return
		}
		if parent == d.doc {
			panic(d.domException("NoModificationAllowedError", "Failed to set 'outerHTML' on 'Element': This element's parent is of type '#document'."))
		}
		context := parent
		if isFragment(parent) {
			context = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
		}
		frag := d.parseFragment(str(v, true), context, "outerHTML")
		next := n.NextSibling
		d.remove(n)
		d.insert(parent, frag, next)
	})
	d.method(p, "insertAdjacentHTML", func(n *html.Node, c goja.FunctionCall) goja.Value {
		where := strings.ToLower(str(c.Argument(0), false))
		markup := str(c.Argument(1), false)
		switch where {
		case "beforebegin", "afterend":
			parent := n.Parent
			if parent == nil || parent == d.doc {
				panic(d.domException("NoModificationAllowedError", "The element has no parent element."))
			}
			frag := d.parseFragment(markup, parent, "insertAdjacentHTML")
			if where == "beforebegin" {
				d.insert(parent, frag, n)
			} else {
				d.insert(parent, frag, n.NextSibling)
			}
		case "afterbegin":
			d.insert(n, d.parseFragment(markup, n, "insertAdjacentHTML"), n.FirstChild)
		case "beforeend":
			d.insert(n, d.parseFragment(markup, n, "insertAdjacentHTML"), nil)
		default:
			panic(d.domException("SyntaxError", "The value provided ('"+where+"') is not one of 'beforeBegin', 'afterBegin', 'beforeEnd', or 'afterEnd'."))
		}
		return nil
	})
	d.method(p, "insertAdjacentText", func(n *html.Node, c goja.FunctionCall) goja.Value {
		d.insertAdjacent(n, str(c.Argument(0), false), &html.Node{Type: html.TextNode, Data: str(c.Argument(1), false)})
		return nil
	})
	d.method(p, "insertAdjacentElement", func(n *html.Node, c goja.FunctionCall) goja.Value {
		el := d.nodeArg(c, 1, "insertAdjacentElement")
		if el.Type != html.ElementNode {
			panic(vm.NewTypeError("Failed to execute 'insertAdjacentElement' on 'Element': parameter 2 is not of type 'Element'."))
		}
		if d.insertAdjacent(n, str(c.Argument(0), false), el) {
			return c.Argument(1)
		}
		return goja.Null()
	})
	matches := func(n *html.Node, c goja.FunctionCall) goja.Value {
		return vm.ToValue(d.selector(str(c.Argument(0), false)).Match(n))
	}
	d.method(p, "matches", matches)
	d.method(p, "webkitMatchesSelector", matches)
	d.method(p, "closest", func(n *html.Node, c goja.FunctionCall) goja.Value {
		sel := d.selector(str(c.Argument(0), false))
		for e := n; e != nil && e.Type == html.ElementNode; e = e.Parent {
			if sel.Match(e) {
				return d.wrap(e)
			}
		}
		return goja.Null()
	})
}

// insertAdjacent is insertAdjacentText/Element: false when there is no
// parent to insert beside.
func (d *dom) insertAdjacent(n *html.Node, where string, node *html.Node) bool {
	switch strings.ToLower(where) {
	case "beforebegin":
		if n.Parent == nil {
			return false
		}
		d.insert(n.Parent, node, n)
	case "afterbegin":
		d.insert(n, node, n.FirstChild)
	case "beforeend":
		d.insert(n, node, nil)
	case "afterend":
		if n.Parent == nil {
			return false
		}
		d.insert(n.Parent, node, n.NextSibling)
	default:
		panic(d.domException("SyntaxError", "The value provided ('"+where+"') is not one of 'beforeBegin', 'afterBegin', 'beforeEnd', or 'afterEnd'."))
	}
	return true
}

// parseFragment parses markup as the children of context (the HTML
// fragment parsing algorithm) into a new DocumentFragment.
func (d *dom) parseFragment(markup string, context *html.Node, what string) *html.Node {
	d.capString(markup, what)
	if context.Type != html.ElementNode {
		context = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	}
	if context.DataAtom == 0 && context.Namespace == "" {
		// Elements made by createElement or cloned may lack the atom the parser keys on.
		context = &html.Node{Type: html.ElementNode, Data: context.Data, DataAtom: atom.Lookup([]byte(context.Data))}
	}
	nodes, err := html.ParseFragment(strings.NewReader(markup), context)
	if err != nil {
		panic(d.domException("SyntaxError", what+": "+err.Error()))
	}
	frag := d.newFragment()
	for _, n := range nodes {
		frag.AppendChild(n)
	}
	return frag
}

// reflect defines a DOM attribute that reflects a content attribute as a string.
func (d *dom) reflect(p *goja.Object, prop, content string) {
	d.attr(p, prop, func(n *html.Node) goja.Value {
		v, _ := getAttr(n, content)
		return d.vm.ToValue(v)
	}, func(n *html.Node, v goja.Value) {
		setAttr(n, content, d.capString(str(v, false), prop))
	})
}

func namespaceURI(n *html.Node) string {
	switch n.Namespace {
	case "svg":
		return "http://www.w3.org/2000/svg"
	case "math":
		return "http://www.w3.org/1998/Math/MathML"
	}
	return "http://www.w3.org/1999/xhtml"
}

// validAttrName is a loose form of the XML Name production browsers check.
func validAttrName(name string) bool {
	return name != "" && !strings.ContainsAny(name, " \t\n\f\r\"'<>/=\x00")
}

func asciiFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' })
}

// classList returns the element's DOMTokenList over its class attribute.
func (d *dom) classList(n *html.Node) goja.Value {
	if o, ok := d.classLists[n]; ok {
		return o
	}
	o := d.vm.CreateObject(d.proto.tokenList)
	d.classLists[n] = o
	d.tokenOwner[o] = n
	return o
}

// attributes returns a NamedNodeMap snapshot of Attr objects whose value
// setters write through to the element.
func (d *dom) attributes(n *html.Node) goja.Value {
	vm := d.vm
	items := make([]any, len(n.Attr))
	for i, a := range n.Attr {
		name := attrName(a)
		attr := vm.NewObject()
		_ = attr.Set("name", name)
		_ = attr.Set("localName", a.Key)
		_ = attr.Set("prefix", nullIfEmpty(vm, a.Namespace))
		_ = attr.Set("namespaceURI", goja.Null())
		_ = attr.Set("specified", true)
		_ = attr.Set("ownerElement", d.wrap(n))
		_ = attr.DefineAccessorProperty("value", vm.ToValue(func(goja.FunctionCall) goja.Value {
			v, _ := getAttr(n, name)
			return vm.ToValue(v)
		}), vm.ToValue(func(c goja.FunctionCall) goja.Value {
			setAttr(n, name, str(c.Argument(0), false))
			return goja.Undefined()
		}), goja.FLAG_TRUE, goja.FLAG_TRUE)
		items[i] = attr
	}
	arr := vm.NewArray(items...)
	_ = arr.SetPrototype(d.proto.namedNodeMap)
	return arr
}

func nullIfEmpty(vm *goja.Runtime, s string) goja.Value {
	if s == "" {
		return goja.Null()
	}
	return vm.ToValue(s)
}

// dataset returns the element's DOMStringMap over its data-* attributes.
func (d *dom) dataset(n *html.Node) goja.Value {
	if o, ok := d.datasets[n]; ok {
		return o
	}
	o := d.vm.NewDynamicObject(&datasetMap{d: d, n: n})
	d.datasets[n] = o
	return o
}

// datasetMap maps camelCase names to data-kebab-case attributes, as
// DOMStringMap does.
type datasetMap struct {
	d *dom
	n *html.Node
}

func dataAttrName(key string) string {
	var b strings.Builder
	b.WriteString("data-")
	for _, r := range key {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (m *datasetMap) Get(key string) goja.Value {
	if v, ok := getAttr(m.n, dataAttrName(key)); ok {
		return m.d.vm.ToValue(v)
	}
	return nil
}

func (m *datasetMap) Set(key string, val goja.Value) bool {
	setAttr(m.n, dataAttrName(key), m.d.capString(str(val, false), "dataset"))
	return true
}

func (m *datasetMap) Has(key string) bool { return hasAttr(m.n, dataAttrName(key)) }

func (m *datasetMap) Delete(key string) bool {
	removeAttr(m.n, dataAttrName(key))
	return true
}

func (m *datasetMap) Keys() []string {
	var keys []string
	for _, a := range m.n.Attr {
		name := attrName(a)
		if !strings.HasPrefix(name, "data-") {
			continue
		}
		var b strings.Builder
		up := false
		for _, r := range name[len("data-"):] {
			switch {
			case r == '-':
				up = true
				continue
			case up && r >= 'a' && r <= 'z':
				r -= 'a' - 'A'
			case up:
				b.WriteByte('-')
			}
			up = false
			b.WriteRune(r)
		}
		keys = append(keys, b.String())
	}
	return keys
}
