package extract

import (
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Pages without landmarks (no <main>, role=main or lone <article>) still
// put their policy in one container, beside menus, headers and footers
// that are mostly links. scoredContent finds that container by text and
// link density: the deepest element holding most of the page's text that
// is not link text.

// mainShare is the share of the page's non-link text an element must hold
// to be taken as the main content.
const mainShare = 0.8

// scoredContent returns the main-content container under body, or body.
func scoredContent(body *html.Node) *html.Node {
	weights := make(map[*html.Node]int)
	total := nonLinkText(body, false, weights)
	if total == 0 {
		return body
	}
	chosen := body
	for {
		var next *html.Node
		for c := chosen.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && float64(weights[c]) >= mainShare*float64(total) {
				next = c
				break
			}
		}
		if next == nil || !isContainer(next) {
			break
		}
		chosen = next
	}
	// Keep the page's title heading when it sits outside the container.
	if chosen != body && !hasDescendant(chosen, isH1) {
		for p := chosen.Parent; p != nil && p != body.Parent; p = p.Parent {
			if hasDescendant(p, isH1) {
				return p
			}
		}
	}
	return chosen
}

func isH1(n *html.Node) bool { return n.DataAtom == atom.H1 && !isNoise(n) }

// nonLinkText counts the runes of n's text outside links and noise,
// recording each element's count in weights.
func nonLinkText(n *html.Node, inLink bool, weights map[*html.Node]int) int {
	count := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if !inLink {
				count += utf8.RuneCountInString(c.Data)
			}
		case html.ElementNode:
			if isNoise(c) {
				continue
			}
			count += nonLinkText(c, inLink || c.DataAtom == atom.A, weights)
		}
	}
	weights[n] = count
	return count
}

// isContainer reports elements that group blocks rather than being one:
// the main content is never narrowed to a single paragraph, list or table.
func isContainer(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Form, atom.Center, atom.Article, atom.Main:
		return true
	case 0:
		return true // custom elements (<app-root>, <policy-body>)
	case atom.Table, atom.Tbody, atom.Tr, atom.Td, atom.Th:
		// A layout table's cells are containers; a data table is one block.
		for t := n; t != nil; t = t.Parent {
			if t.DataAtom == atom.Table {
				return isLayoutTable(t)
			}
		}
	}
	return false
}
