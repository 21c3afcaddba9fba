package diff

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxPhraseWords is the most words either side of a substitution may have.
const maxPhraseWords = 3

// minSubstitutions is how often a replacement must occur to be reported:
// a swap made in two places or more is a pattern ("Twitter" → "X" ×40),
// while a single "may" → "will" is an ordinary edit and stays substantive.
const minSubstitutions = 2

type pair struct{ from, to string }

// substitutionPair returns the (from, to) an edit counts as, if it replaces
// 1–3 words by 1–3 words and is more than a change of style. Punctuation at
// either end is dropped and whitespace collapsed ("Twitter," → "X" counts
// as "Twitter" → "X"), and so is a possessive on both sides, so
// "Twitter's" → "X's" counts as "Twitter" → "X".
func substitutionPair(e edit) (pair, bool) {
	if e.fromWords < 1 || e.fromWords > maxPhraseWords || e.toWords < 1 || e.toWords > maxPhraseWords {
		return pair{}, false
	}
	if foldStyle(e.from) == foldStyle(e.to) {
		return pair{}, false
	}
	from, to := phrase(e.from), phrase(e.to)
	if f, ok := cutPossessive(from); ok {
		if t, ok := cutPossessive(to); ok {
			from, to = f, t
		}
	}
	return pair{from, to}, true
}

// phrase is s from its first word to its last, whitespace collapsed.
func phrase(s string) string {
	tokens := tokenize(s)
	for len(tokens) > 0 && !isWord(tokens[0]) {
		tokens = tokens[1:]
	}
	for len(tokens) > 0 && !isWord(tokens[len(tokens)-1]) {
		tokens = tokens[:len(tokens)-1]
	}
	return strings.Join(strings.Fields(strings.Join(tokens, "")), " ")
}

func cutPossessive(s string) (string, bool) {
	for _, suffix := range []string{"'s", "’s"} {
		if base, ok := strings.CutSuffix(s, suffix); ok && base != "" {
			return base, true
		}
	}
	return s, false
}

// findSubstitutions counts the short replacements among the edits: each
// run of deleted text next to inserted text (a Delete and Insert op side by
// side in the raw word diff) whose sides have 1–3 words. A plural pair
// folds into its singular when that is seen too ("Tweets" → "posts" counts
// as "Tweet" → "post"). Pairs seen at least minSubstitutions times are
// reported, by count descending, then from, then to. covered tells whether
// an edit is one of the reported substitutions.
func findSubstitutions(edits []edit) ([]Substitution, func(edit) bool) {
	counts := map[pair]int{}
	for _, e := range edits {
		if p, ok := substitutionPair(e); ok {
			counts[p]++
		}
	}
	plurals := map[pair]pair{}
	for p := range counts {
		from, fromPlural := strings.CutSuffix(p.from, "s")
		to, toPlural := strings.CutSuffix(p.to, "s")
		singular := pair{from, to}
		if fromPlural && toPlural && from != "" && to != "" && counts[singular] > 0 {
			plurals[p] = singular
		}
	}
	for plural, singular := range plurals {
		counts[singular] += counts[plural]
		delete(counts, plural)
	}

	subs := []Substitution{}
	for p, n := range counts {
		if n >= minSubstitutions {
			subs = append(subs, Substitution{From: p.from, To: p.to, Count: n})
		}
	}
	slices.SortFunc(subs, func(a, b Substitution) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
	})
	covered := func(e edit) bool {
		p, ok := substitutionPair(e)
		if !ok {
			return false
		}
		if singular, ok := plurals[p]; ok {
			p = singular
		}
		return counts[p] >= minSubstitutions
	}
	return subs, covered
}

// classify decides the class of a comparison from its edits:
// Identical without any; Cosmetic when every edit, or the documents' whole
// texts, compare equal once quote, dash and space styles are folded;
// Rebrand when every other edit is a reported substitution; Substantive
// otherwise.
func classify(edits []edit, covered func(edit) bool, hasSubstitutions bool, olds, news []*section) Class {
	if len(edits) == 0 {
		return Identical
	}
	cosmetic := true
	rebrand := hasSubstitutions
	for _, e := range edits {
		if foldStyle(e.from) == foldStyle(e.to) {
			continue
		}
		cosmetic = false
		if !covered(e) {
			rebrand = false
			break
		}
	}
	switch {
	case cosmetic:
		return Cosmetic
	case rebrand:
		return Rebrand
	case sameLetters(olds, news) && foldedText(olds) == foldedText(news):
		return Cosmetic
	default:
		return Substantive
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
