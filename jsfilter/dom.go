package jsfilter

import (
	"strings"

	"github.com/dop251/goja"
	whatwg "github.com/nlnwa/whatwg-url/url"
	"golang.org/x/net/html"
)

// dom is the JavaScript view of one parsed page for one filter run: each
// *html.Node gets one wrapper object (so === works), and every mutation
// goes to the real tree the extractor walks afterwards.
type dom struct {
	run  *run
	vm   *goja.Runtime
	doc  *html.Node
	docv *goja.Object

	pageURL *whatwg.Url // nil when the page URL is empty or unparsable (about:blank)
	baseURL *whatwg.Url // the document base URL: <base href> or the page URL

	objs  map[*html.Node]*goja.Object
	nodes map[*goja.Object]*html.Node

	// Caches keyed by node so that el.childNodes === el.childNodes, as in browsers.
	childNodes map[*html.Node]*goja.Object
	children   map[*html.Node]*goja.Object
	classLists map[*html.Node]*goja.Object
	datasets   map[*html.Node]*goja.Object
	tokenOwner map[*goja.Object]*html.Node

	ranges    []*domRange // live ranges, updated by every mutation
	rangeObjs map[*goja.Object]*domRange
	version   uint64 // bumped by every mutation; live collections recompute on change

	proto protos
}

type protos struct {
	eventTarget, node, charData, text, comment, doctype *goja.Object
	document, fragment, element, htmlElement            *goja.Object
	byTag                                               map[string]*goja.Object
	nodeList, htmlCollection, tokenList, namedNodeMap   *goja.Object
	rng                                                 *goja.Object
}

// fragmentMarker marks the DocumentNodes that stand for DocumentFragments
// (golang.org/x/net/html has no fragment node type).
const fragmentMarker = "#document-fragment"

func isFragment(n *html.Node) bool { return n.Type == html.DocumentNode && n.Data == fragmentMarker }

func newDOM(r *run, page *html.Node, pageURL string) *dom {
	d := &dom{
		run:        r,
		vm:         r.vm,
		doc:        page,
		objs:       map[*html.Node]*goja.Object{},
		nodes:      map[*goja.Object]*html.Node{},
		childNodes: map[*html.Node]*goja.Object{},
		children:   map[*html.Node]*goja.Object{},
		classLists: map[*html.Node]*goja.Object{},
		datasets:   map[*html.Node]*goja.Object{},
		tokenOwner: map[*goja.Object]*html.Node{},
	}
	if u, err := whatwg.Parse(pageURL); err == nil && pageURL != "" {
		d.pageURL = u
	}
	d.baseURL = d.pageURL
	d.setupPrototypes()
	d.docv = d.wrap(page).(*goja.Object)
	d.baseURL = d.documentBaseURL()
	return d
}

// documentBaseURL is the href of the first <base href>, resolved against the
// page URL, or the page URL. It is computed once per run: filters do not add
// <base> elements, and href getters are called once per link.
func (d *dom) documentBaseURL() *whatwg.Url {
	var base *html.Node
	walkElements(d.doc, func(n *html.Node) bool {
		if n.Data == "base" && n.Namespace == "" && hasAttr(n, "href") {
			base = n
			return false
		}
		return true
	})
	if base == nil {
		return d.pageURL
	}
	href, _ := getAttr(base, "href")
	if u, err := d.parseURL(href, d.pageURL); err == nil {
		return u
	}
	return d.pageURL
}

// parseURL parses ref against base (nil: about:blank, against which only
// absolute URLs parse), as the URL standard does.
func (d *dom) parseURL(ref string, base *whatwg.Url) (*whatwg.Url, error) {
	if base == nil {
		return whatwg.Parse(ref)
	}
	return whatwg.ParseRef(base.Href(false), ref)
}

// locationHref is what document.location and document.URL say.
func (d *dom) locationHref() string {
	if d.pageURL == nil {
		return "about:blank"
	}
	return d.pageURL.Href(false)
}

// wrap returns the one wrapper of n (null for nil).
func (d *dom) wrap(n *html.Node) goja.Value {
	if n == nil {
		return goja.Null()
	}
	if o, ok := d.objs[n]; ok {
		return o
	}
	o := d.vm.CreateObject(d.protoFor(n))
	d.objs[n] = o
	d.nodes[o] = n
	return o
}

func (d *dom) protoFor(n *html.Node) *goja.Object {
	switch n.Type {
	case html.ElementNode:
		if n.Namespace != "" {
			return d.proto.element
		}
		if p, ok := d.proto.byTag[n.Data]; ok {
			return p
		}
		return d.proto.htmlElement
	case html.TextNode, html.RawNode:
		return d.proto.text
	case html.CommentNode:
		return d.proto.comment
	case html.DoctypeNode:
		return d.proto.doctype
	case html.DocumentNode:
		if n == d.doc {
			return d.proto.document
		}
		return d.proto.fragment
	}
	return d.proto.node
}

// nodeOf returns the node v wraps, or nil.
func (d *dom) nodeOf(v goja.Value) *html.Node {
	if o, ok := v.(*goja.Object); ok {
		return d.nodes[o]
	}
	return nil
}

