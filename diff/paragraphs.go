package diff

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// sortedWordIDs returns the ids of the words of text in lower case,
// sorted, for dice; side is 0 for the old document, 1 for the new. Case is
// folded because a sentence that gained or lost a lead-in ("To log you in"
// → "Log you in") is still the same sentence.
func (c *comparer) sortedWordIDs(text string, side int) []rune {
	return c.sortedWordIDsOf(text, side, 1)
}

// longWordBytes is the length from which a word counts in the pairing by
// containment: shorter ones ("the", "you", "to") are in every text.
const longWordBytes = 4

// sortedWordIDsOf is sortedWordIDs for the words of at least minBytes
// bytes.
func (c *comparer) sortedWordIDsOf(text string, side, minBytes int) []rune {
	ids := make([]rune, 0, len(text)/6)
	for i := 0; i < len(text); {
		end := tokenEnd(text, i)
		if word := text[i:end]; len(word) >= minBytes && isWord(word) {
			ids = append(ids, c.lowerWordID(word, side))
		}
		i = end
	}
	slices.Sort(ids)
	return ids
}

// lowerWordID is the id of word in lower case. ASCII words are lowered in
// a reused buffer, and looking a []byte up as a string key does not copy
// it, so only a new word allocates.
func (c *comparer) lowerWordID(word string, side int) rune {
	upper := false
	for i := 0; i < len(word); i++ {
		if b := word[i]; b >= utf8.RuneSelf {
			return c.words.encodeOne(strings.ToLower(word), side)
		} else if 'A' <= b && b <= 'Z' {
			upper = true
		}
	}
	if !upper {
		return c.words.encodeOne(word, side)
	}
	c.lower = append(c.lower[:0], word...)
	for i, b := range c.lower {
		if 'A' <= b && b <= 'Z' {
			c.lower[i] = b + 'a' - 'A'
		}
	}
	if r, ok := c.words.ids[string(c.lower)]; ok {
		return r
	}
	return c.words.encodeOne(string(c.lower), side)
}

// blockWords holds, for one side's blocks, their word counts and sorted
// word ids, each computed when first needed.
type blockWords struct {
	c      *comparer
	texts  []string
	side   int
	counts []int // -1 until counted
	sorted [][]rune
	long   [][]rune
}

func (c *comparer) newBlockWords(texts []string, side int) *blockWords {
	counts := make([]int, len(texts))
	for i := range counts {
		counts[i] = -1
	}
	return &blockWords{c: c, texts: texts, side: side, counts: counts, sorted: make([][]rune, len(texts)), long: make([][]rune, len(texts))}
}

func (b *blockWords) count(i int) int {
	if b.counts[i] < 0 {
		b.counts[i] = lineWords(b.texts[i])
	}
	return b.counts[i]
}

// longIDs returns the sorted ids of block i's words of at least
// longWordBytes bytes, in lower case.
func (b *blockWords) longIDs(i int) []rune {
	if b.long[i] == nil {
		b.long[i] = b.c.sortedWordIDsOf(b.texts[i], b.side, longWordBytes)
	}
	return b.long[i]
}

// known says whether the word ids of block i are computed.
func (b *blockWords) known(i int) bool { return b.sorted[i] != nil }

func (b *blockWords) ids(i int) []rune {
	if b.sorted[i] == nil {
		b.sorted[i] = b.c.sortedWordIDs(b.texts[i], b.side)
	}
	return b.sorted[i]
}

// shortParagraph is the most words a lone removed and a lone added
// paragraph may have to be paired whatever their similarity: "Twitter" →
// "X" as a one-line paragraph is an edit of that line.
const shortParagraph = 3

