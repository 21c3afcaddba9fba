package diff

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// sortedWordIDs returns the ids of the words of text, sorted, for dice;
// side is 0 for the old document, 1 for the new.
func (c *comparer) sortedWordIDs(text string, side int) []rune {
	var words []string
	for i := 0; i < len(text); {
		end := tokenEnd(text, i)
		if isWord(text[i:end]) {
			words = append(words, text[i:end])
		}
		i = end
	}
	ids := c.words.encode(words, side)
	slices.Sort(ids)
	return ids
}

// shortParagraph is the most words a lone removed and a lone added
// paragraph may have to be paired whatever their similarity: "Twitter" →
// "X" as a one-line paragraph is an edit of that line.
const shortParagraph = 3

// compareBlocks aligns two sections' blocks: equal texts first, then
// similar removed and added blocks in order, which are diffed word by word.
func (c *comparer) compareBlocks(olds, news []string) []Paragraph {
	oldIDs, newIDs := make([][]rune, len(olds)), make([][]rune, len(news))
	oldWords := func(i int) []rune {
		if oldIDs[i] == nil {
			oldIDs[i] = c.sortedWordIDs(olds[i], 0)
		}
		return oldIDs[i]
	}
	newWords := func(i int) []rune {
		if newIDs[i] == nil {
			newIDs[i] = c.sortedWordIDs(news[i], 1)
		}
		return newIDs[i]
	}
	steps := resolveGaps(alignKeys(c.dmp, olds, news), func(o, n []int) []step {
		if len(o) == 1 && len(n) == 1 && countWords(olds[o[0]]) <= shortParagraph && countWords(news[n[0]]) <= shortParagraph {
			return []step{{o[0], n[0]}}
		}
		swap := slices.Compare(textsAt(olds, o), textsAt(news, n)) > 0
		return pairInOrder(o, n, func(oi, ni int) bool {
			if mostlyShared(olds[oi], news[ni]) {
				return true
			}
			a, b := oldWords(oi), newWords(ni)
			return couldBeSimilar(len(a), len(b)) && dice(a, b) >= similarEnough
		}, swap)
	})

	out := make([]Paragraph, 0, len(steps))
	for _, s := range steps {
		switch {
		case s.paired() && olds[s.old] == news[s.new]:
			c.stats.WordsUnchanged += countWords(news[s.new])
			p := Paragraph{Status: Unchanged, Ops: []Op{}}
			if news[s.new] != "" {
				p.Ops = append(p.Ops, Op{Kind: Equal, Text: news[s.new]})
			}
			out = append(out, p)
		case s.paired():
			out = append(out, c.diffWords(olds[s.old], news[s.new]))
		case s.old >= 0:
			out = append(out, c.wholeText(olds[s.old], Removed))
		default:
			out = append(out, c.wholeText(news[s.new], Added))
		}
	}
	return out
}

func textsAt(texts []string, at []int) []string {
	out := make([]string, len(at))
	for i, k := range at {
		out[i] = texts[k]
	}
	return out
}

// contextTokens is how many unchanged tokens an edit keeps on each side.
const contextTokens = 3

// piece is a run of equal tokens, or a run of deleted and/or inserted ones.
type piece struct {
	equal              bool
	same, del, ins     []string
	words              int // words in same
	delWords, insWords int
}

// diffWords diffs two texts token by token, counts the edits and returns
// them as a paragraph. Their common start and end are cut off first, at
// token boundaries, and kept as one equal piece each: a paragraph with one
// word changed costs a diff of a few tokens, not of all of them.
func (c *comparer) diffWords(aText, bText string) Paragraph {
	prefix, aEnd, bEnd := commonEnds(aText, bText)
	aMid, bMid := aText[prefix:aEnd], bText[prefix:bEnd]
	var pieces []piece
	if prefix > 0 {
		pieces = append(pieces, piece{equal: true, same: []string{aText[:prefix]}, words: countWords(aText[:prefix])})
	}
	aTokens, bTokens := tokenize(aMid), tokenize(bMid)
	aIDs, bIDs := c.words.encode(aTokens, 0), c.words.encode(bTokens, 1)
	for _, s := range orientedScript(c.dmp, aIDs, bIDs, aMid > bMid) {
		equal := s.paired()
		if len(pieces) == 0 || pieces[len(pieces)-1].equal != equal {
			pieces = append(pieces, piece{equal: equal})
		}
		p := &pieces[len(pieces)-1]
		switch {
		case equal:
			p.same = append(p.same, aTokens[s.old])
			if isWord(aTokens[s.old]) {
				p.words++
			}
		case s.old >= 0:
			p.del = append(p.del, aTokens[s.old])
			if isWord(aTokens[s.old]) {
				p.delWords++
			}
		default:
			p.ins = append(p.ins, bTokens[s.new])
			if isWord(bTokens[s.new]) {
				p.insWords++
			}
		}
	}
	if suffix := aText[aEnd:]; suffix != "" {
		if n := len(pieces); n > 0 && pieces[n-1].equal {
			pieces[n-1].same = append(pieces[n-1].same, suffix)
			pieces[n-1].words += countWords(suffix)
		} else {
			pieces = append(pieces, piece{equal: true, same: []string{suffix}, words: countWords(suffix)})
		}
	}

	status := Unchanged
	var url urlTracker
	url.skip = !mayHaveURL(aText)
	for i, p := range pieces {
		if p.equal {
			c.stats.WordsUnchanged += p.words
			for _, t := range p.same {
				url.walkText(t)
			}
			continue
		}
		inLink := url.inside
		for _, t := range p.del {
			url.walkText(t)
		}
		status = Changed
		e := edit{
			from: strings.Join(p.del, ""), to: strings.Join(p.ins, ""),
			fromWords: p.delWords, toWords: p.insWords, inLink: inLink,
		}
		if i > 0 {
			same := pieces[i-1].same
			e.before = lastTokens(strings.Join(same[max(0, len(same)-contextTokens):], ""), contextTokens)
		}
		if i+1 < len(pieces) {
			same := pieces[i+1].same
			e.after = firstTokens(strings.Join(same[:min(len(same), contextTokens)], ""), contextTokens)
		}
		if p.delWords == p.insWords && cosmeticEdit(e) {
			c.stats.WordsUnchanged += p.insWords // the same words, restyled
		} else {
			c.stats.WordsRemoved += p.delWords
			c.stats.WordsAdded += p.insWords
		}
		c.edits = append(c.edits, e)
	}

	ops := []Op{}
	for _, p := range mergeTrivialEqualities(pieces) {
		if p.equal {
			ops = append(ops, Op{Kind: Equal, Text: strings.Join(p.same, "")})
			continue
		}
		if len(p.del) > 0 {
			ops = append(ops, Op{Kind: Delete, Text: strings.Join(p.del, "")})
		}
		if len(p.ins) > 0 {
			ops = append(ops, Op{Kind: Insert, Text: strings.Join(p.ins, "")})
		}
	}
	return Paragraph{Status: status, Ops: ops}
}

