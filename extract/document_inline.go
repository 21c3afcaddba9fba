package extract

import (
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// inlineText accumulates one block's raw text (or one table cell's), as
// every reader produces it, with the byte ranges of its links and
// emphasis within it; take normalises the text and maps the ranges onto
// it.
type inlineText struct {
	buf   textBuffer
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
	r, _ := utf8.DecodeLastRune(t.buf.b)
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
	var text string
	var emphasis []Emphasis
	if len(t.spans) == 0 {
		text = normalizeText(raw)
	} else {
		offsets := make([]int, 0, 2*len(t.spans))
		for _, s := range t.spans {
			offsets = append(offsets, s.start, s.end)
		}
		var mapped []int
		text, mapped = normalizeMapped(raw, offsets)
		emphasis = make([]Emphasis, 0, len(t.spans))
		for i, s := range t.spans {
			if start, end := mapped[2*i], mapped[2*i+1]; start < end {
				emphasis = append(emphasis, Emphasis{Kind: s.kind, Start: start, End: end})
			}
		}
		t.spans = t.spans[:0]
	}
	// A link's text cut from raw keeps all of raw alive: keep it so only
	// when the block's text is raw itself.
	rawKept := unsafe.StringData(text) == unsafe.StringData(raw)
	var links []Link
	for _, l := range t.links {
		if linkText := normalizeText(raw[l.start:l.end]); linkText != "" {
			if !rawKept {
				linkText = strings.Clone(linkText)
			}
			links = append(links, Link{Text: linkText, URL: l.url})
		}
	}
	t.links = t.links[:0]
	return text, links, emphasis
}

// textBuffer collects the raw text of a block, as a strings.Builder
// would, but is reused from block to block: take copies each text out at
// its own size. A Builder's string shares the Builder's buffer, which
// grows by doubling, so every text of a document (and every link text
// cut from one) would keep up to twice its size alive, and every block
// would allocate its buffer again as it grows.
type textBuffer struct{ b []byte }

func (t *textBuffer) WriteString(s string) (int, error) {
	t.b = append(t.b, s...)
	return len(s), nil
}

func (t *textBuffer) WriteByte(c byte) error {
	t.b = append(t.b, c)
	return nil
}

func (t *textBuffer) Len() int   { return len(t.b) }
func (t *textBuffer) Grow(n int) { t.b = slices.Grow(t.b, n) }
func (t *textBuffer) Reset()     { t.b = t.b[:0] }

// String returns a copy of the text.
func (t *textBuffer) String() string { return string(t.b) }
