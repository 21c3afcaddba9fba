package extract

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Without a declared selection, a page may hold more than the declared
// document: a legal hub (terms, privacy policy, cookie policy… as tabs,
// accordions or consecutive sections), a short version beside the full
// text, or the text in several languages. hubAnalyzer looks at the page's
// labelled parts (hub_parts.go) and, when one of those cases is clear,
// chooses the part that is the declared document. Anything less clear
// keeps the main-content guess as it was. docs/EXTRACTION.md states the
// rules.

// Thresholds of the rules; each is a share of text (bytes, noise left out).
const (
	// setShare: the labelled parts hold at least this share of the part
	// of the page they are looked for in (a box of links to other
	// documents beside a policy is not a hub).
	setShare = 0.5
	// typedShare: in a hub, the parts named after document types hold at
	// least this share of the parts' text.
	typedShare = 0.6
	// summaryShare: a short version and the full text hold at least this
	// share of the parts' text.
	summaryShare = 0.8
	// languageShare: in a page offering several languages, the parts of a
	// known language hold at least this share of the parts' text.
	languageShare = 0.6
	// maxRounds bounds how many times a chosen part is looked into again
	// (a hub's tab holding the text in two languages, each with a summary).
	maxRounds = 4
)

type hubAnalyzer struct {
	root *html.Node
	typ  DocumentType
	want string // the language to keep, "" when unknown
	// wantFrom says where want comes from, for the explanation.
	wantFrom string
	// ids and controls index the page lazily: elements by id, and the tabs
	// and triggers that control or link to an id.
	ids, controls map[string]*html.Node
	idCount       map[string]int
	indexed       bool
	sizes         map[*html.Node]int
	// choices are the sets of parts chosen among, in order.
	choices []choice
	// scope is where the current round looks for parts; a set must hold
	// setShare of its text (scopeSize, measured when first needed).
	scope     []*html.Node
	scopeSize int
	// mainRoots is the content when no choice was made (for the
	// explanation).
	mainRoots []*html.Node
}

// choice is one set of parts, the parts kept and why.
type choice struct {
	set, pick []*pagePart
	why       string
}

func (a *hubAnalyzer) scopeText() int {
	if a.scopeSize == 0 {
		for _, n := range a.scope {
			a.scopeSize += a.size(n)
		}
	}
	return a.scopeSize
}

func newHubAnalyzer(root *html.Node, opts Options) *hubAnalyzer {
	a := &hubAnalyzer{root: root, typ: opts.Type}
	a.want, a.wantFrom = wantedLanguage(opts, root)
	return a
}

// chooseParts returns the part of the page that is the declared document
// when the page clearly holds more than it, and nil otherwise.
func (a *hubAnalyzer) chooseParts(scope *html.Node, ex *Explanation) []*html.Node {
	if ex != nil && a.want != "" {
		ex.Language = a.want + " (" + a.wantFrom + ")"
	}
	if scope == nil || !a.worthLooking(scope) {
		return nil
	}
	list := children(scope)
	var context []labelInfo
	if h1 := firstH1(scope); h1 != nil {
		// The page's title heading: below "X Privacy Policy" the page is
		// that document, whatever parts it has.
		title := classifyLabel(textOf(h1), a.typ)
		title.node = h1
		context = append(context, title)
	}
	a.scope = []*html.Node{scope}
	var chosen []*html.Node
	for round := 0; round < maxRounds; round++ {
		set, pick, why := a.findSet(list, context)
		if set == nil {
			break
		}
		chosen = nil
		var next []*html.Node
		for _, p := range pick {
			chosen = append(chosen, p.content...)
			next = append(next, p.inner...)
			context = append(context, p.label)
		}
		a.choices = append(a.choices, choice{set: set, pick: pick, why: why})
		list = next
		a.scope, a.scopeSize = chosen, 0
	}
	return chosen
}

func children(n *html.Node) []*html.Node {
	var list []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		list = append(list, c)
	}
	return list
}

