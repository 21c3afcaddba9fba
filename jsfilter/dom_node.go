package jsfilter

import (
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// Members of Node, ChildNode and ParentNode.

func (d *dom) setupNode() {
	p := d.proto.node
	vm := d.vm
	for i, name := range []string{"ELEMENT_NODE", "ATTRIBUTE_NODE", "TEXT_NODE", "CDATA_SECTION_NODE",
		"ENTITY_REFERENCE_NODE", "ENTITY_NODE", "PROCESSING_INSTRUCTION_NODE", "COMMENT_NODE",
		"DOCUMENT_NODE", "DOCUMENT_TYPE_NODE", "DOCUMENT_FRAGMENT_NODE", "NOTATION_NODE"} {
		_ = p.DefineDataProperty(name, vm.ToValue(i+1), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	}
	d.attr(p, "nodeType", func(n *html.Node) goja.Value { return vm.ToValue(nodeType(n)) }, nil)
	d.attr(p, "nodeName", func(n *html.Node) goja.Value {
		if n.Type == html.ElementNode {
			return vm.ToValue(tagName(n))
		}
		if n.Type == html.DoctypeNode {
			return vm.ToValue(n.Data)
		}
		return vm.ToValue(nodeKind(n))
	}, nil)
	d.attr(p, "nodeValue", func(n *html.Node) goja.Value {
		if isCharacterData(n) {
			return vm.ToValue(n.Data)
		}
		return goja.Null()
	}, func(n *html.Node, v goja.Value) {
		if isCharacterData(n) {
			d.setData(n, str(v, true))
		}
	})
	d.attr(p, "textContent", func(n *html.Node) goja.Value {
		if n.Type == html.DocumentNode && !isFragment(n) || n.Type == html.DoctypeNode {
			return goja.Null()
		}
		return vm.ToValue(textContent(n))
	}, func(n *html.Node, v goja.Value) {
		s := d.capString(str(v, true), "textContent")
		switch {
		case isCharacterData(n):
			d.setData(n, s)
		case n.Type == html.ElementNode || isFragment(n):
			var t *html.Node
			if s != "" {
				t = &html.Node{Type: html.TextNode, Data: s}
			}
			d.replaceChildren(n, t)
		}
	})
	d.attr(p, "parentNode", func(n *html.Node) goja.Value { return d.wrap(n.Parent) }, nil)
	d.attr(p, "parentElement", func(n *html.Node) goja.Value {
		if n.Parent != nil && n.Parent.Type == html.ElementNode {
			return d.wrap(n.Parent)
		}
		return goja.Null()
	}, nil)
	d.attr(p, "firstChild", func(n *html.Node) goja.Value { return d.wrap(n.FirstChild) }, nil)
	d.attr(p, "lastChild", func(n *html.Node) goja.Value { return d.wrap(n.LastChild) }, nil)
	d.attr(p, "nextSibling", func(n *html.Node) goja.Value { return d.wrap(n.NextSibling) }, nil)
	d.attr(p, "previousSibling", func(n *html.Node) goja.Value { return d.wrap(n.PrevSibling) }, nil)
	d.attr(p, "childNodes", func(n *html.Node) goja.Value {
		if o, ok := d.childNodes[n]; ok {
			return o
		}
		o := d.liveList(d.proto.nodeList, func() []*html.Node {
			var out []*html.Node
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				out = append(out, c)
			}
			return out
		})
		d.childNodes[n] = o
		return o
	}, nil)
	d.attr(p, "ownerDocument", func(n *html.Node) goja.Value {
		if n == d.doc {
			return goja.Null()
		}
		return d.docv
	}, nil)
	d.attr(p, "isConnected", func(n *html.Node) goja.Value { return vm.ToValue(rootOf(n) == d.doc) }, nil)
	d.attr(p, "baseURI", func(n *html.Node) goja.Value {
		if d.baseURL == nil {
			return vm.ToValue("about:blank")
		}
		return vm.ToValue(d.baseURL.Href(false))
	}, nil)
	d.method(p, "hasChildNodes", func(n *html.Node, c goja.FunctionCall) goja.Value {
		return vm.ToValue(n.FirstChild != nil)
	})
	d.method(p, "appendChild", func(n *html.Node, c goja.FunctionCall) goja.Value {
		child := d.nodeArg(c, 0, "appendChild")
		d.insert(n, child, nil)
		return c.Argument(0)
	})
	d.method(p, "insertBefore", func(n *html.Node, c goja.FunctionCall) goja.Value {
		child := d.nodeArg(c, 0, "insertBefore")
		var ref *html.Node
		if a := c.Argument(1); !goja.IsNull(a) && !goja.IsUndefined(a) {
			ref = d.nodeArg(c, 1, "insertBefore")
		}
		d.insert(n, child, ref)
		return c.Argument(0)
	})
	d.method(p, "removeChild", func(n *html.Node, c goja.FunctionCall) goja.Value {
		child := d.nodeArg(c, 0, "removeChild")
		if child.Parent != n {
			panic(d.domException("NotFoundError", "The node to be removed is not a child of this node."))
		}
		d.remove(child)
		return c.Argument(0)
	})
	d.method(p, "replaceChild", func(n *html.Node, c goja.FunctionCall) goja.Value {
		node := d.nodeArg(c, 0, "replaceChild")
		old := d.nodeArg(c, 1, "replaceChild")
		if old.Parent != n {
			panic(d.domException("NotFoundError", "The node to be replaced is not a child of this node."))
		}
		if node != old {
			d.checkInsert(n, node, nil)
			ref := old.NextSibling
			if ref == node {
				ref = node.NextSibling
			}
			d.remove(old)
			d.insert(n, node, ref)
		}
		return c.Argument(1)
	})
	d.method(p, "cloneNode", func(n *html.Node, c goja.FunctionCall) goja.Value {
		if n == d.doc {
			panic(d.unsupported("Document.cloneNode"))
		}
		return d.wrap(cloneNode(n, c.Argument(0).ToBoolean()))
	})
	d.method(p, "contains", func(n *html.Node, c goja.FunctionCall) goja.Value {
		other := d.nodeOf(c.Argument(0))
		return vm.ToValue(other != nil && isInclusiveAncestor(n, other))
	})
	d.method(p, "isSameNode", func(n *html.Node, c goja.FunctionCall) goja.Value {
		return vm.ToValue(d.nodeOf(c.Argument(0)) == n)
	})
	d.method(p, "getRootNode", func(n *html.Node, c goja.FunctionCall) goja.Value { return d.wrap(rootOf(n)) })
	d.method(p, "normalize", func(n *html.Node, c goja.FunctionCall) goja.Value {
		d.normalize(n)
		return nil
	})
}

// normalize merges adjacent text nodes and drops empty ones, as Node.normalize does.
func (d *dom) normalize(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.TextNode && c.Data == "":
			d.remove(c)
		case c.Type == html.TextNode:
			var b strings.Builder
			b.WriteString(c.Data)
			for next != nil && next.Type == html.TextNode {
				b.WriteString(next.Data)
				after := next.NextSibling
				d.remove(next)
				next = after
			}
			if b.Len() != len(c.Data) {
				d.setData(c, b.String())
			}
		case c.Type == html.ElementNode:
			d.normalize(c)
		}
		c = next
	}
}

