package jsfilter

import (
	"github.com/dop251/goja"
	whatwg "github.com/nlnwa/whatwg-url/url"
)

// The URL and URLSearchParams globals.

// newURL makes a URL object, as `new URL(href, base)` does; it panics with
// a TypeError when href does not parse.
func (r *run) newURL(href, base string) *goja.Object {
	var u *whatwg.Url
	var err error
	if base != "" {
		if _, err = whatwg.Parse(base); err != nil {
			panic(r.vm.NewTypeError("Invalid base URL: %s", base))
		}
		u, err = whatwg.ParseRef(base, href)
	} else {
		u, err = whatwg.Parse(href)
	}
	if err != nil {
		panic(r.vm.NewTypeError("Invalid URL: %s", href))
	}
	o := r.vm.CreateObject(r.urlProto)
	r.urls[o] = &urlObject{u: u}
	return o
}

func (r *run) thisURL(c goja.FunctionCall) *urlObject {
	if o, ok := c.This.(*goja.Object); ok {
		if u := r.urls[o]; u != nil {
			return u
		}
	}
	panic(r.vm.NewTypeError("Illegal invocation: not a URL"))
}

func (r *run) thisParams(c goja.FunctionCall) *searchParams {
	if o, ok := c.This.(*goja.Object); ok {
		if p := r.params[o]; p != nil {
			return p
		}
	}
	panic(r.vm.NewTypeError("Illegal invocation: not a URLSearchParams"))
}

func (r *run) newParams(list []paramPair, owner *urlObject) *goja.Object {
	o := r.vm.CreateObject(r.paramsProto)
	r.params[o] = &searchParams{list: list, owner: owner}
	return o
}

