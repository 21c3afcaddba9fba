package diff

import (
	"html"
	"html/template"
	"net/url"
	"strings"
	"unicode/utf8"
)

// sideKind says which text of a row is written: both inline, or one side.
type sideKind int

const (
	sideInline sideKind = iota
	sideOld
	sideNew
	sidePlain // one text, no edits: every link shows its target
)

// linkKey names a link of a row: new link k is k+1, old link j is -(j+1),
// no link 0.
type linkKey int32

func newLink(k int32) linkKey { return linkKey(k + 1) }
func oldLink(j int32) linkKey { return linkKey(-(j + 1)) }

// rowWriter writes one row's pieces for one side.
type rowWriter struct {
	b    *strings.Builder
	rp   *rowPieces
	side sideKind
	open linkKey
	// openSafe says the open link's target is one a reader may follow
	// (safeHref), read once per link.
	openSafe bool
	// keptText says, per new and per old link, that some of its text is
	// in both versions: a link added to, or taken from, text that stays.
	keptNew, keptOld []bool
	wrote, cellGap   bool
}

// write writes the row's text for side: visible text escaped and marked
// as inserted, deleted or substituted, inside its link; syntax hidden.
func (rp *rowPieces) write(b *strings.Builder, side sideKind) {
	w := rowWriter{b: b, rp: rp, side: side, keptNew: make([]bool, len(rp.new.links)), keptOld: make([]bool, len(rp.old.links))}
	for _, p := range rp.pieces {
		if p.kind == SpanEqual && p.nRole == roleText {
			if p.nLink >= 0 {
				w.keptNew[p.nLink] = true
			}
			if p.oLink >= 0 {
				w.keptOld[p.oLink] = true
			}
		}
	}
	for _, p := range rp.pieces {
		w.piece(p)
	}
	w.closeLink()
}

// shown returns what side shows of p: its text, kind, link and style, or
// ok false.
func (w *rowWriter) shown(p shownPiece) (text string, kind SpanKind, key linkKey, style uint8, role byteRole, ok bool) {
	rp := w.rp
	switch w.side {
	case sideOld:
		if !p.hasOld {
			return
		}
		text, role, style = p.text, p.oRole, p.oStyle
		if p.kind == SpanSubstituted {
			text = p.was
		}
		if p.oLink >= 0 {
			key = oldLink(p.oLink)
		}
	case sideNew, sidePlain:
		if !p.hasNew {
			return
		}
		text, role, style = p.text, p.nRole, p.nStyle
		if p.nLink >= 0 {
			key = newLink(p.nLink)
		}
	default:
		if p.kind == SpanDelete {
			text, role, style = p.text, p.oRole, p.oStyle
			if p.oLink >= 0 {
				key = oldLink(p.oLink)
				if k := rp.pairOld[p.oLink]; k >= 0 {
					key = newLink(k)
				}
			}
			break
		}
		if !p.hasNew {
			return // a folded deletion: nothing new to show
		}
		text, role, style = p.text, p.nRole, p.nStyle
		switch {
		case p.nLink >= 0:
			key = newLink(p.nLink)
		case p.kind == SpanEqual && p.oLink >= 0:
			key = oldLink(p.oLink) // the text stays, its link went
		}
	}
	if text == "" || role == roleSyntax || role == roleTarget {
		return "", "", 0, 0, role, role == roleCell
	}
	return text, p.kind, key, style, role, true
}

func (w *rowWriter) piece(p shownPiece) {
	text, kind, key, style, role, ok := w.shown(p)
	if !ok {
		return
	}
	if role == roleCell {
		if w.wrote {
			w.cellGap = true
		}
		return
	}
	if key != w.open {
		w.closeLink()
		w.openLink(key)
	}
	b := w.b
	if w.cellGap {
		b.WriteString(`<span class="cell-gap" aria-hidden="true"> │ </span>`)
		w.cellGap = false
	}
	w.wrote = true
	escaped := html.EscapeString(text)
	if style&styleStrong != 0 {
		escaped = "<strong>" + escaped + "</strong>"
	}
	if style&styleEm != 0 {
		escaped = "<em>" + escaped + "</em>"
	}
	if w.side == sidePlain {
		b.WriteString(escaped)
		return
	}
	switch kind {
	case SpanInsert:
		b.WriteString("<ins>" + escaped + "</ins>")
	case SpanDelete:
		b.WriteString("<del>" + escaped + "</del>")
	case SpanSubstituted:
		title := substitutedTitle(p.was)
		if w.side == sideOld {
			title = "now: " + p.text
		}
		b.WriteString(`<span class="substituted" title="` + html.EscapeString(title) + `">` + escaped + "</span>")
	default:
		b.WriteString(escaped)
	}
}

// targetOf is the URL of a link.
func (w *rowWriter) targetOf(key linkKey) string {
	if key > 0 {
		return w.rp.new.links[key-1].URL
	}
	return w.rp.old.links[-key-1].URL
}

func (w *rowWriter) openLink(key linkKey) {
	w.open = key
	if key == 0 {
		return
	}
	target := w.targetOf(key)
	escaped := html.EscapeString(target)
	w.openSafe = safeHref(target)
	if w.openSafe {
		w.b.WriteString(`<a class="link" href="`)
		w.b.WriteString(escaped)
		w.b.WriteString(`" rel="nofollow noopener noreferrer" title="`)
	} else {
		w.b.WriteString(`<span class="link" title="`)
	}
	w.b.WriteString(escaped)
	w.b.WriteString(`">`)
}

