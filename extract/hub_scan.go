package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Most pages hold one document. Before the analysis of parts, one quick
// pass reads the page's labels (headings, accordion titles, tabs) and
// language marks: unless they could make a hub, a short version beside
// the full text or several languages, the page is left to the
// main-content guess at the cost of that pass alone.

// maxLabelBytes: a longer heading is a sentence, not a document's title
// ("Politique de confidentialité et de protection des données
// personnelles" is 72 bytes).
const maxLabelBytes = 120

type labelScan struct {
	typ                            DocumentType
	ours, others, summaries, fulls int
	langs                          []string
	buf, lower                     []byte
	tokens                         []string
}

// worthLooking reports whether the labels and languages under scope
// could make one of the cases that choose a part.
func (a *hubAnalyzer) worthLooking(scope *html.Node) bool {
	s := labelScan{typ: a.typ}
	s.walk(scope)
	return s.ours > 0 && s.others > 0 ||
		s.summaries > 0 && (s.fulls > 0 || s.ours > 0) ||
		a.want != "" && len(s.langs) >= 2
}

func (s *labelScan) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || neverText[c.DataAtom] || c.DataAtom == atom.Aside || c.DataAtom == atom.Footer {
			continue
		}
		label := headingLevel(c.DataAtom) > 0 || c.DataAtom == atom.Summary
		for _, at := range c.Attr {
			switch at.Key {
			case "lang":
				if !inlineElements[c.DataAtom] && c.DataAtom != atom.Li {
					s.addLanguage(primaryLanguage(at.Val))
				}
			case "aria-controls":
				label = true
			case "role":
				label = label || strings.EqualFold(at.Val, "tab") || strings.EqualFold(at.Val, "heading")
			case "aria-label":
				if c.DataAtom == atom.Section || strings.EqualFold(attr(c, "role"), "region") {
					s.read(at.Val)
				}
			}
		}
		if label {
			s.buf = appendText(s.buf[:0], c)
			if len(s.buf) <= maxLabelBytes {
				s.readBytes(s.buf)
			}
			continue
		}
		// Paragraphs and text-level elements hold no headings.
		if c.DataAtom != atom.P && c.DataAtom != atom.Pre && (!inlineElements[c.DataAtom] || c.DataAtom == atom.Button) {
			s.walk(c)
		}
	}
}

// readBytes reads a label given as bytes, lower-cased into one string
// whose substrings are the tokens.
func (s *labelScan) readBytes(label []byte) {
	s.lower = s.lower[:0]
	for i := 0; i < len(label); {
		c := label[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			s.lower = append(s.lower, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(label[i:])
		s.lower = utf8.AppendRune(s.lower, unicode.ToLower(r))
		i += size
	}
	s.read(string(s.lower))
}

func (s *labelScan) read(label string) {
	s.tokens = appendLabelTokens(s.tokens[:0], label)
	info := classifyTokens(label, s.tokens, s.typ)
	switch info.kind {
	case namesOurs:
		s.ours++
	case namesOther:
		s.others++
	}
	if info.summary {
		s.summaries++
	}
	if info.full {
		s.fulls++
	}
	s.addLanguage(info.lang)
}

func (s *labelScan) addLanguage(lang string) {
	if lang == "" {
		return
	}
	for _, l := range s.langs {
		if l == lang {
			return
		}
	}
	s.langs = append(s.langs, lang)
}

// appendText appends n's text to buf, up to a little past maxLabelBytes.
func appendText(buf []byte, n *html.Node) []byte {
	for c := n.FirstChild; c != nil && len(buf) <= maxLabelBytes; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			buf = append(buf, c.Data...)
		case c.Type == html.ElementNode && !neverText[c.DataAtom]:
			buf = append(buf, ' ')
			buf = appendText(buf, c)
		}
	}
	return buf
}
