package diff

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxPhraseWords is the most words either side of a substitution may have.
const maxPhraseWords = 3

// minSubstitutions is how often a replacement must occur to be reported:
// a swap made in two places or more is a pattern ("Twitter" → "X" ×40),
// while a single "may" → "will" is an ordinary edit and stays substantive.
const minSubstitutions = 2

// pair is a substitution's key: what was replaced, by what, and whether
// inside link targets.
type pair struct {
	from, to string
	inLink   bool
}

// substitutionPair returns the (from, to) an edit counts as, if it replaces
// 1–3 words by 1–3 words and is more than a change of style or letter case.
// Punctuation at either end is dropped and whitespace collapsed ("Twitter,"
// → "X" counts as "Twitter" → "X"), and so is a possessive on both sides,
// so "Twitter's" → "X's" counts as "Twitter" → "X". A word replaced inside
// a domain name ("help.twitter.com" → "help.x.com") counts as the domain:
// "twitter.com" → "x.com". Other words replaced inside link targets
// ("/using-twitter/" → "/using-x/") are counted apart from the same words
// in the text.
func substitutionPair(e edit) (pair, bool) {
	if e.fromWords < 1 || e.fromWords > maxPhraseWords || e.toWords < 1 || e.toWords > maxPhraseWords {
		return pair{}, false
	}
	if cosmeticEdit(e) {
		return pair{}, false
	}
	from, to := phrase(e.from), phrase(e.to)
	if tld, ok := domainSuffix(e, from, to); ok {
		return pair{from: from + tld, to: to + tld}, true
	}
	if f, ok := cutPossessive(from); ok {
		if t, ok := cutPossessive(to); ok {
			from, to = f, t
		}
	}
	return pair{from, to, e.inLink}, true
}

// topLevelDomain is a dot and a lowercase top-level domain at the start of
// the text after an edit, ending there or before a non-letter.
var topLevelDomain = regexp.MustCompile(`^\.[a-z]{2,6}(?:$|[^A-Za-z0-9])`)

// domainSuffix says whether an edit replaces the name of a domain: one
// lowercase word each side, followed by ".com" or another top-level domain,
// and preceded by nothing, a dot (a subdomain), a slash, a bracket, an @
// or a space. It
// returns the ".com".
func domainSuffix(e edit, from, to string) (string, bool) {
	if e.fromWords != 1 || e.toWords != 1 || from != e.from || to != e.to ||
		from != strings.ToLower(from) || to != strings.ToLower(to) {
		return "", false
	}
	m := topLevelDomain.FindString(e.after)
	if m == "" {
		return "", false
	}
	if e.before != "" && !strings.ContainsAny(e.before[len(e.before)-1:], "./(@ \t\n") {
		return "", false
	}
	if last := m[len(m)-1]; last < 'a' || last > 'z' {
		m = m[:len(m)-1]
	}
	return m, true
}

// cosmeticEdit says whether an edit changes only style: whitespace, quote
// and dash forms, letter case, or Markdown formatting marks.
func cosmeticEdit(e edit) bool {
	if !sameLettersIgnoringCase(e.from, e.to) {
		return false // style folding never changes letters or digits
	}
	if e.fromWords == 0 && e.toWords == 0 && onlyMarkup(e.from) && onlyMarkup(e.to) {
		return true // a list marker, emphasis or table bar added or removed
	}
	from, to := foldStyle(e.from), foldStyle(e.to)
	return from == to || strings.EqualFold(from, to)
}

// onlyMarkup says whether s is made only of Markdown formatting marks and
// spaces: list markers, emphasis, table bars, heading and quote marks.
func onlyMarkup(s string) bool {
	return strings.Trim(s, "-*_#|>+` \t\n") == ""
}

// sameLettersIgnoringCase says whether a and b have the same letters and
// digits in the same order, ignoring case.
func sameLettersIgnoringCase(a, b string) bool {
	i, j := 0, 0
	for {
		var ra, rb rune = -1, -1
		for i < len(a) {
			r, n := utf8.DecodeRuneInString(a[i:])
			i += n
			if isWordRune(r) {
				ra = r
				break
			}
		}
		for j < len(b) {
			r, n := utf8.DecodeRuneInString(b[j:])
			j += n
			if isWordRune(r) {
				rb = r
				break
			}
		}
		if ra != rb && unicode.ToLower(ra) != unicode.ToLower(rb) {
			return false
		}
		if ra < 0 {
			return true
		}
	}
}

// caseOnlyEdit says whether an edit changes letter case and nothing else
// but style.
func caseOnlyEdit(e edit) bool {
	if !sameLettersIgnoringCase(e.from, e.to) {
		return false // as in cosmeticEdit: folding style never changes letters
	}
	from, to := foldStyle(e.from), foldStyle(e.to)
	return from != to && strings.EqualFold(from, to)
}

// countCaseChanges counts the edits that only change letter case.
func countCaseChanges(edits []edit) int {
	n := 0
	for _, e := range edits {
		if caseOnlyEdit(e) {
			n++
		}
	}
	return n
}

// phrase is s from its first word to its last, whitespace collapsed.
func phrase(s string) string {
	// Most edits are a word or a few words apart by single spaces: their
	// phrase is a substring, found without building tokens.
	start, end := -1, 0
	for i := 0; i < len(s); {
		next := tokenEnd(s, i)
		if isWord(s[i:next]) {
			if start < 0 {
				start = i
			}
			end = next
		}
		i = next
	}
	if start < 0 {
		return ""
	}
	if trimmed := s[start:end]; !hasSpaceOtherThanSingle(trimmed) {
		return trimmed
	}
	tokens := tokenize(s)
	for len(tokens) > 0 && !isWord(tokens[0]) {
		tokens = tokens[1:]
	}
	for len(tokens) > 0 && !isWord(tokens[len(tokens)-1]) {
		tokens = tokens[:len(tokens)-1]
	}
	return strings.Join(strings.Fields(strings.Join(tokens, "")), " ")
}

// hasSpaceOtherThanSingle says whether s holds whitespace that
// strings.Fields would change: anything but single ASCII spaces.
func hasSpaceOtherThanSingle(s string) bool {
	for i, r := range s {
		switch {
		case r == ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return true
			}
		case unicode.IsSpace(r):
			return true
		}
	}
	return false
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
	inflected := map[pair]pair{}
	for p := range counts {
		if base, ok := inflectionBase(p, counts); ok {
			inflected[p] = base
		}
	}
	for form, base := range inflected {
		counts[base] += counts[form]
		delete(counts, form)
	}

	subs := []Substitution{}
	for p, n := range counts {
		if n >= minSubstitutions {
			subs = append(subs, Substitution{From: p.from, To: p.to, Count: n, InLinks: p.inLink})
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
		if base, ok := inflected[p]; ok {
			p = base
		}
		return counts[p] >= minSubstitutions
	}
	return subs, covered
}

// inflections are the word endings an inflected pair may share.
var inflections = []string{"s", "es", "ed", "d", "ing"}

// inflectionBase returns the base pair an inflected pair folds into: both
// sides end in the same inflection, and the pair without it was seen.
func inflectionBase(p pair, counts map[pair]int) (pair, bool) {
	for _, suffix := range inflections {
		from, fromOK := strings.CutSuffix(p.from, suffix)
		to, toOK := strings.CutSuffix(p.to, suffix)
		base := pair{from, to, p.inLink}
		if fromOK && toOK && from != "" && to != "" && base != p && counts[base] > 0 {
			return base, true
		}
	}
	return pair{}, false
}