func firstH1(n *html.Node) *html.Node {
	var found *html.Node
	hasDescendant(n, func(d *html.Node) bool {
		if d.DataAtom == atom.H1 && !isNoise(d) {
			found = d
			return true
		}
		return false
	})
	return found
}

// findSet looks for a set of parts among list, then inside each of its
// elements and under each of its top headings, in document order, and
// returns the first that qualifies, the parts chosen from it and why.
func (a *hubAnalyzer) findSet(list []*html.Node, context []labelInfo) ([]*pagePart, []*pagePart, string) {
	headings := a.headingParts(list)
	elements := a.elementParts(list)
	for _, set := range [][]*pagePart{elements, headings} {
		if pick, why := a.qualify(set, context); pick != nil {
			return set, pick, why
		}
	}
	firstHeading := len(list)
	if len(headings) > 0 {
		for i, n := range list {
			if n == headings[0].box {
				firstHeading = i
				break
			}
		}
	}
	partAt := make(map[*html.Node]*pagePart, len(elements))
	for _, p := range elements {
		partAt[p.box] = p
	}
	for _, n := range list[:firstHeading] {
		if set, pick, why := a.findInside(n, partAt[n], context); set != nil {
			return set, pick, why
		}
	}
	for _, h := range headings {
		inner := context
		if h.label.text != "" {
			inner = append(context[:len(context):len(context)], h.label)
		}
		if set, pick, why := a.findSet(h.inner, inner); set != nil {
			return set, pick, why
		}
	}
	return nil, nil, ""
}

// findInside looks for a set among an element's children and deeper;
// part is the part the element is, if any, whose label is then context.
func (a *hubAnalyzer) findInside(n *html.Node, part *pagePart, context []labelInfo) ([]*pagePart, []*pagePart, string) {
	if n.Type != html.ElementNode || n.FirstChild == nil || !mayHoldParts(n) || guessedContent.drops(n) {
		return nil, nil, ""
	}
	if part != nil && part.label.text != "" {
		context = append(context[:len(context):len(context)], part.label)
	}
	return a.findSet(children(n), context)
}

// mayHoldParts leaves out the elements that hold no parts: text-level
// elements, lists, tables, headings.
func mayHoldParts(n *html.Node) bool {
	if inlineElements[n.DataAtom] || headingOf(n) > 0 {
		return false
	}
	switch n.DataAtom {
	case atom.P, atom.Ul, atom.Ol, atom.Li, atom.Table, atom.Pre, atom.Dl, atom.Summary, atom.Figure, atom.Blockquote, atom.Address:
		return false
	}
	return true
}

// elementParts are the parts among a list's elements; an accordion title
// followed by its panel makes one part.
func (a *hubAnalyzer) elementParts(list []*html.Node) []*pagePart {
	var parts []*pagePart
	var consumed *html.Node
	for _, n := range list {
		if n.Type != html.ElementNode || n == consumed || guessedContent.drops(n) {
			continue
		}
		p := a.partOf(n)
		if p == nil {
			continue
		}
		if p.kind == accordion && len(p.content) == 1 && !inside(p.content[0], n) {
			consumed = p.content[0]
		}
		parts = append(parts, p)
	}
	return parts
}

