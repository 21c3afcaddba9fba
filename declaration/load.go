package declaration

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	declarationSuffix = ".json"
	historySuffix     = ".history.json"
)

// LoadDir reads every declaration in dir: each SERVICE.json with its
// SERVICE.history.json, and notes the paths of its SERVICE.filters.js and
// SERVICE.filters.history.js. Other files and subdirectories are skipped.
//
// It loads all it can and reports the rest: every mistake comes back as a
// Problem, sorted by file, line and column, and only what has an error is
// left out. A file with a JSON syntax error, or whose "name" or "terms" is
// wrong, is left out (a history file: its service loads without history);
// a document with an error is left out of its service while the service's
// other documents load; a history entry with an error is left out of the
// history. Warnings leave everything loaded. So callers can use the
// services whatever the problems, and decide themselves whether errors
// fail the run. The error is only for a directory that cannot be read.
func LoadDir(dir string, opts ...Option) ([]Service, []Problem, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("declarations directory: %w", err)
	}
	var ids []string
	// Files that go with a SERVICE.json, by kind, then by service ID.
	companions := map[string]map[string]string{historySuffix: {}, filtersSuffix: {}, filtersHistorySuffix: {}}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		// Longest suffix first: ".filters.history.js" also ends in ".js".
		switch suffix := companionSuffix(name); {
		case suffix != "":
			companions[suffix][strings.TrimSuffix(name, suffix)] = filepath.Join(dir, name)
		case strings.HasSuffix(name, declarationSuffix):
			ids = append(ids, strings.TrimSuffix(name, declarationSuffix))
		}
	}
	l := &loader{}
	for _, opt := range opts {
		opt(l)
	}
	var services []Service
	for _, id := range ids {
		sf := l.serviceFilters(dir, id, companions[filtersSuffix][id], companions[filtersHistorySuffix][id])
		historyPath := companions[historySuffix][id]
		for _, byID := range companions {
			delete(byID, id)
		}
		if s, ok := l.loadService(filepath.Join(dir, id+declarationSuffix), id, historyPath, sf); ok {
			services = append(services, s)
		}
	}
	l.orphans(companions)
	// Checks run field by field; users read a file top to bottom.
	sort.SliceStable(l.problems, func(i, j int) bool {
		a, b := l.problems[i], l.problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return services, l.problems, nil
}

func companionSuffix(name string) string {
	for _, suffix := range []string{filtersHistorySuffix, filtersSuffix, historySuffix} {
		if strings.HasSuffix(name, suffix) && len(name) > len(suffix) {
			return suffix
		}
	}
	return ""
}

// orphans warns about the files left in companions: no SERVICE.json
// goes with them.
func (l *loader) orphans(companions map[string]map[string]string) {
	var paths []string
	ids := map[string]string{}
	for _, byID := range companions {
		for id, path := range byID {
			paths = append(paths, path)
			ids[path] = id
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		id := ids[path]
		if !strings.HasSuffix(path, historySuffix) {
			f := &fileCheck{loader: l, path: path}
			f.warnf(0, "", "there is no %s%s next to this filters file, so it is not used", id, declarationSuffix)
			continue
		}
		// Checked all the same: it will matter once SERVICE.json is back.
		f, root := l.readFile(path)
		if f == nil {
			continue
		}
		f.past = true
		f.warnf(0, "", "there is no %s%s next to this history file, so it is not used", id, declarationSuffix)
		l.history(f, root, id, "")
	}
}

// loader collects the problems of a directory.
type loader struct {
	problems    []Problem
	loadFilters FilterLoader // nil: filter files are not loaded
}

// readFile reads and parses one file; on failure it records the problem and
// returns nil.
func (l *loader) readFile(path string) (*fileCheck, *node) {
	data, err := os.ReadFile(path)
	f := &fileCheck{loader: l, path: path, data: data}
	if err != nil {
		f.errorf(0, "", "cannot read the file: %v", err)
		return nil, nil
	}
	root, err := parseTree(data)
	if err != nil {
		se := err.(*syntaxError)
		f.errorf(se.offset, "", "%s", se.msg)
		return nil, nil
	}
	return f, root
}

func (l *loader) loadService(path, id, historyPath string, sf *serviceFilters) (Service, bool) {
	f, root := l.readFile(path)
	if f == nil {
		return Service{}, false
	}
	f.svcFilters = sf
	svc := Service{ID: id, File: path, FiltersFile: sf.file, FiltersHistoryFile: sf.historyFile}
	fields, ok := f.object(root, "", "name", "terms", "documents", "importedFrom")
	if !ok {
		return Service{}, false
	}
	errorsBefore := f.errors
	if n, ok := fields["name"]; !ok {
		f.errorf(root.offset, "", `"name" is missing: the service's name, as users know it`)
	} else if name, ok := f.str(n, "name"); ok {
		svc.Name = name
	}
	terms := fields["terms"]
	if legacy, ok := fields["documents"]; ok {
		if terms != nil {
			f.errorAt(legacy, "documents", `"documents" is the old name of "terms": keep only "terms"`)
		} else {
			f.warnAt(legacy, "documents", `"documents" is the old name of "terms": rename it`)
			terms = legacy
		}
	}
	if n, ok := fields["importedFrom"]; ok {
		f.str(n, "importedFrom")
	}
	if terms == nil {
		f.errorf(root.offset, "", `"terms" is missing: it maps each terms type, such as "Privacy Policy", to where to fetch it`)
	}
	if f.errors > errorsBefore {
		return Service{}, false
	}
	termsField := "terms"
	if fields["terms"] == nil {
		termsField = "documents"
	}
	if terms.kind != kindObject {
		f.errorAt(terms, termsField, "must be an object mapping terms types to declarations, not %s", terms.kind)
		return Service{}, false
	}
	if len(terms.members) == 0 {
		f.warnAt(terms, termsField, "declares no documents")
	}
	var current []part
	faulty := map[string]bool{}
	for _, typed := range f.types(terms, termsField) {
		errorsBefore := f.errors
		d := f.declaration(typed.value, typed.field, false)
		if f.errors > errorsBefore {
			faulty[typed.canonical] = true // declared but faulty: not retired either
			continue
		}
		d.ServiceID, d.Service, d.Type, d.DeclaredType = id, svc.Name, typed.canonical, typed.declared
		typed.markPart(&d)
		current = append(current, part{typed.member, d})
	}
	var past []part
	if historyPath != "" {
		if hf, hroot := l.readFile(historyPath); hf != nil {
			hf.svcFilters, hf.past = sf, true
			svc.HistoryFile = historyPath
			past = l.history(hf, hroot, id, svc.Name)
		}
	}
	svc.Documents, svc.Retired = assemble(current, past, faulty)
	sort.Slice(svc.Documents, func(i, j int) bool { return svc.Documents[i].Type < svc.Documents[j].Type })
	return svc, true
}

// history reads a history file: its past declarations, in file order.
func (l *loader) history(f *fileCheck, root *node, id, name string) []part {
	if root.kind != kindObject {
		f.errorAt(root, "", "a history file must be an object mapping terms types to lists of past declarations, not %s", root.kind)
		return nil
	}
	var past []part
	for _, typed := range f.types(root, "") {
		if typed.value.kind != kindArray {
			f.errorAt(typed.value, typed.field, "must be a list of past declarations, each with its validUntil date, not %s", typed.value.kind)
			continue
		}
		for i, entry := range typed.value.items {
			errorsBefore := f.errors
			d := f.declaration(entry, fmt.Sprintf("%s[%d]", typed.field, i), true)
			if f.errors > errorsBefore {
				continue
			}
			d.ServiceID, d.Service, d.Type, d.DeclaredType = id, name, typed.canonical, typed.declared
			typed.markPart(&d)
			past = append(past, part{typed.member, d})
		}
	}
	return past
}

// typedValue is one member of a "terms" object or history file: a terms
// type and its declaration.
type typedValue struct {
	declared, canonical, field string
	// member is what makes the value one part of its document: the
	// canonical type, or a retired type's name, since several retired
	// types merge into one current type.
	member string
	value  *node
}

// markPart names, on each page of d, the retired type it was declared
// under, when it was: the page is then one part of its current type's
// document, and a history recorded under the retired name finds its
// rules (Document.Part).
func (t typedValue) markPart(d *Document) {
	if t.member == t.canonical {
		return
	}
	for i := range d.Sources {
		d.Sources[i].Part = t.member
	}
}

// types checks the terms type keys of obj, whose own path is field, and
// returns the members with a known type, each type once.
func (f *fileCheck) types(obj *node, field string) []typedValue {
	var out []typedValue
	seen := map[string]string{}
	for _, m := range obj.members {
		path := fmt.Sprintf("%s[%q]", field, m.key)
		canonical, ok := CanonicalType(m.key)
		if !ok {
			suggestion := ""
			if closest := ClosestType(m.key); closest != "" {
				suggestion = fmt.Sprintf(": did you mean %q?", closest)
			}
			f.errorf(m.keyOffset, path, "unknown terms type %q%s (Open Terms Archive's types are listed at https://github.com/OpenTermsArchive/terms-types)", m.key, suggestion)
			continue
		}
		member := canonical
		if retired, ok := retiredName(m.key); ok {
			member = retired
			f.warnf(m.keyOffset, path, "terms type %q was retired in 2023 and renamed to %q (Open Terms Archive's terms-types 1.0.0): this declaration is read as part of %s, its pages combined with that document's in the order of this file; rename it to %q and move its pages into a \"combine\" list", m.key, canonical, canonical, canonical)
		} else if canonical != m.key && !isAlias(m.key) {
			f.warnf(m.keyOffset, path, "write the terms type as %q", canonical)
		}
		if earlier, dup := seen[member]; dup {
			f.errorf(m.keyOffset, path, "declares %s again (already declared as %q)", member, earlier)
			continue
		}
		seen[member] = m.key
		out = append(out, typedValue{m.key, canonical, path, member, m.value})
	}
	return out
}

func isAlias(name string) bool {
	_, ok := typeByName[name]
	return ok
}
