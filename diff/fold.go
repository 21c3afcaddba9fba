package diff

import (
	"slices"
	"strings"
)

// markFolded sets Op.Folded on the Delete and Insert ops of every heading
// and paragraph whose edit is a reported substitution or a change of style
// only. An edit is a Delete op, an Insert op, or a Delete op followed by an
// Insert op; its context is the Equal ops around it, as for the edits the
// substitutions were counted on.
func markFolded(r *Result, covered func(edit) bool) {
	for i := range r.Sections {
		s := &r.Sections[i]
		markOps(s.Heading, covered)
		for k := range s.Paragraphs {
			if s.Paragraphs[k].Status == Changed {
				markOps(s.Paragraphs[k].Ops, covered)
			}
		}
	}
}

func markOps(ops []Op, covered func(edit) bool) {
	var url urlTracker
	url.skip = true
	for _, op := range ops {
		// A "](" or "://" may also straddle two ops.
		if op.Kind != Insert && (mayHaveURL(op.Text) || strings.HasSuffix(op.Text, "]") || strings.HasSuffix(op.Text, ":") || strings.HasSuffix(op.Text, "/")) {
			url.skip = false
			break
		}
	}
	for i := 0; i < len(ops); {
		if ops[i].Kind == Equal {
			url.walkText(ops[i].Text)
			i++
			continue
		}
		end := i + 1
		if ops[i].Kind == Delete && end < len(ops) && ops[end].Kind == Insert {
			end++
		}
		e := edit{inLink: url.inside}
		for _, op := range ops[i:end] {
			if op.Kind == Delete {
				e.from, e.fromWords = op.Text, countWords(op.Text)
				url.walkText(op.Text)
			} else {
				e.to, e.toWords = op.Text, countWords(op.Text)
			}
		}
		if i > 0 {
			e.before = lastTokens(ops[i-1].Text, contextTokens)
		}
		if end < len(ops) {
			e.after = firstTokens(ops[end].Text, contextTokens)
		}
		folded := foldKind(e, covered)
		for k := i; k < end; k++ {
			ops[k].Folded = folded
		}
		i = end
	}
}

// firstTokens is the start of s up to the end of its n-th token.
func firstTokens(s string, n int) string {
	end := 0
	for ; n > 0 && end < len(s); n-- {
		end = tokenEnd(s, end)
	}
	return s[:end]
}

// lastTokens is the end of s from the start of its n-th token from the
// end. Tokens are found from a safe start: a little before the wanted
// context, at a space, so that the split matches tokenize's.
func lastTokens(s string, n int) string {
	start := max(0, len(s)-64)
	if start > 0 {
		if sp := strings.LastIndexAny(s[:start], " \n\t"); sp >= 0 {
			start = sp
		} else {
			start = 0
		}
	}
	// The starts of the last n tokens, in a ring: no token list is built.
	var starts [contextTokens]int
	if n > len(starts) || n <= 0 {
		tokens := tokenize(s[start:])
		return strings.Join(tokens[max(0, len(tokens)-n):], "")
	}
	count := 0
	for i := start; i < len(s); i = tokenEnd(s, i) {
		starts[count%n] = i
		count++
	}
	if count < n {
		return s[start:]
	}
	return s[starts[count%n]:]
}

// foldKind says why an edit folds away, or "" when it does not: it is a
// change of style, a substitution, or several of these joined into one
// edit by the clean-up ("Twitter. Information" → "X. information"): the
// same punctuation between words that each fold.
func foldKind(e edit, covered func(edit) bool) string {
	switch {
	case cosmeticEdit(e):
		return FoldedStyle
	case covered(e):
		return FoldedSubstitution
	}
	if e.fromWords < 2 || e.fromWords != e.toWords {
		return "" // the word-by-word test below needs as many words on each side
	}
	from, to := tokenize(e.from), tokenize(e.to)
	fromWords, fromGaps := splitWords(from)
	toWords, toGaps := splitWords(to)
	if len(fromWords) < 2 || len(fromWords) != len(toWords) || !slices.Equal(fromGaps, toGaps) {
		return ""
	}
	kind := FoldedStyle
	for i := range fromWords {
		part := edit{from: fromWords[i], to: toWords[i], fromWords: 1, toWords: 1, inLink: e.inLink}
		switch {
		case part.from == part.to, cosmeticEdit(part):
		case covered(part):
			kind = FoldedSubstitution
		default:
			return ""
		}
	}
	return kind
}

// splitWords separates tokens into words and the non-word runs between
// them (leading and trailing runs included).
func splitWords(tokens []string) (words, gaps []string) {
	gap := ""
	for _, t := range tokens {
		if isWord(t) {
			words = append(words, t)
			gaps = append(gaps, gap)
			gap = ""
			continue
		}
		gap += t
	}
	return words, append(gaps, gap)
}
