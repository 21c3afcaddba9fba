package diff

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Story is a change told for a reader who has not seen the diff: which
// sections were added, removed, renamed, moved or rewritten (with word
// counts), the substitutions made throughout, the sentences saying when
// the new text takes effect, and the first sentences whose wording
// changed. Line is all of it in one short line, for lists and feed titles.
type Story struct {
	Class         Class           `json:"class"`
	Magnitude     Magnitude       `json:"magnitude,omitempty"`
	Line          string          `json:"line"`
	Sections      []SectionChange `json:"sections,omitempty"`
	Substitutions []Substitution  `json:"substitutions,omitempty"`
	// Effective are the new or reworded sentences that date the text:
	// "This version … will go into effect on September 22, 2023."
	Effective []string `json:"effective,omitempty"`
	// Sentences are the first few sentences with edits, in document order.
	Sentences []ChangedSentence `json:"sentences,omitempty"`
}

// Magnitude says how much of a document a change touches.
type Magnitude string

const (
	Minor Magnitude = "minor"
	Major Magnitude = "major"
)

// SectionChange is what happened to one section. Kind is "added",
// "removed", "renamed", "moved", "rewritten", "links" for a section whose
// only edits are link targets, or "substituted" for one whose only edits
// are the substitutions made throughout; a
// section renamed or moved and also rewritten is told once, as rewritten,
// with OldHeading set.
// Words count the section's own edits, substitutions and style aside.
type SectionChange struct {
	Kind         string `json:"kind"`
	Heading      string `json:"heading"`
	OldHeading   string `json:"old_heading,omitempty"`
	WordsAdded   int    `json:"words_added,omitempty"`
	WordsRemoved int    `json:"words_removed,omitempty"`
}

// ChangedSentence is a sentence with edits: New as it reads now (empty
// when removed), Old as it read before (empty when added).
type ChangedSentence struct {
	Section string `json:"section"`
	Old     string `json:"old,omitempty"`
	New     string `json:"new,omitempty"`
}

// Story limits: how many sentences a story quotes, and how many sections
// and substitutions its line names.
const (
	storySentences     = 5
	storyLineSections  = 3
	storyLineSubs      = 3
	maxSentenceLength  = 400
	minSentenceWords   = 3
	untitledSectionKey = "the opening text"
)

// Story tells the change. It reads only the Result: computing it is cheap
// beside the comparison itself.
func (r *Result) Story() Story {
	s := Story{Class: r.Class, Substitutions: r.Substitutions}
	if !r.Changed() {
		s.Line = "no change"
		return s
	}
	var changedWords, oldWords, touched, structural int
	for _, sec := range r.Sections {
		change, added, removed, unchanged := sectionChange(sec)
		changedWords += added + removed
		oldWords += removed + unchanged
		if change.Kind != "" {
			s.Sections = append(s.Sections, change)
			if change.Kind != "substituted" {
				touched++ // a rebrand touches every section, and changes none
			}
			if change.Kind == "added" || change.Kind == "removed" {
				structural++
			}
		}
		s.Effective = append(s.Effective, effectiveSentences(sec)...)
		if len(s.Sentences) < storySentences {
			s.Sentences = append(s.Sentences, changedSentences(sec, storySentences-len(s.Sentences))...)
		}
	}
	s.Effective = uniqueStrings(s.Effective)
	// What is coming before what was: "will go into effect on …" is the
	// news; an "Effective: …" line may date the old text kept beside it.
	slices.SortStableFunc(s.Effective, func(a, b string) int { return comingFirst(a) - comingFirst(b) })
	if r.Class != Cosmetic {
		s.Magnitude = magnitude(changedWords, oldWords, touched, structural)
	}
	s.Line = s.line(r)
	return s
}

// Thresholds of a major change: a tenth of the text, 300 words, five
// sections touched, or two sections added or removed.
const (
	majorShare      = 0.10
	majorWords      = 300
	majorSections   = 5
	majorStructural = 2
)

