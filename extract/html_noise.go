package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// noiseElements never hold policy text: code, embedded media, controls and
// the page's navigation furniture.
var noiseElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Canvas: true,
	atom.Audio: true, atom.Video: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Input: true, atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Head: true,
	atom.Title: true, atom.Meta: true, atom.Link: true,
}

// neverText are the elements that hold no text a reader reads, whatever
// the page: code, templates, metadata, the fallback content of embedded
// media and scripts, graphics, and controls without text of their own.
// They are all that is left out of a declared selection.
var neverText = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Canvas: true,
	atom.Audio: true, atom.Video: true, atom.Input: true, atom.Datalist: true, atom.Head: true,
	atom.Title: true, atom.Meta: true, atom.Link: true,
}

// noiseRule says which elements a walk leaves out of the text.
type noiseRule uint8

const (
	// guessedContent: the main content was guessed, and every heuristic
	// of isNoise applies.
	guessedContent noiseRule = iota
	// guessedHeading: as guessedContent, but buttons are kept: accordion
	// titles are buttons inside headings.
	guessedHeading
	// declaredSelection: a declaration chose a part of the page. As in
	// Open Terms Archive, everything in it is text except what never is
	// (neverText): noise inside a selection is for the declaration's
	// remove rules, which were written against Open Terms Archive's output.
	declaredSelection
)

// selectionRule is the rule for a selected root. Selecting the whole page
// (html or body) chooses no part of it: its furniture is left out as when
// nothing is selected.
func selectionRule(root *html.Node) noiseRule {
	switch root.DataAtom {
	case atom.Html, atom.Body:
		return guessedContent
	}
	if root.Type == html.DocumentNode {
		return guessedContent
	}
	return declaredSelection
}

// drops reports whether the rule leaves n out.
func (r noiseRule) drops(n *html.Node) bool {
	switch r {
	case declaredSelection:
		return neverText[n.DataAtom]
	case guessedHeading:
		if n.DataAtom == atom.Button {
			return false
		}
	}
	return isNoise(n)
}

// forHeading is the rule for a heading's text.
func (r noiseRule) forHeading() noiseRule {
	if r == guessedContent {
		return guessedHeading
	}
	return r
}

var noiseRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
}

// furnitureMarkers in an id or class name mark cookie-consent banners and
// skip links.
var furnitureMarkers = []string{
	// Consent managers: OneTrust, Cookiebot, Didomi, TrustArc, Usercentrics,
	// Quantcast, Osano, Termly, Cookie Notice, cookieconsent and the like.
	"onetrust", "optanon", "ot-sdk", "cookiebot", "cybot", "didomi", "truste", "trustarc",
	"usercentrics", "uc-banner", "qc-cmp", "quantcast-choice", "osano-cm", "termly",
	"cookie-banner", "cookie-consent", "cookieconsent", "cookie-notice", "cookie-law", "cookie-bar",
	"cookiebar", "cookie-popup", "cookie_banner", "consent-banner", "cc-window", "gdpr-banner",
	"skip-link", "skiplink", "skip-to-content",
	// Widgets around help-centre articles.
	"was-this-helpful", "article-helpful", "helpful-widget", "article-votes", "article-feedback",
	"feedback-widget", "share-buttons", "social-share", "share-bar", "sharebar", "share-links",
	"addthis", "sharethis", "language-picker", "language-selector", "language-switcher",
	"lang-picker", "lang-selector", "lang-switch", "locale-selector", "locale-picker", "breadcrumb",
}

// consentWords mark a dialog as a consent prompt.
var consentWords = []string{"cookie", "consent", "your privacy choices", "tracking technologies"}

// isNoise reports an element left out of a guessed main content. Hidden
// elements, forms and marked containers are kept when they wrap the main
// content (some sites hide the page until a script runs; ASP.NET wraps
// whole pages in a <form>; a cookie policy page may carry "cookie-consent"
// classes).
func isNoise(n *html.Node) bool {
	if noiseElements[n.DataAtom] {
		return true
	}
	if n.DataAtom == atom.Header && !insideSectioning(n) {
		return true
	}
	if len(n.Attr) == 0 {
		return n.DataAtom == atom.Form && !containsMainContent(n)
	}
	role := strings.ToLower(strings.TrimSpace(attr(n, "role")))
	if noiseRoles[role] {
		return true
	}
	if (role == "dialog" || role == "alertdialog" || n.DataAtom == atom.Dialog) && isConsentPrompt(n) {
		return true
	}
	if label := attr(n, "aria-label"); label != "" && hasFurnitureMarker(strings.ReplaceAll(label, " ", "-")) {
		return !containsMainContent(n)
	}
	if n.DataAtom == atom.Form || isHidden(n) && !isCollapsedPanel(n) || hasFurnitureMarker(attr(n, "id")) || hasFurnitureMarker(attr(n, "class")) {
		return !containsMainContent(n)
	}
	return false
}

func isHidden(n *html.Node) bool {
	if hasAttr(n, "hidden") || strings.EqualFold(strings.TrimSpace(attr(n, "aria-hidden")), "true") {
		return true
	}
	style := attr(n, "style")
	if style == "" {
		return false
	}
	style = strings.ToLower(strings.Join(strings.Fields(style), ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

func hasFurnitureMarker(value string) bool {
	if value == "" {
		return false
	}
	value = strings.ToLower(value)
	for _, m := range furnitureMarkers {
		if strings.Contains(value, m) {
			return true
		}
	}
	return false
}

// insideSectioning reports a <header> that heads an article or section
// (and so holds its heading) rather than the page.
func insideSectioning(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		switch p.DataAtom {
		case atom.Article, atom.Section, atom.Main:
			return true
		}
		if attr(p, "role") == "main" {
			return true
		}
	}
	return false
}

// containsMainContent reports an element wrapping the page's main content.
func containsMainContent(n *html.Node) bool {
	return hasDescendant(n, func(d *html.Node) bool {
		return d.DataAtom == atom.Main || d.DataAtom == atom.Article || d.DataAtom == atom.H1 || attr(d, "role") == "main"
	})
}

func hasDescendant(n *html.Node, match func(*html.Node) bool) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (match(c) || hasDescendant(c, match)) {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return true
		}
	}
	return false
}

// isConsentPrompt reports a dialog that asks for cookie consent: its text
// speaks of cookies or consent and it does not wrap the main content.
func isConsentPrompt(n *html.Node) bool {
	if containsMainContent(n) {
		return false
	}
	text := strings.ToLower(textOf(n))
	for _, w := range consentWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// panelMarkers in a class name mark the collapsible panels of accordions
// and tabs, hidden until opened but part of the policy.
var panelMarkers = []string{"accordion", "collapse", "panel", "faq", "expand", "disclosure"}

// isCollapsedPanel reports a hidden element that is a closed accordion or
// tab panel: role tabpanel or region, a panel class, or right after the
// button or heading (with aria-expanded) that opens it.
func isCollapsedPanel(n *html.Node) bool {
	switch strings.ToLower(strings.TrimSpace(attr(n, "role"))) {
	case "tabpanel", "region":
		return true
	}
	if class := strings.ToLower(attr(n, "class")); class != "" && !hasFurnitureMarker(class) {
		for _, m := range panelMarkers {
			if strings.Contains(class, m) {
				return true
			}
		}
	}
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type != html.ElementNode {
			continue
		}
		return hasAttr(p, "aria-expanded") || hasDescendant(p, func(d *html.Node) bool { return hasAttr(d, "aria-expanded") })
	}
	return false
}
