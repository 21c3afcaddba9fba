package jsfilter

import (
	"strings"
	"unicode/utf16"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Tree operations on *html.Node. Every mutation a filter makes goes
// through insert and remove, which keep live ranges where the DOM
// standard says they go and bump the version live collections watch.

// normAttrName lowercases an attribute name given to an HTML element, as
// the DOM does in HTML documents; names on SVG and MathML keep their case.
func normAttrName(n *html.Node, name string) string {
	if n.Namespace == "" {
		return strings.ToLower(name)
	}
	return name
}

func getAttr(n *html.Node, name string) (string, bool) {
	name = normAttrName(n, name)
	for _, a := range n.Attr {
		if attrName(a) == name {
			return a.Val, true
		}
	}
	return "", false
}

func hasAttr(n *html.Node, name string) bool {
	_, ok := getAttr(n, name)
	return ok
}

func setAttr(n *html.Node, name, value string) {
	name = normAttrName(n, name)
	for i, a := range n.Attr {
		if attrName(a) == name {
			n.Attr[i].Val = value
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: name, Val: value})
}

func removeAttr(n *html.Node, name string) {
	name = normAttrName(n, name)
	for i, a := range n.Attr {
		if attrName(a) == name {
			n.Attr = append(n.Attr[:i:i], n.Attr[i+1:]...)
			return
		}
	}
}

// isTemplate says whether n is an HTML <template>, whose children are its
// inert content: DOM queries and textContent do not look inside.
func isTemplate(n *html.Node) bool {
	return n.Type == html.ElementNode && n.DataAtom == atom.Template && n.Namespace == ""
}

// walkElements calls fn on the element descendants of root in tree order
// until fn returns false. It does not enter template content.
func walkElements(root *html.Node, fn func(*html.Node) bool) {
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if !fn(c) {
				return false
			}
			if !isTemplate(c) && !walk(c) {
				return false
			}
		}
		return true
	}
	walk(root)
}

func textContent(n *html.Node) string {
	switch n.Type {
	case html.TextNode, html.CommentNode, html.RawNode:
		return n.Data
	case html.DoctypeNode:
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode || c.Type == html.RawNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && !isTemplate(c):
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

func childIndex(n *html.Node) int {
	i := 0
	for c := n.PrevSibling; c != nil; c = c.PrevSibling {
		i++
	}
	return i
}

// nodeLength is the DOM's length of a node: UTF-16 code units of a text or
// comment's data, else the number of children.
func nodeLength(n *html.Node) int {
	if isCharacterData(n) {
		return utf16Len(n.Data)
	}
	l := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		l++
	}
	return l
}

func utf16Len(s string) int {
	l := 0
	for _, r := range s {
		l += utf16.RuneLen(r)
	}
	return l
}

// utf16Slice cuts s between UTF-16 offsets, as JavaScript strings are cut.
func utf16Slice(s string, from, to int) string {
	u := utf16.Encode([]rune(s))
	from, to = max(0, min(from, len(u))), max(0, min(to, len(u)))
	if from >= to {
		return ""
	}
	return string(utf16.Decode(u[from:to]))
}

func isCharacterData(n *html.Node) bool {
	return n.Type == html.TextNode || n.Type == html.CommentNode || n.Type == html.RawNode
}

func isInclusiveAncestor(a, n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == a {
			return true
		}
	}
	return false
}

func rootOf(n *html.Node) *html.Node {
	for n.Parent != nil {
		n = n.Parent
	}
	return n
}

func cloneNode(n *html.Node, deep bool) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace}
	if n.Attr != nil {
		c.Attr = append([]html.Attribute(nil), n.Attr...)
	}
	if deep {
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			c.AppendChild(cloneNode(k, true))
		}
	}
	return c
}

func (d *dom) newFragment() *html.Node {
	return &html.Node{Type: html.DocumentNode, Data: fragmentMarker}
}

// remove detaches n from its parent (DOM "remove").
func (d *dom) remove(n *html.Node) {
	parent := n.Parent
	if parent == nil {
		return
	}
	idx := childIndex(n)
	for _, r := range d.ranges {
		r.nodeRemoved(n, parent, idx)
	}
	parent.RemoveChild(n)
	d.version++
}

// insert puts node into parent before child (nil: at the end), after the
// DOM's pre-insertion checks; a fragment's children move in its place.
func (d *dom) insert(parent, node, child *html.Node) {
	d.checkInsert(parent, node, child)
	if child == node {
		child = node.NextSibling
	}
	nodes := []*html.Node{node}
	if isFragment(node) {
		nodes = nodes[:0]
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			nodes = append(nodes, c)
		}
		for _, c := range nodes {
			d.remove(c)
		}
	} else {
		d.remove(node)
	}
	if len(nodes) == 0 {
		return
	}
	if child != nil {
		idx := childIndex(child)
		for _, r := range d.ranges {
			r.nodesInserted(parent, idx, len(nodes))
		}
	}
	for _, c := range nodes {
		parent.InsertBefore(c, child)
	}
	d.version++
}

func (d *dom) checkInsert(parent, node, child *html.Node) {
	if parent.Type != html.DocumentNode && parent.Type != html.ElementNode {
		panic(d.domException("HierarchyRequestError", "The operation would yield an incorrect node tree: a "+nodeKind(parent)+" cannot have children."))
	}
	if isInclusiveAncestor(node, parent) {
		panic(d.domException("HierarchyRequestError", "The new child element contains the parent."))
	}
	if child != nil && child.Parent != parent {
		panic(d.domException("NotFoundError", "The node before which the new node is to be inserted is not a child of this node."))
	}
	if node.Type == html.DocumentNode && !isFragment(node) {
		panic(d.domException("HierarchyRequestError", "Nodes of type '#document' may not be inserted inside nodes of type '"+nodeKind(parent)+"'."))
	}
	if parent == d.doc && (node.Type == html.TextNode || node.Type == html.RawNode) {
		panic(d.domException("HierarchyRequestError", "Nodes of type '#text' may not be inserted inside nodes of type '#document'."))
	}
	if node.Type == html.DoctypeNode && parent.Type != html.DocumentNode {
		panic(d.domException("HierarchyRequestError", "Nodes of type '#doctype' may only be inserted inside the document."))
	}
}

// replaceChildren removes every child of parent, then inserts node (if any).
func (d *dom) replaceChildren(parent, node *html.Node) {
	if node != nil {
		d.checkInsert(parent, node, nil)
	}
	for parent.FirstChild != nil {
		d.remove(parent.FirstChild)
	}
	if node != nil {
		d.insert(parent, node, nil)
	}
}

// setData replaces a text or comment node's whole data.
func (d *dom) setData(n *html.Node, data string) {
	d.replaceData(n, 0, utf16Len(n.Data), data)
}

func nodeKind(n *html.Node) string {
	switch n.Type {
	case html.TextNode, html.RawNode:
		return "#text"
	case html.CommentNode:
		return "#comment"
	case html.DoctypeNode:
		return "#doctype"
	case html.DocumentNode:
		if isFragment(n) {
			return "#document-fragment"
		}
		return "#document"
	}
	return n.Data
}
