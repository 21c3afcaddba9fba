package web

import (
	"github.com/policywatch/policywatch/extract"
)

// This file turns an extract.Document into what the version page iterates
// over. Nothing here produces markup.

// contentSection is one section of a version as the version page shows it.
type contentSection struct {
	HeadingLevel int // 2–6 for <h2>–<h6>; 0 when the section has no heading
	Heading      string
	Continued    bool // begun on the part before
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
