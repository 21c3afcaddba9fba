package diff

import "sync"

// A row's edits are made on its Markdown; a page shows that Markdown
// rendered. pieces cuts a row's edits where the role of their bytes
// changes (text, syntax, link target) on either side, so that each shownPiece
// is one thing on each side: the renderer then writes text, hides syntax,
// and turns targets into links and marks of changed links.

// shownPiece is a run of one edit's text whose bytes have one role on each
// side (old and new) and belong to one link there.
type shownPiece struct {
	kind         SpanKind
	text         string // the new text; for a deletion, the old text
	was          string // SpanSubstituted: the old text it replaced
	oRole, nRole byteRole
	oLink, nLink int32 // -1 outside links
	oStyle       uint8
	nStyle       uint8
	hasOld       bool // the shownPiece is in the old text (equal, delete, substituted with was)
	hasNew       bool // the shownPiece is in the new text (equal, insert, substituted)
}

// rowPieces is a row read for rendering: its pieces, each side's markup
// (links, form), and the links paired across sides.
type rowPieces struct {
	pieces []shownPiece
	old    *lineMarkup
	new    *lineMarkup
	// pairOld[j] is the new link that old link j became (-1: none), and
	// pairNew the other way: links whose text was kept are the same link.
	pairOld, pairNew []int32
	// targetEdited and targetFolded say, per new link, that its target
	// changed by a shown edit, or only by a folded one.
	targetEdited, targetFolded []bool
}

// readRow reads a row's ops; folded ops become substitutions unless all.
func readRow(ops []Op, all bool) *rowPieces {
	oldLen, newLen, same := 0, 0, true
	for _, op := range ops {
		if op.Kind != Insert {
			oldLen += len(op.Text)
		}
		if op.Kind != Delete {
			newLen += len(op.Text)
		}
		same = same && op.Kind == Equal
	}
	oldText, newText := make([]byte, 0, oldLen), make([]byte, 0, newLen)
	for _, op := range ops {
		if op.Kind != Insert {
			oldText = append(oldText, op.Text...)
		}
		if op.Kind != Delete {
			newText = append(newText, op.Text...)
		}
	}
	rp := &rowPieces{new: readMarkup(string(newText))}
	rp.old = rp.new // an unchanged row is read once
	if !same {
		rp.old = readMarkup(string(oldText))
	}
	rp.unpairLinks()

	po, pn := 0, 0
	for i := 0; i < len(ops); i++ {
		op := ops[i]
		switch {
		case op.Kind == Equal:
			rp.split(op.Text, SpanEqual, po, pn, true, true)
			po += len(op.Text)
			pn += len(op.Text)
		case op.Folded != "" && !all:
			// A run of folded edits shows as its new text, titled with
			// the old.
			startO, startN := po, pn
			for ; i < len(ops) && ops[i].Kind != Equal && ops[i].Folded != ""; i++ {
				if ops[i].Kind == Delete {
					po += len(ops[i].Text)
				} else {
					pn += len(ops[i].Text)
				}
			}
			i--
			rp.substitution(startO, po, startN, pn)
		case op.Kind == Delete:
			rp.split(op.Text, SpanDelete, po, pn, true, false)
			po += len(op.Text)
		default:
			rp.split(op.Text, SpanInsert, po, pn, false, true)
			pn += len(op.Text)
		}
	}
	return rp
}

// unpairLinks sizes the per-link slices for the lines read, no link
// paired or marked yet.
func (rp *rowPieces) unpairLinks() {
	rp.pairOld = filled(rp.pairOld, len(rp.old.links))
	rp.pairNew = filled(rp.pairNew, len(rp.new.links))
	rp.targetEdited = resized(rp.targetEdited, len(rp.new.links))
	rp.targetFolded = resized(rp.targetFolded, len(rp.new.links))
	clear(rp.targetEdited)
	clear(rp.targetFolded)
}

