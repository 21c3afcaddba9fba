package jsfilter

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
)

// The published filters: every filter file of the six Open Terms Archive
// collections loads, every filter a declaration names resolves, and every
// exported function runs on real pages without needing an API policywatch
// lacks.

// builtinFilters are Open Terms Archive's engine filters, not functions of
// filter files (the extractor implements them).
var builtinFilters = map[string]bool{"removeQueryParams": true, "convertSpacesToStandard": true}

// declaredFilter is a filter as a declaration names it.
type declaredFilter struct {
	name   string
	params any       // nil when declared by name
	at     time.Time // validUntil of a history declaration; zero for the current one
	in     string    // the declaration file, for messages
}

// filterServices lists collection/service of every service with filter files.
func filterServices(t *testing.T) map[string][]string {
	files, err := filepath.Glob(filepath.Join(publishedDir, "*", "*.filters*.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no filter files under %s: %v", publishedDir, err)
	}
	services := map[string][]string{}
	for _, f := range files {
		id := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".filters.history.js"), ".filters.js")
		dir := filepath.Dir(f)
		if indexOf(services[dir], id) < 0 {
			services[dir] = append(services[dir], id)
		}
	}
	return services
}

// declaredFilters reads the "filter" arrays of every declaration (current
// and history) of every service in collection dir, by service id.
func declaredFilters(t *testing.T, dir string) map[string][]declaredFilter {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]declaredFilter{}
	type declaration struct {
		Filter     []json.RawMessage `json:"filter"`
		ValidUntil string            `json:"validUntil"`
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(file)
		var decls []declaration
		var id string
		if strings.HasSuffix(base, ".history.json") {
			id = strings.TrimSuffix(base, ".history.json")
			var h map[string][]declaration
			if err := json.Unmarshal(b, &h); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			for _, list := range h {
				decls = append(decls, list...)
			}
		} else {
			id = strings.TrimSuffix(base, ".json")
			var s struct {
				Terms     map[string]declaration `json:"terms"`
				Documents map[string]declaration `json:"documents"`
			}
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			for _, d := range s.Terms {
				decls = append(decls, d)
			}
			for _, d := range s.Documents {
				decls = append(decls, d)
			}
		}
		for _, d := range decls {
			var at time.Time
			if d.ValidUntil != "" {
				if at, err = parseValidUntil(d.ValidUntil); err != nil {
					t.Fatalf("%s: validUntil %q: %v", file, d.ValidUntil, err)
				}
			}
			for _, raw := range d.Filter {
				var name string
				if json.Unmarshal(raw, &name) == nil {
					out[id] = append(out[id], declaredFilter{name: name, at: at, in: base})
					continue
				}
				var withParams map[string]any
				if err := json.Unmarshal(raw, &withParams); err != nil {
					t.Fatalf("%s: filter entry %s: %v", file, raw, err)
				}
				for k, v := range withParams {
					out[id] = append(out[id], declaredFilter{name: k, params: v, at: at, in: base})
				}
			}
		}
	}
	return out
}

func TestPublishedFilterFilesLoad(t *testing.T) {
	loaded := 0
	for dir, ids := range filterServices(t) {
		for _, id := range ids {
			m, err := Load(dir, id)
			if err != nil {
				t.Errorf("%s/%s: %v", filepath.Base(dir), id, err)
				continue
			}
			if m == nil || len(m.Exports()) == 0 {
				t.Errorf("%s/%s: loaded no filters", filepath.Base(dir), id)
				continue
			}
			loaded++
		}
	}
	t.Logf("%d services' filter files loaded", loaded)
}

func TestPublishedDeclaredFiltersResolve(t *testing.T) {
	collections, _ := filepath.Glob(filepath.Join(publishedDir, "*"))
	resolved := 0
	for _, dir := range collections {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		for id, filters := range declaredFilters(t, dir) {
			var m *Module
			var err error
			for _, f := range filters {
				if builtinFilters[f.name] {
					continue
				}
				if m == nil {
					if m, err = Load(dir, id); err != nil || m == nil {
						t.Errorf("%s/%s declares filter %s but its filter files do not load: %v", filepath.Base(dir), id, f.name, err)
						break
					}
				}
				if _, ok := m.Filter(f.name, f.params, f.at); !ok {
					t.Errorf("%s/%s: %s declares filter %s (at %v), which no filter file exports", filepath.Base(dir), id, f.in, f.name, f.at)
					continue
				}
				resolved++
			}
		}
	}
	if resolved == 0 {
		t.Fatal("no declared filter found")
	}
	t.Logf("%d declared filter uses resolved", resolved)
}

// outcome classifies one filter run on one page.
type outcome string

