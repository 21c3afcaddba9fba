// Package diff compares two extracted Documents and explains the change:
// word-level edits per section, substitutions made throughout ("Twitter" →
// "X" ×37), statistics and a class.
//
// diff imports only extract; it does no network and no database access.
package diff

import "fmt"

// Result is the comparison of an old and a new Document.
type Result struct {
	Stats         Stats          `json:"stats"`
	Substitutions []Substitution `json:"substitutions"`
	// CaseChanges counts edits that only change letter case ("Information"
	// → "information"): reported apart, as they never change a meaning.
	CaseChanges int       `json:"case_changes"`
	Class       Class     `json:"class"`
	Sections    []Section `json:"sections"`

	notes []string // class-specific reasons found while classifying
}

// Stats counts words of the new document against the old one, headings
// included. A word is a run of letters and digits (with inner apostrophes:
// "Twitter's" is one word); "Off-Twitter" is two. Unchanged + Removed is
// the old document's word count, Unchanged + Added the new one's.
//
// A word whose edit only changes its style (quote or dash form, letter
// case) counts as unchanged. SectionsChanged counts sections that are not
// Unchanged (moved ones included); Similarity is the share of words kept,
// 2 × unchanged ÷ (old + new words), in percent.
type Stats struct {
	WordsAdded      int     `json:"words_added"`
	WordsRemoved    int     `json:"words_removed"`
	WordsUnchanged  int     `json:"words_unchanged"`
	SectionsChanged int     `json:"sections_changed"`
	Similarity      float64 `json:"similarity"`
}

// Substitution is a word or short phrase replaced consistently by another.
// InLinks marks words replaced inside link targets (a URL's path), which
// a reader does not see as text.
type Substitution struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Count   int    `json:"count"`
	InLinks bool   `json:"in_links,omitempty"`
}

// String writes the substitution as "Twitter → X ×37", with "in links"
// after one made inside link targets.
func (s Substitution) String() string {
	out := fmt.Sprintf("%s → %s ×%d", s.From, s.To, s.Count)
	if s.InLinks {
		out += " in links"
	}
	return out
}

// Class says what kind of change a Result is.
type Class string

const (
	Identical   Class = "identical"   // no difference at all
	Cosmetic    Class = "cosmetic"    // only whitespace, punctuation style or formatting
	Rebrand     Class = "rebrand"     // every edit is one of the substitutions
	Editorial   Class = "editorial"   // a few small wording edits, none touching a number, modal or negation
	Substantive Class = "substantive" // wording added, removed or rewritten
)

// Status says what happened to a section or a paragraph.
type Status string

const (
	Unchanged Status = "unchanged"
	Changed   Status = "changed"
	Added     Status = "added"
	Removed   Status = "removed"
)

// Section is one section of the old and/or new document, with its paragraphs.
// Path is the new document's, or the old one's for a Removed section.
// Heading holds the word edits of the section's own heading when an aligned
// section's heading was reworded ("… on Twitter" → "… on X"); it is empty
// when the heading did not change.
//
// OldIndex and NewIndex are the section's positions in the old and new
// documents (-1 where absent). A section found elsewhere in the new
// document is Moved; one whose heading path changed has OldPath.
type Section struct {
	Path       []string    `json:"path"`
	OldPath    []string    `json:"old_path,omitempty"`
	Status     Status      `json:"status"`
	Moved      bool        `json:"moved,omitempty"`
	OldIndex   int         `json:"old_index"`
	NewIndex   int         `json:"new_index"`
	Heading    []Op        `json:"heading,omitempty"`
	Paragraphs []Paragraph `json:"paragraphs"`
}

// Paragraph is one block (a paragraph, list item, table row) of the old
// and/or new document, as a sequence of edits.
type Paragraph struct {
	Status Status `json:"status"`
	Ops    []Op   `json:"ops"`
}

// OpKind is the kind of one edit.
type OpKind string

const (
	Equal  OpKind = "equal"
	Insert OpKind = "insert"
	Delete OpKind = "delete"
)

// Op is one run of text that is in both documents (Equal), only in the new
// one (Insert) or only in the old one (Delete).
//
// Folded marks a Delete or Insert op that the default view folds away:
// "substitution" when the edit is one of the Result's substitutions,
// "style" when it changes only whitespace, quote or dash style or letter
// case. It is empty for every other op.
type Op struct {
	Kind   OpKind `json:"op"`
	Text   string `json:"text"`
	Folded string `json:"folded,omitempty"`
	// Words counts the words of Text that are text (not a link target),
	// as the statistics count them.
	Words int `json:"-"`
}

// Reasons for folding an op.
const (
	FoldedSubstitution = "substitution"
	FoldedStyle        = "style"
)