// filled returns s with length n, every element -1.
func filled(s []int32, n int) []int32 {
	s = resized(s, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// lineScratch is what reading one unchanged line takes (LineHTML), kept
// from line to line: a version page reads hundreds of lines with links or
// emphasis, and their allocations were most of the time it spent on them.
type lineScratch struct {
	m  lineMarkup
	rp rowPieces
}

var lineScratches = sync.Pool{New: func() any { return new(lineScratch) }}

// readLine reads one unchanged line as readRow reads a single equal op;
// the pieces are valid until release.
func (sc *lineScratch) readLine(s string) *rowPieces {
	sc.m.read(s)
	rp := &sc.rp
	rp.old, rp.new, rp.pieces = &sc.m, &sc.m, rp.pieces[:0]
	rp.unpairLinks()
	rp.split(s, SpanEqual, 0, 0, true, true)
	return rp
}

// release gives sc back to the pool, holding no text of the line.
func (sc *lineScratch) release() {
	clear(sc.rp.pieces)
	clear(sc.m.links)
	sc.m.text, sc.rp.old, sc.rp.new = "", nil, nil
	lineScratches.Put(sc)
}

// split appends text as pieces, cut wherever a byte's role, link or style
// changes on a side it is in. po and pn are where text starts in the old
// and new lines.
func (rp *rowPieces) split(text string, kind SpanKind, po, pn int, inOld, inNew bool) {
	o, n := rp.old, rp.new
	// An unchanged line read once (o == n) has one side to look at.
	checkNew := inNew && !(inOld && o == n && po == pn)
	// differs says whether byte k starts another piece than byte k-1.
	differs := func(k int) bool {
		if inOld && (o.role[po+k] != o.role[po+k-1] || o.link[po+k] != o.link[po+k-1] || o.style[po+k] != o.style[po+k-1]) {
			return true
		}
		return checkNew && (n.role[pn+k] != n.role[pn+k-1] || n.link[pn+k] != n.link[pn+k-1] || n.style[pn+k] != n.style[pn+k-1])
	}
	for start := 0; start < len(text); {
		end := start + 1
		for end < len(text) && !differs(end) {
			end++
		}
		p := shownPiece{kind: kind, text: text[start:end], oLink: -1, nLink: -1, hasOld: inOld, hasNew: inNew}
		if inOld {
			p.oRole, p.oLink, p.oStyle = o.role[po+start], o.link[po+start], o.style[po+start]
		}
		if inNew {
			p.nRole, p.nLink, p.nStyle = n.role[pn+start], n.link[pn+start], n.style[pn+start]
		}
		rp.add(p)
		start = end
	}
}

// substitution appends a folded edit: old bytes oi to oj replaced by new
// bytes ni to nj.
func (rp *rowPieces) substitution(oi, oj, ni, nj int) {
	was := rp.oldText()[oi:oj]
	if ni == nj {
		// A folded deletion (whitespace only): only the old side has it.
		p := shownPiece{kind: SpanSubstituted, was: was, oLink: -1, nLink: -1, hasOld: true}
		if oi < oj {
			p.oRole, p.oLink, p.oStyle = rp.old.role[oi], rp.old.link[oi], rp.old.style[oi]
		}
		rp.pieces = append(rp.pieces, p)
		return
	}
	first := len(rp.pieces)
	rp.split(rp.newText()[ni:nj], SpanSubstituted, 0, ni, false, true)
	for k := first; k < len(rp.pieces); k++ {
		p := &rp.pieces[k]
		p.was, p.hasOld = was, true
		if oi < oj {
			p.oRole, p.oLink, p.oStyle = rp.old.role[oi], rp.old.link[oi], rp.old.style[oi]
		}
		was = "" // the old text goes with the first shownPiece only
	}
}

// add appends a shownPiece and notes what it says of links: a link's text kept
// on both sides pairs the old link with the new one; a changed target
// marks the new link.
func (rp *rowPieces) add(p shownPiece) {
	if p.kind == SpanEqual && p.oLink >= 0 && p.nLink >= 0 && rp.pairOld[p.oLink] < 0 && rp.pairNew[p.nLink] < 0 {
		rp.pairOld[p.oLink], rp.pairNew[p.nLink] = p.nLink, p.oLink
	}
	if p.nRole == roleTarget && p.hasNew && p.nLink >= 0 {
		switch p.kind {
		case SpanInsert:
			rp.targetEdited[p.nLink] = true
		case SpanSubstituted:
			rp.targetFolded[p.nLink] = true
		}
	}
	rp.pieces = append(rp.pieces, p)
}

// oldText and newText are the two lines the row was read from.
func (rp *rowPieces) oldText() string { return rp.old.text }
func (rp *rowPieces) newText() string { return rp.new.text }

// targetChanged says whether new link k's target differs from the old
// link's it pairs with, and whether only folded edits changed it.
func (rp *rowPieces) targetChanged(k int32) (changed, folded bool) {
	j := rp.pairNew[k]
	if j < 0 {
		return false, false
	}
	if rp.old.links[j].URL == rp.new.links[k].URL {
		return false, false
	}
	return true, !rp.targetEdited[k] && rp.targetFolded[k]
}

// form is how the row shows: as its new side, or its old one when it
// was removed.
func (rp *rowPieces) form() blockForm {
	if len(rp.new.role) > 0 {
		return rp.new.form
	}
	return rp.old.form
}