// nodeArg is argument i of a DOM method that takes a Node.
func (d *dom) nodeArg(c goja.FunctionCall, i int, method string) *html.Node {
	n := d.nodeOf(c.Argument(i))
	if n == nil {
		panic(d.vm.NewTypeError("Failed to execute '%s': parameter %d is not of type 'Node'.", method, i+1))
	}
	return n
}

// this returns the node a method was called on; a method taken off its
// object and called on something else fails as in browsers.
func (d *dom) this(c goja.FunctionCall) *html.Node {
	n := d.nodeOf(c.This)
	if n == nil {
		panic(d.vm.NewTypeError("Illegal invocation"))
	}
	return n
}

// method defines a DOM method on proto.
func (d *dom) method(proto *goja.Object, name string, f func(n *html.Node, c goja.FunctionCall) goja.Value) {
	fn := d.vm.ToValue(func(c goja.FunctionCall) goja.Value {
		v := f(d.this(c), c)
		if v == nil {
			return goja.Undefined()
		}
		return v
	})
	_ = fn.(*goja.Object).DefineDataProperty("name", d.vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = proto.DefineDataProperty(name, fn, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
}

// attr defines a DOM attribute (an accessor) on proto; set nil makes it
// read-only (assigning throws, filters being strict-mode modules).
func (d *dom) attr(proto *goja.Object, name string, get func(n *html.Node) goja.Value, set func(n *html.Node, v goja.Value)) {
	getter := d.vm.ToValue(func(c goja.FunctionCall) goja.Value {
		v := get(d.this(c))
		if v == nil {
			return goja.Undefined()
		}
		return v
	})
	var setter goja.Value
	if set != nil {
		setter = d.vm.ToValue(func(c goja.FunctionCall) goja.Value {
			set(d.this(c), c.Argument(0))
			return goja.Undefined()
		})
	}
	_ = proto.DefineAccessorProperty(name, getter, setter, goja.FLAG_TRUE, goja.FLAG_TRUE)
}

// str converts a value as DOMString arguments are converted; nullAsEmpty is
// WebIDL's [LegacyNullToEmptyString] (innerHTML, textContent, nodeValue).
func str(v goja.Value, nullAsEmpty bool) string {
	if nullAsEmpty && (v == nil || goja.IsNull(v)) {
		return ""
	}
	if v == nil {
		return "undefined"
	}
	return v.String()
}

// constructor makes a global interface object (Node, Element, ...) whose
// prototype is proto, so that instanceof works; calling it fails as in
// browsers.
func (d *dom) constructor(name string, proto *goja.Object) {
	ctor := d.vm.ToValue(func(goja.ConstructorCall) *goja.Object {
		panic(d.vm.NewTypeError("Illegal constructor: %s", name))
	}).(*goja.Object)
	_ = ctor.DefineDataProperty("prototype", proto, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = ctor.DefineDataProperty("name", d.vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = proto.DefineDataProperty("constructor", ctor, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = d.vm.Set(name, ctor)
}

// setupPrototypes builds the interface hierarchy of the DOM policywatch
// provides: EventTarget > Node > (CharacterData > Text, Comment),
// DocumentType, Document, DocumentFragment, Element > HTMLElement > the
// HTML elements with their own members.
func (d *dom) setupPrototypes() {
	vm := d.vm
	p := &d.proto
	p.eventTarget = vm.CreateObject(d.unprovidedRoot())
	p.node = vm.CreateObject(p.eventTarget)
	p.charData = vm.CreateObject(p.node)
	p.text = vm.CreateObject(p.charData)
	p.comment = vm.CreateObject(p.charData)
	p.doctype = vm.CreateObject(p.node)
	p.document = vm.CreateObject(p.node)
	p.fragment = vm.CreateObject(p.node)
	p.element = vm.CreateObject(p.node)
	p.htmlElement = vm.CreateObject(p.element)
	p.byTag = map[string]*goja.Object{}

	d.setupNode()
	d.setupChildNode(p.element, p.charData, p.doctype)
	d.setupParentNode(p.element, p.document, p.fragment)
	d.setupCharacterData()
	d.setupDocument()
	d.setupElement()
	d.setupHTMLElements()
	d.setupCollections()
	d.setupRange()
	d.setupUnsupported()

	for name, proto := range map[string]*goja.Object{
		"EventTarget": p.eventTarget, "Node": p.node, "CharacterData": p.charData, "Text": p.text,
		"Comment": p.comment, "DocumentType": p.doctype, "Document": p.document, "HTMLDocument": p.document,
		"DocumentFragment": p.fragment, "Element": p.element, "HTMLElement": p.htmlElement,
		"NodeList": p.nodeList, "HTMLCollection": p.htmlCollection, "DOMTokenList": p.tokenList,
		"NamedNodeMap": p.namedNodeMap,
	} {
		d.constructor(name, proto)
	}
	// Node.TEXT_NODE and friends live on the interface object too.
	nodeCtor := d.vm.Get("Node").(*goja.Object)
	for _, k := range p.node.GetOwnPropertyNames() {
		if strings.HasSuffix(k, "_NODE") {
			_ = nodeCtor.DefineDataProperty(k, p.node.Get(k), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
		}
	}
	for tag, iface := range htmlInterfaces {
		if proto, ok := p.byTag[tag]; ok {
			d.constructor(iface, proto)
		}
	}
}
