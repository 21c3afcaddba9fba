package jsfilter

import (
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// domRange is a live DOM Range: its boundary points follow the DOM
// standard's algorithms (set start/end, contained and partially contained
// nodes, clone and delete the contents), and every mutation of the tree
// moves them as the standard's removing, inserting and replace-data steps
// say, so a range set before an insertion still covers what it covered.
type domRange struct {
	d                      *dom
	startNode, endNode     *html.Node
	startOffset, endOffset int
}

func (r *domRange) nodeRemoved(n, parent *html.Node, idx int) {
	if isInclusiveAncestor(n, r.startNode) {
		r.startNode, r.startOffset = parent, idx
	}
	if isInclusiveAncestor(n, r.endNode) {
		r.endNode, r.endOffset = parent, idx
	}
	if r.startNode == parent && r.startOffset > idx {
		r.startOffset--
	}
	if r.endNode == parent && r.endOffset > idx {
		r.endOffset--
	}
}

func (r *domRange) nodesInserted(parent *html.Node, idx, count int) {
	if r.startNode == parent && r.startOffset > idx {
		r.startOffset += count
	}
	if r.endNode == parent && r.endOffset > idx {
		r.endOffset += count
	}
}

// dataReplaced applies "replace data" (offset, count, new length) to the range.
func (r *domRange) dataReplaced(n *html.Node, offset, count, added int) {
	fix := func(node *html.Node, off *int) {
		if node != n {
			return
		}
		switch {
		case *off > offset && *off <= offset+count:
			*off = offset
		case *off > offset+count:
			*off += added - count
		}
	}
	fix(r.startNode, &r.startOffset)
	fix(r.endNode, &r.endOffset)
}

// treeOrder compares two nodes of one tree: -1 when a precedes b, 0 when
// they are the same node, 1 when a follows b.
func treeOrder(a, b *html.Node) int {
	if a == b {
		return 0
	}
	pa, pb := ancestry(a), ancestry(b)
	i := 0
	for i < len(pa) && i < len(pb) && pa[i] == pb[i] {
		i++
	}
	switch {
	case i == len(pa): // a is an ancestor of b
		return -1
	case i == len(pb):
		return 1
	}
	for s := pa[i]; s != nil; s = s.NextSibling {
		if s == pb[i] {
			return -1
		}
	}
	return 1
}

// ancestry lists n's inclusive ancestors from the root down.
func ancestry(n *html.Node) []*html.Node {
	var out []*html.Node
	for ; n != nil; n = n.Parent {
		out = append(out, n)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// comparePoints is the position of boundary point (a, ao) relative to (b, bo): -1 before, 0 equal, 1 after.
func comparePoints(a *html.Node, ao int, b *html.Node, bo int) int {
	if a == b {
		switch {
		case ao < bo:
			return -1
		case ao > bo:
			return 1
		}
		return 0
	}
	if treeOrder(a, b) > 0 {
		return -comparePoints(b, bo, a, ao)
	}
	if isInclusiveAncestor(a, b) {
		child := b
		for child.Parent != a {
			child = child.Parent
		}
		if childIndex(child) < ao {
			return 1
		}
	}
	return -1
}

func (r *domRange) collapsed() bool { return r.startNode == r.endNode && r.startOffset == r.endOffset }

func (r *domRange) checkPoint(n *html.Node, offset int) {
	if n.Type == html.DoctypeNode {
		panic(r.d.domException("InvalidNodeTypeError", "The node provided is of type 'DocumentType'."))
	}
	if offset < 0 || offset > nodeLength(n) {
		panic(r.d.domException("IndexSizeError", "The offset is larger than the node's length."))
	}
}

func (r *domRange) setStart(n *html.Node, offset int) {
	r.checkPoint(n, offset)
	if rootOf(n) != rootOf(r.startNode) || comparePoints(n, offset, r.endNode, r.endOffset) > 0 {
		r.endNode, r.endOffset = n, offset
	}
	r.startNode, r.startOffset = n, offset
}

func (r *domRange) setEnd(n *html.Node, offset int) {
	r.checkPoint(n, offset)
	if rootOf(n) != rootOf(r.startNode) || comparePoints(n, offset, r.startNode, r.startOffset) < 0 {
		r.startNode, r.startOffset = n, offset
	}
	r.endNode, r.endOffset = n, offset
}

func (r *domRange) parentOf(n *html.Node) *html.Node {
	if n.Parent == nil {
		panic(r.d.domException("InvalidNodeTypeError", "The node provided has no parent."))
	}
	return n.Parent
}

// contains says whether n is contained in the range (DOM "contained").
func (r *domRange) contains(n *html.Node) bool {
	return rootOf(n) == rootOf(r.startNode) &&
		comparePoints(n, 0, r.startNode, r.startOffset) > 0 &&
		comparePoints(n, nodeLength(n), r.endNode, r.endOffset) < 0
}

func (r *domRange) partiallyContains(n *html.Node) bool {
	return isInclusiveAncestor(n, r.startNode) != isInclusiveAncestor(n, r.endNode)
}

func (r *domRange) commonAncestor() *html.Node {
	a := r.startNode
	for !isInclusiveAncestor(a, r.endNode) {
		a = a.Parent
	}
	return a
}

// cloneContents is the DOM's "clone the contents of a range".
func (r *domRange) cloneContents() *html.Node {
	d := r.d
	frag := d.newFragment()
	if r.collapsed() {
		return frag
	}
	sn, so, en, eo := r.startNode, r.startOffset, r.endNode, r.endOffset
	if sn == en && isCharacterData(sn) {
		c := cloneNode(sn, false)
		c.Data = utf16Slice(sn.Data, so, eo)
		frag.AppendChild(c)
		return frag
	}
	common := r.commonAncestor()
	var first, last *html.Node
	if !isInclusiveAncestor(sn, en) {
		for c := common.FirstChild; c != nil; c = c.NextSibling {
			if r.partiallyContains(c) {
				first = c
				break
			}
		}
	}
	if !isInclusiveAncestor(en, sn) {
		for c := common.LastChild; c != nil; c = c.PrevSibling {
			if r.partiallyContains(c) {
				last = c
				break
			}
		}
	}
	var contained []*html.Node
	for c := common.FirstChild; c != nil; c = c.NextSibling {
		if r.contains(c) {
			if c.Type == html.DoctypeNode {
				panic(d.domException("HierarchyRequestError", "The Range contains a DocumentType node."))
			}
			contained = append(contained, c)
		}
	}
	if first != nil {
		if isCharacterData(first) {
			c := cloneNode(first, false)
			c.Data = utf16Slice(first.Data, so, utf16Len(first.Data))
			frag.AppendChild(c)
		} else {
			c := cloneNode(first, false)
			frag.AppendChild(c)
			sub := &domRange{d: d, startNode: sn, startOffset: so, endNode: first, endOffset: nodeLength(first)}
			moveChildren(sub.cloneContents(), c)
		}
	}
	for _, n := range contained {
		frag.AppendChild(cloneNode(n, true))
	}
	if last != nil {
		if isCharacterData(last) {
			c := cloneNode(last, false)
			c.Data = utf16Slice(last.Data, 0, eo)
			frag.AppendChild(c)
		} else {
			c := cloneNode(last, false)
			frag.AppendChild(c)
			sub := &domRange{d: d, startNode: last, startOffset: 0, endNode: en, endOffset: eo}
			moveChildren(sub.cloneContents(), c)
		}
	}
	return frag
}

// moveChildren moves the children of a fresh (unwrapped) fragment into n.
func moveChildren(frag, n *html.Node) {
	for c := frag.FirstChild; c != nil; c = frag.FirstChild {
		frag.RemoveChild(c)
		n.AppendChild(c)
	}
}

// deleteContents is the DOM's Range.deleteContents.
func (r *domRange) deleteContents() {
	d := r.d
	if r.collapsed() {
		return
	}
	sn, so, en, eo := r.startNode, r.startOffset, r.endNode, r.endOffset
	if sn == en && isCharacterData(sn) {
		d.replaceData(sn, so, eo-so, "")
		return
	}
	var remove []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if r.contains(c) {
				remove = append(remove, c) // its descendants go with it
				continue
			}
			walk(c)
		}
	}
	walk(r.commonAncestor())
	newNode, newOffset := sn, so
	if !isInclusiveAncestor(sn, en) {
		ref := sn
		for ref.Parent != nil && !isInclusiveAncestor(ref.Parent, en) {
			ref = ref.Parent
		}
		newNode, newOffset = ref.Parent, childIndex(ref)+1
	}
	if isCharacterData(sn) {
		d.replaceData(sn, so, utf16Len(sn.Data)-so, "")
	}
	for _, n := range remove {
		d.remove(n)
	}
	if isCharacterData(en) {
		d.replaceData(en, 0, eo, "")
	}
	r.startNode, r.startOffset, r.endNode, r.endOffset = newNode, newOffset, newNode, newOffset
}

// text is Range.toString: the text of the Text nodes in the range.
func (r *domRange) text() string {
	sn, so, en, eo := r.startNode, r.startOffset, r.endNode, r.endOffset
	if sn == en && sn.Type == html.TextNode {
		return utf16Slice(sn.Data, so, eo)
	}
	var b strings.Builder
	if sn.Type == html.TextNode {
		b.WriteString(utf16Slice(sn.Data, so, utf16Len(sn.Data)))
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode && r.contains(c) {
				b.WriteString(c.Data)
			}
			walk(c)
		}
	}
	walk(r.commonAncestor())
	if en.Type == html.TextNode {
		b.WriteString(utf16Slice(en.Data, 0, eo))
	}
	return b.String()
}

