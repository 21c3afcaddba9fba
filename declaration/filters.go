package declaration

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

const (
	filtersSuffix        = ".filters.js"
	filtersHistorySuffix = ".filters.history.js"
)

// defaultQueryParams are the tracking parameters Open Terms Archive's
// removeQueryParams filter removes when it is declared without a list.
var defaultQueryParams = []string{
	"fbclid", "gclid", "msclkid", "mc_eid", "dclid", "oly_anon_id", "oly_enc_id", "_openstat",
	"vero_conv", "vero_id", "wickedid", "yclid", "__s", "rb_clickid", "s_cid", "ml_subscriber",
	"ml_subscriber_hash", "_hsenc", "__hssc", "__hstc", "__hsfp", "hsCtaTracking", "mkt_tok",
}

// FilterExports is what LoadDir needs of a service's loaded filter files:
// the names of the functions they export.
type FilterExports interface {
	Exports() []string
}

// FilterSet is loaded filter files that can also give each filter as in
// force at a capture time (jsfilter's Module). When a loader returns one,
// a source's OptionsAt carries the filters to the extractor.
type FilterSet interface {
	FilterExports
	Filter(name string, params any, at time.Time) (extract.Filter, bool)
}

// FilterLoader loads the JavaScript filters of service id from dir (its
// SERVICE.filters.js and SERVICE.filters.history.js). LoadDir calls it
// only for services that have one of those files.
type FilterLoader func(dir, id string) (FilterExports, error)

// Option changes how LoadDir reads a directory.
type Option func(*loader)

// WithFilterLoader makes LoadDir load each service's filter files with
// load and check each declared filter against what they export: a name
// they do not export is a warning, as is a declared filter without a
// filters file. Filter files that do not load are an error in them, and
// the documents that declare filters of that service are left out, since
// they could not be extracted as declared. Without this option, LoadDir
// checks only that the files exist.
func WithFilterLoader(load FilterLoader) Option {
	return func(l *loader) { l.loadFilters = load }
}

// serviceFilters is what the checks of one service's files know of its
// filter files.
type serviceFilters struct {
	id                        string
	file, historyFile         string // paths, "" when absent
	exports                   []string
	set                       FilterExports // what the loader returned
	loaded, broken            bool          // loaded: exports are known
	brokenFile, brokenMessage string
}

// serviceFilters loads the filter files of service id, if any.
func (l *loader) serviceFilters(dir, id, file, historyFile string) *serviceFilters {
	sf := &serviceFilters{id: id, file: file, historyFile: historyFile}
	if l.loadFilters == nil || (file == "" && historyFile == "") {
		return sf
	}
	exports, err := l.loadFilters(dir, id)
	if err != nil {
		sf.broken, sf.brokenFile = true, file
		if sf.brokenFile == "" {
			sf.brokenFile = historyFile
		}
		sf.brokenMessage = err.Error()
		l.problems = append(l.problems, Problem{File: sf.brokenFile, Line: 1, Column: 1, Severity: Error,
			Message: fmt.Sprintf("the filters do not load, so the documents that declare filters are left out: %v", err)})
		return sf
	}
	sf.loaded = exports != nil
	if sf.loaded {
		sf.exports, sf.set = exports.Exports(), exports
	}
	return sf
}

