package diff

import (
	"fmt"
	"strings"
)

// Changed reports whether the new document differs from the old one at all.
func (r *Result) Changed() bool {
	return r != nil && r.Class != Identical && r.Class != ""
}

// summarySubstitutions is how many substitutions Summary names.
const summarySubstitutions = 3

// Summary is the change in one line, e.g.
// "Twitter → X ×37, Tweet → post ×4; 3 paragraphs with other edits; +120
// −96 words": the substitutions first, then how many headings and
// paragraphs have edits besides them, then the word counts, then the
// number of letter-case changes if any.
func (r *Result) Summary() string {
	if !r.Changed() {
		return "no change"
	}
	var parts []string
	if r.Class == Cosmetic {
		parts = append(parts, "style only")
	}
	var named []string
	for i, s := range r.Substitutions {
		if i == summarySubstitutions {
			named = append(named, fmt.Sprintf("%d more", len(r.Substitutions)-i))
			break
		}
		named = append(named, s.String())
	}
	if len(named) > 0 {
		parts = append(parts, strings.Join(named, ", "))
		if n := r.otherEdits(); n > 0 {
			parts = append(parts, plural(n, "paragraph")+" with other edits")
		}
	}
	parts = append(parts, fmt.Sprintf("+%d −%d words", r.Stats.WordsAdded, r.Stats.WordsRemoved))
	if r.CaseChanges > 0 {
		parts = append(parts, plural(r.CaseChanges, "case change"))
	}
	return strings.Join(parts, "; ")
}

// otherEdits counts the headings and paragraphs with an edit that is
// neither a substitution nor a change of style: what the folded view shows.
func (r *Result) otherEdits() int {
	n := 0
	unfolded := func(ops []Op) bool {
		for _, op := range ops {
			if op.Kind != Equal && op.Folded == "" {
				return true
			}
		}
		return false
	}
	for _, s := range r.Sections {
		if unfolded(s.Heading) {
			n++
		}
		for _, p := range s.Paragraphs {
			if unfolded(p.Ops) {
				n++
			}
		}
	}
	return n
}

// Reasons explains the class in short phrases, most telling first.
func (r *Result) Reasons() []string {
	if r == nil {
		return []string{"no documents compared"}
	}
	t := r.tally()
	switch r.Class {
	case Identical:
		return []string{"no difference in text"}
	case Cosmetic:
		if len(r.notes) > 0 {
			return r.notes
		}
		var where []string
		if t.changedHeadings > 0 {
			where = append(where, plural(t.changedHeadings, "heading"))
		}
		if t.changedParagraphs > 0 || len(where) == 0 {
			where = append(where, plural(t.changedParagraphs, "paragraph"))
		}
		return []string{"only whitespace, quote, dash, punctuation style, letter case or formatting changed, in " + strings.Join(where, " and ")}
	case Rebrand:
		replacements := 0
		for _, s := range r.Substitutions {
			replacements += s.Count
		}
		verb := "cover"
		if len(r.Substitutions) == 1 {
			verb = "covers"
		}
		return []string{
			fmt.Sprintf("%s %s every edit", plural(len(r.Substitutions), "substitution"), verb),
			fmt.Sprintf("%s in %s", plural(replacements, "replacement"), plural(t.changedSections, "section")),
		}
	}
	var reasons []string
	if r.Class == Editorial {
		reasons = append(reasons, r.notes...)
		if len(r.Substitutions) > 0 {
			reasons = append(reasons, fmt.Sprintf("besides %s", plural(len(r.Substitutions), "substitution")))
		}
		return append(reasons, t.structure()...)
	}
	reasons = append(reasons, r.notes...)
	if t.addedSections > 0 {
		reasons = append(reasons, plural(t.addedSections, "section")+" added")
	}
	if t.removedSections > 0 {
		reasons = append(reasons, plural(t.removedSections, "section")+" removed")
	}
	if r.Stats.WordsAdded > 0 {
		reasons = append(reasons, fmt.Sprintf("%s added in %s", plural(r.Stats.WordsAdded, "word"), plural(t.sectionsWithInserts, "section")))
	}
	if r.Stats.WordsRemoved > 0 {
		reasons = append(reasons, fmt.Sprintf("%s removed in %s", plural(r.Stats.WordsRemoved, "word"), plural(t.sectionsWithDeletes, "section")))
	}
	if t.rewordedParagraphs > 0 {
		reasons = append(reasons, plural(t.rewordedParagraphs, "paragraph")+" reworded")
	}
	if len(r.Substitutions) > 0 {
		reasons = append(reasons, fmt.Sprintf("%s, not covering every edit", plural(len(r.Substitutions), "substitution")))
	}
	reasons = append(reasons, t.structure()...)
	if len(reasons) == 0 {
		reasons = append(reasons, "punctuation or symbols changed")
	}
	return reasons
}

// tally counts what the sections of a Result show.
type tally struct {
	addedSections, removedSections, changedSections int
	sectionsWithInserts, sectionsWithDeletes        int
	changedParagraphs, rewordedParagraphs           int
	changedHeadings, movedSections, renamedSections int
}

// structure names the sections moved or renamed, if any.
func (t tally) structure() []string {
	var out []string
	if t.movedSections > 0 {
		out = append(out, plural(t.movedSections, "section")+" moved")
	}
	if t.renamedSections > 0 {
		out = append(out, plural(t.renamedSections, "section")+" renamed")
	}
	return out
}

func (r *Result) tally() tally {
	var t tally
	for _, s := range r.Sections {
		switch s.Status {
		case Added:
			t.addedSections++
		case Removed:
			t.removedSections++
		case Changed:
			t.changedSections++
		}
		if len(s.Heading) > 0 {
			t.changedHeadings++
		}
		if s.Moved {
			t.movedSections++
		}
		if len(s.Heading) > 0 && s.Status != Added && s.Status != Removed {
			t.renamedSections++
		}
		inserts, deletes := hasWordEdits(s.Heading)
		for _, p := range s.Paragraphs {
			if p.Status != Unchanged {
				t.changedParagraphs++
			}
			if p.Status == Changed {
				t.rewordedParagraphs++
			}
			i, d := hasWordEdits(p.Ops)
			inserts, deletes = inserts || i, deletes || d
		}
		if inserts {
			t.sectionsWithInserts++
		}
		if deletes {
			t.sectionsWithDeletes++
		}
	}
	return t
}

// hasWordEdits says whether ops insert and whether they delete any word.
func hasWordEdits(ops []Op) (inserts, deletes bool) {
	for _, op := range ops {
		switch {
		case op.Kind == Insert && countWords(op.Text) > 0:
			inserts = true
		case op.Kind == Delete && countWords(op.Text) > 0:
			deletes = true
		}
	}
	return inserts, deletes
}

// plural writes a count with its noun: "1 section", "3 sections".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
