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

// LoadDir reads every declaration in dir: each SERVICE.json and its
// SERVICE.history.json. Other files (such as Open Terms Archive's
// SERVICE.filters.js) and subdirectories are skipped.
//
// Every mistake comes back as a Problem, sorted by file, line and column. A file with a JSON
// syntax error, or whose "name" or "terms" is wrong, is left out; a document
// with an error is left out of its service while the service's other
// documents load; a history entry with an error is left out of the history.
// Warnings leave everything loaded. The error is only for a directory that
// cannot be read.
func LoadDir(dir string) ([]Service, []Problem, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("declarations directory: %w", err)
	}
	var ids []string
	histories := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
		case strings.HasSuffix(name, historySuffix):
			histories[strings.TrimSuffix(name, historySuffix)] = filepath.Join(dir, name)
		case strings.HasSuffix(name, declarationSuffix):
			ids = append(ids, strings.TrimSuffix(name, declarationSuffix))
		}
	}
	l := &loader{warned: map[string]bool{}}
	var services []Service
	for _, id := range ids {
		historyPath := histories[id]
		delete(histories, id)
		if s, ok := l.loadService(filepath.Join(dir, id+declarationSuffix), id, historyPath); ok {
			services = append(services, s)
		}
	}
	var orphans []string
	for id := range histories {
		orphans = append(orphans, id)
	}
	sort.Strings(orphans)
	for _, id := range orphans {
		// Checked all the same: it will matter once SERVICE.json is back.
		f, root := l.readFile(histories[id])
		if f == nil {
			continue
		}
		f.warnf(0, "", "there is no %s%s next to this history file, so it is not used", id, declarationSuffix)
		l.history(f, root, id, "")
	}
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

// loader collects problems across a directory, so that warnings meant to be
// given once (unsupported filters) are given once.
type loader struct {
	problems []Problem
	warned   map[string]bool
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

func (l *loader) loadService(path, id, historyPath string) (Service, bool) {
	f, root := l.readFile(path)
	if f == nil {
		return Service{}, false
	}
	svc := Service{ID: id, File: path}
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
	declared := map[string]bool{}
	for _, typed := range f.types(terms, termsField) {
		declared[typed.canonical] = true
		errorsBefore := f.errors
		d := f.declaration(typed.value, typed.field, false)
		if f.errors > errorsBefore {
			continue
		}
		d.ServiceID, d.Service, d.Type, d.DeclaredType = id, svc.Name, typed.canonical, typed.declared
		svc.Documents = append(svc.Documents, d)
	}
	if historyPath != "" {
		if hf, hroot := l.readFile(historyPath); hf != nil {
			svc.HistoryFile = historyPath
			past := l.history(hf, hroot, id, svc.Name)
			for typ := range declared {
				if !svc.hasDocument(typ) {
					delete(past, typ) // declared but faulty: not retired
				}
			}
			l.attachHistory(&svc, past)
		}
	}
	sort.Slice(svc.Documents, func(i, j int) bool { return svc.Documents[i].Type < svc.Documents[j].Type })
	return svc, true
}

func (s *Service) hasDocument(typ string) bool {
	for _, d := range s.Documents {
		if d.Type == typ {
			return true
		}
	}
	return false
}

// history reads a history file: terms type → past declarations.
func (l *loader) history(f *fileCheck, root *node, id, name string) map[string][]Document {
	if root.kind != kindObject {
		f.errorAt(root, "", "a history file must be an object mapping terms types to lists of past declarations, not %s", root.kind)
		return nil
	}
	past := map[string][]Document{}
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
			past[typed.canonical] = append(past[typed.canonical], d)
		}
	}
	for _, entries := range past {
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].ValidUntil.Before(entries[j].ValidUntil) })
	}
	return past
}

// attachHistory gives each current document its past declarations and
// makes retired documents of types that are only in the history.
func (l *loader) attachHistory(svc *Service, past map[string][]Document) {
	for i, d := range svc.Documents {
		svc.Documents[i].History = past[d.Type]
		delete(past, d.Type)
	}
	var retired []string
	for typ := range past {
		retired = append(retired, typ)
	}
	sort.Strings(retired)
	for _, typ := range retired {
		entries := past[typ]
		last := entries[len(entries)-1]
		last.History = entries
		svc.Retired = append(svc.Retired, last)
	}
}

// typedValue is one member of a "terms" object or history file: a terms
// type and its declaration.
type typedValue struct {
	declared, canonical, field string
	value                      *node
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
		if canonical != m.key && !isAlias(m.key) {
			f.warnf(m.keyOffset, path, "write the terms type as %q", canonical)
		}
		if earlier, dup := seen[canonical]; dup {
			f.errorf(m.keyOffset, path, "declares %s again (already declared as %q)", canonical, earlier)
			continue
		}
		seen[canonical] = m.key
		out = append(out, typedValue{m.key, canonical, path, m.value})
	}
	return out
}

func isAlias(name string) bool {
	_, ok := typeByName[name]
	return ok
}
