package web

import (
	"strings"
	"unicode/utf8"

	"github.com/policywatch/policywatch/extract"
)

// A huge version is read in parts of about versionPageBytes of text,
// never sent as one page of many megabytes. Parts are cut between
// sections where they can be, else between blocks (a document without
// headings is one section), else inside a block at a line break or a
// space (one huge paragraph).

// versionPageBytes is how much text one part of a version shows.
const versionPageBytes = 256 << 10

// pageUnit is a piece of a version that a part holds whole: a section's
// heading (block -1), a block, or a range of bytes of a huge block's
// text.
type pageUnit struct {
	section, block int
	from, to       int // a range of the block's text; 0, 0 for the whole block
}

// versionPage is one part: the units it holds, in order.
type versionPage []pageUnit

// versionPages cuts a document into parts; there is always at least one.
func versionPages(doc extract.Document) []versionPage {
	var pages []versionPage
	var page versionPage
	size := 0
	add := func(u pageUnit, n int) {
		if size > 0 && size+n > versionPageBytes {
			pages = append(pages, page)
			page, size = nil, 0
		}
		page = append(page, u)
		size += n
	}
	for i, sec := range doc.Sections {
		add(pageUnit{section: i, block: -1}, len(sec.Heading()))
		for k, b := range sec.Blocks {
			n := len(b.Text)
			for _, c := range b.Cells {
				n += len(c)
			}
			if n <= versionPageBytes || len(b.Cells) > 0 {
				add(pageUnit{section: i, block: k}, n)
				continue
			}
			for from := 0; from < len(b.Text); {
				to := cutAt(b.Text, from, from+versionPageBytes)
				add(pageUnit{section: i, block: k, from: from, to: to}, to-from)
				from = to
			}
		}
	}
	return append(pages, page)
}

// cutAt returns where to end a piece of text that starts at from and
// should end near limit: after the last line break, else the last space,
// in the piece's second half; else at limit, on a character boundary.
func cutAt(text string, from, limit int) int {
	if limit >= len(text) {
		return len(text)
	}
	half := from + (limit-from)/2
	if k := strings.LastIndexByte(text[half:limit], '\n'); k >= 0 {
		return half + k + 1
	}
	if k := strings.LastIndexByte(text[half:limit], ' '); k >= 0 {
		return half + k + 1
	}
	for limit > from && !utf8.RuneStart(text[limit]) {
		limit--
	}
	return limit
}

// sections lays out the part's units as the version page shows them. A
// section begun on an earlier part shows its heading as continued; a
// piece of a huge block shows as its plain text (its links and emphasis
// need the whole text to be placed).
func (p versionPage) sections(doc extract.Document) []contentSection {
	var part extract.Document
	continued := map[int]bool{}
	last := -1
	for _, u := range p {
		sec := doc.Sections[u.section]
		if u.section != last {
			part.Sections = append(part.Sections, extract.Section{Path: sec.Path, Level: sec.Level})
			continued[len(part.Sections)-1] = u.block > 0 || u.from > 0
			last = u.section
		}
		if u.block < 0 {
			continue
		}
		b := sec.Blocks[u.block]
		if u.to > 0 {
			b = extract.Block{Kind: b.Kind, Text: b.Text[u.from:u.to], Depth: b.Depth, Ordered: b.Ordered}
		}
		into := &part.Sections[len(part.Sections)-1]
		into.Blocks = append(into.Blocks, b)
	}
	out := contentSections(part)
	for i := range out {
		out[i].Continued = continued[i]
	}
	return out
}
