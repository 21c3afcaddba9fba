package extract

import (
	"strings"
	"unicode/utf8"
)

// inlineText accumulates one block's raw text (or one table cell's), as
// every reader produces it, with the byte ranges of its links and
// emphasis within it; take normalises the text and maps the ranges onto
// it.
type inlineText struct {
	buf   strings.Builder
	links []rawLink
	spans []rawSpan

	open      bool // a link is open: its text is being written
	openURL   string
	openStart int

	openSpans []rawSpan // emphasis elements open, outermost first (end unset)

	imageEnd int // where the last image's alt text ended, 0 for none
}

type rawLink struct {
	start, end int
	url        string
}

type rawSpan struct {
	kind       EmphasisKind
	start, end int
}

// writeText writes text, apart from an image's alt text just before it
// if both would make one word.
func (t *inlineText) writeText(s string) {
	if t.imageEnd > 0 && t.imageEnd == t.buf.Len() && startsWithWord(s) {
		t.buf.WriteByte(' ')
	}
	t.buf.WriteString(s)
}

// writeImage writes an image's alt text as a word of its own: apart from
// a word just before it, and (writeText) from one just after it.
func (t *inlineText) writeImage(alt string) {
	if strings.TrimFunc(alt, isSpaceRune) == "" {
		return
	}
	if t.endsWithWord() && startsWithWord(alt) {
		t.buf.WriteByte(' ')
	}
	t.buf.WriteString(alt)
	t.imageEnd = t.buf.Len()
}

func (t *inlineText) endsWithWord() bool {
	r, _ := utf8.DecodeLastRuneInString(t.buf.String())
	return isWordRune(r)
}

func startsWithWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r)
}

func (t *inlineText) startLink(target string) {
	t.open, t.openURL, t.openStart = true, target, t.buf.Len()
}

func (t *inlineText) endLink() {
	if t.open {
		t.links = append(t.links, rawLink{start: t.openStart, end: t.buf.Len(), url: t.openURL})
		t.open = false
	}
}

// startEmphasis opens a span of emphasis (an element: <b>, <em>) at the
// current end of the text; endEmphasis closes the last one opened.
func (t *inlineText) startEmphasis(kind EmphasisKind) {
	t.openSpans = append(t.openSpans, rawSpan{kind: kind, start: t.buf.Len()})
}

func (t *inlineText) endEmphasis() {
	if n := len(t.openSpans); n > 0 {
		s := t.openSpans[n-1]
		t.openSpans = t.openSpans[:n-1]
		t.addEmphasis(s.kind, s.start, t.buf.Len())
	}
}

// addEmphasis records a span of the raw text (Markdown's delimiters are
// paired once the whole paragraph is read).
func (t *inlineText) addEmphasis(kind EmphasisKind, start, end int) {
	if start < end {
		t.spans = append(t.spans, rawSpan{kind: kind, start: start, end: end})
	}
}

// take returns the normalised text, its links (those with text) and its
// emphasis, and empties the buffer. A link or emphasis still open — an
// element wrapping several blocks — counts in this block and goes on in
// the next. Emphasis comes as found: docBuilder.add makes it canonical.
func (t *inlineText) take() (string, []Link, []Emphasis) {
	raw := t.buf.String()
	t.buf.Reset()
	t.imageEnd = 0
	if t.open {
		t.links = append(t.links, rawLink{start: t.openStart, end: len(raw), url: t.openURL})
		t.openStart = 0
	}
	for i := range t.openSpans {
		t.addEmphasis(t.openSpans[i].kind, t.openSpans[i].start, len(raw))
		t.openSpans[i].start = 0
	}
	var links []Link
	for _, l := range t.links {
		if text := normalizeText(raw[l.start:l.end]); text != "" {
			links = append(links, Link{Text: text, URL: l.url})
		}
	}
	t.links = t.links[:0]
	if len(t.spans) == 0 {
		return normalizeText(raw), links, nil
	}
	offsets := make([]int, 0, 2*len(t.spans))
	for _, s := range t.spans {
		offsets = append(offsets, s.start, s.end)
	}
	text, mapped := normalizeMapped(raw, offsets)
	emphasis := make([]Emphasis, 0, len(t.spans))
	for i, s := range t.spans {
		if start, end := mapped[2*i], mapped[2*i+1]; start < end {
			emphasis = append(emphasis, Emphasis{Kind: s.kind, Start: start, End: end})
		}
	}
	t.spans = t.spans[:0]
	return text, links, emphasis
}
