package extract

import (
	"errors"
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// A declaration's rules apply to an HTML page in Open Terms Archive's order:
// the service's filters on the whole page, the engine-wide normalisations
// (html_clean.go), then remove, then select.

// Selector is a CSS selector or a range between elements: exactly one of
// CSS and Range is set. Declarations and the extractor share this type, so
// rules reach the extractor as they were declared.
type Selector struct {
	CSS   string `json:"css,omitempty"`
	Range *Range `json:"range,omitempty"`
}

// CSS returns the selectors for CSS selector strings, in order.
func CSS(selectors ...string) []Selector {
	out := make([]Selector, len(selectors))
	for i, s := range selectors {
		out[i] = Selector{CSS: s}
	}
	return out
}

func (s Selector) String() string {
	if s.Range != nil {
		return s.Range.String()
	}
	return s.CSS
}

// SelectorError says that a declared rule found nothing in the page: the
// page was redesigned, or is not the page the declaration expects. Rule is
// "select" or "remove"; Selectors are the rules that found nothing (for
// "select", every selector, since the selection is empty only when none of
// them matches); Detail says which part of a range failed, when one did.
type SelectorError struct {
	Rule      string
	Selectors []Selector
	Detail    string
}

func (e *SelectorError) Error() string {
	names := make([]string, len(e.Selectors))
	for i, s := range e.Selectors {
		names[i] = fmt.Sprintf("%q", s.String())
		if s.Range != nil {
			names[i] = s.Range.String()
		}
	}
	msg := fmt.Sprintf("%s %s matched nothing", e.Rule, strings.Join(names, ", "))
	if e.Detail != "" {
		msg = fmt.Sprintf("%s range %s: %s", e.Rule, strings.Join(names, ", "), e.Detail)
	}
	return msg
}

// IsSelectorMissing reports whether err (from Extract) says a declared rule
// matched nothing, and returns the SelectorError.
func IsSelectorMissing(err error) (*SelectorError, bool) {
	var se *SelectorError
	if errors.As(err, &se) {
		return se, true
	}
	return nil, false
}

// Filter changes a parsed HTML page before the declaration's remove and
// select rules apply: one of Open Terms Archive's filter functions. Filters
// run in declared order on the whole page (the document node); an error
// fails the extraction.
type Filter interface {
	// Name names the filter in errors and listings, with the file it comes
	// from: "Coffee Meets Bagel.filters.js: unifyEmailProtectedAddresses".
	Name() string
	// Apply changes the page in place.
	Apply(page *html.Node, ctx FilterContext) error
}

// FilterContext is what a filter is told about the page, as Open Terms
// Archive tells its filters: the URL, the declared rules, and the names of
// every filter of the declaration.
type FilterContext struct {
	URL     string
	Select  []Selector
	Remove  []Selector
	Filters []string
}

// FilterError is a filter that failed; the extraction fails with it.
type FilterError struct {
	Filter string // the filter's Name
	Err    error
}

func (e *FilterError) Error() string { return fmt.Sprintf("filter %s failed: %v", e.Filter, e.Err) }

func (e *FilterError) Unwrap() error { return e.Err }

// applyRules runs the filters, the engine-wide normalisations and the remove
// rules on the page, then returns the selected nodes in declared order (nil
// when nothing is selected: the whole page is meant).
func applyRules(page *goquery.Document, root *html.Node, opts Options, pageURL string) ([]*html.Node, error) {
	if len(opts.Filters) > 0 {
		names := make([]string, len(opts.Filters))
		for i, f := range opts.Filters {
			names[i] = f.Name()
		}
		ctx := FilterContext{URL: pageURL, Select: opts.Select, Remove: opts.Remove, Filters: names}
		for _, f := range opts.Filters {
			if err := f.Apply(root, ctx); err != nil {
				return nil, &FilterError{Filter: f.Name(), Err: err}
			}
		}
	}
	cleanPage(root)

	// Removal as Open Terms Archive does it: every node a CSS rule names
	// first, then the ranges (computed before anything is removed).
	var ranges [][]*html.Node
	var removed []*html.Node
	for _, sel := range opts.Remove {
		if sel.Range != nil {
			nodes, err := rangeNodes(page, root, *sel.Range, "remove")
			if err != nil {
				return nil, err
			}
			ranges = append(ranges, nodes)
			continue
		}
		matcher, err := compileSelector("remove", sel.CSS)
		if err != nil {
			return nil, err
		}
		removed = append(removed, page.FindMatcher(matcher).Nodes...)
	}
	for _, n := range removed {
		detach(n)
	}
	for _, nodes := range ranges {
		for _, n := range nodes {
			detach(n)
		}
	}

	if len(opts.Select) == 0 {
		return nil, nil
	}
	var selected []*html.Node
	taken := map[*html.Node]bool{}
	for _, sel := range opts.Select {
		var nodes []*html.Node
		if sel.Range != nil {
			var err error
			if nodes, err = rangeNodes(page, root, *sel.Range, "select"); err != nil {
				return nil, err
			}
		} else {
			matcher, err := compileSelector("select", sel.CSS)
			if err != nil {
				return nil, err
			}
			nodes = page.FindMatcher(matcher).Nodes
		}
		for _, n := range nodes {
			// A node is taken once, at its first place in declared order:
			// Open Terms Archive copies a match nested in an earlier one
			// twice, which doubles text; see docs/EXTRACTION.md.
			if !insideTaken(n, taken) {
				taken[n] = true
				selected = append(selected, n)
			}
		}
	}
	if len(selected) == 0 {
		return nil, &SelectorError{Rule: "select", Selectors: opts.Select}
	}
	return selected, nil
}

// detach removes n from its parent, if it still has one.
func detach(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

func insideTaken(n *html.Node, taken map[*html.Node]bool) bool {
	for p := n; p != nil; p = p.Parent {
		if taken[p] {
			return true
		}
	}
	return false
}

func compileSelector(rule, selector string) (cascadia.Selector, error) {
	matcher, err := cascadia.Compile(selector)
	if err != nil {
		return nil, fmt.Errorf("invalid %s selector %q: %v", rule, selector, err)
	}
	return matcher, nil
}
