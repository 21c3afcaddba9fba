package extract

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Pages mark headings up in more ways than h1–h6: role="heading" with
// aria-level, accordion titles (<summary>), and paragraphs that are all
// bold. These helpers recognise them.

// isRoleHeading reports an element with role="heading".
func isRoleHeading(n *html.Node) bool {
	return strings.EqualFold(strings.TrimSpace(attr(n, "role")), "heading")
}

// ariaLevel is a role=heading element's aria-level, 2 when missing or
// invalid (as ARIA says), kept within 1–6.
func ariaLevel(n *html.Node) int {
	level, err := strconv.Atoi(strings.TrimSpace(attr(n, "aria-level")))
	if err != nil || level < 1 {
		return 2
	}
	return min(level, 6)
}

// maxBoldHeading is the longest bold paragraph, in runes, taken as a heading.
const maxBoldHeading = 120

// isBoldOnly reports a paragraph (or a div holding only inline content)
// whose whole text is bold — <p><strong>Sharing</strong></p> — short,
// and not a sentence: pages use these as headings. What rule drops does
// not count.
func isBoldOnly(n *html.Node, rule noiseRule) bool {
	if n.DataAtom != atom.P && n.DataAtom != atom.Div {
		return false
	}
	bold := false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimFunc(c.Data, isSpaceRune) != "" {
				return false
			}
		case html.ElementNode:
			switch {
			case c.DataAtom == atom.B || c.DataAtom == atom.Strong:
				if !onlyInline(c) {
					return false
				}
				bold = true
			case c.DataAtom == atom.Br || rule.drops(c):
			default:
				return false
			}
		}
	}
	if !bold {
		return false
	}
	text := textWith(n, rule.forHeading())
	if text == "" || utf8.RuneCountInString(text) > maxBoldHeading {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	return !strings.ContainsRune(".,;", last)
}

// onlyInline reports an element whose descendants are all inline.
func onlyInline(n *html.Node) bool {
	return !hasDescendant(n, func(d *html.Node) bool { return !inlineElements[d.DataAtom] })
}