const (
	outcomeOK            outcome = "ok"
	outcomePageDependent outcome = "page-dependent error"
	outcomeMissingAPI    outcome = "missing API"
)

// classify sorts a run's result: a filter that throws because the page
// lacks what it expects (a null dereference, its own Error) would fail in
// Open Terms Archive too; anything else is policywatch's DOM falling short.
// A null dereference counts as the page's only when the filter read no DOM
// member policywatch lacks: reading one gives undefined, and the failure
// that follows may be ours (Error.Unprovided).
func classify(err error) outcome {
	if err == nil {
		return outcomeOK
	}
	fe, ok := err.(*Error)
	if !ok || fe.Kind != Thrown || len(fe.Unprovided) > 0 {
		return outcomeMissingAPI
	}
	msg := fe.Message
	switch {
	case strings.HasPrefix(msg, "TypeError: Cannot read property"),
		strings.HasPrefix(msg, "TypeError: Cannot set property"),
		strings.HasPrefix(msg, "Error: "),
		strings.HasPrefix(msg, "TypeError: Failed to execute") && strings.Contains(msg, "is not of type 'Node'"):
		return outcomePageDependent
	}
	return outcomeMissingAPI
}

func TestPublishedFiltersRunOnRealPages(t *testing.T) {
	counts := map[outcome]int{}
	for dir, ids := range filterServices(t) {
		params := declaredFilters(t, dir)
		for _, id := range ids {
			m, err := Load(dir, id)
			if err != nil {
				t.Fatalf("%s/%s: %v", dir, id, err)
			}
			declared := map[string]any{}
			for _, f := range params[id] {
				if f.params != nil {
					declared[f.name] = f.params
				}
			}
			for _, name := range m.Exports() {
				// Every history entry and the current export, each once.
				times := []time.Time{{}}
				for _, e := range m.histories[name] {
					times = append(times, e.validUntil)
				}
				for _, at := range times {
					f, ok := m.Filter(name, declared[name], at)
					if !ok {
						continue
					}
					for _, p := range allRealPages {
						page := p.parse(t)
						err := f.Apply(page, extract.FilterContext{URL: p.url, Select: extract.CSS("body"), Filters: []string{f.Name()}})
						o := classify(err)
						counts[o]++
						if o == outcomePageDependent && os.Getenv("PW_SHOW") != "" {
							t.Logf("%s on %s: %v", f.Name(), p.name, err)
						}
						if o == outcomeMissingAPI {
							t.Errorf("%s on %s: %v", f, p.name, err)
						}
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(counts))
	for k, v := range counts {
		keys = append(keys, string(k)+": "+strconv.Itoa(v))
	}
	sort.Strings(keys)
	t.Logf("published filter runs on %d real pages: %s", len(allRealPages), strings.Join(keys, ", "))
	// The README's figures.
	if counts[outcomeOK] != 410 || counts[outcomePageDependent] != 30 || counts[outcomeMissingAPI] != 0 {
		t.Errorf("runs: %s; the README says 410 succeed and 30 fail for want of what the filter expects in the page", strings.Join(keys, ", "))
	}
}

// A null dereference is the page's fault only when the filter read
// nothing policywatch's DOM lacks; otherwise the Error names what it read.
func TestAFailureAfterReadingAnUnprovidedMemberNamesIt(t *testing.T) {
	m := scriptModule(t, "Probe", `export function absentElement(document) {
  document.querySelector('#not-in-this-page').remove();
}
export function unprovidedMember(document) {
  document.body.previousElementCousin.remove();
}
export function expando(document) {
  document.body.mine = 1;
  if (document.body.mine !== 1 || document.body.nothingHere !== undefined) throw new Error('expandos broken');
}
`)
	page := twitterPage.parse(t)
	absent := runFilter(t, m, "absentElement", page, twitterPage.url)
	if classify(absent) != outcomePageDependent {
		t.Errorf("a query the page does not answer: %v, classified %s", absent, classify(absent))
	}
	unprovided := runFilter(t, m, "unprovidedMember", page, twitterPage.url)
	var fe *Error
	if !errors.As(unprovided, &fe) || len(fe.Unprovided) != 1 || fe.Unprovided[0] != "Element.previousElementCousin" ||
		!strings.HasSuffix(unprovided.Error(), "(after reading Element.previousElementCousin, which policywatch's DOM does not provide)") {
		t.Errorf("reading a member nothing provides: %v", unprovided)
	}
	if classify(unprovided) != outcomeMissingAPI {
		t.Errorf("reading a member nothing provides is classified %s", classify(unprovided))
	}
	// Expandos and reads that do not fail stay as JavaScript has them.
	if err := runFilter(t, m, "expando", page, twitterPage.url); err != nil {
		t.Error(err)
	}
}
