package crawler

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

// consentMarkers are ids and classes of the consent managers that put a
// cookie wall over a page, lowercased; an id or class containing one
// marks the element as the wall.
var consentMarkers = []struct{ marker, name string }{
	{"onetrust-consent", "OneTrust"},
	{"onetrust-banner", "OneTrust"},
	{"cybotcookiebot", "Cookiebot"},
	{"didomi-host", "Didomi"},
	{"didomi-popup", "Didomi"},
	{"qc-cmp2", "Quantcast Choice"},
	{"sp_message_container", "Sourcepoint"},
	{"truste-consent", "TrustArc"},
	{"usercentrics", "Usercentrics"},
	{"fc-consent-root", "Google Funding Choices"},
	{"cmpbox", "consentmanager"},
	{"iubenda-cs-banner", "iubenda"},
	{"osano-cm-", "Osano"},
	{"cookie-wall", "a consent manager"},
	{"cookiewall", "a consent manager"},
	{"consent-wall", "a consent manager"},
	{"consentwall", "a consent manager"},
}

// wallTextBytes is how much text a page may hold besides its wall and
// still be only a wall: a redesigned policy page with a cookie banner
// keeps its long text, a wall has a few sentences and buttons.
const wallTextBytes = 2000

// WallReason says why a page whose declared selection matched nothing is
// a login wall or a cookie wall rather than a redesigned page, or "" when
// it is not one: when the declaration selects nothing, when one of its
// selectors matches, when the page is not HTML, or when it holds more
// text than a wall does. The page is then not the document, and the fetch
// is blocked rather than a selector gone missing.
func WallReason(contentType string, content []byte, rules extract.Options) string {
	if len(rules.Select) == 0 || !looksLikeHTML(contentType, content) {
		return ""
	}
	page, err := goquery.NewDocumentFromReader(bytes.NewReader(content))
	if err != nil {
		return ""
	}
	for _, sel := range rules.Select {
		if selectorMatches(page, sel) {
			return ""
		}
	}
	page.Find("script, style, noscript, template").Remove()
	if wall := consentWall(page); wall != nil {
		if otherText(page, wall.node) <= wallTextBytes {
			return fmt.Sprintf("a cookie wall of %s (the declared selection matched nothing)", wall.name)
		}
		return ""
	}
	if login := page.Find(`input[type="password" i]`); login.Length() > 0 {
		form := login.Closest("form")
		if form.Length() == 0 {
			form = login
		}
		if otherText(page, form.Nodes[0]) <= wallTextBytes {
			return "a login wall (the page asks for a password; the declared selection matched nothing)"
		}
	}
	return ""
}

// looksLikeHTML reports whether content is an HTML page by its type, or
// by its first bytes when it has none.
func looksLikeHTML(contentType string, content []byte) bool {
	if contentType != "" {
		return strings.Contains(strings.ToLower(contentType), "html")
	}
	head := asciiLower(content[:min(len(content), 512)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

// selectorMatches reports whether a declared selector finds something: a
// CSS selector an element with text (an empty one is a placeholder that a
// script fills, as the browser's wait has it), a range both its bounds. An
// invalid selector matches nothing (extraction reports it).
func selectorMatches(page *goquery.Document, sel extract.Selector) bool {
	find := func(css string) *goquery.Selection {
		m, err := cascadia.Compile(css)
		if err != nil {
			return page.FindNodes()
		}
		return page.FindMatcher(m)
	}
	if sel.Range == nil {
		return strings.TrimSpace(find(sel.CSS).Text()) != ""
	}
	r := *sel.Range
	return find(r.StartBefore+r.StartAfter).Length() > 0 && find(r.EndBefore+r.EndAfter).Length() > 0
}

type wallElement struct {
	node *html.Node
	name string
}

// consentWall finds the outermost element a consent manager marks.
func consentWall(page *goquery.Document) *wallElement {
	var found *wallElement
	page.Find("[id], [class]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		attrs := strings.ToLower(s.AttrOr("id", "") + " " + s.AttrOr("class", ""))
		for _, m := range consentMarkers {
			if strings.Contains(attrs, m.marker) {
				found = &wallElement{node: s.Nodes[0], name: m.name}
				return false
			}
		}
		return true
	})
	return found
}

// otherText counts the bytes of text in the page outside wall, spaces
// collapsed.
func otherText(page *goquery.Document, wall *html.Node) int {
	n := 0
	var walk func(*html.Node)
	walk = func(node *html.Node) {
		if node == wall {
			return
		}
		if node.Type == html.TextNode {
			n += len(strings.Join(strings.Fields(node.Data), " "))
		}
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, root := range page.Nodes {
		walk(root)
	}
	return n
}
