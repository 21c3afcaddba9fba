package extract

import (
	"errors"
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML extracts a document from decoded HTML: declaration rules first,
// then the main content (or the selection), walked in document order with
// noise left out. ex, when set, is told what was chosen and why.
//
// The walk releases the parts of the page it has read (see children): a
// large page's tree is several times its text, and would otherwise be
// held whole beside the document made from it. When a guessed main
// content holds nothing, the whole page is walked instead, parsed again
// and read without releasing anything.
func parseHTML(text string, opts Options, resolve linkResolver, ex *Explanation) (*Document, error) {
	var told Explanation
	if ex != nil {
		told = *ex
	}
	doc, err := parseHTMLWalk(text, opts, resolve, ex, true)
	if errors.Is(err, errMainContentEmpty) {
		if ex != nil {
			*ex = told // the second walk tells it again
		}
		doc, err = parseHTMLWalk(text, opts, resolve, ex, false)
	}
	return doc, err
}

// errMainContentEmpty is parseHTMLWalk's answer, when it releases what
// it reads, for a guessed main content that holds no text.
var errMainContentEmpty = errors.New("the guessed main content holds no text")

func parseHTMLWalk(text string, opts Options, resolve linkResolver, ex *Explanation, release bool) (*Document, error) {
	root, err := html.Parse(strings.NewReader(text))
	if err != nil && strings.Contains(err.Error(), "open stack of elements") {
		root, err = html.Parse(strings.NewReader(flattenDeep(text)))
	}
	if err != nil {
		return nil, fmt.Errorf("parsing HTML: %w", err)
	}
	page := goquery.NewDocumentFromNode(root)
	if href, ok := page.Find("base[href]").First().Attr("href"); ok {
		resolve = resolve.rebased(href)
	}
	roots, err := applyRules(page, root, opts, resolve.baseURL())
	if err != nil {
		return nil, err
	}
	selecting := roots != nil
	switch {
	case selecting:
		if ex != nil {
			ex.Content = "the declaration's select rules"
		}
	case opts.JSONPointer != "":
		roots, _ = mainContent(page, findLandmarks(root))
	default:
		roots = guessContent(page, root, opts, ex)
	}
	if opts.JSONPointer != "" {
		return extractSelectedJSON(roots, opts)
	}
	// The page's <title> names a guessed content without a level-one
	// heading (a declared selection is the document: the title is outside
	// it). It is read before the walk, which may release it.
	var pageTitle string
	if !selecting {
		pageTitle = normalizeText(page.Find("title").First().Text())
	}

	w := &htmlWalker{kind: Paragraph, resolve: resolve, realLevel: 1, release: release}
	if selecting {
		w.roots = make(map[*html.Node]bool, len(roots))
		for _, r := range roots {
			w.roots[r] = true
		}
	}
	w.walkRoots(roots)
	if !w.doc.hasText() && !selecting {
		if release {
			return nil, errMainContentEmpty
		}
		// The main-content guess held nothing: fall back to the whole page.
		w = &htmlWalker{kind: Paragraph, resolve: resolve, realLevel: 1}
		w.walkRoots([]*html.Node{root})
	}
	title := w.doc.firstLevelOneHeading()
	if title == "" {
		title = pageTitle
	}
	return w.doc.document(title), nil
}

// guessContent is the content of a page without a declared selection: the
// part that is the declared document when the page holds several (hub.go),
// else the main content; copies of it are left out.
func guessContent(page *goquery.Document, root *html.Node, opts Options, ex *Explanation) []*html.Node {
	marks := findLandmarks(root)
	a := newHubAnalyzer(root, opts)
	roots := a.chooseParts(marks.scope(), ex)
	how := "chosen among the page's parts (below)"
	if roots == nil {
		roots, how = mainContent(page, marks)
	}
	duplicates := findDuplicates(roots)
	if ex != nil {
		a.mainRoots = roots
		ex.Content = how
		if len(a.choices) == 0 && len(roots) == 1 && roots[0].Type == html.ElementNode {
			ex.Content += ": " + a.cssPath(roots[0])
		}
		a.explainSelection(ex, duplicates)
	}
	for _, d := range duplicates {
		detach(d.copy)
	}
	return roots
}

// landmarks are the elements the main content is found by, each the first
// of its kind in document order.
type landmarks struct {
	main, roleMain, article, body *html.Node
	articles                      int
}

func findLandmarks(root *html.Node) landmarks {
	var m landmarks
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Main:
				if m.main == nil {
					m.main = c
				}
			case atom.Article:
				if m.articles++; m.article == nil {
					m.article = c
				}
			case atom.Body:
				if m.body == nil {
					m.body = c
				}
			}
			if m.roleMain == nil && len(c.Attr) > 0 && attr(c, "role") == "main" {
				m.roleMain = c
			}
			walk(c)
		}
	}
	walk(root)
	return m
}