func magnitude(changedWords, oldWords, touched, structural int) Magnitude {
	if changedWords >= majorWords || touched >= majorSections || structural >= majorStructural ||
		oldWords > 0 && float64(changedWords) >= majorShare*float64(oldWords) {
		return Major
	}
	return Minor
}

// sectionChange says what happened to a section, and counts its words
// added, removed and kept (substitutions and restyling count as kept).
// The heading's words are the section's name, not its text: a new name is
// told as a rename (OldHeading), never counted as words of the section
// added or removed, so "Contact" renamed "Getting in touch" over the same
// text is renamed, not rewritten.
func sectionChange(sec Section) (change SectionChange, added, removed, unchanged int) {
	substituted, edited := false, false
	count := func(ops []Op) {
		for _, op := range ops {
			n := op.Words
			switch {
			case op.Kind == Equal:
				unchanged += n
			case op.Folded != "":
				substituted = substituted || op.Folded == FoldedSubstitution
				if op.Kind == Delete {
					unchanged += n
				}
			case op.Kind == Insert:
				edited = true
				added += n
			default:
				edited = true
				removed += n
			}
		}
	}
	for _, op := range sec.Heading {
		switch {
		case op.Kind == Equal:
			unchanged += op.Words
		case op.Folded == FoldedSubstitution:
			substituted = true
			if op.Kind == Delete {
				unchanged += op.Words
			}
		}
	}
	for _, p := range sec.Paragraphs {
		count(p.Ops)
	}
	heading := sectionHeading(sec.Path)
	change.Heading = heading
	renamed := len(sec.OldPath) > 0 && sectionHeading(sec.OldPath) != heading && !onlyFolded(sec.Heading)
	switch {
	case sec.Status == Added:
		change.Kind = "added"
	case sec.Status == Removed:
		change.Kind = "removed"
	case added+removed > 0:
		change.Kind = "rewritten"
	case edited:
		change.Kind = "links" // only link targets changed: no word of the text
	case renamed:
		change.Kind = "renamed"
	case sec.Moved:
		change.Kind = "moved"
	case substituted:
		change.Kind = "substituted"
	}
	if renamed && change.Kind != "added" && change.Kind != "removed" {
		change.OldHeading = sectionHeading(sec.OldPath)
	}
	if change.Kind != "" {
		change.WordsAdded, change.WordsRemoved = added, removed
	}
	return change, added, removed, unchanged
}

// onlyFolded says whether every edit of ops is folded away (a heading
// reworded only by a substitution is not renamed in the story).
func onlyFolded(ops []Op) bool {
	for _, op := range ops {
		if op.Kind != Equal && op.Folded == "" {
			return false
		}
	}
	return true
}

func sectionHeading(path []string) string {
	if len(path) == 0 || path[len(path)-1] == "" {
		return untitledSectionKey
	}
	return path[len(path)-1]
}

