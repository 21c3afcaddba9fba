// Package declaration reads Open Terms Archive declaration files: which
// documents of which service to fetch, from where, and which parts of the
// pages count.
//
// A declarations directory holds one SERVICE.json per service,
//
//	{"name": "X", "terms": {"Privacy Policy": {"fetch": "https://…", "select": "main"}}}
//
// and optionally SERVICE.history.json with the declarations that applied
// before, each with the date until which it was valid:
//
//	{"Privacy Policy": [{"fetch": "https://…", "select": "#old", "validUntil": "2023-07-24T00:00:00Z"}]}
//
// The file name without ".json" is the service ID; the "name" inside is
// what users see. Both may differ. Terms types are Open Terms Archive's,
// by name or alias; the names it retired in 2023 are read as the current
// type that replaced them, several retired types of one file making one
// combined document (see CanonicalType). LoadDir reads a directory, checks every
// file and reports each mistake as a Problem with its line and column.
package declaration

import (
	"fmt"
	"net/url"
	"time"

	"github.com/policywatch/policywatch/extract"
)

// Service is one service's declaration file.
type Service struct {
	ID          string // the file name without ".json", as in Open Terms Archive
	Name        string // the "name" field, shown to users
	File        string // path of SERVICE.json
	HistoryFile string // path of SERVICE.history.json, "" when there is none
	// FiltersFile and FiltersHistoryFile are the paths of
	// SERVICE.filters.js and SERVICE.filters.history.js, the JavaScript
	// functions that the documents' Filters name; "" when there is none.
	FiltersFile, FiltersHistoryFile string
	// Documents are the documents declared now, sorted by Type. Each carries
	// its past declarations in History.
	Documents []Document
	// Retired are documents that appear only in the history file: no longer
	// fetched, but needed to re-extract their old snapshots. Each is its
	// last past declaration, with all of them in History.
	Retired []Document
}

// Document returns the current document of type typ, given by its canonical
// name or an alias.
func (s Service) Document(typ string) (Document, bool) {
	canonical, ok := CanonicalType(typ)
	if !ok {
		return Document{}, false
	}
	for _, d := range s.Documents {
		if d.Type == canonical {
			return d, true
		}
	}
	return Document{}, false
}

// Document is one document of a service, such as X's Privacy Policy, as
// declared at one time.
type Document struct {
	ServiceID string // the service's file name without ".json"
	Service   string // the service's name
	// Type is Open Terms Archive's canonical terms type ("Trackers Policy"),
	// whatever alias the file used; DeclaredType is what the file said.
	Type, DeclaredType string
	// Sources are the pages the document is made of: one, or several when
	// the declaration uses "combine", in order. A document is captured whole
	// or not at all.
	Sources []Source
	// ValidUntil is the end of a past declaration's validity; zero for the
	// current declaration.
	ValidUntil time.Time
	// History holds the past declarations of this document, oldest first.
	// It is set on the documents of Service.Documents and Service.Retired
	// only.
	History []Document
}

// At returns the declaration that applied at time t: the oldest past
// declaration valid until t or later, or else the current one. This is how
// Open Terms Archive picks the declaration to re-extract an old snapshot.
func (d Document) At(t time.Time) Document {
	for _, past := range d.History {
		if !t.After(past.ValidUntil) {
			past.History = nil
			return past
		}
	}
	d.History = nil
	return d
}

// Part returns the pages of d declared under the retired type name
// (see Source.Part), in d and in each of its past declarations, as a
// document of their own: the declaration of a history that Open Terms
// Archive recorded under that name, before 2023 (see StoredType). A past
// declaration without such a page keeps its date and no sources. ok is
// false when no declaration of d, current or past, has such a page.
func (d Document) Part(retired string) (part Document, ok bool) {
	only := func(doc Document) Document {
		sources := doc.Sources
		doc.Sources = nil
		for _, s := range sources {
			if s.Part == retired {
				doc.Sources = append(doc.Sources, s)
				ok = true
			}
		}
		doc.Type, doc.DeclaredType = retired, retired
		return doc
	}
	part = only(d)
	part.History = make([]Document, len(d.History))
	for i, past := range d.History {
		part.History[i] = only(past)
	}
	return part, ok
}

// URLs returns the URL of each source, in order.
func (d Document) URLs() []string {
	urls := make([]string, len(d.Sources))
	for i, s := range d.Sources {
		urls[i] = s.URL
	}
	return urls
}