// scope is where a page's parts are looked for: its <main> (or
// role=main), else its body.
func (m landmarks) scope() *html.Node {
	switch {
	case m.main != nil:
		return m.main
	case m.roleMain != nil:
		return m.roleMain
	}
	return m.body
}

// mainContent prefers <main>, then [role=main], then a lone <article>,
// then the body's densest text container (scoredContent). It says which.
func mainContent(page *goquery.Document, m landmarks) ([]*html.Node, string) {
	switch {
	case m.main != nil:
		return []*html.Node{m.main}, "the page's <main>"
	case m.roleMain != nil:
		return []*html.Node{m.roleMain}, "the page's role=main element"
	case m.articles == 1:
		return []*html.Node{m.article}, "the page's one <article>"
	case m.body != nil:
		return []*html.Node{scoredContent(m.body)}, "the element holding most of the page's text"
	}
	return page.Nodes, "the whole page"
}

// htmlWalker turns the DOM into blocks. Text of inline elements (and the
// links among them) accumulates in text; block elements flush it as a
// block of the current kind.
type htmlWalker struct {
	doc     docBuilder
	text    inlineText
	resolve linkResolver
	kind    BlockKind // Paragraph, or ListItem inside <li>
	depth   int
	ordered bool
	lists   []bool // ordered flag of each open list
	// realLevel is the level of the last heading marked up as one (h1–h6,
	// role=heading); 1 before any.
	realLevel int
	// roots are the selected nodes, walked in declared order; one met
	// inside another was walked already, and is not walked twice.
	roots map[*html.Node]bool
	// noise says what is left out: heuristics for a guessed main content,
	// almost nothing in a declared selection.
	noise noiseRule
	// release lets the walk drop the subtrees it has read (children).
	release bool
}

func (w *htmlWalker) walkRoots(roots []*html.Node) {
	for _, r := range roots {
		if w.roots != nil {
			w.noise = selectionRule(r)
		}
		// A root is content even if it looks like noise (a selected <nav>);
		// a range's roots include the text directly inside it.
		if r.Type == html.ElementNode {
			w.element(r)
		} else {
			w.node(r)
		}
	}
	w.flush()
}

// children walks n's children. When the walker may release what it has
// read, an element's subtree is dropped once the element after it has
// been walked: nothing looks into a walked element again but the check of
// its next element sibling (a hidden panel looks at the button before
// it, isCollapsedPanel). A selected root is never dropped by the walk of
// another that holds it: it is walked in its own turn.
func (w *htmlWalker) children(n *html.Node) {
	var walked *html.Node // the last element child walked, still whole
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
		if !w.release || c.Type != html.ElementNode || w.roots[c] {
			continue
		}
		if walked != nil {
			walked.FirstChild, walked.LastChild = nil, nil
		}
		walked = c
	}
}

func (w *htmlWalker) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text.writeText(n.Data)
	case html.DocumentNode:
		w.children(n)
	case html.ElementNode:
		if !w.noise.drops(n) && !w.roots[n] {
			w.element(n)
		}
	}
}