// replaceData is the DOM's "replace data" on a text or comment node.
func (d *dom) replaceData(n *html.Node, offset, count int, data string) {
	length := utf16Len(n.Data)
	if offset > length {
		panic(d.domException("IndexSizeError", "The offset is larger than the data's length."))
	}
	count = min(count, length-offset)
	for _, r := range d.ranges {
		r.dataReplaced(n, offset, count, utf16Len(data))
	}
	n.Data = utf16Slice(n.Data, 0, offset) + data + utf16Slice(n.Data, offset+count, length)
	d.version++
}

func (d *dom) newRange() *goja.Object {
	r := &domRange{d: d, startNode: d.doc, endNode: d.doc}
	d.ranges = append(d.ranges, r)
	o := d.vm.CreateObject(d.proto.rng)
	d.rangeObjs[o] = r
	return o
}

func (d *dom) setupRange() {
	vm := d.vm
	p := vm.NewObject()
	d.proto.rng = p
	d.rangeObjs = map[*goja.Object]*domRange{}
	this := func(c goja.FunctionCall) *domRange {
		if o, ok := c.This.(*goja.Object); ok {
			if r := d.rangeObjs[o]; r != nil {
				return r
			}
		}
		panic(vm.NewTypeError("Illegal invocation"))
	}
	def := func(name string, f func(r *domRange, c goja.FunctionCall) goja.Value) {
		_ = p.Set(name, vm.ToValue(func(c goja.FunctionCall) goja.Value {
			if v := f(this(c), c); v != nil {
				return v
			}
			return goja.Undefined()
		}))
	}
	get := func(name string, f func(r *domRange) goja.Value) {
		_ = p.DefineAccessorProperty(name, vm.ToValue(func(c goja.FunctionCall) goja.Value { return f(this(c)) }), nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
	}
	get("startContainer", func(r *domRange) goja.Value { return d.wrap(r.startNode) })
	get("startOffset", func(r *domRange) goja.Value { return vm.ToValue(r.startOffset) })
	get("endContainer", func(r *domRange) goja.Value { return d.wrap(r.endNode) })
	get("endOffset", func(r *domRange) goja.Value { return vm.ToValue(r.endOffset) })
	get("collapsed", func(r *domRange) goja.Value { return vm.ToValue(r.collapsed()) })
	get("commonAncestorContainer", func(r *domRange) goja.Value { return d.wrap(r.commonAncestor()) })
	def("setStart", func(r *domRange, c goja.FunctionCall) goja.Value {
		r.setStart(d.nodeArg(c, 0, "setStart"), int(c.Argument(1).ToInteger()))
		return nil
	})
	def("setEnd", func(r *domRange, c goja.FunctionCall) goja.Value {
		r.setEnd(d.nodeArg(c, 0, "setEnd"), int(c.Argument(1).ToInteger()))
		return nil
	})
	def("setStartBefore", func(r *domRange, c goja.FunctionCall) goja.Value {
		n := d.nodeArg(c, 0, "setStartBefore")
		r.setStart(r.parentOf(n), childIndex(n))
		return nil
	})
	def("setStartAfter", func(r *domRange, c goja.FunctionCall) goja.Value {
		n := d.nodeArg(c, 0, "setStartAfter")
		r.setStart(r.parentOf(n), childIndex(n)+1)
		return nil
	})
	def("setEndBefore", func(r *domRange, c goja.FunctionCall) goja.Value {
		n := d.nodeArg(c, 0, "setEndBefore")
		r.setEnd(r.parentOf(n), childIndex(n))
		return nil
	})
	def("setEndAfter", func(r *domRange, c goja.FunctionCall) goja.Value {
		n := d.nodeArg(c, 0, "setEndAfter")
		r.setEnd(r.parentOf(n), childIndex(n)+1)
		return nil
	})
	def("selectNode", func(r *domRange, c goja.FunctionCall) goja.Value {
		n := d.nodeArg(c, 0, "selectNode")
		parent, i := r.parentOf(n), childIndex(n)
		r.startNode, r.startOffset, r.endNode, r.endOffset = parent, i, parent, i+1
		return nil
	})
	def("selectNodeContents", func(r *domRange, c goja.FunctionCall) goja.Value {
		n := d.nodeArg(c, 0, "selectNodeContents")
		if n.Type == html.DoctypeNode {
			panic(d.domException("InvalidNodeTypeError", "The node provided is of type 'DocumentType'."))
		}
		r.startNode, r.startOffset, r.endNode, r.endOffset = n, 0, n, nodeLength(n)
		return nil
	})
	def("collapse", func(r *domRange, c goja.FunctionCall) goja.Value {
		if c.Argument(0).ToBoolean() {
			r.endNode, r.endOffset = r.startNode, r.startOffset
		} else {
			r.startNode, r.startOffset = r.endNode, r.endOffset
		}
		return nil
	})
	def("cloneContents", func(r *domRange, c goja.FunctionCall) goja.Value { return d.wrap(r.cloneContents()) })
	def("deleteContents", func(r *domRange, c goja.FunctionCall) goja.Value {
		r.deleteContents()
		return nil
	})
	def("cloneRange", func(r *domRange, c goja.FunctionCall) goja.Value {
		o := d.newRange()
		nr := d.rangeObjs[o]
		nr.startNode, nr.startOffset, nr.endNode, nr.endOffset = r.startNode, r.startOffset, r.endNode, r.endOffset
		return o
	})
	def("toString", func(r *domRange, c goja.FunctionCall) goja.Value { return vm.ToValue(r.text()) })
	def("detach", func(*domRange, goja.FunctionCall) goja.Value { return nil })

	ctor := vm.ToValue(func(goja.ConstructorCall) *goja.Object { return d.newRange() }).(*goja.Object)
	_ = ctor.DefineDataProperty("prototype", p, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = p.DefineDataProperty("constructor", ctor, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = vm.Set("Range", ctor)
}
