package diff

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// The body of a diff's HTML: each section with its edits (inline, or
// side by side as a table), quiet sections as one line, runs of unchanged
// paragraphs folded, and every edit numbered with links to its neighbours.

// writeBody writes the sections: changed ones with their edits, the
// others as one line that opens on them.
func writeBody(b *strings.Builder, view View, side bool) {
	if len(view.Sections) == 0 {
		b.WriteString(`<p class="empty">Both versions are empty.</p>`)
		return
	}
	w := bodyWriter{b: b, all: view.All, edits: view.Changes, side: side, scratch: lineScratches.Get().(*lineScratch)}
	defer w.scratch.release()
	for _, sec := range view.Sections {
		if !sec.Changed {
			w.quietSection(sec)
			continue
		}
		w.section(sec)
	}
}

type bodyWriter struct {
	b     *strings.Builder
	all   bool
	side  bool
	edits int
	list  string // the list element open in the inline view: "ul", "ol" or ""
	// scratch reads the rows of one unchanged line, most rows of a diff
	// between near versions; each row's pieces are written before the
	// next row is read.
	scratch *lineScratch
}

// read reads a row's ops.
func (w *bodyWriter) read(row Row) *rowPieces {
	if len(row.ops) == 1 && row.ops[0].Kind == Equal {
		return w.scratch.readLine(row.ops[0].Text)
	}
	return readRow(row.ops, w.all)
}

// quietSection is a section without a shown edit, as one line.
func (w *bodyWriter) quietSection(sec SectionView) {
	b := w.b
	title := sec.HeadingText()
	if title == "" {
		title = "(untitled)"
	}
	state := "unchanged"
	if sec.Status != Unchanged {
		state = "only replacements made throughout"
	}
	b.WriteString(`<details class="diff-section quiet" id="` + sec.Anchor + `"><summary><span class="section-title">` + html.EscapeString(title) +
		`</span> <span class="status">` + state + ", " + countOf(len(sec.Rows), "paragraph", "paragraphs") + "</span></summary>\n")
	w.rows(sec.Rows)
	b.WriteString("</details>\n")
}

func (w *bodyWriter) section(sec SectionView) {
	b := w.b
	b.WriteString(`<section class="diff-section status-` + string(sec.Status) + `" id="` + sec.Anchor + `">` + "\n<h2>")
	if len(sec.Heading) > 0 {
		b.WriteString(string(spansHTML(sec.Heading)))
	} else {
		b.WriteString(html.EscapeString(sec.HeadingText()))
	}
	if sec.Status != Changed {
		b.WriteString(` <span class="status">(` + string(sec.Status))
		if sec.Moved {
			b.WriteString(", moved")
		}
		b.WriteString(")</span>")
	} else if sec.Moved {
		b.WriteString(` <span class="status">(moved)</span>`)
	}
	b.WriteString("</h2>\n")
	if len(sec.OldPath) > 0 {
		b.WriteString(`<p class="was">was: ` + html.EscapeString(sec.OldHeadingText()) + "</p>\n")
	}
	if w.side {
		b.WriteString(`<table class="side"><thead><tr><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>` + "\n")
	}
	for _, it := range foldRows(sec.Rows) {
		if it.folded != nil {
			w.closeList()
			if w.side {
				b.WriteString(`<tr class="folded-row"><td colspan="2">`)
			}
			b.WriteString(`<details class="folded"><summary>` + countOf(len(it.folded), "unchanged paragraph", "unchanged paragraphs") + "</summary>\n")
			w.rows(it.folded)
			b.WriteString("</details>")
			if w.side {
				b.WriteString("</td></tr>")
			}
			b.WriteString("\n")
			continue
		}
		if w.side {
			w.sideRow(*it.row)
		} else {
			w.inlineRow(*it.row)
		}
	}
	w.closeList()
	if w.side {
		b.WriteString("</tbody></table>\n")
	}
	b.WriteString("</section>\n")
}

// rows writes rows inline, as their new text reads (folded runs and quiet
// sections).
func (w *bodyWriter) rows(rows []Row) {
	for i := range rows {
		w.inlineRow(rows[i])
	}
	w.closeList()
}

func (w *bodyWriter) closeList() {
	if w.list != "" {
		w.b.WriteString("</" + w.list + ">\n")
		w.list = ""
	}
}

