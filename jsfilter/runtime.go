package jsfilter

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// A run is one fresh goja runtime for one filter call on one page (or for
// checking a module at Load). Compiled programs are shared; everything
// else is the run's own and goes when it ends.

// maxCallDepth bounds nested calls; Node.js allows roughly 10,000 frames,
// no filter needs a tenth of that.
const maxCallDepth = 4096

//go:embed prelude.js
var preludeSource string

var preludeProgram = goja.MustCompile("policywatch-prelude.js", preludeSource, true)

type run struct {
	m         *Module
	vm        *goja.Runtime
	dom       *dom
	instances map[*sourceFile]*goja.Object

	urls        map[*goja.Object]*urlObject
	params      map[*goja.Object]*searchParams
	urlProto    *goja.Object
	paramsProto *goja.Object

	domException goja.Value
	rangeErrorFn goja.Value
	jsonParse    goja.Callable

	unsupportedUses []string
	unprovidedReads []string // DOM members read that nothing provides (unprovidedRoot)
}

// heapTurn admits one filter run at a time into the process, from the
// making of its runtime to the end of its watch. goja cannot account memory
// per runtime (its maintainer: "not in scope", dop251/goja#645) and the
// watchdog reads the process's heap, so runs taking turns is what makes the
// heap's growth during a watch the watched run's own: a runaway filter is
// stopped alone, never a filter that ran beside it (crawl records several
// documents at once). A run takes a few milliseconds (BENCHMARKS.md), so
// the turns cost little; a runaway holds the others back at most until its
// own bound stops it, and a waiting run's time bound starts with its turn.
var heapTurn sync.Mutex

// newRun prepares a runtime with the filters' globals and, when page is
// not nil, its document.
func newRun(m *Module, page *html.Node, pageURL string) (*run, error) {
	r := &run{m: m, vm: goja.New(), instances: map[*sourceFile]*goja.Object{}}
	r.vm.SetMaxCallStackSize(maxCallDepth)
	if _, err := r.vm.RunProgram(preludeProgram); err != nil {
		return nil, fmt.Errorf("jsfilter: prelude: %v", err)
	}
	r.domException = r.vm.Get("DOMException")
	r.rangeErrorFn = r.vm.Get("RangeError")
	r.jsonParse, _ = goja.AssertFunction(r.vm.Get("JSON").ToObject(r.vm).Get("parse"))
	r.setupURL()
	r.setupBase64()
	r.setupUnsupportedGlobals()
	if page != nil {
		r.dom = newDOM(r, page, pageURL)
	}
	return r, nil
}

// guarded runs fn under the module's limits: a timer and a heap watchdog
// interrupt the runtime when either bound is passed.
func (r *run) guarded(fn func() error) error {
	lim := r.m.limits
	// The timer may outlive the run in the runtime's timer heap: it holds
	// the runtime through target, which is cleared when the run ends, so
	// a stopped runtime (and all it allocated) is free at once.
	var mu sync.Mutex
	target := r.vm
	interrupt := func(reason stopReason) {
		mu.Lock()
		defer mu.Unlock()
		if target != nil {
			target.Interrupt(reason)
		}
	}
	defer func() {
		mu.Lock()
		target = nil
		mu.Unlock()
	}()
	if lim.Timeout > 0 {
		timer := time.AfterFunc(lim.Timeout, func() {
			interrupt(stopReason{Timeout, fmt.Sprintf("ran longer than its time bound of %v", lim.Timeout)})
		})
		defer timer.Stop()
	}
	if lim.MaxHeapGrowth > 0 {
		defer watchHeap(lim.MaxHeapGrowth, func() {
			interrupt(stopReason{HeapLimit, fmt.Sprintf("grew the heap by more than its bound of %d MiB", lim.MaxHeapGrowth>>20)})
		})()
	}
	return fn()
}

// heapSampleEvery is how often the watchdog looks at the heap.
const heapSampleEvery = 2 * time.Millisecond