// filters reads Open Terms Archive's "filter" list into src: names, or
// {"name": parameters} objects. removeQueryParams and
// convertSpacesToStandard are built in; the others are the service's
// JavaScript functions, checked against its filter files.
func (f *fileCheck) filters(n *node, field string, src *Source) {
	if n.kind != kindArray {
		f.errorAt(n, field, "must be a list of filter names or {\"name\": parameters} objects, not %s", n.kind)
		return
	}
	for i, item := range n.items {
		itemPath := fmt.Sprintf("%s[%d]", field, i)
		var name string
		var params *node
		switch {
		case item.kind == kindString && strings.TrimSpace(item.str) != "":
			name = item.str
		case item.kind == kindObject && len(item.members) == 1 && strings.TrimSpace(item.members[0].key) != "":
			name, params = item.members[0].key, item.members[0].value
		default:
			f.errorAt(item, itemPath, "must be a filter name or an object {\"name\": parameters} with one key")
			continue
		}
		switch name {
		case "removeQueryParams":
			src.RemoveQueryParams = append(src.RemoveQueryParams, f.queryParamNames(params, itemPath)...)
		case "convertSpacesToStandard":
			if params != nil {
				f.warnAt(params, join(itemPath, name), "convertSpacesToStandard takes no parameters: they are ignored")
			}
			src.ConvertSpaces = true
		default:
			ref := FilterRef{Name: name}
			if params != nil {
				ref.Params = params.decoded()
			}
			src.Filters = append(src.Filters, ref)
			f.checkFilter(item, itemPath, name)
			if f.svcFilters != nil {
				src.filters = f.svcFilters.resolver()
			}
		}
	}
}

// checkFilter reports a declared filter that cannot run: the service has
// no filter file, or it does not export the name.
func (f *fileCheck) checkFilter(item *node, field, name string) {
	sf := f.svcFilters
	if sf == nil {
		return // a history file without its SERVICE.json: not used anyway
	}
	if sf.broken {
		f.errorAt(item, field, "filter %q cannot run: %s does not load (%s)", name, baseName(sf.brokenFile), sf.brokenMessage)
		return
	}
	hasFile := sf.file != ""
	where := sf.id + filtersSuffix
	if f.past {
		hasFile = hasFile || sf.historyFile != ""
		where = sf.id + filtersSuffix + " nor " + sf.id + filtersHistorySuffix
	}
	switch {
	case !hasFile:
		f.warnAt(item, field, "declares filter %q but there is no %s: extracting this document fails until there is", name, where)
	case sf.loaded && !contains(sf.exports, name):
		f.warnAt(item, field, "filter %q is not exported by %s: extracting this document fails until it is", name, where)
	}
}

// filterResolver gives a source's declared filters as the extractor runs
// them. A filter that cannot be had is one that fails, naming what is
// missing: Open Terms Archive fails such a document too, and a filter left
// out silently would let its noise through as versions.
type filterResolver struct {
	set   FilterSet // nil when the files are absent or not loaded
	where string    // the files, for messages
}

func (sf *serviceFilters) resolver() *filterResolver {
	r := &filterResolver{where: sf.id + filtersSuffix}
	if sf.historyFile != "" {
		r.where += " or " + sf.id + filtersHistorySuffix
	}
	r.set, _ = sf.set.(FilterSet)
	return r
}

func (r *filterResolver) filter(ref FilterRef, at time.Time) extract.Filter {
	if r != nil && r.set != nil {
		if f, ok := r.set.Filter(ref.Name, ref.Params, at); ok {
			return f
		}
	}
	where := "its filter files"
	if r != nil {
		where = r.where
	}
	return missingFilter{name: ref.Name, where: where}
}

// missingFilter stands for a declared filter that nothing provides.
type missingFilter struct{ name, where string }

func (m missingFilter) Name() string { return m.where + ": " + m.name }

func (m missingFilter) String() string { return "missing " + m.Name() }

func (m missingFilter) Apply(*html.Node, extract.FilterContext) error {
	return fmt.Errorf("no function %q is exported by %s", m.name, m.where)
}

func (f *fileCheck) queryParamNames(params *node, field string) []string {
	if params == nil {
		return defaultQueryParams
	}
	path := join(field, "removeQueryParams")
	if params.kind == kindString {
		if s, ok := f.str(params, path); ok {
			return []string{s}
		}
		return nil
	}
	if params.kind != kindArray {
		f.errorAt(params, path, "must be a parameter name or a list of them, not %s", params.kind)
		return nil
	}
	var names []string
	for i, p := range params.items {
		if s, ok := f.str(p, fmt.Sprintf("%s[%d]", path, i)); ok {
			names = append(names, s)
		}
	}
	return names
}

func baseName(path string) string {
	return path[strings.LastIndexAny(path, `/\`)+1:]
}
