package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A part is one labelled piece of a page that may be a document of its
// own: a tab panel, an accordion item, a section opening with a heading,
// or the run of content under a heading.

type partKind string

const (
	tabPanel     partKind = "tab panel"
	accordion    partKind = "accordion item"
	labelledPart partKind = "section"
	headingRange partKind = "heading"
)

type pagePart struct {
	kind partKind
	// box is the element standing among its siblings: the panel, the
	// <details>, the accordion item, the section, or the range's heading.
	box *html.Node
	// content is what is walked when the part is chosen; inner is where
	// the parts within it are looked for (a range's content without its
	// heading).
	content, inner []*html.Node
	// labelNode is the element the label was read from.
	labelNode *html.Node
	// next is the heading that ends a heading range, nil for the last.
	next  *html.Node
	label labelInfo
	// lang is the part's language: its lang attribute, else the one its
	// label names or names the declared type in.
	lang string
	size int
}

// names is which document a part's label names. A keyword alone
// ("Cookies", "Terms") names a document on a tab or an accordion title,
// the switches between documents; a section headed so is a topic of the
// document it is in ("Cookies" in a privacy policy).
func (p *pagePart) names() labelKind {
	if p.label.keywordOnly && (p.kind == labelledPart || p.kind == headingRange) {
		return namesNone
	}
	return p.label.kind
}

// partOf returns the part that element e is, or nil. An accordion's
// panel may follow its title (e) rather than lie inside it.
func (a *hubAnalyzer) partOf(e *html.Node) *pagePart {
	role := strings.ToLower(strings.TrimSpace(attr(e, "role")))
	switch {
	case role == "tabpanel":
		labelNode := a.tabLabel(e)
		if labelNode == nil {
			return nil
		}
		return a.newPart(tabPanel, e, []*html.Node{e}, labelNode)
	case e.DataAtom == atom.Details:
		var summary *html.Node
		var content []*html.Node
		for c := e.FirstChild; c != nil; c = c.NextSibling {
			if summary == nil && c.Type == html.ElementNode && c.DataAtom == atom.Summary {
				summary = c
				continue
			}
			content = append(content, c)
		}
		if summary == nil {
			return nil
		}
		return a.newPart(accordion, e, content, summary)
	}
	if trigger, panel := accordionTrigger(e, a); trigger != nil {
		return a.newPart(accordion, e, []*html.Node{panel}, trigger)
	}
	if !isContainer(e) && role != "region" {
		return nil
	}
	if label := attr(e, "aria-label"); label != "" && (role == "region" || e.DataAtom == atom.Section) {
		return a.newPartLabelled(labelledPart, e, []*html.Node{e}, e, label)
	}
	if h := leadingHeading(e); h != nil {
		return a.newPart(labelledPart, e, []*html.Node{e}, h)
	}
	return nil
}

func (a *hubAnalyzer) newPart(kind partKind, box *html.Node, content []*html.Node, labelNode *html.Node) *pagePart {
	return a.newPartLabelled(kind, box, content, labelNode, textOf(labelNode))
}

func (a *hubAnalyzer) newPartLabelled(kind partKind, box *html.Node, content []*html.Node, labelNode *html.Node, label string) *pagePart {
	if label == "" {
		return nil
	}
	p := &pagePart{kind: kind, box: box, content: content, inner: content, labelNode: labelNode, label: classifyLabel(label, a.typ)}
	if kind == headingRange {
		// A range's content is only known once the next heading is found;
		// its language is its heading's.
		content = nil
	}
	p.lang = partLanguage(box, content)
	if p.lang == "" && (p.label.language || p.label.kind == namesOurs) {
		// A label that is a language's name, or the declared type's name
		// in a language ("Politique de confidentialité" beside "Privacy
		// Policy"): the other documents' names say nothing of the text.
		p.lang = p.label.lang
	}
	return p
}

// headingParts are the ranges under the top headings of a list of
// siblings: those with no heading of a higher rank before them. Each runs
// to the next top heading; the siblings before the first one belong to
// none.
func (a *hubAnalyzer) headingParts(list []*html.Node) []*pagePart {
	var parts []*pagePart
	var starts []int
	best := 7
	for i, n := range list {
		level := headingOf(n)
		if level == 0 || level > best {
			continue
		}
		best = level
		if k := len(parts) - 1; k >= 0 {
			parts[k].content = list[starts[k]:i]
			parts[k].inner = parts[k].content[1:]
			parts[k].next = n
		}
		p := a.newPart(headingRange, n, list[i:], n)
		if p == nil {
			// An empty heading ends the previous range all the same.
			p = &pagePart{kind: headingRange, box: n, content: list[i:]}
		}
		p.inner = p.content[1:]
		parts = append(parts, p)
		starts = append(starts, i)
	}
	return parts
}

