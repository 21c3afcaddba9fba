package declaration

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/andybalholm/cascadia"
)

// fileCheck records the problems of one file.
type fileCheck struct {
	*loader
	path   string
	data   []byte
	errors int
	// svcFilters are the filter files of the file's service, nil when it
	// has no SERVICE.json; past is set for a history file.
	svcFilters *serviceFilters
	past       bool
}

func (f *fileCheck) report(severity Severity, offset int, field, format string, args ...any) {
	line, column := lineColumn(f.data, offset)
	if severity == Error {
		f.errors++
	}
	f.problems = append(f.problems, Problem{
		File: f.path, Line: line, Column: column, Field: field,
		Severity: severity, Message: fmt.Sprintf(format, args...),
	})
}

func (f *fileCheck) errorf(offset int, field, format string, args ...any) {
	f.report(Error, offset, field, format, args...)
}

func (f *fileCheck) warnf(offset int, field, format string, args ...any) {
	f.report(Warning, offset, field, format, args...)
}

func (f *fileCheck) errorAt(n *node, field, format string, args ...any) {
	f.errorf(n.offset, field, format, args...)
}

func (f *fileCheck) warnAt(n *node, field, format string, args ...any) {
	f.warnf(n.offset, field, format, args...)
}

// object checks that n is an object with only the allowed keys, each once,
// and returns its members by key.
func (f *fileCheck) object(n *node, field string, allowed ...string) (map[string]*node, bool) {
	if n.kind != kindObject {
		f.errorAt(n, field, "must be an object, not %s", n.kind)
		return nil, false
	}
	fields := map[string]*node{}
	for _, m := range n.members {
		path := join(field, m.key)
		if !contains(allowed, m.key) {
			if m.key == "validUntil" {
				f.errorf(m.keyOffset, path, `"validUntil" belongs to past declarations, in SERVICE.history.json`)
				continue
			}
			f.errorf(m.keyOffset, path, "unknown key %q%s", m.key, suggestKey(m.key, allowed))
			continue
		}
		if _, dup := fields[m.key]; dup {
			f.errorf(m.keyOffset, path, "%q is given twice", m.key)
			continue
		}
		fields[m.key] = m.value
	}
	return fields, true
}

func (f *fileCheck) str(n *node, field string) (string, bool) {
	if n.kind != kindString {
		f.errorAt(n, field, "must be a string, not %s", n.kind)
		return "", false
	}
	if strings.TrimSpace(n.str) == "" {
		f.errorAt(n, field, "must not be empty")
		return "", false
	}
	return n.str, true
}

var (
	sourceKeys      = []string{"fetch", "select", "remove", "filter", "executeClientScripts", "screenshot"}
	declarationKeys = append(sourceKeys[:len(sourceKeys):len(sourceKeys)], "combine")
	historyKeys     = append(declarationKeys[:len(declarationKeys):len(declarationKeys)], "validUntil")
)

// declaration reads one document declaration, current or past (withValidUntil).
func (f *fileCheck) declaration(n *node, field string, past bool) Document {
	keys := declarationKeys
	if past {
		keys = historyKeys
	}
	fields, ok := f.object(n, field, keys...)
	if !ok {
		return Document{}
	}
	var d Document
	if past {
		if v, ok := fields["validUntil"]; !ok {
			// A key that differs only in case ("ValidUntil") was already
			// reported as unknown, with the right spelling: once is enough.
			if !hasKeyFold(n, "validUntil") {
				f.errorAt(n, field, `"validUntil" is missing: the date until which this declaration applied, such as "2023-07-24T00:00:00Z"`)
			}
		} else if s, ok := f.str(v, join(field, "validUntil")); ok {
			t, err := parseValidUntil(s)
			if err != nil {
				f.errorAt(v, join(field, "validUntil"), "%v", err)
			}
			d.ValidUntil = t
		}
	}
	parent := f.source(fields, field)
	combine, combined := fields["combine"]
	if !combined {
		if parent.url == "" && fields["fetch"] == nil {
			f.errorAt(n, field, `"fetch" is missing: the URL of the page (or use "combine" for a document made of several pages)`)
		}
		d.Sources = []Source{parent.Source}
		f.screenshotWithoutBrowser(parent, map[*node]bool{})
		return d
	}
	path := join(field, "combine")
	if combine.kind != kindArray {
		f.errorAt(combine, path, "must be a list of source documents, each with its \"fetch\" URL, not %s", combine.kind)
		return d
	}
	if len(combine.items) == 0 {
		f.errorAt(combine, path, "is empty: list the pages the document is made of")
	}
	warned := map[*node]bool{}
	for i, item := range combine.items {
		itemPath := fmt.Sprintf("%s[%d]", path, i)
		itemFields, ok := f.object(item, itemPath, sourceKeys...)
		if !ok {
			continue
		}
		part := f.source(itemFields, itemPath).inherit(parent)
		if part.url == "" && itemFields["fetch"] == nil {
			f.errorAt(item, itemPath, `"fetch" is missing: the URL of this page`)
		}
		d.Sources = append(d.Sources, part.Source)
		f.screenshotWithoutBrowser(part, warned)
	}
	return d
}