func (w *htmlWalker) element(n *html.Node) {
	switch a := n.DataAtom; {
	case a == atom.Br:
		w.text.buf.WriteByte(' ')
	case a == atom.Img:
		w.text.writeImage(altText(n))
	case a == atom.Wbr:
	case isRoleHeading(n):
		w.flush()
		w.realLevel = ariaLevel(n)
		w.doc.heading(w.realLevel, w.headingText(n))
	case a == atom.Summary, w.kind != ListItem && isBoldOnly(n, w.noise):
		// Accordion titles and bold paragraphs standing in for headings sit
		// one level below the last real heading, as siblings of each other.
		w.flush()
		w.doc.heading(min(w.realLevel+1, 6), w.headingText(n))
	case a == atom.A:
		target, ok := linkTarget(n, w.resolve)
		if !ok || w.text.open {
			w.children(n)
			return
		}
		w.text.startLink(target)
		w.children(n)
		w.text.endLink()
	case headingLevel(a) > 0:
		w.flush()
		w.realLevel = headingLevel(a)
		w.doc.heading(w.realLevel, w.headingText(n))
	case a == atom.Ul || a == atom.Ol || a == atom.Menu:
		w.flush()
		w.lists = append(w.lists, a == atom.Ol)
		w.children(n)
		w.lists = w.lists[:len(w.lists)-1]
		w.flush()
	case a == atom.Li:
		w.flush()
		kind, depth, ordered := w.kind, w.depth, w.ordered
		w.kind, w.depth, w.ordered = ListItem, max(len(w.lists)-1, 0), len(w.lists) > 0 && w.lists[len(w.lists)-1]
		w.children(n)
		w.flush()
		w.kind, w.depth, w.ordered = kind, depth, ordered
	case a == atom.Table && !isLayoutTable(n):
		w.flush()
		w.table(n)
	case a == atom.Pre || a == atom.Listing || a == atom.Xmp || a == atom.Plaintext:
		w.flush()
		var b strings.Builder
		preText(n, &b, w.noise)
		w.doc.add(Block{Kind: Preformatted, Text: normalizePre(b.String())})
	case emphasisOf(a) != "":
		w.text.startEmphasis(emphasisOf(a))
		w.children(n)
		w.text.endEmphasis()
	case spacedInline[a]:
		// Controls and options are inline, but their texts are never one
		// word with their neighbours'.
		w.text.buf.WriteByte(' ')
		w.children(n)
		w.text.buf.WriteByte(' ')
	case inlineElements[a]:
		w.children(n)
	case w.kind == ListItem:
		// Paragraphs inside a list item are part of the item.
		w.text.buf.WriteByte(' ')
		w.children(n)
		w.text.buf.WriteByte(' ')
	default:
		w.flush()
		w.children(n)
		w.flush()
	}
}

func (w *htmlWalker) flush() {
	if w.text.buf.Len() == 0 {
		return
	}
	text, links, emphasis := w.text.take()
	w.doc.add(Block{Kind: w.kind, Text: text, Links: links, Emphasis: emphasis, Depth: w.depth, Ordered: w.ordered})
}

// table emits one TableRow per <tr> of this table (not of nested tables);
// a row is a header row in <thead> or when all its cells are <th>.
func (w *htmlWalker) table(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || w.noise.drops(c) {
			continue
		}
		switch c.DataAtom {
		case atom.Caption:
			text, links, emphasis := w.inlineOf(c)
			w.doc.add(Block{Kind: Paragraph, Text: text, Links: links, Emphasis: emphasis})
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.DataAtom == atom.Tr && !w.noise.drops(r) {
					w.row(r, c.DataAtom == atom.Thead)
				}
			}
		case atom.Tr:
			w.row(c, false)
		}
	}
}

func (w *htmlWalker) row(tr *html.Node, inHead bool) {
	var cells []string
	var links []Link
	var emphasis []Emphasis
	allTH := true
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) || w.noise.drops(c) {
			continue
		}
		allTH = allTH && c.DataAtom == atom.Th
		text, cellLinks, cellEmphasis := w.inlineOf(c)
		emphasis = appendCellEmphasis(emphasis, cellEmphasis, len(cells))
		cells = append(cells, text)
		links = append(links, cellLinks...)
	}
	if len(cells) == 0 {
		return
	}
	w.doc.add(Block{Kind: TableRow, Cells: cells, Links: links, Emphasis: emphasis, Header: inHead || allTH})
}

// isLayoutTable reports a table used for page layout rather than data: one
// holding headings, nested tables or preformatted text, or marked
// role=presentation. Its content is walked as ordinary blocks. Lists do
// not make a layout table: data tables list the data of a category in a
// cell (itemSeparator).
func isLayoutTable(n *html.Node) bool {
	if attr(n, "role") == "presentation" {
		return true
	}
	return hasDescendant(n, func(d *html.Node) bool {
		a := d.DataAtom
		return headingLevel(a) > 0 || a == atom.Table || a == atom.Pre
	})
}

// itemSeparator parts the items of a list inside one line of text (a
// table cell): "Name • Email address • Phone number". Its bullet is no
// word and no Markdown syntax, so the cell reads and round-trips as it is.
const itemSeparator = " • "

// continuesList reports a list item that follows another item's text: it
// has an item before it in its list, or its list is nested in an item.
func continuesList(li *html.Node) bool {
	for p := li.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode && p.DataAtom == atom.Li {
			return true
		}
	}
	for p := li.Parent; p != nil; p = p.Parent {
		switch p.DataAtom {
		case atom.Li:
			return true
		case atom.Td, atom.Th, atom.Caption, atom.Table:
			return false
		}
	}
	return false
}

// textOf returns an element's normalised text as a heading of a guessed
// main content has it: block boundaries and <br> as spaces, noise but
// buttons left out, links reduced to their text.
func textOf(n *html.Node) string {
	return textWith(n, guessedHeading)
}