func nodeType(n *html.Node) int {
	switch n.Type {
	case html.ElementNode:
		return 1
	case html.TextNode, html.RawNode:
		return 3
	case html.CommentNode:
		return 8
	case html.DoctypeNode:
		return 10
	case html.DocumentNode:
		if isFragment(n) {
			return 11
		}
		return 9
	}
	return 0
}

// tagName is upper case for HTML elements, as the DOM says in HTML documents.
func tagName(n *html.Node) string {
	if n.Namespace == "" {
		return strings.ToUpper(n.Data)
	}
	return n.Data
}

// nodesFromArgs turns the (Node or string)... arguments of append,
// replaceWith and friends into one node: the node, or a fragment holding them.
func (d *dom) nodesFromArgs(c goja.FunctionCall, method string) *html.Node {
	nodes := make([]*html.Node, 0, len(c.Arguments))
	for _, a := range c.Arguments {
		if n := d.nodeOf(a); n != nil {
			nodes = append(nodes, n)
			continue
		}
		nodes = append(nodes, &html.Node{Type: html.TextNode, Data: str(a, false)})
	}
	if len(nodes) == 1 {
		return nodes[0]
	}
	frag := d.newFragment()
	for _, n := range nodes {
		d.insert(frag, n, nil)
	}
	return frag
}

// setupChildNode defines remove, replaceWith, before, after and the
// element siblings on the interfaces that have them.
func (d *dom) setupChildNode(protos ...*goja.Object) {
	for _, p := range protos {
		d.method(p, "remove", func(n *html.Node, c goja.FunctionCall) goja.Value {
			d.remove(n)
			return nil
		})
		d.method(p, "replaceWith", func(n *html.Node, c goja.FunctionCall) goja.Value {
			parent := n.Parent
			if parent == nil {
				return nil
			}
			// The DOM's "viable next sibling": the first following sibling not being inserted.
			next := n.NextSibling
			for next != nil && d.isArgNode(c, next) {
				next = next.NextSibling
			}
			node := d.nodesFromArgs(c, "replaceWith")
			if n.Parent == parent {
				d.checkInsert(parent, node, nil)
				d.remove(n)
			}
			d.insert(parent, node, next)
			return nil
		})
		d.method(p, "before", func(n *html.Node, c goja.FunctionCall) goja.Value {
			parent := n.Parent
			if parent == nil {
				return nil
			}
			prev := n.PrevSibling
			for prev != nil && d.isArgNode(c, prev) {
				prev = prev.PrevSibling
			}
			node := d.nodesFromArgs(c, "before")
			ref := parent.FirstChild
			if prev != nil {
				ref = prev.NextSibling
			}
			d.insert(parent, node, ref)
			return nil
		})
		d.method(p, "after", func(n *html.Node, c goja.FunctionCall) goja.Value {
			parent := n.Parent
			if parent == nil {
				return nil
			}
			next := n.NextSibling
			for next != nil && d.isArgNode(c, next) {
				next = next.NextSibling
			}
			d.insert(parent, d.nodesFromArgs(c, "after"), next)
			return nil
		})
		if p == d.proto.doctype {
			continue
		}
		d.attr(p, "nextElementSibling", func(n *html.Node) goja.Value {
			for s := n.NextSibling; s != nil; s = s.NextSibling {
				if s.Type == html.ElementNode {
					return d.wrap(s)
				}
			}
			return goja.Null()
		}, nil)
		d.attr(p, "previousElementSibling", func(n *html.Node) goja.Value {
			for s := n.PrevSibling; s != nil; s = s.PrevSibling {
				if s.Type == html.ElementNode {
					return d.wrap(s)
				}
			}
			return goja.Null()
		}, nil)
	}
}