// Source is one page to fetch and how to cut the document out of it.
type Source struct {
	URL string // absolute http or https URL
	// Select are the parts of the page that make the document; empty means
	// the whole page, left to automatic noise removal.
	Select []Selector
	// Remove are parts to drop from inside the selected parts.
	Remove []Selector
	// RemoveQueryParams are query parameters to strip from the URLs of
	// links and images (Open Terms Archive's built-in removeQueryParams
	// filter), so that rotating tracking parameters do not make false
	// changes. The filter without parameters means Open Terms Archive's
	// list of tracking parameters (fbclid, gclid, …).
	RemoveQueryParams []string
	// ConvertSpaces is Open Terms Archive's built-in convertSpacesToStandard
	// filter: every space character (Unicode category Zs: no-break, thin,
	// ideographic…) in the text becomes an ordinary space. policywatch's
	// canonical text does this for every page already (whitespace runs of
	// any kind are one space), so it is recorded and changes nothing.
	ConvertSpaces bool
	// Filters are the other declared filters, in declared order: functions
	// of the service's SERVICE.filters.js (or, for a past declaration,
	// SERVICE.filters.history.js).
	Filters []FilterRef
	// filters resolves Filters; nil when the service's filter files were
	// not loaded.
	filters *filterResolver
	// ExecuteClientScripts asks for the page to be rendered in a headless
	// browser, its JavaScript run, before it is extracted (package browser).
	ExecuteClientScripts bool
	// Screenshot asks for a full-page screenshot of the rendered page with
	// each capture: "screenshot": true, policywatch's own key (Open Terms
	// Archive has none). Only pages rendered in the browser have one.
	Screenshot bool
	// Part is the retired type this page was declared under, as Open
	// Terms Archive wrote it ("Community Guidelines - Spam"): the page is
	// one part of its current type's document. "" for a page declared
	// under a current name or alias.
	Part string
}

// FilterRef is one declared filter: "name", or {"name": params}.
type FilterRef struct {
	Name string
	// Params is nil for a bare name, else the parameters as encoding/json
	// decodes them into an any (string, float64, bool, []any,
	// map[string]any; nil for null).
	Params any
}

// Options are the extraction rules of the source: its select and remove
// rules and the query parameters to drop from links. Filters, and
// ConvertSpaces, are for the caller to add: running them needs the
// service's filter functions.
func (s Source) Options() extract.Options { return s.OptionsAt(time.Time{}) }

// OptionsAt is Options for a capture made at t: each declared filter as it
// was in force then (SERVICE.filters.history.js keeps past ones), the
// current ones for a zero t. A filter that nothing provides is one that
// fails, naming itself, so that the extraction fails rather than let the
// noise it removes through.
func (s Source) OptionsAt(t time.Time) extract.Options {
	o := extract.Options{Select: s.Select, Remove: s.Remove, RemoveQueryParams: s.RemoveQueryParams}
	for _, ref := range s.Filters {
		o.Filters = append(o.Filters, s.filters.filter(ref, t))
	}
	return o
}

// Selector is a CSS selector or a range between elements: exactly one of
// CSS and Range is set. It is extract's own type, so rules pass to the
// extractor as they were declared.
type Selector = extract.Selector

// Range selects the content between two elements. Exactly one of
// StartBefore and StartAfter is set: the range starts just before or just
// after the first element that CSS selector matches; likewise one of
// EndBefore and EndAfter. It is extract's own type, so rules pass to the
// extractor as they are.
type Range = extract.Range

// RemoveQueryParams returns rawURL without the query parameters named in
// names. URLs that do not parse, or have none of those parameters, come
// back unchanged.
func RemoveQueryParams(rawURL string, names []string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.RawQuery == "" || len(names) == 0 {
		return rawURL
	}
	query := u.Query()
	found := false
	for _, name := range names {
		if query.Has(name) {
			query.Del(name)
			found = true
		}
	}
	if !found {
		return rawURL
	}
	u.RawQuery = query.Encode()
	return u.String()
}

// Severity says whether a Problem stops a declaration from being used.
type Severity int

const (
	// Error: the file or document it is in is not loaded.
	Error Severity = iota
	// Warning: loaded, but something in it is ignored.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is a mistake found in a declaration file.
type Problem struct {
	File         string
	Line, Column int    // 1-based; the column counts characters
	Field        string // path of the field, such as terms["Privacy Policy"].select[0]; "" for the whole file
	Severity     Severity
	Message      string
}

// String formats the problem as FILE:LINE:COL: [warning: ]FIELD: MESSAGE,
// which editors and CI logs turn into links.
func (p Problem) String() string {
	s := fmt.Sprintf("%s:%d:%d: ", p.File, p.Line, p.Column)
	if p.Severity == Warning {
		s += "warning: "
	}
	if p.Field != "" {
		s += p.Field + ": "
	}
	return s + p.Message
}

func (p Problem) Error() string { return p.String() }

// HasErrors reports whether any of problems is an Error.
func HasErrors(problems []Problem) bool {
	for _, p := range problems {
		if p.Severity == Error {
			return true
		}
	}
	return false
}
