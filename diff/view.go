package diff

import (
	"fmt"
	"strings"
)

// A View is a Result laid out for reading, shared by the renderers here
// and the web pages: per section, rows of old and new text. By default
// edits that are substitutions or style changes are folded: they show as
// the new text, marked, and a row whose only edits are folded does not
// count as changed. With all, every edit shows as a deletion and an
// insertion.
type View struct {
	All      bool
	Sections []SectionView
	Changes  int // rows that count as changed in this view
}

// SectionView is one section of a View.
type SectionView struct {
	Anchor     string   // "s3": the section's id in a page
	Path       []string // the new path, or the old one for a Removed section
	OldPath    []string // set when the path changed
	Status     Status
	Moved      bool
	Heading    []Span // inline spans of the heading when it was reworded
	Rows       []Row
	Changed    bool // whether any row or the heading counts as changed
	ChangeRows int  // how many rows count as changed
}

// Row is one paragraph: its spans inline, and its old and new sides.
// Anchor ("c12") numbers the changed rows through the whole View, so that
// pages can link a change to the next one.
type Row struct {
	Status  Status
	Changed bool
	Anchor  string
	Inline  []Span
	Old     []Span // nil for an Added paragraph
	New     []Span // nil for a Removed paragraph
	ops     []Op   // what the row was made of, for the HTML renderer
}

// SpanKind is how a span of text shows.
type SpanKind string

const (
	SpanEqual       SpanKind = "equal"
	SpanInsert      SpanKind = "insert"
	SpanDelete      SpanKind = "delete"
	SpanSubstituted SpanKind = "substituted" // folded edit: Text is the new text, Was the old
)

// Span is a run of text of one kind.
type Span struct {
	Kind SpanKind `json:"kind"`
	Text string   `json:"text"`
	Was  string   `json:"was,omitempty"`
}

// View lays the Result out; all shows folded edits too.
func (r *Result) View(all bool) View {
	v := View{All: all}
	if r == nil {
		return v
	}
	for i, s := range r.Sections {
		sv := SectionView{
			Anchor: fmt.Sprintf("s%d", i+1), Path: s.Path, OldPath: s.OldPath,
			Status: s.Status, Moved: s.Moved,
		}
		if len(s.Heading) > 0 {
			var changed bool
			sv.Heading, _, _, changed = spans(s.Heading, all)
			sv.Changed = changed
		}
		if s.Status == Added || s.Status == Removed || s.Moved {
			sv.Changed = true
		}
		for _, p := range s.Paragraphs {
			row := Row{Status: p.Status, ops: p.Ops}
			row.Inline, row.Old, row.New, row.Changed = spans(p.Ops, all)
			if p.Status == Added {
				row.Old = nil
			}
			if p.Status == Removed {
				row.New = nil
			}
			if row.Changed {
				v.Changes++
				row.Anchor = fmt.Sprintf("c%d", v.Changes)
				sv.ChangeRows++
				sv.Changed = true
			}
			sv.Rows = append(sv.Rows, row)
		}
		v.Sections = append(v.Sections, sv)
	}
	return v
}

// spans turns ops into inline, old-side and new-side spans, and says
// whether any edit shows as changed.
func spans(ops []Op, all bool) (inline, old, new []Span, changed bool) {
	inline, old, new = []Span{}, []Span{}, []Span{}
	for i := 0; i < len(ops); i++ {
		op := ops[i]
		if op.Kind == Equal {
			inline = appendSpan(inline, Span{Kind: SpanEqual, Text: op.Text})
			old = appendSpan(old, Span{Kind: SpanEqual, Text: op.Text})
			new = appendSpan(new, Span{Kind: SpanEqual, Text: op.Text})
			continue
		}
		if op.Folded != "" && !all {
			from, to := "", ""
			for ; i < len(ops) && ops[i].Kind != Equal && ops[i].Folded != ""; i++ {
				if ops[i].Kind == Delete {
					from += ops[i].Text
				} else {
					to += ops[i].Text
				}
			}
			i--
			if to == "" {
				// A folded deletion (whitespace only) shows as nothing new.
				old = append(old, Span{Kind: SpanSubstituted, Text: from})
				continue
			}
			inline = append(inline, Span{Kind: SpanSubstituted, Text: to, Was: from})
			if from != "" {
				old = append(old, Span{Kind: SpanSubstituted, Text: from, Was: to})
			}
			new = append(new, Span{Kind: SpanSubstituted, Text: to, Was: from})
			continue
		}
		changed = true
		if op.Kind == Delete {
			inline = append(inline, Span{Kind: SpanDelete, Text: op.Text})
			old = append(old, Span{Kind: SpanDelete, Text: op.Text})
		} else {
			inline = append(inline, Span{Kind: SpanInsert, Text: op.Text})
			new = append(new, Span{Kind: SpanInsert, Text: op.Text})
		}
	}
	return inline, old, new, changed
}

// appendSpan merges equal text into the span before it.
func appendSpan(spans []Span, s Span) []Span {
	if n := len(spans); n > 0 && s.Kind == SpanEqual && spans[n-1].Kind == SpanEqual {
		spans[n-1].Text += s.Text
		return spans
	}
	return append(spans, s)
}

// HeadingText is a section's path as one line: "Privacy › Sharing".
func (s SectionView) HeadingText() string { return strings.Join(s.Path, " › ") }

// OldHeadingText is the old path as one line, when it changed.
func (s SectionView) OldHeadingText() string { return strings.Join(s.OldPath, " › ") }
