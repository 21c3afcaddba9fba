package extract

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Emphasis is kept beside the text, as links are: readers collect raw
// spans (inlineText), docBuilder.add makes them canonical (see Emphasis),
// and the Markdown renderer writes them as ** and * around the text. A
// block's emphasis is exactly what its Markdown says: spans the Markdown
// would not read back as they are are left out.

// maxEmphasisTries and maxTriedText bound the spans of one text tried
// one by one when they do not all read back together, each try rendering
// and parsing the text: beyond them, the text keeps no emphasis.
const (
	maxEmphasisTries = 16
	maxTriedText     = 64 << 10
)

// repairKeepingEmphasis repairs the document's mis-decoded text
// (repairDocument), which rewrites texts under their emphasis: a span of
// a rewritten text is looked for again by its own text, after the span
// of its kind before it, and is lost if it is not found.
func repairKeepingEmphasis(d *Document) {
	type saved struct {
		block *Block
		texts []string
		links []Link
	}
	var blocks []saved
	for i := range d.Sections {
		for j := range d.Sections[i].Blocks {
			if b := &d.Sections[i].Blocks[j]; len(b.Emphasis) > 0 {
				blocks = append(blocks, saved{b, slices.Clone(blockTexts(b)), slices.Clone(b.Links)})
			}
		}
	}
	repairDocument(d)
	for _, s := range blocks {
		b := s.block
		texts := blockTexts(b)
		if slices.Equal(texts, s.texts) && slices.Equal(b.Links, s.links) {
			continue
		}
		var moved []Emphasis
		from := map[[2]int]int{} // by cell and kind: where the next search starts
		for _, e := range b.Emphasis {
			if e.Cell >= len(texts) || !validSpan(s.texts[e.Cell], e) {
				continue
			}
			key := [2]int{e.Cell, boolInt(e.Kind == Strong)}
			old := s.texts[e.Cell][e.Start:e.End]
			if k := strings.Index(texts[e.Cell][from[key]:], old); k >= 0 {
				e.Start = from[key] + k
				e.End = e.Start + len(old)
				from[key] = e.End
				moved = append(moved, e)
			}
		}
		b.Emphasis = moved
		canonicalEmphasis(b)
	}
}

// canonicalEmphasis puts b's emphasis in canonical form, text by text
// (the block's Text, or each cell), and keeps the spans its Markdown reads
// back. Links must be placeable already.
func canonicalEmphasis(b *Block) {
	if len(b.Emphasis) == 0 || b.Kind == Preformatted {
		b.Emphasis = nil
		return
	}
	texts := blockTexts(b)
	placed := placeLinks(texts, b.Links)
	var out []Emphasis
	for cell, text := range texts {
		spans := spansInCell(b.Emphasis, cell)
		if len(spans) == 0 {
			continue
		}
		links := linksInCell(placed, cell)
		spans = readableSpans(text, links, shapeSpans(text, spans, links), b.Kind == TableRow)
		out = appendCellEmphasis(out, spans, cell)
	}
	b.Emphasis = out
}

// blockTexts are the texts a block's links and emphasis lie in.
func blockTexts(b *Block) []string {
	if b.Kind == TableRow {
		return b.Cells
	}
	return []string{b.Text}
}

func linksInCell(placed []placedLink, cell int) []placedLink {
	start := 0
	for start < len(placed) && placed[start].cell < cell {
		start++
	}
	end := start
	for end < len(placed) && placed[end].cell == cell {
		end++
	}
	return placed[start:end]
}

// shapeSpans gives spans of text their canonical shape: spans out of the
// text or not on character boundaries dropped, spans of one kind that
// overlap or touch merged, whitespace at the edges moved out, emphasis
// crossing strong emphasis cut where the strong begins or ends, any span
// crossing a link cut at the link's edge, empty spans dropped; in order
// of start, strong before emphasis.
func shapeSpans(text string, spans []Emphasis, links []placedLink) []Emphasis {
	var strong, em []Emphasis
	for _, e := range spans {
		if !validSpan(text, e) {
			continue
		}
		e.Cell = 0
		switch e.Kind {
		case Strong:
			strong = append(strong, e)
		case Em:
			em = append(em, e)
		}
	}
	strong = trimSpans(text, mergeSpans(strong))
	em = trimSpans(text, mergeSpans(em))
	em = trimSpans(text, cutCrossing(em, strong))
	var linkSpans []Emphasis
	for _, l := range links {
		linkSpans = append(linkSpans, Emphasis{Start: l.start, End: l.end})
	}
	out := append(cutCrossing(strong, linkSpans), cutCrossing(em, linkSpans)...)
	out = trimSpans(text, out)
	slices.SortFunc(out, compareSpans)
	return out
}

func validSpan(text string, e Emphasis) bool {
	return 0 <= e.Start && e.Start < e.End && e.End <= len(text) &&
		utf8.RuneStart(text[e.Start]) && (e.End == len(text) || utf8.RuneStart(text[e.End]))
}

// compareSpans orders spans by start, the longer first, strong first.
func compareSpans(a, b Emphasis) int {
	switch {
	case a.Start != b.Start:
		return a.Start - b.Start
	case a.End != b.End:
		return b.End - a.End
	case a.Kind != b.Kind:
		if a.Kind == Strong {
			return -1
		}
		return 1
	}
	return 0
}

// mergeSpans merges overlapping and touching spans of one kind.
func mergeSpans(spans []Emphasis) []Emphasis {
	slices.SortFunc(spans, compareSpans)
	var out []Emphasis
	for _, e := range spans {
		if n := len(out); n > 0 && e.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, e.End)
			continue
		}
		out = append(out, e)
	}
	return out
}