// inlineRow writes a row inline: a paragraph, a list item (in its list),
// a table row or preformatted text.
func (w *bodyWriter) inlineRow(row Row) {
	b := w.b
	rp := w.read(row)
	form := rp.form()
	class := `para ` + string(row.Status)
	if !row.Changed {
		class += " quiet"
	}
	id := ""
	if row.Anchor != "" {
		id = ` id="` + row.Anchor + `"`
	}
	if form.Kind == "li" {
		list := "ul"
		if form.Ordered {
			list = "ol"
		}
		if w.list != list {
			w.closeList()
			b.WriteString("<" + list + ` class="rows">`)
			w.list = list
		}
		b.WriteString(`<li class="` + class + ` depth-` + strconv.Itoa(min(form.Depth, 5)) + `"` + id + `>`)
		rp.write(b, sideInline)
		w.editNav(row)
		b.WriteString("</li>\n")
		return
	}
	w.closeList()
	switch form.Kind {
	case "pre":
		b.WriteString(`<div class="` + class + `"` + id + `><pre>`)
		rp.write(b, sideInline)
		b.WriteString("</pre>")
		w.editNav(row)
		b.WriteString("</div>\n")
	default:
		if form.Kind == "tr" {
			class += " cells"
		}
		b.WriteString(`<p class="` + class + `"` + id + `>`)
		rp.write(b, sideInline)
		w.editNav(row)
		b.WriteString("</p>\n")
	}
}

// sideRow writes a row as a table row: old text left, new text right.
func (w *bodyWriter) sideRow(row Row) {
	b := w.b
	rp := w.read(row)
	class := `para ` + string(row.Status)
	if !row.Changed {
		class += " quiet"
	}
	b.WriteString(`<tr class="` + class + `"`)
	if row.Anchor != "" {
		b.WriteString(` id="` + row.Anchor + `"`)
	}
	// The edit's links go in the cell that has text: a removed
	// paragraph's right cell stays empty (and hidden when stacked).
	b.WriteString(`><td class="old">`)
	if row.Status != Added {
		writeCell(b, rp, rp.old.form, sideOld)
	}
	if row.Status == Removed {
		w.editNav(row)
	}
	b.WriteString(`</td><td class="new">`)
	if row.Status != Removed {
		writeCell(b, rp, rp.new.form, sideNew)
		w.editNav(row)
	}
	b.WriteString("</td></tr>\n")
}

func writeCell(b *strings.Builder, rp *rowPieces, form blockForm, side sideKind) {
	switch form.Kind {
	case "li":
		kind := "ul"
		if form.Ordered {
			kind = "ol"
		}
		b.WriteString(`<div class="li ` + kind + ` depth-` + strconv.Itoa(min(form.Depth, 5)) + `">`)
		rp.write(b, side)
		b.WriteString("</div>")
	case "pre":
		b.WriteString("<pre>")
		rp.write(b, side)
		b.WriteString("</pre>")
	default:
		rp.write(b, side)
	}
}

// editNav writes, after a changed row, where it stands among the edits
// and links to the edits before and after it: they work without
// JavaScript, which only adds keys and a bar.
func (w *bodyWriter) editNav(row Row) {
	if row.Anchor == "" {
		return
	}
	n, err := strconv.Atoi(strings.TrimPrefix(row.Anchor, "c"))
	if err != nil {
		return
	}
	prev, next := "edits", "top"
	if n > 1 {
		prev = "c" + strconv.Itoa(n-1)
	}
	if n < w.edits {
		next = "c" + strconv.Itoa(n+1)
	}
	fmt.Fprintf(w.b, ` <span class="edit-nav"><a class="prev-edit" href="#%s" aria-label="previous edit">↑</a> <span class="edit-count">edit %d of %d</span> <a class="next-edit" href="#%s" aria-label="next edit">↓</a></span>`,
		prev, n, w.edits, next)
}

// foldedItem is a row shown, or a run of unchanged rows folded away.
type foldedItem struct {
	row    *Row
	folded []Row
}

// Context kept around an edit: one unchanged paragraph on each side; a
// shorter run than minFoldedRun is not worth folding.
const (
	contextParagraphs = 1
	minFoldedRun      = 2
)

// foldRows keeps changed rows and their context and folds the rest of
// each run of unchanged rows.
func foldRows(rows []Row) []foldedItem {
	var items []foldedItem
	for i := 0; i < len(rows); {
		if rows[i].Changed {
			items = append(items, foldedItem{row: &rows[i]})
			i++
			continue
		}
		end := i
		for end < len(rows) && !rows[end].Changed {
			end++
		}
		lead, trail := 0, 0
		if i > 0 {
			lead = contextParagraphs
		}
		if end < len(rows) {
			trail = contextParagraphs
		}
		if end-i-lead-trail < minFoldedRun {
			lead, trail = end-i, 0 // too short to fold: show it all
		}
		for k := i; k < i+lead; k++ {
			items = append(items, foldedItem{row: &rows[k]})
		}
		if folded := rows[i+lead : end-trail]; len(folded) > 0 {
			items = append(items, foldedItem{folded: folded})
		}
		for k := end - trail; k < end; k++ {
			items = append(items, foldedItem{row: &rows[k]})
		}
		i = end
	}
	return items
}