// watchHeap calls stop when the heap has grown more than limit above the
// lowest it was seen at since the watch began. The heap is the process's,
// which is why filter runs take turns (heapTurn). A reading over the
// bound is confirmed after a garbage collection, so garbage alone stops
// nothing. It returns the function that ends the watch.
func watchHeap(limit uint64, stop func()) (end func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		read := func() uint64 {
			metrics.Read(sample)
			return sample[0].Value.Uint64()
		}
		low := read()
		tick := time.NewTicker(heapSampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			h := read()
			low = min(low, h)
			if h-low <= limit {
				continue
			}
			runtime.GC()
			if h = read(); h > low && h-low > limit {
				stop()
				return
			}
			low = min(low, h)
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// instantiate runs a filter file (after the files it imports) and returns
// its exports object.
func (r *run) instantiate(f *sourceFile) (*goja.Object, error) {
	if o, ok := r.instances[f]; ok {
		return o, nil
	}
	imports := make([]any, len(f.ms.decls))
	for i := range f.ms.decls {
		if dep := f.deps[i]; dep != nil {
			o, err := r.instantiate(dep)
			if err != nil {
				return nil, err
			}
			imports[i] = o
			continue
		}
		fetch := r.vm.Get("fetch")
		mod := r.vm.NewObject()
		_ = mod.Set("default", fetch)
		_ = mod.Set("fetch", fetch)
		imports[i] = mod
	}
	wrapper, err := r.vm.RunProgram(f.prog)
	if err != nil {
		return nil, err
	}
	call, ok := goja.AssertFunction(wrapper)
	if !ok {
		return nil, fmt.Errorf("%s: the wrapped module is not a function", f.name)
	}
	v, err := call(goja.Undefined(), r.vm.NewArray(imports...))
	if err != nil {
		return nil, err
	}
	exports := v.ToObject(r.vm)
	for i, d := range f.ms.decls {
		if !d.reexport {
			continue
		}
		src := imports[i].(*goja.Object)
		if d.all {
			for _, name := range f.deps[i].exports {
				if name != "default" && exports.Get(name) == nil {
					_ = exports.Set(name, src.Get(name))
				}
			}
			continue
		}
		for _, b := range d.bindings {
			_ = exports.Set(b.to, src.Get(b.from))
		}
	}
	r.instances[f] = exports
	return exports, nil
}

// selector compiles a selector for querySelector and friends, with
// cascadia as the declarations' selectors are; an invalid one throws the
// SyntaxError browsers throw.
func (d *dom) selector(s string) cascadia.Selector {
	sel, err := d.run.m.selectors.get(s)
	if err != nil {
		panic(d.domException("SyntaxError", fmt.Sprintf("'%s' is not a valid selector: %v", s, err)))
	}
	return sel
}

func (d *dom) domException(name, msg string) *goja.Object { return d.run.domError(name, msg) }

func (r *run) domError(name, msg string) *goja.Object {
	o, err := r.vm.New(r.domException, r.vm.ToValue(msg), r.vm.ToValue(name))
	if err != nil {
		return r.vm.NewTypeError(name + ": " + msg)
	}
	return o
}

func (d *dom) rangeError(format string, args ...any) *goja.Object {
	o, err := d.vm.New(d.run.rangeErrorFn, d.vm.ToValue(fmt.Sprintf(format, args...)))
	if err != nil {
		return d.vm.NewTypeError(fmt.Sprintf(format, args...))
	}
	return o
}

// setupBase64 defines btoa and atob as browsers and Node.js have them:
// strings of code units 0-255 ("binary strings") to and from base64.
func (r *run) setupBase64() {
	vm := r.vm
	_ = vm.Set("btoa", func(c goja.FunctionCall) goja.Value {
		s := c.Argument(0).String()
		b := make([]byte, 0, len(s))
		for _, ch := range s {
			if ch > 0xFF {
				panic(r.domError("InvalidCharacterError", "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range."))
			}
			b = append(b, byte(ch))
		}
		return vm.ToValue(base64.StdEncoding.EncodeToString(b))
	})
	_ = vm.Set("atob", func(c goja.FunctionCall) goja.Value {
		s := strings.Map(func(ch rune) rune {
			if ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r' {
				return -1
			}
			return ch
		}, c.Argument(0).String())
		if len(s)%4 == 0 {
			s = strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
		}
		b, err := base64.RawStdEncoding.DecodeString(s)
		if err != nil || len(s)%4 == 1 {
			panic(r.domError("InvalidCharacterError", "Failed to execute 'atob': The string to be decoded is not correctly encoded."))
		}
		out := make([]rune, len(b))
		for i, x := range b {
			out[i] = rune(x)
		}
		return vm.ToValue(string(out))
	})
}

// selectorCache shares compiled selectors between the runs of a module.
type selectorCache struct {
	mu   sync.Mutex
	sels map[string]cachedSelector
}

type cachedSelector struct {
	sel cascadia.Selector
	err error
}

// maxCachedSelectors bounds the cache: selectors built from page content
// (`a[href*="${from}"]`) would otherwise grow it without end.
const maxCachedSelectors = 1024

func (c *selectorCache) get(s string) (cascadia.Selector, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs, ok := c.sels[s]; ok {
		return cs.sel, cs.err
	}
	sel, err := cascadia.Compile(s)
	if c.sels == nil || len(c.sels) >= maxCachedSelectors {
		c.sels = map[string]cachedSelector{}
	}
	c.sels[s] = cachedSelector{sel, err}
	return sel, err
}