// headingOf is the level of a heading element (h1–h6, role=heading), 0
// for anything else.
func headingOf(n *html.Node) int {
	if n.Type != html.ElementNode {
		return 0
	}
	if isRoleHeading(n) {
		return ariaLevel(n)
	}
	return headingLevel(n.DataAtom)
}

// leadingHeading returns the heading that e's text starts with, or nil:
// a section that opens with its title. The title may be wrapped (a
// <header>, a <div> holding the heading alone), but a first child that
// holds more than a title is a part of its own, not e's title.
func leadingHeading(e *html.Node) *html.Node {
	for c := e.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimFunc(c.Data, isSpaceRune) != "" {
				return nil
			}
		case html.ElementNode:
			if guessedContent.drops(c) {
				continue
			}
			if headingOf(c) > 0 {
				return c
			}
			if c.DataAtom == atom.Header || c.DataAtom == atom.Hgroup {
				return leadingHeading(c)
			}
			for w := onlyElementChild(c); w != nil; w = onlyElementChild(w) {
				if headingOf(w) > 0 {
					return w
				}
			}
			return nil
		}
	}
	return nil
}

// accordionTrigger finds the control that opens an accordion item: an
// element with aria-expanded and aria-controls at the start of e, whose
// controlled panel lies in e after it. It returns the trigger and the
// panel.
func accordionTrigger(e *html.Node, a *hubAnalyzer) (*html.Node, *html.Node) {
	if !isContainer(e) && headingOf(e) == 0 {
		return nil, nil
	}
	var trigger *html.Node
	var find func(n *html.Node, depth int) bool
	find = func(n *html.Node, depth int) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				if c.Type == html.TextNode && strings.TrimFunc(c.Data, isSpaceRune) != "" {
					return true // text before any trigger: not an item's title
				}
				continue
			}
			if hasAttr(c, "aria-expanded") && attr(c, "aria-controls") != "" {
				trigger = c
				return true
			}
			if depth < 3 && find(c, depth+1) {
				return true
			}
		}
		return false
	}
	find(e, 0)
	if trigger == nil {
		return nil, nil
	}
	panel := a.byID(strings.Fields(attr(trigger, "aria-controls"))[0])
	if panel == nil || panel == e || inside(trigger, panel) {
		return nil, nil
	}
	// An item is its title and its panel: the panel is one of its
	// children, or follows it (a heading holding the trigger).
	if panel.Parent != e && panel != nextElement(e) {
		return nil, nil
	}
	return trigger, panel
}

// tabLabel is the element naming a tab panel: what aria-labelledby
// names, else the tab that controls or links to it, else its own first
// heading.
func (a *hubAnalyzer) tabLabel(panel *html.Node) *html.Node {
	if ids := strings.Fields(attr(panel, "aria-labelledby")); len(ids) > 0 {
		if n := a.byID(ids[0]); n != nil {
			return n
		}
	}
	if id := attr(panel, "id"); id != "" {
		if tab := a.tabFor(id); tab != nil {
			return tab
		}
	}
	return leadingHeading(panel)
}

// nextElement is n's next element sibling, or nil.
func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

// partLanguage is the lang attribute of a part's box, or of the element
// its content is wrapped in.
func partLanguage(box *html.Node, content []*html.Node) string {
	if lang := primaryLanguage(attr(box, "lang")); lang != "" {
		return lang
	}
	for _, n := range content {
		for depth := 0; n != nil && n.Type == html.ElementNode && depth < 3; depth++ {
			if lang := primaryLanguage(attr(n, "lang")); lang != "" {
				return lang
			}
			n = onlyElementChild(n)
		}
	}
	return ""
}

// onlyElementChild is n's one element child when n has no other child
// holding text; nil otherwise.
func onlyElementChild(n *html.Node) *html.Node {
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimFunc(c.Data, isSpaceRune) != "" {
				return nil
			}
		case html.ElementNode:
			if only != nil {
				return nil
			}
			only = c
		}
	}
	return only
}

// inside reports whether n lies within (or is) ancestor.
func inside(n, ancestor *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p == ancestor {
			return true
		}
	}
	return false
}