// trimSpans moves whitespace out of the spans' edges and drops the spans
// left empty.
func trimSpans(text string, spans []Emphasis) []Emphasis {
	out := spans[:0]
	for _, e := range spans {
		for e.Start < e.End {
			r, size := utf8.DecodeRuneInString(text[e.Start:e.End])
			if !isSpaceRune(r) {
				break
			}
			e.Start += size
		}
		for e.Start < e.End {
			r, size := utf8.DecodeLastRuneInString(text[e.Start:e.End])
			if !isSpaceRune(r) {
				break
			}
			e.End -= size
		}
		if e.Start < e.End {
			out = append(out, e)
		}
	}
	return out
}

// cutCrossing cuts each span where a span of by (sorted, disjoint) that
// crosses it — begins inside it and ends outside, or the reverse —
// begins or ends, so that the two nest. Being disjoint, at most one of by
// holds a span's start and one its end.
func cutCrossing(spans, by []Emphasis) []Emphasis {
	if len(by) == 0 {
		return spans
	}
	out := make([]Emphasis, 0, len(spans))
	for _, e := range spans {
		if c, ok := holding(by, e.Start); ok && c.End < e.End {
			out = append(out, Emphasis{Kind: e.Kind, Start: e.Start, End: c.End})
			e.Start = c.End
		}
		if c, ok := holding(by, e.End); ok && c.Start > e.Start {
			out = append(out, Emphasis{Kind: e.Kind, Start: e.Start, End: c.Start})
			e.Start = c.Start
		}
		out = append(out, e)
	}
	return out
}

// holding finds the span of by (sorted, disjoint) holding position p
// strictly inside it.
func holding(by []Emphasis, p int) (Emphasis, bool) {
	i, _ := slices.BinarySearchFunc(by, p, func(e Emphasis, p int) int { return e.Start - p })
	// by[i-1] is the last span starting before p.
	if i > 0 && by[i-1].Start < p && p < by[i-1].End {
		return by[i-1], true
	}
	return Emphasis{}, false
}

// readableSpans keeps the spans that the text's Markdown reads back as
// they are: all of them when it does, else as many as can be kept trying
// them one by one in order.
func readableSpans(text string, links []placedLink, spans []Emphasis, inTable bool) []Emphasis {
	if len(spans) == 0 || readsBack(text, links, spans, inTable) {
		return spans
	}
	if len(spans) > maxEmphasisTries || len(text) > maxTriedText {
		return nil
	}
	var kept []Emphasis
	for _, e := range spans {
		try := append(slices.Clip(kept), e)
		slices.SortFunc(try, compareSpans)
		if readsBack(text, links, try, inTable) {
			kept = try
		}
	}
	return kept
}

// readsBack reports whether parsing the inline Markdown of text with its
// links and spans gives the same text, links and spans.
func readsBack(text string, links []placedLink, spans []Emphasis, inTable bool) bool {
	md := renderInline(text, links, spans, inTable)
	ip := inlineParser{}
	gotText, gotLinks, gotSpans := ip.parse(md)
	if gotText != text || len(gotLinks) != len(links) {
		return false
	}
	for i, l := range gotLinks {
		if l != links[i].link {
			return false
		}
	}
	placed := placeLinks([]string{gotText}, gotLinks)
	return slices.Equal(shapeSpans(gotText, gotSpans, placed), spans)
}

// renderableSpans are the spans of one text that Markdown can show: a
// block made by hand or read from JSON may hold any; canonical spans all
// pass. Spans out of the text, crossing a link, overlapping one of their
// kind, or crossing a span kept before are left out.
func renderableSpans(text string, spans []Emphasis, links []placedLink) []Emphasis {
	if len(spans) == 0 {
		return nil
	}
	linkSpans := make([]Emphasis, len(links))
	for i, l := range links {
		linkSpans[i] = Emphasis{Start: l.start, End: l.end}
	}
	sorted := slices.Clone(spans)
	slices.SortStableFunc(sorted, compareSpans)
	out := make([]Emphasis, 0, len(sorted))
	var open []Emphasis // kept spans holding the current position, outermost first
	for _, e := range sorted {
		if !validSpan(text, e) || e.Kind != Strong && e.Kind != Em {
			continue
		}
		if c, ok := holding(linkSpans, e.Start); ok && c.End < e.End {
			continue
		}
		if c, ok := holding(linkSpans, e.End); ok && c.Start > e.Start {
			continue
		}
		for len(open) > 0 && open[len(open)-1].End <= e.Start {
			open = open[:len(open)-1]
		}
		// Spans sorted by start: a kept span still open holds e's start,
		// so e fits inside the innermost one, of the other kind, or not at
		// all. Same-kind spans never nest, so at most two are open.
		if n := len(open); n > 0 && (e.End > open[n-1].End || slices.ContainsFunc(open, func(k Emphasis) bool { return k.Kind == e.Kind })) {
			continue
		}
		out = append(out, e)
		open = append(open, e)
	}
	return out
}

// appendCellEmphasis appends the spans of a table row's cell.
func appendCellEmphasis(to, spans []Emphasis, cell int) []Emphasis {
	for _, e := range spans {
		e.Cell = cell
		to = append(to, e)
	}
	return to
}

// spansInCell are the spans of one text of a block.
func spansInCell(spans []Emphasis, cell int) []Emphasis {
	if !slices.ContainsFunc(spans, func(e Emphasis) bool { return e.Cell != cell }) {
		return spans
	}
	var out []Emphasis
	for _, e := range spans {
		if e.Cell == cell {
			out = append(out, e)
		}
	}
	return out
}