// line writes the story in one line: structure first, then rewrites by
// size, then substitutions, then the word counts.
func (s Story) line(r *Result) string {
	if r.Class == Cosmetic {
		if len(r.notes) > 0 {
			return "Style only: " + r.notes[0]
		}
		return "Style only: whitespace, punctuation or formatting"
	}
	var parts []string
	byKind := map[string][]SectionChange{}
	for _, c := range s.Sections {
		byKind[c.Kind] = append(byKind[c.Kind], c)
	}
	name := func(c SectionChange) string { return "‘" + c.Heading + "’" }
	list := func(verb string, changes []SectionChange) {
		if len(changes) == 0 {
			return
		}
		var names []string
		for i, c := range changes {
			if i == storyLineSections {
				names = append(names, fmt.Sprintf("%d more", len(changes)-i))
				break
			}
			names = append(names, name(c))
		}
		parts = append(parts, verb+" "+joinAnd(names))
	}
	list("Added", byKind["added"])
	list("Removed", byKind["removed"])
	for i, c := range byKind["renamed"] {
		if i == storyLineSections {
			parts = append(parts, plural(len(byKind["renamed"])-i, "more section")+" renamed")
			break
		}
		parts = append(parts, "‘"+c.OldHeading+"’ renamed "+name(c))
	}
	rewritten := slices.Clone(byKind["rewritten"])
	slices.SortStableFunc(rewritten, func(a, b SectionChange) int {
		return (b.WordsAdded + b.WordsRemoved) - (a.WordsAdded + a.WordsRemoved)
	})
	for i, c := range rewritten {
		if i == storyLineSections {
			parts = append(parts, plural(len(rewritten)-i, "more section")+" edited")
			break
		}
		what := name(c) + " rewritten"
		if c.OldHeading != "" {
			what = "‘" + c.OldHeading + "’ renamed " + name(c) + " and rewritten"
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", what, wordCounts(c.WordsAdded, c.WordsRemoved)))
	}
	list("Links changed in", byKind["links"])
	list("Moved", byKind["moved"])
	for i, sub := range s.Substitutions {
		if i == storyLineSubs {
			parts = append(parts, plural(len(s.Substitutions)-i, "more substitution"))
			break
		}
		parts = append(parts, sub.String())
	}
	if len(parts) == 0 {
		parts = append(parts, "punctuation or symbols changed")
	}
	return strings.Join(parts, "; ")
}

func wordCounts(added, removed int) string {
	switch {
	case removed == 0:
		return fmt.Sprintf("+%d words", added)
	case added == 0:
		return fmt.Sprintf("−%d words", removed)
	}
	return fmt.Sprintf("+%d −%d words", added, removed)
}

func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func uniqueStrings(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// effectiveDate finds the sentences that date a policy: "effective",
// "goes into effect", "takes effect", "comes into force", "last updated",
// with a date in them.
var (
	effectiveWords = regexp.MustCompile(`(?i)\b(effective|in(?:to)? effect|take[sn]? effect|into force|last (?:updated|modified|revised)|updated on|valid from)\b`)
	dateInSentence = regexp.MustCompile(`(?i)\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b`)
)

var comingEffect = regexp.MustCompile(`(?i)\b(will|shall) (go|come|take)\b|\bgoes into effect\b|\btakes effect\b`)

func comingFirst(sentence string) int {
	if comingEffect.MatchString(sentence) {
		return 0
	}
	return 1
}

// effectiveSentences are the dating sentences of a section's new text that
// are new or reworded.
func effectiveSentences(sec Section) []string {
	var out []string
	for _, p := range sec.Paragraphs {
		if p.Status == Unchanged || p.Status == Removed {
			continue
		}
		for _, sent := range sentencesOf(p.Ops, false) {
			if sent.edited && effectiveWords.MatchString(sent.text) && dateInSentence.MatchString(sent.text) {
				out = append(out, sent.text)
			}
		}
	}
	return out
}

// changedSentences are up to limit sentences of a section with edits that
// are not folded away, each with its old and new wording.
func changedSentences(sec Section, limit int) []ChangedSentence {
	var out []ChangedSentence
	heading := sectionHeading(sec.Path)
	for _, p := range sec.Paragraphs {
		if p.Status == Unchanged {
			continue
		}
		olds, news := sentencesOf(p.Ops, true), sentencesOf(p.Ops, false)
		for i, n := range news {
			if !n.edited {
				continue
			}
			c := ChangedSentence{Section: heading, New: n.text}
			if old, ok := matchingSentence(olds, n, i); ok {
				c.Old = old
			}
			out = append(out, c)
			if len(out) == limit {
				return out
			}
		}
		if p.Status == Removed || len(news) == 0 {
			for _, o := range olds {
				if o.edited {
					out = append(out, ChangedSentence{Section: heading, Old: o.text})
					if len(out) == limit {
						return out
					}
				}
			}
		}
	}
	return out
}

// matchingSentence is the old sentence at the same place as a new one
// (the paragraph's i-th), when it was edited too and is not the same text.
func matchingSentence(olds []sentence, n sentence, i int) (string, bool) {
	if i >= len(olds) || !olds[i].edited || olds[i].text == n.text {
		return "", false
	}
	return olds[i].text, true
}

// sentence is one sentence of a paragraph's old or new text, in plain
// text, and whether an edit that is not folded away touches it.
type sentence struct {
	text   string
	edited bool
}

// sentencesOf splits the old (Equal and Delete ops) or new (Equal and
// Insert ops) text of a paragraph into sentences.
func sentencesOf(ops []Op, old bool) []sentence {
	var text strings.Builder
	type span struct{ start, end int }
	var edits []span
	for _, op := range ops {
		if op.Kind == Insert && old || op.Kind == Delete && !old {
			continue
		}
		start := text.Len()
		text.WriteString(op.Text)
		if op.Kind != Equal && op.Folded == "" && op.Words > 0 {
			edits = append(edits, span{start, text.Len()})
		}
	}
	full := text.String()
	var out []sentence
	for _, b := range sentenceBounds(full) {
		edited := false
		for _, e := range edits {
			if e.start < b[1] && e.end > b[0] {
				edited = true
				break
			}
		}
		plain := plainText(full[b[0]:b[1]])
		if countWords(plain) < minSentenceWords {
			continue // a table's header cell, a lone date: not worth quoting
		}
		if len(plain) > maxSentenceLength {
			plain = strings.ToValidUTF8(plain[:maxSentenceLength], "") + "…"
		}
		out = append(out, sentence{text: plain, edited: edited})
	}
	return out
}

// sentenceBounds cuts text after '.', '!' or '?' followed by a space and
// a capital letter, digit or opening mark, leaving common abbreviations
// ("e.g.", "Inc.") whole.
func sentenceBounds(text string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(text)-1; i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' || text[i+1] != ' ' {
			continue
		}
		next := i + 2
		for next < len(text) && text[next] == ' ' {
			next++
		}
		if next >= len(text) || !startsSentence(text[next:]) || c == '.' && isAbbreviation(text[start:i+1]) {
			continue
		}
		out = append(out, [2]int{start, i + 1})
		start = next
	}
	return append(out, [2]int{start, len(text)})
}

