package diff

import (
	"slices"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// step is one row of an alignment: an old index paired with a new one, or
// one of them alone (the other is -1).
type step struct{ old, new int }

func (s step) paired() bool { return s.old >= 0 && s.new >= 0 }

// newDiffer returns go-diff without its 1 s timeout, which would silently
// coarsen big diffs; aligning paragraphs first keeps each diff small.
func newDiffer() *diffmatchpatch.DiffMatchPatch {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	return dmp
}

// script diffs two rune sequences and returns the alignment of their
// positions. Only positions are read back from go-diff's output (by rune
// counts), never the runes themselves, so overflow runes are harmless.
func script(dmp *diffmatchpatch.DiffMatchPatch, a, b []rune) []step {
	steps := make([]step, 0, max(len(a), len(b)))
	i, j := 0, 0
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		n := utf8.RuneCountInString(d.Text)
		for range n {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				steps = append(steps, step{i, j})
				i++
				j++
			case diffmatchpatch.DiffDelete:
				steps = append(steps, step{i, -1})
				i++
			case diffmatchpatch.DiffInsert:
				steps = append(steps, step{-1, j})
				j++
			}
		}
	}
	return steps
}

// alignKeys aligns two sequences on equal keys (a longest common
// subsequence found by go-diff); unmatched items come out as gap steps,
// removed before added.
func alignKeys(dmp *diffmatchpatch.DiffMatchPatch, oldKeys, newKeys []string) []step {
	coder := newRuneCoder()
	if slices.Compare(oldKeys, newKeys) > 0 {
		newRunes := coder.encode(newKeys, 1)
		return mirror(script(dmp, newRunes, coder.encode(oldKeys, 0)))
	}
	oldRunes := coder.encode(oldKeys, 0)
	return script(dmp, oldRunes, coder.encode(newKeys, 1))
}

// orientedScript diffs a and b, running go-diff on the pair in the order
// swap says. Callers pick swap from the compared content, so that
// Compare(x, y) and Compare(y, x) make the same choices mirrored: an LCS
// is not unique, and which one go-diff finds depends on the order.
func orientedScript(dmp *diffmatchpatch.DiffMatchPatch, a, b []rune, swap bool) []step {
	if swap {
		return mirror(script(dmp, b, a))
	}
	return script(dmp, a, b)
}

// mirror swaps the sides of steps, then puts removed items before added
// ones inside each gap again.
func mirror(steps []step) []step {
	for i := range steps {
		steps[i].old, steps[i].new = steps[i].new, steps[i].old
	}
	return removedFirst(steps)
}

// removedFirst reorders each run of unpaired steps so that old-only steps
// come first; both sides keep their order.
func removedFirst(steps []step) []step {
	for start := 0; start < len(steps); {
		if steps[start].paired() {
			start++
			continue
		}
		end := start
		for end < len(steps) && !steps[end].paired() {
			end++
		}
		slices.SortStableFunc(steps[start:end], func(x, y step) int {
			return cmpBool(x.old < 0, y.old < 0)
		})
		start = end
	}
	return steps
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	default:
		return -1
	}
}

// resolveGaps hands every run of unpaired steps that has items on both
// sides to match, which returns the steps to use instead.
func resolveGaps(steps []step, match func(olds, news []int) []step) []step {
	out := make([]step, 0, len(steps))
	var olds, news []int
	var gap []step
	flush := func() {
		if len(olds) > 0 && len(news) > 0 {
			out = append(out, match(olds, news)...)
		} else {
			out = append(out, gap...)
		}
		olds, news, gap = olds[:0], news[:0], gap[:0]
	}
	for _, s := range steps {
		if s.paired() {
			flush()
			out = append(out, s)
			continue
		}
		gap = append(gap, s)
		if s.old >= 0 {
			olds = append(olds, s.old)
		} else {
			news = append(news, s.new)
		}
	}
	flush()
	return out
}

// pairInOrder pairs old and new items of one gap in order where similar
// says so, keeping both orders; an old item that matches no later new item
// is removed, a new item before the old item's match is added. The greedy
// walk is run from the side swap says (see orientedScript).
func pairInOrder(olds, news []int, similar func(o, n int) bool, swap bool) []step {
	if swap {
		return mirror(pairGreedy(news, olds, func(n, o int) bool { return similar(o, n) }))
	}
	return removedFirst(pairGreedy(olds, news, similar))
}

func pairGreedy(olds, news []int, similar func(o, n int) bool) []step {
	out := make([]step, 0, len(olds)+len(news))
	i, j := 0, 0
	for i < len(olds) && j < len(news) {
		o := olds[i]
		switch {
		case similar(o, news[j]):
			out = append(out, step{o, news[j]})
			i++
			j++
		case slices.ContainsFunc(news[j+1:], func(n int) bool { return similar(o, n) }):
			out = append(out, step{-1, news[j]})
			j++
		default:
			out = append(out, step{o, -1})
			i++
		}
	}
	for ; i < len(olds); i++ {
		out = append(out, step{olds[i], -1})
	}
	for ; j < len(news); j++ {
		out = append(out, step{-1, news[j]})
	}
	return out
}

// dice is the Sørensen–Dice similarity of two sorted multisets of word ids:
// 1 when equal, 0 when disjoint.
func dice(a, b []rune) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// similarEnough is the Dice threshold above which two paragraphs or
// sections are treated as one rewritten item rather than a removal and an
// addition: at least half their words in common.
const similarEnough = 0.5

// couldBeSimilar is a cheap upper bound on dice from the sizes alone.
func couldBeSimilar(a, b int) bool {
	return a+b == 0 || 2*float64(min(a, b))/float64(a+b) >= similarEnough
}