func (r *run) setupURL() {
	vm := r.vm
	r.urls = map[*goja.Object]*urlObject{}
	r.params = map[*goja.Object]*searchParams{}
	p := vm.NewObject()
	r.urlProto = p
	ctor := vm.ToValue(func(c goja.ConstructorCall) *goja.Object {
		base := ""
		if b := c.Argument(1); !goja.IsUndefined(b) {
			base = b.String()
		}
		if len(c.Arguments) == 0 {
			panic(vm.NewTypeError("Failed to construct 'URL': 1 argument required, but only 0 present."))
		}
		return r.newURL(c.Argument(0).String(), base)
	}).(*goja.Object)
	_ = ctor.DefineDataProperty("prototype", p, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = p.DefineDataProperty("constructor", ctor, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = ctor.Set("canParse", func(c goja.FunctionCall) goja.Value {
		var err error
		if b := c.Argument(1); !goja.IsUndefined(b) {
			_, err = whatwg.ParseRef(b.String(), c.Argument(0).String())
		} else {
			_, err = whatwg.Parse(c.Argument(0).String())
		}
		return vm.ToValue(err == nil)
	})
	_ = vm.Set("URL", ctor)

	accessor := func(name string, get func(u *whatwg.Url) string, set func(u *urlObject, v string)) {
		var setter goja.Value
		if set != nil {
			setter = vm.ToValue(func(c goja.FunctionCall) goja.Value {
				u := r.thisURL(c)
				set(u, c.Argument(0).String())
				return goja.Undefined()
			})
		}
		_ = p.DefineAccessorProperty(name, vm.ToValue(func(c goja.FunctionCall) goja.Value {
			return vm.ToValue(get(r.thisURL(c).u))
		}), setter, goja.FLAG_TRUE, goja.FLAG_TRUE)
	}
	href := func(u *whatwg.Url) string { return u.Href(false) }
	refreshParams := func(u *urlObject) {
		if u.params != nil {
			r.params[u.params].list = parseForm(u.u.Query())
		}
	}
	accessor("href", href, func(u *urlObject, v string) {
		nu, err := whatwg.Parse(v)
		if err != nil {
			panic(vm.NewTypeError("Invalid URL: %s", v))
		}
		u.u = nu
		refreshParams(u)
	})
	accessor("origin", urlOrigin, nil)
	accessor("protocol", (*whatwg.Url).Protocol, func(u *urlObject, v string) { u.u.SetProtocol(v) })
	accessor("username", (*whatwg.Url).Username, func(u *urlObject, v string) { u.u.SetUsername(v) })
	accessor("password", (*whatwg.Url).Password, func(u *urlObject, v string) { u.u.SetPassword(v) })
	accessor("host", (*whatwg.Url).Host, func(u *urlObject, v string) { u.u.SetHost(v) })
	accessor("hostname", (*whatwg.Url).Hostname, func(u *urlObject, v string) { u.u.SetHostname(v) })
	accessor("port", (*whatwg.Url).Port, func(u *urlObject, v string) { u.u.SetPort(v) })
	accessor("pathname", (*whatwg.Url).Pathname, func(u *urlObject, v string) { u.u.SetPathname(v) })
	accessor("search", (*whatwg.Url).Search, func(u *urlObject, v string) {
		u.u.SetSearch(v)
		refreshParams(u)
	})
	accessor("hash", (*whatwg.Url).Hash, func(u *urlObject, v string) { u.u.SetHash(v) })
	_ = p.DefineAccessorProperty("searchParams", vm.ToValue(func(c goja.FunctionCall) goja.Value {
		u := r.thisURL(c)
		if u.params == nil {
			u.params = r.newParams(parseForm(u.u.Query()), u)
		}
		return u.params
	}), nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
	toString := func(c goja.FunctionCall) goja.Value { return vm.ToValue(r.thisURL(c).u.Href(false)) }
	_ = p.Set("toString", toString)
	_ = p.Set("toJSON", toString)

	r.setupSearchParams()
}

func (r *run) setupSearchParams() {
	vm := r.vm
	p := vm.NewObject()
	r.paramsProto = p
	ctor := vm.ToValue(func(c goja.ConstructorCall) *goja.Object {
		return r.newParams(r.paramsInit(c.Argument(0)), nil)
	}).(*goja.Object)
	_ = ctor.DefineDataProperty("prototype", p, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = p.DefineDataProperty("constructor", ctor, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = vm.Set("URLSearchParams", ctor)

	def := func(name string, f func(sp *searchParams, c goja.FunctionCall) goja.Value) {
		_ = p.Set(name, func(c goja.FunctionCall) goja.Value {
			if v := f(r.thisParams(c), c); v != nil {
				return v
			}
			return goja.Undefined()
		})
	}
	// matches says whether a pair matches name and, when given, value
	// (the two-argument forms of has and delete).
	matches := func(c goja.FunctionCall, pair paramPair) bool {
		if pair.name != c.Argument(0).String() {
			return false
		}
		return len(c.Arguments) < 2 || goja.IsUndefined(c.Argument(1)) || pair.value == c.Argument(1).String()
	}
	def("append", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		sp.list = append(sp.list, paramPair{c.Argument(0).String(), c.Argument(1).String()})
		sp.update()
		return nil
	})
	def("delete", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		kept := sp.list[:0]
		for _, pair := range sp.list {
			if !matches(c, pair) {
				kept = append(kept, pair)
			}
		}
		sp.list = kept
		sp.update()
		return nil
	})
	def("get", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		name := c.Argument(0).String()
		for _, pair := range sp.list {
			if pair.name == name {
				return vm.ToValue(pair.value)
			}
		}
		return goja.Null()
	})
	def("getAll", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		name := c.Argument(0).String()
		var out []any
		for _, pair := range sp.list {
			if pair.name == name {
				out = append(out, pair.value)
			}
		}
		return vm.NewArray(out...)
	})
	def("has", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		for _, pair := range sp.list {
			if matches(c, pair) {
				return vm.ToValue(true)
			}
		}
		return vm.ToValue(false)
	})
	def("set", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		name, value := c.Argument(0).String(), c.Argument(1).String()
		out := sp.list[:0]
		set := false
		for _, pair := range sp.list {
			if pair.name != name {
				out = append(out, pair)
			} else if !set {
				out = append(out, paramPair{name, value})
				set = true
			}
		}
		if !set {
			out = append(out, paramPair{name, value})
		}
		sp.list = out
		sp.update()
		return nil
	})
	def("sort", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		sortParams(sp.list)
		sp.update()
		return nil
	})
	def("toString", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		return vm.ToValue(serializeForm(sp.list))
	})
	def("forEach", func(sp *searchParams, c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			panic(vm.NewTypeError("URLSearchParams.forEach: the callback is not a function"))
		}
		for i := 0; i < len(sp.list); i++ { // the list may change as it runs
			if _, err := fn(c.Argument(1), vm.ToValue(sp.list[i].value), vm.ToValue(sp.list[i].name), c.This); err != nil {
				panic(err)
			}
		}
		return nil
	})
	iterate := func(kind string) func(sp *searchParams, c goja.FunctionCall) goja.Value {
		return func(sp *searchParams, c goja.FunctionCall) goja.Value {
			items := make([]any, len(sp.list))
			for i, pair := range sp.list {
				switch kind {
				case "keys":
					items[i] = pair.name
				case "values":
					items[i] = pair.value
				default:
					items[i] = vm.NewArray(pair.name, pair.value)
				}
			}
			arr := vm.NewArray(items...)
			values, _ := goja.AssertFunction(arr.Get("values"))
			it, err := values(arr)
			if err != nil {
				panic(err)
			}
			return it
		}
	}
	def("keys", iterate("keys"))
	def("values", iterate("values"))
	def("entries", iterate("entries"))
	_ = p.SetSymbol(goja.SymIterator, p.Get("entries"))
	_ = p.DefineAccessorProperty("size", vm.ToValue(func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(len(r.thisParams(c).list))
	}), nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
}

// paramsInit reads URLSearchParams' constructor argument: a string (a
// leading "?" dropped, the rest parsed literally as a query string, even
// when it is a whole URL, as browsers do), another URLSearchParams, a
// sequence of pairs or a record.
func (r *run) paramsInit(v goja.Value) []paramPair {
	vm := r.vm
	if v == nil || goja.IsUndefined(v) {
		return nil
	}
	o, isObject := v.(*goja.Object)
	if !isObject {
		s := v.String()
		if len(s) > 0 && s[0] == '?' {
			s = s[1:]
		}
		return parseForm(s)
	}
	if sp := r.params[o]; sp != nil {
		return append([]paramPair(nil), sp.list...)
	}
	if it := o.GetSymbol(goja.SymIterator); it != nil && !goja.IsUndefined(it) {
		var out []paramPair
		vm.ForOf(o, func(item goja.Value) bool {
			pair, ok := item.(*goja.Object)
			if !ok {
				panic(vm.NewTypeError("Failed to construct 'URLSearchParams': The provided value cannot be converted to a sequence."))
			}
			var parts []string
			vm.ForOf(pair, func(x goja.Value) bool {
				parts = append(parts, x.String())
				return true
			})
			if len(parts) != 2 {
				panic(vm.NewTypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements"))
			}
			out = append(out, paramPair{parts[0], parts[1]})
			return true
		})
		return out
	}
	var out []paramPair
	for _, k := range o.Keys() {
		out = append(out, paramPair{k, o.Get(k).String()})
	}
	return out
}
