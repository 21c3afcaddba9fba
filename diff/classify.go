package diff

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// classify decides the class of a comparison from its edits:
// Identical without any (Editorial when sections moved); Cosmetic when every edit, or the documents' whole
// texts, compare equal once quote, dash, space styles and letter case are
// folded, or when an edit only re-keys identifiers in link targets; Rebrand when every other edit is a reported substitution;
// Editorial when the edits left are few and small (see editorialNotes);
// Substantive otherwise. notes explain an Editorial or Substantive class
// beyond the counts Reasons gives.
func classify(edits []edit, covered func(edit) bool, hasSubstitutions bool, olds, news []*section, sections []Section) (Class, []string) {
	if len(edits) == 0 {
		for _, s := range sections {
			if s.Moved {
				// The same words in another order: no wording changed,
				// but the document reads differently.
				return Editorial, []string{"sections moved, their text unchanged"}
			}
		}
		return Identical, nil
	}
	var rest []edit // edits neither cosmetic nor covered by a substitution
	cosmetic, rekeyed := true, false
	for _, e := range edits {
		if e.rotating {
			rekeyed = true
			continue
		}
		if cosmeticEdit(e) {
			continue
		}
		cosmetic = false
		if !covered(e) {
			rest = append(rest, e)
		}
	}
	switch {
	case cosmetic && rekeyed:
		return Cosmetic, []string{"only identifiers that change on every fetch changed, in link targets"}
	case cosmetic:
		return Cosmetic, nil
	case len(rest) == 0 && hasSubstitutions:
		return Rebrand, nil
	case sameLetters(olds, news) && strings.EqualFold(foldedText(olds), foldedText(news)):
		return Cosmetic, nil
	}
	for _, s := range sections {
		if s.Status == Added || s.Status == Removed {
			return Substantive, nil
		}
	}
	if notes, editorial := editorialNotes(rest); editorial {
		return Editorial, notes
	} else {
		return Substantive, notes
	}
}

// Limits of an editorial change: each edit replaces, adds or removes at
// most editorialEditWords words, and all of them together at most
// editorialTotalWords.
const (
	editorialEditWords  = 4
	editorialTotalWords = 20
)

// meaningWords are words whose change alters what a policy allows or
// requires, however small the edit: modals, negations and quantifiers.
var meaningWords = map[string]bool{
	"may": true, "might": true, "will": true, "would": true, "shall": true, "should": true, "must": true,
	"can": true, "cannot": true, "could": true, "not": true, "no": true, "never": true, "none": true,
	"nor": true, "only": true, "all": true, "any": true, "every": true, "always": true, "without": true,
	"except": true, "unless": true, "don't": true, "won't": true, "can't": true, "isn't": true, "aren't": true,
}

// editorialNotes says whether edits are a small editorial touch and
// explains why they are or are not.
func editorialNotes(edits []edit) ([]string, bool) {
	total := 0
	var big int
	var meaning []string
	for _, e := range edits {
		words := max(e.fromWords, e.toWords)
		total += words
		if words > editorialEditWords {
			big++
		}
		if words <= editorialEditWords && touchesMeaning(e) {
			meaning = append(meaning, describeEdit(e))
		}
	}
	var notes []string
	if big > 0 {
		notes = append(notes, fmt.Sprintf("%s of more than %d words", plural(big, "passage"), editorialEditWords)+" added, removed or rewritten")
	}
	if len(meaning) > 0 {
		const shown = 3
		if len(meaning) > shown {
			meaning = append(meaning[:shown], "…")
		}
		notes = append(notes, "changes a number, modal, negation or quantifier: "+strings.Join(meaning, ", "))
	}
	if big == 0 && total > editorialTotalWords {
		notes = append(notes, fmt.Sprintf("%d words edited in small edits, more than %d", total, editorialTotalWords))
	}
	if len(notes) > 0 {
		return notes, false
	}
	return []string{fmt.Sprintf("%s of at most %d words, none changing a number, modal or negation", plural(len(edits), "small wording edit"), editorialEditWords)}, true
}

// touchesMeaning says whether an edit adds, removes or replaces a number
// or one of the meaningWords.
func touchesMeaning(e edit) bool {
	for _, text := range []string{e.from, e.to} {
		for _, t := range tokenize(text) {
			if !isWord(t) {
				continue
			}
			if t[0] >= '0' && t[0] <= '9' || meaningWords[strings.ReplaceAll(strings.ToLower(t), "’", "'")] {
				return true
			}
		}
	}
	return false
}

// describeEdit writes an edit as "from → to", "+added" or "−removed".
func describeEdit(e edit) string {
	from, to := phrase(e.from), phrase(e.to)
	switch {
	case from == "":
		return "+“" + to + "”"
	case to == "":
		return "−“" + from + "”"
	default:
		return "“" + from + "” → “" + to + "”"
	}
}

// foldedText is a document's headings and blocks in order, style-folded,
// so that a paragraph split or joined without other change is cosmetic.
func foldedText(sections []*section) string {
	var b strings.Builder
	for _, s := range sections {
		b.WriteString(s.heading)
		b.WriteByte('\n')
		for _, t := range s.texts {
			b.WriteString(t)
			b.WriteByte('\n')
		}
	}
	return foldStyle(b.String())
}

// sameLetters says whether two documents have the same letters and digits
// in the same order, which style folding never changes: a cheap test that
// rules most documents out before foldedText builds their whole texts.
func sameLetters(olds, news []*section) bool {
	a, b := letterCursor{sections: olds}, letterCursor{sections: news}
	for {
		ra, okA := a.next()
		rb, okB := b.next()
		if ra != rb || okA != okB {
			return false
		}
		if !okA {
			return true
		}
	}
}

// letterCursor walks the letters, digits and marks of sections' headings
// and blocks in order.
type letterCursor struct {
	sections []*section
	section  int
	text     int // -1 for the heading, then block indices
	offset   int
	started  bool
}

func (c *letterCursor) current() (string, bool) {
	for c.section < len(c.sections) {
		s := c.sections[c.section]
		if !c.started {
			c.text, c.offset, c.started = -1, 0, true
		}
		if c.text == -1 && c.offset < len(s.heading) {
			return s.heading, true
		}
		if c.text == -1 {
			c.text, c.offset = 0, 0
		}
		for c.text < len(s.texts) && c.offset >= len(s.texts[c.text]) {
			c.text, c.offset = c.text+1, 0
		}
		if c.text < len(s.texts) {
			return s.texts[c.text], true
		}
		c.section, c.started = c.section+1, false
	}
	return "", false
}

func (c *letterCursor) next() (rune, bool) {
	for {
		text, ok := c.current()
		if !ok {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(text[c.offset:])
		c.offset += size
		if isWordRune(r) {
			return r, true
		}
	}
}
