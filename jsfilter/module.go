package jsfilter

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/policywatch/policywatch/extract"
)

// Limits bound one filter run on one page.
type Limits struct {
	// Timeout bounds the run's wall-clock time; 0 means no bound.
	Timeout time.Duration
	// MaxHeapGrowth bounds how much the process heap may grow while the
	// filter runs (sampled every few milliseconds); 0 means no bound.
	MaxHeapGrowth uint64
}

// DefaultLimits are the bounds Load gives a Module.
var DefaultLimits = Limits{Timeout: 5 * time.Second, MaxHeapGrowth: 256 << 20}

// Module is one service's compiled filter files; safe for concurrent use.
type Module struct {
	id        string
	files     []*sourceFile          // every file read, the service's first
	byName    map[string]*sourceFile // by name relative to the declarations directory
	current   *sourceFile            // SERVICE.filters.js, or nil
	history   *sourceFile            // SERVICE.filters.history.js, or nil
	filters   map[string]bool        // the current file's exported functions
	histories map[string][]historyEntry
	digest    string // of every file's content, for String()
	limits    Limits
	selectors *selectorCache
}

// historyEntry is one { validUntil, filter } of a history file's export.
type historyEntry struct {
	validUntil time.Time
	raw        string // validUntil as written
	index      int    // position in the exported array
}

// sourceFile is one compiled filter file.
type sourceFile struct {
	path    string // as read
	name    string // relative to the declarations directory, slash-separated
	src     string
	ms      *moduleSource
	prog    *goja.Program
	deps    []*sourceFile // aligned with ms.decls; nil for built-in modules
	exports []string      // the names it exports, sorted
}

// position maps a line and byte column of the wrapped script to FILE:LINE:COL
// in the file's own characters.
func (f *sourceFile) position(line, col int) string {
	if line == 1 {
		col -= f.ms.prefixLen
	}
	return fmt.Sprintf("%s:%d:%d", f.name, line, charColumn(f.src, line, col))
}

func (m *Module) fileNamed(name string) *sourceFile { return m.byName[name] }

// Load compiles the filter files of service id in dir: "<id>.filters.js"
// and "<id>.filters.history.js"; either may be absent; when both are, it
// returns (nil, nil). Files they import (`export { f } from
// './Google.filters.js'`) are read from dir. Errors name the file, and
// line:column for syntax errors.
func Load(dir, id string) (*Module, error) {
	l := &loader{dir: dir, loaded: map[string]*sourceFile{}}
	m := &Module{id: id, limits: DefaultLimits, selectors: &selectorCache{}, byName: map[string]*sourceFile{}}
	var err error
	if m.current, err = l.loadIfExists(id + ".filters.js"); err != nil {
		return nil, err
	}
	if m.history, err = l.loadIfExists(id + ".filters.history.js"); err != nil {
		return nil, err
	}
	if m.current == nil && m.history == nil {
		return nil, nil
	}
	m.files = l.order
	h := sha256.New()
	for _, f := range m.files {
		m.byName[f.name] = f
		fmt.Fprintf(h, "%s\x00%d\x00%s", f.name, len(f.src), f.src)
	}
	m.digest = hex.EncodeToString(h.Sum(nil))[:12]
	if err := m.inspect(); err != nil {
		return nil, err
	}
	return m, nil
}

// WithLimits returns a Module that shares m's compiled files and runs its
// filters under l.
func (m *Module) WithLimits(l Limits) *Module {
	c := *m
	c.limits = l
	return &c
}

// Files returns the paths of the files the module was read from: the
// service's own files first, then those they import.
func (m *Module) Files() []string {
	out := make([]string, len(m.files))
	for i, f := range m.files {
		out[i] = f.path
	}
	return out
}

