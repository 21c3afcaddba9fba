package web

import (
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

// This file turns our own structures — an extract.Document, a diff.Result —
// into what templates iterate over. Templates escape every string; nothing
// here produces markup.

// contentSection is one section of a version as the version page shows it.
type contentSection struct {
	HeadingLevel int // 2–6 for <h2>–<h6>; 0 when the section has no heading
	Heading      string
	Groups       []blockGroup
}

// blockGroup is a run of blocks rendered by one element: consecutive list
// items of the same kind share a list, consecutive table rows a table.
type blockGroup struct {
	Kind   string // "p", "ul", "ol", "table", "pre"
	Blocks []extract.Block
}

// contentSections lays out a document's sections. Heading levels shift down
// by one because the page's own title is the <h1>.
func contentSections(doc extract.Document) []contentSection {
	out := make([]contentSection, 0, len(doc.Sections))
	for _, sec := range doc.Sections {
		cs := contentSection{Heading: sec.Heading()}
		if cs.Heading != "" {
			cs.HeadingLevel = min(max(sec.Level, 1)+1, 6)
		}
		for _, b := range sec.Blocks {
			kind := groupKind(b)
			if n := len(cs.Groups); n > 0 && cs.Groups[n-1].Kind == kind && kind != "p" && kind != "pre" {
				cs.Groups[n-1].Blocks = append(cs.Groups[n-1].Blocks, b)
				continue
			}
			cs.Groups = append(cs.Groups, blockGroup{Kind: kind, Blocks: []extract.Block{b}})
		}
		out = append(out, cs)
	}
	return out
}

func groupKind(b extract.Block) string {
	switch b.Kind {
	case extract.ListItem:
		if b.Ordered {
			return "ol"
		}
		return "ul"
	case extract.TableRow:
		return "table"
	case extract.Preformatted:
		return "pre"
	default:
		return "p"
	}
}

// contextParagraphs is how many unchanged paragraphs stay visible next to a
// change; longer unchanged runs fold into a <details>, which needs no JS.
const (
	contextParagraphs = 1
	minFoldedRun      = 2
)

// diffSection is one section of a diff as the diff page shows it.
type diffSection struct {
	diff.SectionView
	Items []diffItem
}

// diffItem is either one visible row or a folded run of unchanged ones.
type diffItem struct {
	Row    *diff.Row
	Folded []diff.Row
}

// FoldedTexts are the new texts of the folded rows.
func (it diffItem) FoldedTexts() []string {
	texts := make([]string, len(it.Folded))
	for i, row := range it.Folded {
		for _, s := range row.New {
			texts[i] += s.Text
		}
		if row.New == nil {
			for _, s := range row.Old {
				texts[i] += s.Text
			}
		}
	}
	return texts
}

func diffSections(view diff.View) []diffSection {
	out := make([]diffSection, 0, len(view.Sections))
	for _, sec := range view.Sections {
		ds := diffSection{SectionView: sec}
		if !sec.Changed {
			// A whole unchanged section folds into one run.
			ds.Items = []diffItem{{Folded: sec.Rows}}
		} else {
			ds.Items = foldUnchanged(sec.Rows)
		}
		out = append(out, ds)
	}
	return out
}

// foldUnchanged keeps changed rows and their context visible and folds the
// rest of each run of unchanged rows.
func foldUnchanged(rows []diff.Row) []diffItem {
	var items []diffItem
	for i := 0; i < len(rows); {
		if rows[i].Changed {
			items = append(items, diffItem{Row: &rows[i]})
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
			items = append(items, diffItem{Row: &rows[k]})
		}
		if folded := rows[i+lead : end-trail]; len(folded) > 0 {
			items = append(items, diffItem{Folded: folded})
		}
		for k := end - trail; k < end; k++ {
			items = append(items, diffItem{Row: &rows[k]})
		}
		i = end
	}
	return items
}
