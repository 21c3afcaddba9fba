package jsfilter

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/dop251/goja"
	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

// filter is one exported filter function (or one history entry of it),
// with the parameters it was declared with: an extract.Filter.
type filter struct {
	m      *Module
	name   string
	file   *sourceFile   // the current file or the history file
	entry  *historyEntry // nil: the current file's export
	params any
	key    string
}

func (f *filter) init() *filter {
	var b strings.Builder
	b.WriteString(f.Name())
	if f.entry != nil {
		fmt.Fprintf(&b, " [history entry valid until %s]", f.entry.raw)
	} else {
		b.WriteString(" [current]")
	}
	if f.params != nil {
		p, err := json.Marshal(f.params) // map keys sorted: deterministic
		if err != nil {
			p = []byte(fmt.Sprintf("%#v", f.params))
		}
		fmt.Fprintf(&b, " params %s", p)
	}
	fmt.Fprintf(&b, " sources %s", f.m.digest)
	f.key = b.String()
	return f
}

// Name says which file and function: "Coffee Meets Bagel.filters.js: unifyEmailProtectedAddresses".
func (f *filter) Name() string { return f.file.name + ": " + f.name }

// String identifies the filter for caches: its name, which history entry
// (or the current export), its parameters, and a digest of the module's
// sources, so a changed filter file does not hit an old cache entry.
func (f *filter) String() string { return f.key }

// Apply runs the filter on page in a fresh runtime, under the module's
// limits, when no other filter runs (heapTurn).
func (f *filter) Apply(page *html.Node, ctx extract.FilterContext) (err error) {
	heapTurn.Lock()
	defer heapTurn.Unlock()
	r, err := newRun(f.m, page, ctx.URL)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = &Error{File: f.file.name, Function: f.name, Kind: Internal,
				Message: fmt.Sprintf("policywatch's DOM failed (a bug in jsfilter): %v", p)}
		}
	}()
	var failed *Error
	gerr := r.guarded(func() error {
		failed = f.call(r, ctx)
		return nil
	})
	if gerr != nil {
		return gerr
	}
	if failed != nil {
		return failed
	}
	return nil
}

// call finds the function, calls it as Open Terms Archive does and waits
// for the promise it may return.
func (f *filter) call(r *run, ctx extract.FilterContext) *Error {
	exports, err := r.instantiate(f.file)
	if err != nil {
		return r.failure(f.file.name, f.name, err)
	}
	v := exports.Get(f.name)
	if f.entry != nil {
		v = v.ToObject(r.vm).Get(fmt.Sprint(f.entry.index)).ToObject(r.vm).Get("filter")
	}
	fn, ok := goja.AssertFunction(v)
	if !ok {
		return &Error{File: f.file.name, Function: f.name, Kind: Thrown, Message: "TypeError: the export is not a function"}
	}
	args := []goja.Value{r.dom.docv}
	if f.params != nil {
		p, err := r.jsonValue(f.params)
		if err != nil {
			return &Error{File: f.file.name, Function: f.name, Kind: Thrown, Message: fmt.Sprintf("parameters %v: %v", f.params, err)}
		}
		args = append(args, p)
	}
	args = append(args, r.declaration(ctx))

	result, err := fn(goja.Undefined(), args...)
	if err != nil {
		return r.failure(f.file.name, f.name, err)
	}
	if o, ok := result.(*goja.Object); ok {
		if p, ok := asPromise(o); ok {
			// The job queue ran when the call returned: the promise is
			// settled now or never (policywatch runs no timers or I/O).
			switch p.State() {
			case goja.PromiseStateRejected:
				return r.rejection(f.file.name, f.name, p.Result())
			case goja.PromiseStatePending:
				e := &Error{File: f.file.name, Function: f.name, Kind: Unsettled,
					Message: "returned a promise that never settled (policywatch runs no timers or network)"}
				r.markUnsupported(e)
				return e
			}
		}
	}
	if len(r.unsupportedUses) > 0 {
		e := &Error{File: f.file.name, Function: f.name, Kind: Thrown}
		r.markUnsupported(e)
		return e
	}
	return nil
}

// jsonValue makes a JavaScript value of JSON-decoded Go data, as plain
// objects and arrays (not Go-backed wrappers).
func (r *run) jsonValue(v any) (goja.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return r.jsonParse(goja.Undefined(), r.vm.ToValue(string(b)))
}

// declaration is the object Open Terms Archive passes filters as their
// last argument: { fetch, select, remove, filter }.
func (r *run) declaration(ctx extract.FilterContext) goja.Value {
	vm := r.vm
	o := vm.NewObject()
	_ = o.Set("fetch", ctx.URL)
	_ = o.Set("select", r.selectors(ctx.Select))
	_ = o.Set("remove", r.selectors(ctx.Remove))
	names := make([]any, len(ctx.Filters))
	for i, n := range ctx.Filters {
		// Callers name filters "FILE: function"; OTA passes function names.
		if j := strings.LastIndex(n, ": "); j >= 0 {
			n = n[j+2:]
		}
		names[i] = n
	}
	_ = o.Set("filter", vm.NewArray(names...))
	return o
}

// selectors renders declared rules as the declaration has them: one rule
// as itself (a CSS string or a range object), several as an array.
func (r *run) selectors(sels []extract.Selector) goja.Value {
	vals := make([]any, len(sels))
	for i, s := range sels {
		if s.Range == nil {
			vals[i] = s.CSS
			continue
		}
		o := r.vm.NewObject()
		for _, kv := range [][2]string{{"startBefore", s.Range.StartBefore}, {"startAfter", s.Range.StartAfter},
			{"endBefore", s.Range.EndBefore}, {"endAfter", s.Range.EndAfter}} {
			if kv[1] != "" {
				_ = o.Set(kv[0], kv[1])
			}
		}
		vals[i] = o
	}
	if len(vals) == 1 {
		return r.vm.ToValue(vals[0])
	}
	return r.vm.NewArray(vals...)
}

var promiseType = reflect.TypeOf((*goja.Promise)(nil))

// asPromise returns o's promise when o is one (without exporting other
// objects, which would copy them).
func asPromise(o *goja.Object) (*goja.Promise, bool) {
	if o.ExportType() != promiseType {
		return nil, false
	}
	p, ok := o.Export().(*goja.Promise)
	return p, ok
}