// screenshotWithoutBrowser warns, once per "screenshot" key, about a
// screenshot asked of a page fetched over HTTP: only pages rendered in the
// browser have one.
func (f *fileCheck) screenshotWithoutBrowser(s sourceSpec, warned map[*node]bool) {
	if !s.Screenshot || s.ExecuteClientScripts || s.screenshot == nil || warned[s.screenshot] {
		return
	}
	warned[s.screenshot] = true
	f.warnAt(s.screenshot, s.screenshotField, "screenshots are taken of pages rendered in the browser, and this page is fetched over HTTP: add \"executeClientScripts\": true (without it, it gets one only when a bot wall sends it to the browser, with --browser-fallback)")
}

// sourceSpec is a Source and which of its fields were given, so that the
// parts of a "combine" inherit only what they do not declare themselves.
type sourceSpec struct {
	Source
	url                                         string
	hasSelect, hasRemove, hasFilter, hasScripts bool
	screenshot                                  *node // the "screenshot" key, given or inherited
	screenshotField                             string
}

func (s sourceSpec) inherit(parent sourceSpec) sourceSpec {
	if s.url == "" {
		s.url, s.URL = parent.url, parent.URL
	}
	if !s.hasSelect {
		s.Select = parent.Select
	}
	if !s.hasRemove {
		s.Remove = parent.Remove
	}
	if !s.hasFilter {
		s.RemoveQueryParams, s.ConvertSpaces, s.Filters, s.filters = parent.RemoveQueryParams, parent.ConvertSpaces, parent.Filters, parent.filters
	}
	if !s.hasScripts {
		s.ExecuteClientScripts = parent.ExecuteClientScripts
	}
	if s.screenshot == nil {
		s.Screenshot, s.screenshot, s.screenshotField = parent.Screenshot, parent.screenshot, parent.screenshotField
	}
	return s
}

func (f *fileCheck) source(fields map[string]*node, field string) sourceSpec {
	var s sourceSpec
	if n, ok := fields["fetch"]; ok {
		s.url = f.fetchURL(n, join(field, "fetch"))
		s.URL = s.url
	}
	if n, ok := fields["select"]; ok {
		s.hasSelect = true
		s.Select = f.selectors(n, join(field, "select"))
	}
	if n, ok := fields["remove"]; ok {
		s.hasRemove = true
		s.Remove = f.selectors(n, join(field, "remove"))
	}
	if n, ok := fields["filter"]; ok {
		s.hasFilter = true
		f.filters(n, join(field, "filter"), &s.Source)
	}
	if n, ok := fields["executeClientScripts"]; ok {
		s.hasScripts = true
		if n.kind != kindBool {
			f.errorAt(n, join(field, "executeClientScripts"), "must be true or false, not %s", n.kind)
		} else {
			s.ExecuteClientScripts = n.boolean
		}
	}
	if n, ok := fields["screenshot"]; ok {
		s.screenshot, s.screenshotField = n, join(field, "screenshot")
		if n.kind != kindBool {
			f.errorAt(n, join(field, "screenshot"), "must be true or false, not %s", n.kind)
		} else {
			s.Screenshot = n.boolean
		}
	}
	return s
}

