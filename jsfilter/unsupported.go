package jsfilter

import (
	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// What a browser or Node.js offers and policywatch does not. Each name is
// an accessor that records the use and throws, so a filter that needs one
// fails saying so ("uses Element.style, which policywatch's DOM does not
// provide") rather than going on with undefined, even if it catches the
// exception. Names outside these lists read as undefined, as in JavaScript.

var unsupportedMembers = map[string][]string{
	"Node": {"compareDocumentPosition", "isEqualNode", "lookupPrefix", "lookupNamespaceURI",
		"isDefaultNamespace", "addEventListener", "removeEventListener", "dispatchEvent"},
	"Element": {"style", "innerText", "outerText", "shadowRoot", "attachShadow", "slot",
		"assignedSlot", "part", "prefix", "getAttributeNS", "setAttributeNS", "removeAttributeNS",
		"hasAttributeNS", "getAttributeNode", "getAttributeNodeNS", "setAttributeNode",
		"setAttributeNodeNS", "removeAttributeNode", "getElementsByTagNameNS", "getBoundingClientRect",
		"getClientRects", "scrollIntoView", "scroll", "scrollTo", "scrollBy", "scrollTop", "scrollLeft",
		"scrollWidth", "scrollHeight", "clientTop", "clientLeft", "clientWidth", "clientHeight",
		"animate", "getAnimations", "computedStyleMap", "requestFullscreen", "requestPointerLock",
		"checkVisibility", "setHTMLUnsafe", "getHTML", "ariaLabel", "role"},
	"HTMLElement": {"offsetParent", "offsetTop", "offsetLeft", "offsetWidth", "offsetHeight", "click",
		"focus", "blur", "tabIndex", "contentEditable", "isContentEditable", "draggable", "spellcheck",
		"inert", "autofocus", "enterKeyHint", "inputMode", "popover", "showPopover", "hidePopover",
		"attachInternals", "onclick", "onload", "nonce", "autocapitalize"},
	"CharacterData": {"appendData", "insertData", "deleteData", "replaceData", "substringData",
		"splitText", "wholeText", "assignedSlot"},
	"Document": {"cookie", "write", "writeln", "open", "close", "evaluate", "createTreeWalker",
		"createNodeIterator", "createEvent", "createElementNS", "createAttribute", "createAttributeNS",
		"createCDATASection", "createProcessingInstruction", "importNode", "adoptNode", "defaultView",
		"readyState", "referrer", "domain", "lastModified", "characterSet", "charset", "inputEncoding",
		"forms", "images", "links", "scripts", "anchors", "embeds", "plugins", "styleSheets",
		"activeElement", "hasFocus", "execCommand", "getSelection", "elementFromPoint",
		"elementsFromPoint", "fonts", "visibilityState", "hidden", "currentScript", "implementation",
		"getElementsByName", "scrollingElement", "fullscreenElement", "designMode", "dir",
		"addEventListener", "removeEventListener", "dispatchEvent"},
	"Range": {"extractContents", "insertNode", "surroundContents", "compareBoundaryPoints",
		"comparePoint", "isPointInRange", "intersectsNode", "createContextualFragment",
		"getBoundingClientRect", "getClientRects"},
}

// unsupportedGlobals are what Node.js (where Open Terms Archive runs
// filters) or jsdom provide globally that policywatch does not.
var unsupportedGlobals = []string{"setTimeout", "setInterval", "clearTimeout", "clearInterval",
	"setImmediate", "clearImmediate", "queueMicrotask", "structuredClone", "TextEncoder",
	"TextDecoder", "Intl", "Buffer", "process", "require", "Blob", "File", "FormData", "Request",
	"Response", "AbortController", "AbortSignal", "crypto", "performance", "WebAssembly",
	"MutationObserver", "DOMParser", "XMLSerializer", "XMLHttpRequest", "getComputedStyle",
	"requestAnimationFrame", "Event", "CustomEvent", "NodeFilter", "XPathResult", "localStorage",
	"sessionStorage", "navigator"}

// unsupported records that the filter used name and returns the error to throw.
func (r *run) unsupported(name string) *goja.Object {
	r.unsupportedUses = append(r.unsupportedUses, name)
	return r.vm.NewTypeError("uses %s, which policywatch's DOM does not provide", name)
}

func (d *dom) unsupported(name string) *goja.Object { return d.run.unsupported(name) }

// poison defines name on o as an accessor that reports the use of what.
func (r *run) poison(o *goja.Object, name, what string) {
	fail := r.vm.ToValue(func(goja.FunctionCall) goja.Value { panic(r.unsupported(what)) })
	_ = o.DefineAccessorProperty(name, fail, fail, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

func (d *dom) setupUnsupported() {
	protos := map[string]*goja.Object{
		"Node": d.proto.node, "Element": d.proto.element, "HTMLElement": d.proto.htmlElement,
		"CharacterData": d.proto.charData, "Document": d.proto.document, "Range": d.proto.rng,
	}
	for iface, names := range unsupportedMembers {
		provided := protos[iface].GetOwnPropertyNames()
		for _, name := range names {
			if indexOf(provided, name) >= 0 {
				panic("jsfilter: " + iface + "." + name + " is both provided and listed as unsupported")
			}
			d.run.poison(protos[iface], name, iface+"."+name)
		}
	}
}

func (r *run) setupUnsupportedGlobals() {
	g := r.vm.GlobalObject()
	for _, name := range unsupportedGlobals {
		r.poison(g, name, name)
	}
}

// maxUnprovidedReads bounds what a run remembers of its reads of members
// nothing provides: the first few say enough.
const maxUnprovidedReads = 8

// unprovidedRoot is the prototype above EventTarget.prototype: a proxy
// that answers a name no DOM interface of policywatch's and not
// Object.prototype has with undefined, as browsers answer names they do not
// know, and records the read. A filter that then fails on that undefined
// ("Cannot read property 'remove' of undefined") is not proven to fail
// because of the page: its Error names the member it read (Unprovided),
// which jsdom, where Open Terms Archive runs filters, may well provide.
func (d *dom) unprovidedRoot() *goja.Object {
	vm := d.vm
	target := vm.NewObject()
	proxy := vm.NewProxy(target, &goja.ProxyTrapConfig{
		Get: func(t *goja.Object, name string, receiver goja.Value) goja.Value {
			if name == "__proto__" { // Object.prototype's accessor, read on the receiver
				if o, ok := receiver.(*goja.Object); ok && o.Prototype() != nil {
					return o.Prototype()
				}
				return goja.Null()
			}
			if v := t.Get(name); v != nil {
				return v
			}
			if n := d.nodeOf(receiver); n != nil && len(d.run.unprovidedReads) < maxUnprovidedReads {
				member := interfaceOf(n) + "." + name
				if indexOf(d.run.unprovidedReads, member) < 0 {
					d.run.unprovidedReads = append(d.run.unprovidedReads, member)
				}
			}
			return nil // undefined, and "Object has no member" when called
		},
	})
	return vm.ToValue(proxy).(*goja.Object)
}

// interfaceOf names the DOM interface of n, for messages.
func interfaceOf(n *html.Node) string {
	switch {
	case n.Type == html.ElementNode:
		return "Element"
	case isFragment(n):
		return "DocumentFragment"
	case n.Type == html.DocumentNode:
		return "Document"
	case n.Type == html.TextNode:
		return "Text"
	case n.Type == html.CommentNode:
		return "Comment"
	}
	return "Node"
}
