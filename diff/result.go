// Package diff compares two extracted Documents and explains the change:
// word-level edits per section, substitutions made throughout ("Twitter" →
// "X" ×37), statistics and a class.
//
// diff imports only extract; it does no network and no database access.
package diff

// Result is the comparison of an old and a new Document.
type Result struct {
	Stats         Stats          `json:"stats"`
	Substitutions []Substitution `json:"substitutions"`
	Class         Class          `json:"class"`
	Sections      []Section      `json:"sections"`
}

// Stats counts words of the new document against the old one, headings
// included. A word is a run of letters and digits (with inner apostrophes:
// "Twitter's" is one word); "Off-Twitter" is two. Unchanged + Removed is
// the old document's word count, Unchanged + Added the new one's.
type Stats struct {
	WordsAdded     int `json:"words_added"`
	WordsRemoved   int `json:"words_removed"`
	WordsUnchanged int `json:"words_unchanged"`
}

// Substitution is a word or short phrase replaced consistently by another.
type Substitution struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

// Class says what kind of change a Result is.
type Class string

const (
	Identical   Class = "identical"   // no difference at all
	Cosmetic    Class = "cosmetic"    // only whitespace, punctuation style or formatting
	Rebrand     Class = "rebrand"     // every edit is one of the substitutions
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
type Section struct {
	Path       []string    `json:"path"`
	Status     Status      `json:"status"`
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
type Op struct {
	Kind OpKind `json:"op"`
	Text string `json:"text"`
}