// closeLink ends the open link and writes what its target says: on the
// version page the target itself; in a diff, a mark when the target
// changed, or when a link was added to, or taken from, text that stays.
func (w *rowWriter) closeLink() {
	key := w.open
	if key == 0 {
		return
	}
	w.open = 0
	b := w.b
	if w.openSafe {
		b.WriteString("</a>")
	} else {
		b.WriteString("</span>")
	}
	rp := w.rp
	switch w.side {
	case sidePlain:
		b.WriteString(`<span class="link-target">`)
		b.WriteString(html.EscapeString(ShortURL(w.targetOf(key))))
		b.WriteString(`</span>`)
	case sideInline:
		if key < 0 {
			if w.keptOld[-key-1] {
				b.WriteString(`<span class="link-change removed">link removed: <del>` + html.EscapeString(ShortURL(w.targetOf(key))) + `</del></span>`)
			}
			return
		}
		k := int32(key - 1)
		changed, folded := rp.targetChanged(k)
		switch {
		case changed && folded:
			b.WriteString(`<span class="link-change folded" title="link target replaced, as everywhere">link: ` +
				html.EscapeString(ShortURL(rp.old.links[rp.pairNew[k]].URL)) + " → " + html.EscapeString(ShortURL(rp.new.links[k].URL)) + `</span>`)
		case changed:
			b.WriteString(`<span class="link-change">link: <del>` + html.EscapeString(ShortURL(rp.old.links[rp.pairNew[k]].URL)) +
				`</del> → <ins>` + html.EscapeString(ShortURL(rp.new.links[k].URL)) + `</ins></span>`)
		case rp.pairNew[k] < 0 && w.keptNew[k]:
			b.WriteString(`<span class="link-change added">link added: <ins>` + html.EscapeString(ShortURL(rp.new.links[k].URL)) + `</ins></span>`)
		}
	case sideOld:
		j := int32(-key - 1)
		if k := rp.pairOld[j]; (k >= 0 && rp.new.links[k].URL != rp.old.links[j].URL) || (k < 0 && w.keptOld[j]) {
			b.WriteString(`<span class="link-target"><del>` + html.EscapeString(ShortURL(rp.old.links[j].URL)) + `</del></span>`)
		}
	case sideNew:
		k := int32(key - 1)
		if changed, _ := rp.targetChanged(k); changed || (rp.pairNew[k] < 0 && w.keptNew[k]) {
			b.WriteString(`<span class="link-target"><ins>` + html.EscapeString(ShortURL(rp.new.links[k].URL)) + `</ins></span>`)
		}
	}
}

// safeHref says whether a link target may be followed from our pages: an
// absolute http, https or mailto URL. Anything else (javascript:, data:,
// a path that would resolve against our own site) is shown, not linked.
func safeHref(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return true
	}
	return false
}

// ShortURL writes a link target for reading beside its text: without
// scheme and "www.", its middle cut when long.
func ShortURL(target string) string {
	s := target
	for _, prefix := range []string{"https://", "http://", "mailto:"} {
		if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			s = s[len(prefix):]
			break
		}
	}
	s = strings.TrimPrefix(s, "www.")
	s = strings.TrimSuffix(s, "/")
	const most = 48
	if utf8.RuneCountInString(s) > most {
		runes := []rune(s)
		s = string(runes[:most-16]) + "…" + string(runes[len(runes)-15:])
	}
	return s
}

// LineHTML renders one block's canonical Markdown (extract.Block's
// Markdown) as the version page shows it: text escaped, emphasis and
// links kept, each link followed by its target, so that a change of
// target can be seen.
func LineHTML(markdown string) template.HTML {
	var b strings.Builder
	b.Grow(len(markdown) + len(markdown)/4)
	WriteLineHTML(&b, markdown)
	return template.HTML(b.String())
}

// WriteLineHTML writes LineHTML(markdown) to b.
func WriteLineHTML(b *strings.Builder, markdown string) {
	sc := lineScratches.Get().(*lineScratch)
	sc.readLine(markdown).write(b, sidePlain)
	sc.release()
}

// PlainText is the text a reader reads in one block's canonical Markdown
// line: without link targets, markers, emphasis marks or escapes; table
// cells are separated by " | ". It is what search indexes.
func PlainText(markdown string) string {
	if !strings.ContainsAny(markdown, "[\\*_|`~\n") {
		// Most lines: no link, emphasis, escape, cell or fence; at most
		// a list item's marker to drop.
		rest := strings.TrimLeft(markdown, " ")
		switch {
		case strings.HasPrefix(rest, "- ") || strings.HasPrefix(rest, "+ "):
			return rest[2:]
		case orderedMarker(rest) > 0:
			return rest[orderedMarker(rest):]
		}
		return markdown
	}
	m := readMarkup(markdown)
	var cells []string
	var b strings.Builder
	b.Grow(len(markdown))
	for i := 0; i < len(markdown); i++ {
		switch m.role[i] {
		case roleText:
			b.WriteByte(markdown[i])
		case roleCell:
			if cell := strings.TrimSpace(b.String()); cell != "" {
				cells = append(cells, cell)
			}
			b.Reset()
		}
	}
	if m.form.Kind != "tr" {
		return b.String()
	}
	if cell := strings.TrimSpace(b.String()); cell != "" {
		cells = append(cells, cell)
	}
	return strings.Join(cells, " | ")
}