// qualify says whether a set of parts is one of the cases that choose a
// part, and which parts to keep.
func (a *hubAnalyzer) qualify(set []*pagePart, context []labelInfo) ([]*pagePart, string) {
	if len(set) < 2 {
		return nil, ""
	}
	var ours, others, summaries, fulls int
	langs := map[string]bool{}
	for _, p := range set {
		switch p.names() {
		case namesOurs:
			ours++
			if !p.label.summary {
				fulls++
			}
		case namesOther:
			others++
		}
		if p.label.summary {
			summaries++
		} else if p.label.full {
			fulls++
		}
		if p.lang != "" {
			langs[p.lang] = true
		}
	}
	hub := ours > 0 && others > 0 && !titleAbove(context, set)
	summary := summaries > 0 && fulls > 0
	languages := len(langs) >= 2 && a.want != "" && langs[a.want]
	if !hub && !summary && !languages {
		return nil, ""
	}
	total := 0
	for _, p := range set {
		total += a.partSize(p)
	}
	if float64(total) < setShare*float64(a.scopeText()) {
		return nil, ""
	}
	if hub && float64(a.sizeOf(set, func(p *pagePart) bool { return p.names() != namesNone }))/float64(total) >= typedShare {
		best := a.bestOurs(set)
		return []*pagePart{best}, fmt.Sprintf("the page holds %s; %q names the %s", describeDocuments(set), best.label.text, a.typ.Name)
	}
	if summary {
		isSummary := func(p *pagePart) bool { return p.label.summary }
		isFull := func(p *pagePart) bool {
			return !p.label.summary && (p.label.full || p.names() == namesOurs)
		}
		short, long := a.sizeOf(set, isSummary), a.sizeOf(set, isFull)
		if float64(short+long)/float64(total) >= summaryShare && short < long {
			best := a.best(set, isFull)
			return []*pagePart{best}, fmt.Sprintf("the page holds a short version (%s) and the full text", quotedLabels(set, isSummary))
		}
	}
	if languages && float64(a.sizeOf(set, func(p *pagePart) bool { return p.lang != "" }))/float64(total) >= languageShare {
		var pick []*pagePart
		for _, p := range set {
			if p.lang == a.want {
				pick = append(pick, p)
			}
		}
		return pick, fmt.Sprintf("the page offers the text in %s; %q is the language to keep", languageList(set), a.want)
	}
	return nil, ""
}

// titleAbove reports a heading or label above the parts that is the
// declared type's title alone: the page is that document, not a hub.
func titleAbove(context []labelInfo, set []*pagePart) bool {
	for _, l := range context {
		if l.titleAlone && !inParts(l.node, set) {
			return true
		}
	}
	return false
}

// inParts reports a node lying in one of the parts (the page's first h1
// may be a part's own title).
func inParts(n *html.Node, set []*pagePart) bool {
	if n == nil {
		return false
	}
	for _, p := range set {
		if n == p.box || n == p.labelNode {
			return true
		}
		for _, c := range p.content {
			if inside(n, c) {
				return true
			}
		}
	}
	return false
}

func (a *hubAnalyzer) sizeOf(set []*pagePart, keep func(*pagePart) bool) int {
	n := 0
	for _, p := range set {
		if keep(p) {
			n += a.partSize(p)
		}
	}
	return n
}

// bestOurs is the part to keep in a hub: among the parts naming the
// declared type, those in the language to keep, the full texts rather
// than short versions, the best label, the first.
func (a *hubAnalyzer) bestOurs(set []*pagePart) *pagePart {
	return a.best(set, func(p *pagePart) bool { return p.names() == namesOurs })
}

func (a *hubAnalyzer) best(set []*pagePart, candidate func(*pagePart) bool) *pagePart {
	var best *pagePart
	rank := func(p *pagePart) int {
		r := p.label.score
		if !p.label.summary {
			r += 10
		}
		if a.want != "" && p.lang == a.want {
			r += 100
		}
		return r
	}
	for _, p := range set {
		if candidate(p) && (best == nil || rank(p) > rank(best)) {
			best = p
		}
	}
	return best
}

// partSize is the size of a part's content.
func (a *hubAnalyzer) partSize(p *pagePart) int {
	if p.size == 0 {
		for _, n := range p.content {
			p.size += a.size(n)
		}
	}
	return p.size
}

// size is the length in bytes of n's text, noise left out, as the walk of
// a guessed main content reads it. Only the sizes asked for are kept: the
// parts of a set are few, their descendants many.
func (a *hubAnalyzer) size(n *html.Node) int {
	if s, ok := a.sizes[n]; ok {
		return s
	}
	s := textSize(n)
	if a.sizes == nil {
		a.sizes = map[*html.Node]int{}
	}
	a.sizes[n] = s
	return s
}

