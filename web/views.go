package web

import (
	"strings"

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
	Heading   string
	Status    diff.Status
	Unchanged bool
	Items     []diffItem
}

// diffItem is either one visible paragraph or a folded run of unchanged ones.
type diffItem struct {
	Paragraph *diff.Paragraph
	Folded    []string // texts of the folded unchanged paragraphs
}

func diffSections(res *diff.Result) []diffSection {
	out := make([]diffSection, 0, len(res.Sections))
	for _, sec := range res.Sections {
		ds := diffSection{
			Heading:   strings.Join(sec.Path, " › "),
			Status:    sec.Status,
			Unchanged: sec.Status == diff.Unchanged,
		}
		if ds.Unchanged {
			// A whole unchanged section folds into one run.
			ds.Items = []diffItem{{Folded: paragraphTexts(sec.Paragraphs)}}
		} else {
			ds.Items = foldUnchanged(sec.Paragraphs)
		}
		out = append(out, ds)
	}
	return out
}

// foldUnchanged keeps changed paragraphs and their context visible and folds
// the rest of each run of unchanged paragraphs.
func foldUnchanged(paras []diff.Paragraph) []diffItem {
	var items []diffItem
	for i := 0; i < len(paras); {
		if paras[i].Status != diff.Unchanged {
			items = append(items, diffItem{Paragraph: &paras[i]})
			i++
			continue
		}
		end := i
		for end < len(paras) && paras[end].Status == diff.Unchanged {
			end++
		}
		lead, trail := 0, 0
		if i > 0 {
			lead = contextParagraphs
		}
		if end < len(paras) {
			trail = contextParagraphs
		}
		if end-i-lead-trail < minFoldedRun {
			lead, trail = end-i, 0 // too short to fold: show it all
		}
		for k := i; k < i+lead; k++ {
			items = append(items, diffItem{Paragraph: &paras[k]})
		}
		if folded := paras[i+lead : end-trail]; len(folded) > 0 {
			items = append(items, diffItem{Folded: paragraphTexts(folded)})
		}
		for k := end - trail; k < end; k++ {
			items = append(items, diffItem{Paragraph: &paras[k]})
		}
		i = end
	}
	return items
}

func paragraphTexts(paras []diff.Paragraph) []string {
	texts := make([]string, len(paras))
	for i, p := range paras {
		var b strings.Builder
		for _, op := range p.Ops {
			if op.Kind != diff.Insert {
				b.WriteString(op.Text)
			}
		}
		texts[i] = b.String()
	}
	return texts
}
