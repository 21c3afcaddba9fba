package diff

import (
	"slices"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// anchorAbove is the size (old plus new tokens) above which a paragraph is
// aligned by sentence before it is diffed word by word, as git aligns lines
// before words. A shortest script costs about the square of its edits: on
// the 10,000-token blocks of a text without paragraph breaks, rewritten in
// many places, that is seconds for one paragraph. Below it, and inside each
// run of unequal sentences up to it, the script is exact.
const anchorAbove = 4000

// sentenceLookahead is how many sentences ahead an unequal sentence's
// rewrite is looked for, when a run of unequal sentences is too long to
// diff word by word.
const sentenceLookahead = 8

// tokenSpan is a sentence: tokens [from, to) of a paragraph.
type tokenSpan struct{ from, to int }

// anchoredScript diffs two long token sequences in three steps: their
// sentences are aligned by a shortest script over whole sentences; each run
// of unequal sentences between two equal ones is diffed token by token when
// it is short enough; a longer run is paired sentence by sentence, in order,
// where at least half of their words are shared, and each pair is diffed
// token by token, the others deleted or inserted whole.
func (c *comparer) anchoredScript(a, b []rune) []run {
	aSentences, bSentences := c.splitSentences(a), c.splitSentences(b)
	coder := newRuneCoder()
	aKeys, bKeys := make([]rune, len(aSentences)), make([]rune, len(bSentences))
	for i, s := range aSentences {
		aKeys[i] = coder.encodeOne(string(a[s.from:s.to]), 0)
	}
	for i, s := range bSentences {
		bKeys[i] = coder.encodeOne(string(b[s.from:s.to]), 1)
	}
	out := c.anchored[:0]
	sentenceRuns := slices.Clone(c.sentences.script(aKeys, bKeys))
	i, j := 0, 0 // sentences read
	for k := 0; k < len(sentenceRuns); {
		if r := sentenceRuns[k]; r.kind == diffmatchpatch.DiffEqual {
			out = addRun(out, diffmatchpatch.DiffEqual, aSentences[i+r.n-1].to-aSentences[i].from)
			i, j = i+r.n, j+r.n
			k++
			continue
		}
		gapI, gapJ := i, j
		for ; k < len(sentenceRuns) && sentenceRuns[k].kind != diffmatchpatch.DiffEqual; k++ {
			if sentenceRuns[k].kind == diffmatchpatch.DiffDelete {
				i += sentenceRuns[k].n
			} else {
				j += sentenceRuns[k].n
			}
		}
		out = c.gapScript(out, a, b, aSentences[gapI:i], bSentences[gapJ:j])
	}
	c.anchored = out
	return out
}

// gapScript appends the script of a run of unequal sentences.
func (c *comparer) gapScript(out []run, a, b []rune, aSentences, bSentences []tokenSpan) []run {
	aGap, bGap := tokensOf(a, aSentences), tokensOf(b, bSentences)
	if len(aGap)+len(bGap) <= anchorAbove {
		return c.appendExact(out, aGap, bGap)
	}
	aWords, bWords := c.sentenceWords(a, aSentences), c.sentenceWords(b, bSentences)
	olds, news := indices(len(aSentences)), indices(len(bSentences))
	steps := pairInOrderNear(olds, news, sentenceLookahead, func(o, n int) bool {
		return couldBeSimilar(len(aWords[o]), len(bWords[n])) && dice(aWords[o], bWords[n]) >= similarEnough
	}, false)
	for _, s := range steps {
		switch {
		case s.paired():
			sa, sb := aSentences[s.old], bSentences[s.new]
			out = c.appendExact(out, a[sa.from:sa.to], b[sb.from:sb.to])
		case s.old >= 0:
			out = addRun(out, diffmatchpatch.DiffDelete, aSentences[s.old].to-aSentences[s.old].from)
		default:
			out = addRun(out, diffmatchpatch.DiffInsert, bSentences[s.new].to-bSentences[s.new].from)
		}
	}
	return out
}

// appendExact appends a shortest script from a to b.
func (c *comparer) appendExact(out []run, a, b []rune) []run {
	runs, ok := c.shortScript(a, b)
	if !ok {
		runs = c.longScript(a, b)
	}
	for _, r := range runs {
		out = addRun(out, r.kind, r.n)
	}
	return out
}

// splitSentences cuts tokens after each ".", "!" or "?": a sentence keeps
// its closing mark, and the space after it starts the next one.
func (c *comparer) splitSentences(tokens []rune) []tokenSpan {
	var ends [3]rune
	for i, mark := range []string{".", "!", "?"} {
		ends[i] = -1
		if id, ok := c.words.ids[mark]; ok {
			ends[i] = id
		}
	}
	var out []tokenSpan
	from := 0
	for i, t := range tokens {
		if t == ends[0] || t == ends[1] || t == ends[2] {
			out = append(out, tokenSpan{from, i + 1})
			from = i + 1
		}
	}
	if from < len(tokens) {
		out = append(out, tokenSpan{from, len(tokens)})
	}
	return out
}

// tokensOf returns the tokens of consecutive sentences.
func tokensOf(tokens []rune, sentences []tokenSpan) []rune {
	if len(sentences) == 0 {
		return nil
	}
	return tokens[sentences[0].from:sentences[len(sentences)-1].to]
}

// sentenceWords returns each sentence's word ids, sorted, for dice.
func (c *comparer) sentenceWords(tokens []rune, sentences []tokenSpan) [][]rune {
	out := make([][]rune, len(sentences))
	for i, s := range sentences {
		var ids []rune
		for _, t := range tokens[s.from:s.to] {
			if c.words.isWordID(t) {
				ids = append(ids, t)
			}
		}
		slices.Sort(ids)
		out[i] = ids
	}
	return out
}

func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
