package jsfilter

import (
	"strconv"
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// NodeList, HTMLCollection, DOMTokenList and NamedNodeMap.
//
// querySelectorAll returns a static NodeList (an array-like snapshot);
// childNodes, children and getElementsBy* are live, as in browsers: they
// recompute when the tree has changed since they last looked.

// liveCollection backs a live NodeList or HTMLCollection.
type liveCollection struct {
	d       *dom
	compute func() []*html.Node
	items   []*html.Node
	version uint64
	fresh   bool
}

func (l *liveCollection) refresh() {
	if !l.fresh || l.version != l.d.version {
		l.items = l.compute()
		l.version = l.d.version
		l.fresh = true
	}
}

func (l *liveCollection) Len() int { l.refresh(); return len(l.items) }

func (l *liveCollection) Get(i int) goja.Value {
	l.refresh()
	if i < 0 || i >= len(l.items) {
		return nil
	}
	return l.d.wrap(l.items[i])
}

func (l *liveCollection) Set(int, goja.Value) bool { return false }
func (l *liveCollection) SetLen(int) bool          { return false }

func (d *dom) liveList(proto *goja.Object, compute func() []*html.Node) *goja.Object {
	o := d.vm.NewDynamicArray(&liveCollection{d: d, compute: compute})
	_ = o.SetPrototype(proto)
	return o
}

func (d *dom) staticList(nodes []*html.Node) *goja.Object {
	items := make([]any, len(nodes))
	for i, n := range nodes {
		items[i] = d.wrap(n)
	}
	arr := d.vm.NewArray(items...)
	_ = arr.SetPrototype(d.proto.nodeList)
	return arr
}

func (d *dom) setupCollections() {
	vm := d.vm
	arrayProto := vm.Get("Array").ToObject(vm).Get("prototype").ToObject(vm)
	values := arrayProto.Get("values")
	item := vm.ToValue(func(c goja.FunctionCall) goja.Value {
		o := c.This.ToObject(vm)
		v := o.Get(c.Argument(0).String())
		if v == nil || goja.IsUndefined(v) {
			return goja.Null()
		}
		return v
	})

	// NodeList: forEach, entries, keys, values, as WebIDL's iterable
	// declarations give it (the Array methods, which are generic).
	d.proto.nodeList = vm.NewObject()
	_ = d.proto.nodeList.Set("item", item)
	for _, m := range []string{"forEach", "entries", "keys", "values"} {
		_ = d.proto.nodeList.Set(m, arrayProto.Get(m))
	}
	_ = d.proto.nodeList.SetSymbol(goja.SymIterator, values)

	// HTMLCollection: no forEach, as in browsers.
	d.proto.htmlCollection = vm.NewObject()
	_ = d.proto.htmlCollection.Set("item", item)
	_ = d.proto.htmlCollection.Set("namedItem", vm.ToValue(func(c goja.FunctionCall) goja.Value {
		name := str(c.Argument(0), false)
		o := c.This.ToObject(vm)
		l := int(o.Get("length").ToInteger())
		for i := 0; i < l; i++ {
			if n := d.nodeOf(o.Get(strconv.Itoa(i))); n != nil {
				if id, _ := getAttr(n, "id"); id == name && name != "" {
					return d.wrap(n)
				}
				if nm, _ := getAttr(n, "name"); nm == name && name != "" {
					return d.wrap(n)
				}
			}
		}
		return goja.Null()
	}))
	_ = d.proto.htmlCollection.SetSymbol(goja.SymIterator, values)

	d.proto.namedNodeMap = vm.NewObject()
	_ = d.proto.namedNodeMap.Set("item", item)
	_ = d.proto.namedNodeMap.Set("getNamedItem", vm.ToValue(func(c goja.FunctionCall) goja.Value {
		name := str(c.Argument(0), false)
		o := c.This.ToObject(vm)
		l := int(o.Get("length").ToInteger())
		for i := 0; i < l; i++ {
			a := o.Get(strconv.Itoa(i)).ToObject(vm)
			if a.Get("name").String() == strings.ToLower(name) || a.Get("name").String() == name {
				return a
			}
		}
		return goja.Null()
	}))
	_ = d.proto.namedNodeMap.SetSymbol(goja.SymIterator, values)

	d.setupTokenList()
}

// setupTokenList defines DOMTokenList, which classList returns.
func (d *dom) setupTokenList() {
	vm := d.vm
	p := vm.NewObject()
	d.proto.tokenList = p
	owner := func(c goja.FunctionCall) *html.Node {
		if o, ok := c.This.(*goja.Object); ok {
			if n := d.tokenOwner[o]; n != nil {
				return n
			}
		}
		panic(vm.NewTypeError("Illegal invocation"))
	}
	tokens := func(n *html.Node) []string {
		v, _ := getAttr(n, "class")
		return dedupe(asciiFields(v))
	}
	check := func(t string) string {
		if t == "" {
			panic(d.domException("SyntaxError", "The token provided must not be empty."))
		}
		if strings.ContainsAny(t, " \t\n\f\r") {
			panic(d.domException("InvalidCharacterError", "The token provided ('"+t+"') contains HTML space characters, which are not valid in tokens."))
		}
		return t
	}
	def := func(name string, f func(n *html.Node, c goja.FunctionCall) goja.Value) {
		_ = p.Set(name, vm.ToValue(func(c goja.FunctionCall) goja.Value {
			v := f(owner(c), c)
			if v == nil {
				return goja.Undefined()
			}
			return v
		}))
	}
	getter := func(name string, f func(n *html.Node) goja.Value) {
		_ = p.DefineAccessorProperty(name, vm.ToValue(func(c goja.FunctionCall) goja.Value { return f(owner(c)) }), nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
	}
	getter("length", func(n *html.Node) goja.Value { return vm.ToValue(len(tokens(n))) })
	_ = p.DefineAccessorProperty("value", vm.ToValue(func(c goja.FunctionCall) goja.Value {
		v, _ := getAttr(owner(c), "class")
		return vm.ToValue(v)
	}), vm.ToValue(func(c goja.FunctionCall) goja.Value {
		setAttr(owner(c), "class", str(c.Argument(0), false))
		return goja.Undefined()
	}), goja.FLAG_TRUE, goja.FLAG_TRUE)
	def("toString", func(n *html.Node, c goja.FunctionCall) goja.Value {
		v, _ := getAttr(n, "class")
		return vm.ToValue(v)
	})
	def("item", func(n *html.Node, c goja.FunctionCall) goja.Value {
		t := tokens(n)
		i := int(c.Argument(0).ToInteger())
		if i < 0 || i >= len(t) {
			return goja.Null()
		}
		return vm.ToValue(t[i])
	})
	def("contains", func(n *html.Node, c goja.FunctionCall) goja.Value {
		return vm.ToValue(indexOf(tokens(n), str(c.Argument(0), false)) >= 0)
	})
	def("add", func(n *html.Node, c goja.FunctionCall) goja.Value {
		t := tokens(n)
		for _, a := range c.Arguments {
			if tok := check(str(a, false)); indexOf(t, tok) < 0 {
				t = append(t, tok)
			}
		}
		setAttr(n, "class", strings.Join(t, " "))
		return nil
	})
	def("remove", func(n *html.Node, c goja.FunctionCall) goja.Value {
		t := tokens(n)
		for _, a := range c.Arguments {
			if i := indexOf(t, check(str(a, false))); i >= 0 {
				t = append(t[:i], t[i+1:]...)
			}
		}
		if hasAttr(n, "class") {
			setAttr(n, "class", strings.Join(t, " "))
		}
		return nil
	})
	def("toggle", func(n *html.Node, c goja.FunctionCall) goja.Value {
		t := tokens(n)
		tok := check(str(c.Argument(0), false))
		forced := len(c.Arguments) > 1 && !goja.IsUndefined(c.Argument(1))
		i := indexOf(t, tok)
		if i >= 0 {
			if forced && c.Argument(1).ToBoolean() {
				return vm.ToValue(true)
			}
			setAttr(n, "class", strings.Join(append(t[:i], t[i+1:]...), " "))
			return vm.ToValue(false)
		}
		if forced && !c.Argument(1).ToBoolean() {
			return vm.ToValue(false)
		}
		setAttr(n, "class", strings.Join(append(t, tok), " "))
		return vm.ToValue(true)
	})
	def("replace", func(n *html.Node, c goja.FunctionCall) goja.Value {
		t := tokens(n)
		old, repl := check(str(c.Argument(0), false)), check(str(c.Argument(1), false))
		i := indexOf(t, old)
		if i < 0 {
			return vm.ToValue(false)
		}
		if indexOf(t, repl) >= 0 {
			t = append(t[:i], t[i+1:]...)
		} else {
			t[i] = repl
		}
		setAttr(n, "class", strings.Join(dedupe(t), " "))
		return vm.ToValue(true)
	})
	def("forEach", func(n *html.Node, c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			panic(vm.NewTypeError("DOMTokenList.forEach: the callback is not a function"))
		}
		for i, t := range tokens(n) {
			if _, err := fn(c.Argument(1), vm.ToValue(t), vm.ToValue(i), c.This); err != nil {
				panic(err)
			}
		}
		return nil
	})
	_ = p.SetSymbol(goja.SymIterator, vm.ToValue(func(c goja.FunctionCall) goja.Value {
		t := tokens(owner(c))
		items := make([]any, len(t))
		for i, s := range t {
			items[i] = s
		}
		arr := vm.NewArray(items...)
		values, _ := goja.AssertFunction(arr.Get("values"))
		it, err := values(arr)
		if err != nil {
			panic(err)
		}
		return it
	}))
}

func dedupe(s []string) []string {
	out := s[:0:0]
	for _, t := range s {
		if indexOf(out, t) < 0 {
			out = append(out, t)
		}
	}
	return out
}

func indexOf(s []string, t string) int {
	for i, x := range s {
		if x == t {
			return i
		}
	}
	return -1
}
