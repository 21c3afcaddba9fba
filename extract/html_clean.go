package extract

import (
	"encoding/hex"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cleanPage applies the normalisations every page gets, whatever its
// declaration says, after the declaration's filters and before its rules,
// as Open Terms Archive's engine does.
//
// Cloudflare's e-mail obfuscation rewrites every address of a page on every
// fetch: links to /cdn-cgi/l/email-protection#HEX and elements
// class="__cf_email__" data-cfemail="HEX" hold the address XORed with a key
// that changes each time, so the raw page never looks the same twice. The
// scheme is fixed (the first byte is the key), so the address is decoded
// and written as the page shows it once its script has run; an encoding
// that does not decode to an address leaves a stable link and placeholder.
func cleanPage(root *html.Node) {
	var protected []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if hasAttr(c, "data-cfemail") || c.DataAtom == atom.A && isEmailProtectionURL(attr(c, "href")) {
				protected = append(protected, c)
			}
			walk(c)
		}
	}
	walk(root)
	// Innermost first: a link's text may be a protected span.
	for i := len(protected) - 1; i >= 0; i-- {
		unprotectEmail(protected[i])
	}
}

// emailPlaceholder is the text Cloudflare serves in place of an address,
// and what is kept when an address cannot be decoded.
const emailPlaceholder = "[email protected]"

func unprotectEmail(n *html.Node) {
	if n.DataAtom != atom.A {
		address, ok := decodeCloudflareEmail(attr(n, "data-cfemail"))
		if !ok {
			address = emailPlaceholder
		}
		if n.Parent != nil {
			n.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: address}, n)
			n.Parent.RemoveChild(n)
		}
		return
	}
	encoded := attr(n, "data-cfemail")
	href := attr(n, "href")
	if isEmailProtectionURL(href) {
		if i := strings.IndexByte(href, '#'); i >= 0 {
			encoded, href = href[i+1:], href[:i]
		}
	}
	address, ok := decodeCloudflareEmail(encoded)
	if ok {
		href = "mailto:" + address
	}
	setAttr(n, "href", href)
	removeAttr(n, "data-cfemail")
	if text := normalizeText(textOf(n)); text == "" || isEmailPlaceholder(text) {
		for n.FirstChild != nil {
			n.RemoveChild(n.FirstChild)
		}
		shown := emailPlaceholder
		if ok {
			shown = mailtoAddress(address)
		}
		n.AppendChild(&html.Node{Type: html.TextNode, Data: shown})
	}
}

func isEmailProtectionURL(href string) bool {
	return strings.Contains(href, "/cdn-cgi/l/email-protection")
}

// isEmailPlaceholder reports Cloudflare's placeholder text, as served
// ("[email protected]", with a no-break space) or as a filter left it.
func isEmailPlaceholder(text string) bool {
	folded := strings.ToLower(strings.Join(strings.FieldsFunc(text, isSpaceRune), " "))
	return folded == emailPlaceholder || folded == "email protected"
}

// decodeCloudflareEmail decodes Cloudflare's hex encoding: the first byte
// is the key, every following byte is XORed with it, and the result is the
// UTF-8 of an address (possibly followed by "?subject=…").
func decodeCloudflareEmail(encoded string) (string, bool) {
	raw, err := hex.DecodeString(strings.TrimSpace(encoded))
	if err != nil || len(raw) < 4 {
		return "", false
	}
	key := raw[0]
	out := make([]byte, len(raw)-1)
	for i, b := range raw[1:] {
		out[i] = b ^ key
	}
	address := string(out)
	if !utf8.ValidString(address) || !strings.Contains(mailtoAddress(address), "@") {
		return "", false
	}
	for _, r := range address {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", false
		}
	}
	return address, true
}

// mailtoAddress is the address of a mailto target without its query, as
// a reader sees it.
func mailtoAddress(target string) string {
	address, _, _ := strings.Cut(target, "?")
	if unescaped, err := url.PathUnescape(address); err == nil {
		return unescaped
	}
	return address
}

func setAttr(n *html.Node, key, value string) {
	for i, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			n.Attr[i].Val = value
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: value})
}

func removeAttr(n *html.Node, key string) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != key || a.Namespace != "" {
			kept = append(kept, a)
		}
	}
	n.Attr = kept
}