// mergeTrivialEqualities makes heavy rewrites read as phrases instead of
// confetti: an unchanged run between two edits is folded into them when it
// holds no word, or fewer words than the edits on each side of it. This is
// go-diff's DiffCleanupSemantic rule counted in words; DiffCleanupSemantic
// itself cannot run on our token runes, as its lossless pass slices strings
// by rune counts and corrupts multi-byte runes. Counting (stats,
// substitutions, class) uses the diff before this merge.
func mergeTrivialEqualities(pieces []piece) []piece {
	for i := 1; i < len(pieces)-1; {
		left, same, right := &pieces[i-1], pieces[i], pieces[i+1]
		trivial := same.equal && !left.equal && !right.equal &&
			(same.words == 0 ||
				same.words < max(left.delWords, left.insWords) && same.words < max(right.delWords, right.insWords))
		if !trivial {
			i++
			continue
		}
		left.del = append(append(left.del, same.same...), right.del...)
		left.ins = append(append(left.ins, same.same...), right.ins...)
		left.delWords += same.words + right.delWords
		left.insWords += same.words + right.insWords
		pieces = slices.Delete(pieces, i, i+2)
		i = max(1, i-2)
	}
	return pieces
}

// urlTracker follows a text token by token and knows whether it is inside
// a Markdown link target ("](…)") or a bare URL ("https://…").
type urlTracker struct {
	skip   bool // the text has no URL: nothing to follow
	inside bool
	prev   string // the previous token
	prev2  string // the one before it
}

// walkText follows text byte by byte: the delimiters it looks for are
// ASCII, and a URL ends at an ASCII space or a closing bracket.
func (u *urlTracker) walkText(s string) {
	if u.skip {
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '(' && u.prev == "]":
			u.inside = true
		case c == '/' && u.prev == "/" && u.prev2 == ":":
			u.inside = true
		case u.inside && (c == ')' || c == ' ' || c == '\t' || c == '\n'):
			u.inside = false
		}
		u.prev2, u.prev = u.prev, asciiToken(c)
	}
}

// asciiToken is the token an ASCII delimiter byte stands for, or "" for any
// other byte.
func asciiToken(c byte) string {
	switch c {
	case ']':
		return "]"
	case '/':
		return "/"
	case ':':
		return ":"
	}
	return ""
}

// mayHaveURL says whether text may hold a link target or a bare URL.
func mayHaveURL(text string) bool {
	return strings.Contains(text, "](") || strings.Contains(text, "://")
}

// mostlyShared says whether two texts share a common start and end
// covering at least three quarters of the longer: one is the other with a
// few words changed, so they pair without weighing their words.
func mostlyShared(a, b string) bool {
	longest := max(len(a), len(b))
	if longest == 0 {
		return true
	}
	prefix := commonPrefixLength(a, b)
	suffix := commonSuffixLength(a[prefix:], b[prefix:])
	return 4*(prefix+suffix) >= 3*longest
}

func commonPrefixLength(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func commonSuffixLength(a, b string) int {
	n := min(len(a), len(b))
	for i := 1; i <= n; i++ {
		if a[len(a)-i] != b[len(b)-i] {
			return i - 1
		}
	}
	return n
}

// commonEnds finds the common start a[:prefix] = b[:prefix] and the
// common end a[aEnd:] = b[bEnd:] of two texts, both cut where each text has
// a token boundary that tokenizing either part alone keeps: after an ASCII
// space and before an ASCII character that is not a space. Words are
// therefore counted and split the same way as over the whole texts.
func commonEnds(a, b string) (prefix, aEnd, bEnd int) {
	d := commonPrefixLength(a, b)
	for p := d - 1; p > 0; p-- {
		if cutHere(a, p) {
			prefix = p
			break
		}
	}
	e := commonSuffixLength(a[prefix:], b[prefix:])
	aEnd, bEnd = len(a), len(b)
	for k := e - 1; k > 0; k-- {
		if cutHere(a, len(a)-k) {
			aEnd, bEnd = len(a)-k, len(b)-k
			break
		}
	}
	return prefix, aEnd, bEnd
}

// cutHere says whether s may be cut at i: an ASCII space before, an ASCII
// character other than a space at i.
func cutHere(s string, i int) bool {
	return s[i-1] == ' ' && s[i] < utf8.RuneSelf && !asciiSpace(s[i])
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