func startsSentence(s string) bool {
	c := s[0]
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '"' || c == '[' || c == '(' || c == '*' || c >= 0x80
}

var abbreviations = []string{"e.g.", "i.e.", "etc.", "inc.", "ltd.", "co.", "corp.", "u.s.", "no.", "vs.", "mr.", "ms.", "dr.", "st."}

func isAbbreviation(s string) bool {
	lower := strings.ToLower(s)
	for _, a := range abbreviations {
		if strings.HasSuffix(lower, a) && (len(lower) == len(a) || !isWordByte(lower[len(lower)-len(a)-1])) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

var (
	storyLinkSyntax = regexp.MustCompile(`\[((?:[^\[\]\\]|\\.)*)\]\((?:<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)`)
	markdownMarks   = strings.NewReplacer("**", "", "__", "", "\\", "", "`", "")
)

// plainText is a sentence of canonical Markdown as a reader reads it:
// link text without the target, no emphasis marks, list markers dropped,
// a table row's cells separated by " · ".
func plainText(s string) string {
	s = storyLinkSyntax.ReplaceAllString(s, "$1")
	s = markdownMarks.Replace(s)
	if strings.HasPrefix(s, "| ") {
		s = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(s, "| ")), "|")
		s = strings.ReplaceAll(s, " | ", " · ")
	}
	s = strings.TrimLeft(s, " -#>")
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && strings.HasPrefix(s[i:], ". ") {
		s = s[i+2:] // "1. " of an ordered list
	}
	return strings.Join(strings.Fields(s), " ")
}