func textSize(n *html.Node) int {
	switch n.Type {
	case html.TextNode:
		return len(strings.TrimFunc(n.Data, isSpaceRune))
	case html.ElementNode, html.DocumentNode:
	default:
		return 0
	}
	total := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && guessedContent.drops(c) {
			continue
		}
		total += textSize(c)
	}
	return total
}

// byID returns the element with that id, or nil.
func (a *hubAnalyzer) byID(id string) *html.Node {
	a.index()
	return a.ids[id]
}

// tabFor returns the tab or trigger that controls or links to id.
func (a *hubAnalyzer) tabFor(id string) *html.Node {
	a.index()
	return a.controls[id]
}

func (a *hubAnalyzer) index() {
	if a.indexed {
		return
	}
	a.indexed = true
	a.ids, a.controls, a.idCount = map[string]*html.Node{}, map[string]*html.Node{}, map[string]int{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			for _, at := range c.Attr {
				switch at.Key {
				case "id":
					a.idCount[at.Val]++
					if _, dup := a.ids[at.Val]; !dup {
						a.ids[at.Val] = c
					}
				case "aria-controls":
					for _, id := range strings.Fields(at.Val) {
						a.addControl(id, c)
					}
				case "href", "data-target", "data-bs-target", "data-tab", "data-tabs-target":
					if strings.HasPrefix(at.Val, "#") && len(at.Val) > 1 && isTab(c) {
						a.addControl(at.Val[1:], c)
					}
				}
			}
			walk(c)
		}
	}
	walk(a.root)
}

func (a *hubAnalyzer) addControl(id string, n *html.Node) {
	if _, dup := a.controls[id]; !dup {
		a.controls[id] = n
	}
}

// isTab reports a tab: role=tab, or a link or button inside a tab list.
func isTab(n *html.Node) bool {
	if strings.EqualFold(attr(n, "role"), "tab") {
		return true
	}
	for p := n.Parent; p != nil && p.Type == html.ElementNode; p = p.Parent {
		if strings.EqualFold(attr(p, "role"), "tablist") || strings.Contains(strings.ToLower(attr(p, "class")), "tab") {
			return true
		}
	}
	return false
}

// wantedLanguage is the language to keep where a page offers several:
// the declared one, else the one the URL names, else the page's lang. It
// says which.
func wantedLanguage(opts Options, root *html.Node) (string, string) {
	if lang := primaryLanguage(opts.Language); lang != "" {
		return lang, "as declared"
	}
	if lang := languageOfURL(opts.BaseURL); lang != "" {
		return lang, "named by the URL"
	}
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Html {
			if lang := primaryLanguage(attr(c, "lang")); lang != "" {
				return lang, "the page's lang"
			}
		}
	}
	return "", ""
}

func describeDocuments(set []*pagePart) string {
	var names []string
	seen := map[string]bool{}
	for _, p := range set {
		if p.label.kind == namesNone || seen[p.label.text] {
			continue
		}
		seen[p.label.text] = true
		names = append(names, fmt.Sprintf("%q", p.label.text))
	}
	return fmt.Sprintf("%d documents (%s)", len(names), strings.Join(names, ", "))
}

func quotedLabels(set []*pagePart, keep func(*pagePart) bool) string {
	var names []string
	for _, p := range set {
		if keep(p) {
			names = append(names, fmt.Sprintf("%q", p.label.text))
		}
	}
	return strings.Join(names, ", ")
}

func languageList(set []*pagePart) string {
	var langs []string
	seen := map[string]bool{}
	for _, p := range set {
		if p.lang != "" && !seen[p.lang] {
			seen[p.lang] = true
			langs = append(langs, p.lang)
		}
	}
	return strings.Join(langs, ", ")
}
