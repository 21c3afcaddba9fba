package extract

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Links are kept beside the plain text, not inside it: Block.Text stays
// what a reader reads, and Block.Links lists each link's text and target.
// Every format collects a block's text and links in an inlineText
// (document_inline.go); every link target goes through
// linkResolver.target, the one place where URLs are cleaned and tracking
// parameters stripped (links_tracking.go).

// linkResolver cleans link targets and resolves relative ones against the
// capture's URL when it is known.
type linkResolver struct {
	base *url.URL
	// drop names query parameters to remove besides the known tracking
	// ones: a declaration's removeQueryParams.
	drop map[string]bool
}

func newLinkResolver(baseURL string, removeQueryParams []string) (linkResolver, error) {
	var r linkResolver
	if len(removeQueryParams) > 0 {
		r.drop = make(map[string]bool, len(removeQueryParams))
		for _, name := range removeQueryParams {
			r.drop[name] = true
		}
	}
	trimmed := strings.TrimSpace(baseURL)
	if trimmed == "" {
		return r, nil
	}
	base, err := url.Parse(trimmed)
	if err != nil {
		return linkResolver{}, fmt.Errorf("invalid BaseURL %q: %v", baseURL, err)
	}
	if !base.IsAbs() {
		return linkResolver{}, fmt.Errorf("BaseURL %q is not an absolute URL", baseURL)
	}
	r.base = base
	return r, nil
}

// baseURL is the URL relative links resolve against, or "".
func (r linkResolver) baseURL() string {
	if r.base == nil {
		return ""
	}
	return r.base.String()
}

// rebased returns a resolver whose base is href (a page's <base href>)
// resolved against the current base; without a current base it is
// unchanged, since relative links are then kept as they are.
func (r linkResolver) rebased(href string) linkResolver {
	if r.base == nil {
		return r
	}
	ref, err := url.Parse(cleanURL(href))
	if err != nil {
		return r
	}
	return linkResolver{base: r.base.ResolveReference(ref), drop: r.drop}
}

// target cleans a link's raw URL and resolves it. ok is false for targets
// that lead nowhere a reader would follow: empty, fragment-only (a jump
// within the page), and script or inline-data URLs.
func (r linkResolver) target(raw string) (target string, ok bool) {
	u := stripTracking(cleanURL(raw), r.drop)
	if u == "" || u[0] == '#' || hasScheme(u, "javascript:") || hasScheme(u, "vbscript:") || hasScheme(u, "data:") {
		return "", false
	}
	if r.base != nil {
		if ref, err := url.Parse(u); err == nil && !ref.IsAbs() {
			u = r.base.ResolveReference(ref).String()
		}
	}
	return u, true
}

// cleanURL drops what browsers ignore in a URL: invalid UTF-8, ASCII
// control characters (tabs and line breaks included) and surrounding
// whitespace. It is idempotent, so URLs read back from canonical Markdown
// stay the same.
func cleanURL(raw string) string {
	clean := true
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c < 0x20 || c == 0x7F || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if !clean {
		raw = strings.ToValidUTF8(raw, "")
		raw = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7F {
				return -1
			}
			return r
		}, raw)
	}
	return strings.TrimFunc(raw, isSpaceRune)
}

func hasScheme(u, scheme string) bool {
	return len(u) >= len(scheme) && strings.EqualFold(u[:len(scheme)], scheme)
}

// placedLink is a link found in a block's text: in texts[cell] (a table
// row's cell, or 0 for the block's Text), at bytes start to end.
type placedLink struct {
	cell, start, end int
	link             Link
}

// placeLinks finds each link's text in texts, in order, each search
// starting where the previous link ended, as Markdown rendering places
// them. Links whose text is not found, or too long to read back as a link,
// are left out.
func placeLinks(texts []string, links []Link) []placedLink {
	if len(links) == 0 {
		return nil
	}
	placed := make([]placedLink, 0, len(links))
	eachPlaced(texts, links, func(p placedLink) { placed = append(placed, p) })
	return placed
}

func eachPlaced(texts []string, links []Link, yield func(placedLink)) {
	cell, pos := 0, 0
	for _, l := range links {
		if l.Text == "" || !linkFits(l) {
			continue
		}
		for c := cell; c < len(texts); c++ {
			from := 0
			if c == cell {
				from = pos
			}
			if k := strings.Index(texts[c][from:], l.Text); k >= 0 {
				start := from + k
				yield(placedLink{cell: c, start: start, end: start + len(l.Text), link: l})
				cell, pos = c, start+len(l.Text)
				break
			}
		}
	}
}

// placeableLinks keeps the links of a block that Markdown renders as
// links, so that a Document's Links are exactly what its Markdown says.
func placeableLinks(b *Block) []Link {
	if len(b.Links) == 0 || b.Kind == Preformatted {
		return nil
	}
	texts := []string{b.Text}
	if b.Kind == TableRow {
		texts = b.Cells
	}
	n := 0
	eachPlaced(texts, b.Links, func(placedLink) { n++ })
	if n == len(b.Links) {
		return b.Links
	}
	if n == 0 {
		return nil
	}
	kept := make([]Link, 0, n)
	eachPlaced(texts, b.Links, func(p placedLink) { kept = append(kept, p.link) })
	return kept
}
