package extract

import (
	"fmt"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Range is an Open Terms Archive range selector: the content from one
// element to another, in document order. Exactly one of StartBefore
// (the start element included) and StartAfter (excluded) is set, and
// exactly one of EndBefore (the end element excluded) and EndAfter
// (included); each is a CSS selector whose first match is used, the end's
// being the first after the start.
type Range struct {
	StartBefore string `json:"startBefore,omitempty"`
	StartAfter  string `json:"startAfter,omitempty"`
	EndBefore   string `json:"endBefore,omitempty"`
	EndAfter    string `json:"endAfter,omitempty"`
}

func (r Range) String() string {
	start, end := "startBefore "+r.StartBefore, "endBefore "+r.EndBefore
	if r.StartAfter != "" {
		start = "startAfter " + r.StartAfter
	}
	if r.EndAfter != "" {
		end = "endAfter " + r.EndAfter
	}
	return "{" + start + ", " + end + "}"
}

// validate checks that the range names one start and one end.
func (r Range) validate() error {
	if (r.StartBefore == "") == (r.StartAfter == "") {
		return fmt.Errorf("range %v needs exactly one of startBefore and startAfter", r)
	}
	if (r.EndBefore == "") == (r.EndAfter == "") {
		return fmt.Errorf("range %v needs exactly one of endBefore and endAfter", r)
	}
	return nil
}

// nodeOrder numbers nodes in document order: each node's own number and
// the last number within its subtree.
type nodeOrder struct {
	pre  map[*html.Node]int
	last map[*html.Node]int
}

func numberNodes(root *html.Node) nodeOrder {
	o := nodeOrder{pre: map[*html.Node]int{}, last: map[*html.Node]int{}}
	counter := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		o.pre[n] = counter
		counter++
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		o.last[n] = counter - 1
	}
	walk(root)
	return o
}

// rangeNodes returns the outermost nodes lying wholly inside the range, in
// document order (the start and end elements' ancestors are only partly
// inside, so their inside children are taken instead).
// rule ("select" or "remove") names the rule in errors; a bound that
// matches nothing is a *SelectorError.
func rangeNodes(page *goquery.Document, root *html.Node, r Range, rule string) ([]*html.Node, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	order := numberNodes(root)
	missing := func(detail string) error {
		return &SelectorError{Rule: rule, Selectors: []Selector{{Range: &r}}, Detail: detail}
	}
	startSelector, bound := r.StartBefore, "startBefore"
	if r.StartAfter != "" {
		startSelector, bound = r.StartAfter, "startAfter"
	}
	startMatcher, err := compileSelector(rule+" range "+bound, startSelector)
	if err != nil {
		return nil, err
	}
	starts := page.FindMatcher(startMatcher)
	if starts.Length() == 0 {
		return nil, missing(fmt.Sprintf("%s %q matched nothing", bound, startSelector))
	}
	startNode := starts.Nodes[0]
	from := order.pre[startNode]
	if r.StartAfter != "" {
		from = order.last[startNode] + 1
	}
	endSelector, bound := r.EndBefore, "endBefore"
	if r.EndAfter != "" {
		endSelector, bound = r.EndAfter, "endAfter"
	}
	endMatcher, err := compileSelector(rule+" range "+bound, endSelector)
	if err != nil {
		return nil, err
	}
	var endNode *html.Node
	for _, n := range page.FindMatcher(endMatcher).Nodes {
		if order.pre[n] >= from {
			endNode = n
			break
		}
	}
	if endNode == nil {
		return nil, missing(fmt.Sprintf("%s %q matched nothing after the start", bound, endSelector))
	}
	to := order.pre[endNode] - 1
	if r.EndAfter != "" {
		to = order.last[endNode]
	}
	var out []*html.Node
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		if order.pre[n] >= from && order.last[n] <= to {
			out = append(out, n)
			return
		}
		if order.last[n] < from || order.pre[n] > to {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c)
		}
	}
	collect(root)
	return out, nil
}