// fetchURL checks that n is an absolute http or https URL.
func (f *fileCheck) fetchURL(n *node, field string) string {
	s, ok := f.str(n, field)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		f.errorAt(n, field, "invalid URL %q: %v", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		f.errorAt(n, field, "invalid URL %q: must be an absolute http:// or https:// URL", s)
	case u.Host == "":
		f.errorAt(n, field, "invalid URL %q: it has no host", s)
	default:
		return s
	}
	return ""
}

// selectors reads a CSS selector, a range, or a list of them.
func (f *fileCheck) selectors(n *node, field string) []Selector {
	switch n.kind {
	case kindString, kindObject:
		if s, ok := f.selector(n, field); ok {
			return []Selector{s}
		}
		return nil
	case kindArray:
		var out []Selector
		for i, item := range n.items {
			itemPath := fmt.Sprintf("%s[%d]", field, i)
			if item.kind != kindString && item.kind != kindObject {
				f.errorAt(item, itemPath, "must be a CSS selector or a range object, not %s", item.kind)
				continue
			}
			if s, ok := f.selector(item, itemPath); ok {
				out = append(out, s)
			}
		}
		return out
	}
	f.errorAt(n, field, "must be a CSS selector, a range object {\"startBefore\"|\"startAfter\", \"endBefore\"|\"endAfter\"} or a list of them, not %s", n.kind)
	return nil
}

func (f *fileCheck) selector(n *node, field string) (Selector, bool) {
	if n.kind == kindString {
		css, ok := f.css(n, field)
		return Selector{CSS: css}, ok
	}
	fields, ok := f.object(n, field, "startBefore", "startAfter", "endBefore", "endAfter")
	if !ok {
		return Selector{}, false
	}
	errorsBefore := f.errors
	var r Range
	for _, bound := range []struct {
		key    string
		target *string
	}{{"startBefore", &r.StartBefore}, {"startAfter", &r.StartAfter}, {"endBefore", &r.EndBefore}, {"endAfter", &r.EndAfter}} {
		if v, ok := fields[bound.key]; ok {
			*bound.target, _ = f.css(v, join(field, bound.key))
		}
	}
	_, startBefore := fields["startBefore"]
	_, startAfter := fields["startAfter"]
	_, endBefore := fields["endBefore"]
	_, endAfter := fields["endAfter"]
	if startBefore == startAfter {
		f.errorAt(n, field, `a range needs exactly one of "startBefore" and "startAfter"`)
	}
	if endBefore == endAfter {
		f.errorAt(n, field, `a range needs exactly one of "endBefore" and "endAfter"`)
	}
	return Selector{Range: &r}, f.errors == errorsBefore
}

// css checks that n is a CSS selector the extractor can run.
func (f *fileCheck) css(n *node, field string) (string, bool) {
	s, ok := f.str(n, field)
	if !ok {
		return "", false
	}
	if _, err := cascadia.ParseGroup(s); err != nil {
		f.errorAt(n, field, "invalid CSS selector %q: %v", s, err)
		return "", false
	}
	return s, true
}

// hasKeyFold reports whether object n has a key equal to key, case ignored.
func hasKeyFold(n *node, key string) bool {
	for _, m := range n.members {
		if strings.EqualFold(m.key, key) {
			return true
		}
	}
	return false
}

// join appends key to a field path.
func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggestKey names the allowed key closest to key, when it is close enough
// to be a typo.
func suggestKey(key string, allowed []string) string {
	best, bestDistance := "", -1
	for _, a := range allowed {
		d := editDistance(strings.ToLower(key), strings.ToLower(a))
		if bestDistance < 0 || d < bestDistance {
			best, bestDistance = a, d
		}
	}
	if bestDistance >= 0 && bestDistance <= max(2, len(key)/3) {
		return fmt.Sprintf(": did you mean %q?", best)
	}
	return fmt.Sprintf(" (allowed: %s)", strings.Join(allowed, ", "))
}