// compareBlocks aligns two sections' blocks: equal texts first, then
// similar removed and added blocks in order, which are diffed word by word.
func (c *comparer) compareBlocks(olds, news []string) []Paragraph {
	oldBlocks, newBlocks := c.newBlockWords(olds, 0), c.newBlockWords(news, 1)
	steps := resolveGaps(alignKeys(c.dmp, olds, news), func(o, n []int) []step {
		if len(o) == 1 && len(n) == 1 && oldBlocks.count(o[0]) <= shortParagraph && newBlocks.count(n[0]) <= shortParagraph {
			return []step{{o[0], n[0]}}
		}
		swap := slices.Compare(textsAt(olds, o), textsAt(news, n)) > 0
		return pairInOrder(o, n, func(oi, ni int) bool {
			// The cheap tests first: dice can only reach similarEnough
			// between texts of comparable sizes, and endsSimilar's count
			// is a lower bound of the words in common, so it only spares
			// work and never changes the answer. Once both texts' word ids
			// are known, dice is the cheaper test.
			switch {
			case mostlyShared(olds[oi], news[ni]):
				return true
			case !couldBeSimilar(oldBlocks.count(oi), newBlocks.count(ni)):
				return false
			case !(oldBlocks.known(oi) && newBlocks.known(ni)) &&
				endsSimilar(olds[oi], news[ni], oldBlocks.count(oi), newBlocks.count(ni)):
				return true
			}
			return dice(oldBlocks.ids(oi), newBlocks.ids(ni)) >= similarEnough
		}, swap)
	})
	// Blocks still unpaired may be cut at other places on each side: one
	// sentence of a rewritten paragraph, or a list item glued to its label.
	// They pair in order when most of the shorter one's words are in the
	// longer one, so the sentence shows reworded instead of removed and
	// added again. Such a sentence stays near its old place, so only a few
	// blocks ahead are weighed: unrelated texts cost no quadratic search.
	steps = resolveGaps(steps, func(o, n []int) []step {
		swap := slices.Compare(textsAt(olds, o), textsAt(news, n)) > 0
		return pairInOrderNear(o, n, containedLookahead, func(oi, ni int) bool {
			return mostlyContained(oldBlocks.longIDs(oi), newBlocks.longIDs(ni))
		}, swap)
	})

	out := make([]Paragraph, 0, len(steps))
	for _, s := range steps {
		switch {
		case s.paired() && olds[s.old] == news[s.new]:
			c.stats.WordsUnchanged += newBlocks.count(s.new)
			p := Paragraph{Status: Unchanged, Ops: []Op{}}
			if news[s.new] != "" {
				p.Ops = append(p.Ops, Op{Kind: Equal, Text: news[s.new], Words: newBlocks.count(s.new)})
			}
			out = append(out, p)
		case s.paired():
			out = append(out, c.diffWordsCounted(olds[s.old], news[s.new], oldBlocks.count(s.old)))
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

// endsSimilar says whether a cheap count of the words two texts share
// already makes them similar enough (dice ≥ similarEnough): the words of
// their common start and end, plus those at the same token positions in
// between (where words were only replaced, not added or removed). Each
// counted word is a distinct word of both, so the full weighing could only
// find more. It spares tokenizing and sorting both texts' words for most
// pairs of a paragraph and its edited version.
func endsSimilar(a, b string, aWords, bWords int) bool {
	prefix, aEnd, bEnd := commonEnds(a, b)
	common := countWords(a[:prefix]) + countWords(a[aEnd:]) + sameTokenWords(a[prefix:aEnd], b[prefix:bEnd])
	return 2*float64(common) >= similarEnough*float64(aWords+bWords)
}

// sameTokenWords counts the words that are equal and at the same token
// position in a and b.
//
// It stops after maxLockstepMisses different words in a row: the texts are
// then not one edited in place, and stopping early only counts less.
func sameTokenWords(a, b string) int {
	n, misses := 0, 0
	for i, j := 0, 0; i < len(a) && j < len(b) && misses < maxLockstepMisses; {
		iEnd, jEnd := tokenEnd(a, i), tokenEnd(b, j)
		if token := a[i:iEnd]; isWord(token) {
			if token == b[j:jEnd] {
				n++
				misses = 0
			} else {
				misses++
			}
		}
		i, j = iEnd, jEnd
	}
	return n
}

// maxLockstepMisses is how many different words in a row sameTokenWords
// reads before it stops.
const maxLockstepMisses = 8

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