// textWith returns an element's text as textOf, leaving out what rule
// drops.
func textWith(n *html.Node, rule noiseRule) string {
	var t inlineText
	collectText(n, &t, nil, rule)
	text, _, _ := t.take()
	return text
}

// headingText is the text of a heading element met in the walk.
func (w *htmlWalker) headingText(n *html.Node) string {
	return textWith(n, w.noise.forHeading())
}

// inlineOf returns an element's text, as textOf, its links and its
// emphasis.
func (w *htmlWalker) inlineOf(n *html.Node) (string, []Link, []Emphasis) {
	var t inlineText
	collectText(n, &t, &w.resolve, w.noise)
	return t.take()
}

// collectText writes n's text to t, and its links when resolve is set,
// leaving out what rule drops.
func collectText(n *html.Node, t *inlineText, resolve *linkResolver, rule noiseRule) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			t.writeText(c.Data)
		case html.ElementNode:
			if rule.drops(c) {
				continue
			}
			if c.DataAtom == atom.Img {
				t.writeImage(altText(c))
				continue
			}
			if c.DataAtom == atom.Li && continuesList(c) {
				t.buf.WriteString(itemSeparator)
			}
			if c.DataAtom == atom.Br || !inlineElements[c.DataAtom] || spacedInline[c.DataAtom] {
				t.buf.WriteByte(' ')
				collectText(c, t, resolve, rule)
				t.buf.WriteByte(' ')
				continue
			}
			if kind := emphasisOf(c.DataAtom); kind != "" {
				t.startEmphasis(kind)
				collectText(c, t, resolve, rule)
				t.endEmphasis()
				continue
			}
			if c.DataAtom == atom.A && resolve != nil && !t.open {
				if target, ok := linkTarget(c, *resolve); ok {
					t.startLink(target)
					collectText(c, t, resolve, rule)
					t.endLink()
					continue
				}
			}
			collectText(c, t, resolve, rule)
		}
	}
}

// altText is what an image says in the text: its alt text (a ✔ in a
// table cell, an icon's name). Open Terms Archive writes ![alt](src); a
// Document keeps links, not images, so the source is left out.
func altText(img *html.Node) string {
	return attr(img, "alt")
}

// linkTarget is the target of an <a href>; ok is false for anchors
// without href and for targets not worth listing.
func linkTarget(a *html.Node, resolve linkResolver) (string, bool) {
	for _, at := range a.Attr {
		if at.Namespace == "" && at.Key == "href" {
			return resolve.target(at.Val)
		}
	}
	return "", false
}

// preText collects preformatted text as it is, <br> as a line break,
// leaving out what rule drops.
func preText(n *html.Node, b *strings.Builder, rule noiseRule) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			b.WriteString(c.Data)
		case c.Type == html.ElementNode && c.DataAtom == atom.Br:
			b.WriteByte('\n')
		case c.Type == html.ElementNode && !rule.drops(c):
			preText(c, b, rule)
		}
	}
}

// emphasisOf is the emphasis an element marks, as turndown reads it:
// <strong> and <b> strong, <em> and <i> emphasis.
func emphasisOf(a atom.Atom) EmphasisKind {
	switch a {
	case atom.Strong, atom.B:
		return Strong
	case atom.Em, atom.I:
		return Em
	}
	return ""
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// inlineElements hold text within a block; every other element (known or
// not) is a block boundary, so that text of separate elements is never
// glued together.
var inlineElements = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.Acronym: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Big: true, atom.Cite: true, atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true,
	atom.Em: true, atom.Font: true, atom.I: true, atom.Ins: true, atom.Kbd: true, atom.Label: true,
	atom.Mark: true, atom.Nobr: true, atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true,
	atom.Span: true, atom.Strike: true, atom.Strong: true, atom.Sub: true, atom.Sup: true,
	atom.Time: true, atom.Tt: true, atom.U: true, atom.Var: true, atom.Picture: true, atom.Ruby: true,
	atom.Rt: true, atom.Img: true, atom.Wbr: true, atom.Button: true, atom.Select: true, atom.Option: true,
	atom.Optgroup: true, atom.Textarea: true, atom.Output: true,
}

// spacedInline are the inline elements whose text stands apart from the
// text around them: form controls (noise in a guessed main content, text
// in a declared selection, as the labels of accordion buttons are).
var spacedInline = map[atom.Atom]bool{
	atom.Button: true, atom.Select: true, atom.Option: true, atom.Optgroup: true, atom.Textarea: true,
	atom.Output: true,
}