func (d *dom) isArgNode(c goja.FunctionCall, n *html.Node) bool {
	for _, a := range c.Arguments {
		if d.nodeOf(a) == n {
			return true
		}
	}
	return false
}

func elementChildren(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			out = append(out, c)
		}
	}
	return out
}

// setupParentNode defines children, the element-child accessors, the
// selector queries and append/prepend on Element, Document and DocumentFragment.
func (d *dom) setupParentNode(protos ...*goja.Object) {
	vm := d.vm
	for _, p := range protos {
		d.attr(p, "children", func(n *html.Node) goja.Value {
			if o, ok := d.children[n]; ok {
				return o
			}
			o := d.liveList(d.proto.htmlCollection, func() []*html.Node { return elementChildren(n) })
			d.children[n] = o
			return o
		}, nil)
		d.attr(p, "firstElementChild", func(n *html.Node) goja.Value {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode {
					return d.wrap(c)
				}
			}
			return goja.Null()
		}, nil)
		d.attr(p, "lastElementChild", func(n *html.Node) goja.Value {
			for c := n.LastChild; c != nil; c = c.PrevSibling {
				if c.Type == html.ElementNode {
					return d.wrap(c)
				}
			}
			return goja.Null()
		}, nil)
		d.attr(p, "childElementCount", func(n *html.Node) goja.Value {
			return vm.ToValue(len(elementChildren(n)))
		}, nil)
		d.method(p, "querySelector", func(n *html.Node, c goja.FunctionCall) goja.Value {
			sel := d.selector(str(c.Argument(0), false))
			var found *html.Node
			walkElements(n, func(e *html.Node) bool {
				if sel.Match(e) {
					found = e
					return false
				}
				return true
			})
			return d.wrap(found)
		})
		d.method(p, "querySelectorAll", func(n *html.Node, c goja.FunctionCall) goja.Value {
			sel := d.selector(str(c.Argument(0), false))
			var found []*html.Node
			walkElements(n, func(e *html.Node) bool {
				if sel.Match(e) {
					found = append(found, e)
				}
				return true
			})
			return d.staticList(found)
		})
		d.method(p, "getElementsByClassName", func(n *html.Node, c goja.FunctionCall) goja.Value {
			want := asciiFields(str(c.Argument(0), false))
			return d.liveList(d.proto.htmlCollection, func() []*html.Node {
				var out []*html.Node
				if len(want) == 0 {
					return out
				}
				walkElements(n, func(e *html.Node) bool {
					if hasClasses(e, want) {
						out = append(out, e)
					}
					return true
				})
				return out
			})
		})
		d.method(p, "append", func(n *html.Node, c goja.FunctionCall) goja.Value {
			d.insert(n, d.nodesFromArgs(c, "append"), nil)
			return nil
		})
		d.method(p, "prepend", func(n *html.Node, c goja.FunctionCall) goja.Value {
			d.insert(n, d.nodesFromArgs(c, "prepend"), n.FirstChild)
			return nil
		})
		d.method(p, "replaceChildren", func(n *html.Node, c goja.FunctionCall) goja.Value {
			d.replaceChildren(n, d.nodesFromArgs(c, "replaceChildren"))
			return nil
		})
		if p != d.proto.fragment {
			d.method(p, "getElementsByTagName", func(n *html.Node, c goja.FunctionCall) goja.Value {
				name := str(c.Argument(0), false)
				return d.liveList(d.proto.htmlCollection, func() []*html.Node {
					var out []*html.Node
					walkElements(n, func(e *html.Node) bool {
						if name == "*" || e.Namespace == "" && strings.EqualFold(e.Data, name) || e.Namespace != "" && e.Data == name {
							out = append(out, e)
						}
						return true
					})
					return out
				})
			})
		}
		if p != d.proto.element {
			d.method(p, "getElementById", func(n *html.Node, c goja.FunctionCall) goja.Value {
				id := str(c.Argument(0), false)
				var found *html.Node
				walkElements(n, func(e *html.Node) bool {
					if v, ok := getAttr(e, "id"); ok && v == id && id != "" {
						found = e
						return false
					}
					return true
				})
				return d.wrap(found)
			})
		}
	}
}

func hasClasses(e *html.Node, want []string) bool {
	cls, ok := getAttr(e, "class")
	if !ok {
		return false
	}
	have := asciiFields(cls)
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