// Exports returns the filter names the current file and the history file
// export, sorted, each once.
func (m *Module) Exports() []string {
	seen := map[string]bool{}
	for name := range m.filters {
		seen[name] = true
	}
	for name := range m.histories {
		seen[name] = true
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Filter returns the filter called name in force at capture time t, as
// Open Terms Archive picks it: the history entry with the oldest
// validUntil that is >= t, else the current file's export (zero t = the
// current one). params is nil for a filter declared by name
// ("filter": ["cleanUrls"]) or the JSON-decoded value for one declared as
// an object ("filter": [{"removeCloudflareEmailProtection": "DPO@gitlab.com"}]).
// ok is false when nothing exports name for t.
func (m *Module) Filter(name string, params any, t time.Time) (extract.Filter, bool) {
	f := &filter{m: m, name: name, params: params}
	if !t.IsZero() {
		for i, e := range m.histories[name] {
			if !e.validUntil.Before(t) {
				f.file, f.entry = m.history, &m.histories[name][i]
				return f.init(), true
			}
		}
	}
	if m.filters[name] {
		f.file = m.current
		return f.init(), true
	}
	return nil, false
}

// inspect runs the files once, bounded, to learn which exports are filter
// functions and what each history entry's validUntil is.
func (m *Module) inspect() error {
	heapTurn.Lock()
	defer heapTurn.Unlock()
	r, err := newRun(m, nil, "")
	if err != nil {
		return err
	}
	return r.guarded(func() error {
		m.filters = map[string]bool{}
		if m.current != nil {
			exports, err := r.instantiate(m.current)
			if err != nil {
				return fmt.Errorf("jsfilter: loading %s: %v", m.current.name, r.failure(m.current.name, "(module)", err).Message)
			}
			for _, name := range m.current.exports {
				if _, ok := goja.AssertFunction(exports.Get(name)); ok {
					m.filters[name] = true
				}
			}
		}
		m.histories = map[string][]historyEntry{}
		if m.history == nil {
			return nil
		}
		exports, err := r.instantiate(m.history)
		if err != nil {
			return fmt.Errorf("jsfilter: loading %s: %v", m.history.name, r.failure(m.history.name, "(module)", err).Message)
		}
		for _, name := range m.history.exports {
			entries, err := historyEntries(r.vm, exports.Get(name))
			if err != nil {
				return fmt.Errorf("jsfilter: %s: export %s: %v", m.history.name, name, err)
			}
			m.histories[name] = entries
		}
		return nil
	})
}

// historyEntries reads a history export: an array of { validUntil, filter }.
func historyEntries(vm *goja.Runtime, v goja.Value) ([]historyEntry, error) {
	arr, ok := v.(*goja.Object)
	if !ok || arr.ClassName() != "Array" {
		return nil, fmt.Errorf("is not an array of { validUntil, filter }")
	}
	n := int(arr.Get("length").ToInteger())
	entries := make([]historyEntry, 0, n)
	for i := 0; i < n; i++ {
		e, ok := arr.Get(strconv.Itoa(i)).(*goja.Object)
		if !ok {
			return nil, fmt.Errorf("entry %d is not an object", i)
		}
		if _, ok := goja.AssertFunction(e.Get("filter")); !ok {
			return nil, fmt.Errorf("entry %d has no filter function", i)
		}
		raw := safeString(e.Get("validUntil"))
		t, err := parseValidUntil(raw)
		if err != nil {
			return nil, fmt.Errorf("entry %d: validUntil %q is not a date and time (%v)", i, raw, err)
		}
		entries = append(entries, historyEntry{validUntil: t, raw: raw, index: i})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].validUntil.Before(entries[j].validUntil) })
	return entries, nil
}

func parseValidUntil(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return time.Time{}, err
}

// loader reads, translates and compiles filter files and what they import.
type loader struct {
	dir    string
	loaded map[string]*sourceFile
	order  []*sourceFile
	stack  []string // files being loaded, for cycle detection
}

func (l *loader) loadIfExists(name string) (*sourceFile, error) {
	_, err := os.Stat(filepath.Join(l.dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jsfilter: %v", err)
	}
	return l.load(name)
}

// load reads the file called name (slash-separated, relative to dir).
func (l *loader) load(name string) (*sourceFile, error) {
	for i, s := range l.stack {
		if s == name {
			return nil, fmt.Errorf("jsfilter: import cycle: %s", strings.Join(append(l.stack[i:], name), " → "))
		}
	}
	if f, ok := l.loaded[name]; ok {
		return f, nil
	}
	l.stack = append(l.stack, name)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()

	p := filepath.Join(l.dir, filepath.FromSlash(name))
	src, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("jsfilter: %v", err)
	}
	ms, err := translateModule(name, string(src))
	if err != nil {
		return nil, fmt.Errorf("jsfilter: %v", err)
	}
	prog, err := compileModule(name, ms)
	if err != nil {
		return nil, fmt.Errorf("jsfilter: %v", err)
	}
	f := &sourceFile{path: p, name: name, src: string(src), ms: ms, prog: prog, deps: make([]*sourceFile, len(ms.decls))}
	l.loaded[name] = f
	l.order = append(l.order, f)
	for i, d := range ms.decls {
		if builtinModules[d.spec] {
			for _, b := range d.bindings {
				if b.from != "default" && b.from != "fetch" && b.from != "*" {
					return nil, fmt.Errorf("jsfilter: %s:%d: %s exports only fetch, not %s", name, d.line, d.spec, b.from)
				}
			}
			continue
		}
		if !strings.HasPrefix(d.spec, "./") && !strings.HasPrefix(d.spec, "../") {
			return nil, fmt.Errorf("jsfilter: %s:%d: imports %q, which policywatch does not provide (only other filter files, by relative path, and isomorphic-fetch)", name, d.line, d.spec)
		}
		target := path.Clean(path.Join(path.Dir(name), d.spec))
		if target == ".." || strings.HasPrefix(target, "../") {
			return nil, fmt.Errorf("jsfilter: %s:%d: imports %q, outside the declarations directory", name, d.line, d.spec)
		}
		dep, err := l.load(target)
		if err != nil {
			return nil, err
		}
		f.deps[i] = dep
	}
	return f, f.resolveExports()
}

// resolveExports lists what f exports and checks that everything it takes
// from another file is exported there.
func (f *sourceFile) resolveExports() error {
	names := map[string]bool{}
	for _, l := range f.ms.locals {
		names[l.to] = true
	}
	for i, d := range f.ms.decls {
		dep := f.deps[i]
		if dep == nil {
			continue
		}
		for _, b := range d.bindings {
			if b.from != "*" && indexOf(dep.exports, b.from) < 0 {
				return fmt.Errorf("jsfilter: %s:%d: %s does not export %s", f.name, d.line, dep.name, b.from)
			}
			if d.reexport {
				names[b.to] = true
			}
		}
		if d.all {
			for _, n := range dep.exports {
				if n != "default" {
					names[n] = true
				}
			}
		}
	}
	for n := range names {
		f.exports = append(f.exports, n)
	}
	sort.Strings(f.exports)
	return nil
}
