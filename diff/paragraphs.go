package diff

import (
	"slices"
	"strings"
)

// para is a text ready for a word diff.
type para struct {
	text    string
	tokens  []string
	ids     []rune // one rune per token
	wordIDs []rune // sorted runes of the word tokens
}

func (p *para) words() int { return len(p.wordIDs) }

// prepare tokenizes text and maps its tokens to runes; side is 0 for the
// old document, 1 for the new.
func (c *comparer) prepare(text string, side int) *para {
	tokens := tokenize(text)
	ids := c.words.encode(tokens, side)
	wordIDs := []rune{}
	for i, t := range tokens {
		if isWord(t) {
			wordIDs = append(wordIDs, ids[i])
		}
	}
	slices.Sort(wordIDs)
	return &para{text: text, tokens: tokens, ids: ids, wordIDs: wordIDs}
}

// shortParagraph is the most words a lone removed and a lone added
// paragraph may have to be paired whatever their similarity: "Twitter" →
// "X" as a one-line paragraph is an edit of that line.
const shortParagraph = 3

// compareBlocks aligns two sections' blocks: equal texts first, then
// similar removed and added blocks in order, which are diffed word by word.
func (c *comparer) compareBlocks(olds, news []string) []Paragraph {
	oldParas, newParas := make([]*para, len(olds)), make([]*para, len(news))
	oldPara := func(i int) *para {
		if oldParas[i] == nil {
			oldParas[i] = c.prepare(olds[i], 0)
		}
		return oldParas[i]
	}
	newPara := func(i int) *para {
		if newParas[i] == nil {
			newParas[i] = c.prepare(news[i], 1)
		}
		return newParas[i]
	}
	steps := resolveGaps(alignKeys(c.dmp, olds, news), func(o, n []int) []step {
		if len(o) == 1 && len(n) == 1 && oldPara(o[0]).words() <= shortParagraph && newPara(n[0]).words() <= shortParagraph {
			return []step{{o[0], n[0]}}
		}
		swap := slices.Compare(textsAt(olds, o), textsAt(news, n)) > 0
		return pairInOrder(o, n, func(oi, ni int) bool {
			a, b := oldPara(oi), newPara(ni)
			return couldBeSimilar(a.words(), b.words()) && dice(a.wordIDs, b.wordIDs) >= similarEnough
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
			out = append(out, c.diffWords(oldPara(s.old), newPara(s.new)))
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

// piece is a run of equal tokens, or a run of deleted and/or inserted ones.
type piece struct {
	equal              bool
	same, del, ins     []string
	words              int // words in same
	delWords, insWords int
}

// diffWords diffs two texts token by token, counts the edits and returns
// them as a paragraph.
func (c *comparer) diffWords(a, b *para) Paragraph {
	var pieces []piece
	for _, s := range orientedScript(c.dmp, a.ids, b.ids, a.text > b.text) {
		equal := s.paired()
		if len(pieces) == 0 || pieces[len(pieces)-1].equal != equal {
			pieces = append(pieces, piece{equal: equal})
		}
		p := &pieces[len(pieces)-1]
		switch {
		case equal:
			p.same = append(p.same, a.tokens[s.old])
			if isWord(a.tokens[s.old]) {
				p.words++
			}
		case s.old >= 0:
			p.del = append(p.del, a.tokens[s.old])
			if isWord(a.tokens[s.old]) {
				p.delWords++
			}
		default:
			p.ins = append(p.ins, b.tokens[s.new])
			if isWord(b.tokens[s.new]) {
				p.insWords++
			}
		}
	}

	status := Unchanged
	for _, p := range pieces {
		if p.equal {
			c.stats.WordsUnchanged += p.words
			continue
		}
		status = Changed
		c.stats.WordsRemoved += p.delWords
		c.stats.WordsAdded += p.insWords
		c.edits = append(c.edits, edit{
			from: strings.Join(p.del, ""), to: strings.Join(p.ins, ""),
			fromWords: p.delWords, toWords: p.insWords,
		})
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
