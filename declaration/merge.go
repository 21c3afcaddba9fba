package declaration

import (
	"sort"
	"time"
)

// part is one declaration of a document as a file gives it: usually the
// whole document, but a retired type ("Community Guidelines - Spam") is a
// part of its current type's document, as Open Terms Archive's migration
// combines them. member tells the parts of one document apart.
type part struct {
	member string
	doc    Document
}

// assemble makes the current and retired documents of a service from the
// parts of its declaration file and of its history file, both in file
// order. A type in faulty had an error in the declaration file: it is left
// out, and not made a retired document from its history either.
func assemble(current, past []part, faulty map[string]bool) (documents, retired []Document) {
	var types []string
	byType := map[string]*typeParts{}
	add := func(p part, isPast bool) {
		t := byType[p.doc.Type]
		if t == nil {
			t = &typeParts{current: map[string]Document{}, past: map[string][]Document{}}
			byType[p.doc.Type] = t
			types = append(types, p.doc.Type)
		}
		if _, known := t.current[p.member]; !known && t.past[p.member] == nil {
			t.members = append(t.members, p.member)
		}
		if isPast {
			t.past[p.member] = append(t.past[p.member], p.doc)
		} else {
			t.current[p.member] = p.doc
		}
	}
	for _, p := range current {
		add(p, false)
	}
	for _, p := range past {
		add(p, true)
	}
	for _, typ := range types {
		if faulty[typ] {
			continue
		}
		t := byType[typ]
		for _, entries := range t.past {
			sort.SliceStable(entries, func(i, j int) bool { return entries[i].ValidUntil.Before(entries[j].ValidUntil) })
		}
		history := t.history()
		if len(t.current) == 0 {
			last := history[len(history)-1]
			last.History = history
			retired = append(retired, last)
			continue
		}
		var parts []Document
		for _, m := range t.members {
			if d, ok := t.current[m]; ok {
				parts = append(parts, d)
			}
		}
		d := combined(parts)
		d.History = history
		documents = append(documents, d)
	}
	sort.Slice(documents, func(i, j int) bool { return documents[i].Type < documents[j].Type })
	sort.Slice(retired, func(i, j int) bool { return retired[i].Type < retired[j].Type })
	return documents, retired
}

// typeParts are the parts declaring one type, now and in the past.
type typeParts struct {
	members []string            // in file order, the declaration file's first
	current map[string]Document // member → current declaration
	past    map[string][]Document
}

// history is the type's past declarations, oldest first. A document of
// several parts was, at each date one of its parts' declarations changed,
// the combination of what each part was then: its past declaration valid
// until that date or later, or else its current one; a part with neither
// was no longer declared.
func (t *typeParts) history() []Document {
	if len(t.members) == 1 {
		return t.past[t.members[0]]
	}
	var dates []time.Time
	for _, entries := range t.past {
		for _, e := range entries {
			dates = append(dates, e.ValidUntil)
		}
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	var history []Document
	for i, date := range dates {
		if i > 0 && date.Equal(dates[i-1]) {
			continue
		}
		var parts []Document
		for _, m := range t.members {
			if d, ok := t.at(m, date); ok {
				parts = append(parts, d)
			}
		}
		d := combined(parts)
		d.ValidUntil = date
		history = append(history, d)
	}
	return history
}

func (t *typeParts) at(member string, date time.Time) (Document, bool) {
	for _, e := range t.past[member] {
		if !date.After(e.ValidUntil) {
			return e, true
		}
	}
	d, ok := t.current[member]
	return d, ok
}

// combined is one document made of parts, in order: their pages, one
// after the other; the rest is the first part's.
func combined(parts []Document) Document {
	d := parts[0]
	if len(parts) == 1 {
		return d
	}
	d.Sources = nil
	for _, p := range parts {
		d.Sources = append(d.Sources, p.Sources...)
	}
	return d
}
