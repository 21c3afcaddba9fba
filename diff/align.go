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
	coder := &runeCoder{ids: make(map[string]rune, len(oldKeys)+len(newKeys)), limit: maxDistinct}
	if slices.Compare(oldKeys, newKeys) > 0 {
		newRunes := coder.encode(newKeys, 1)
		return mirror(script(dmp, newRunes, coder.encode(oldKeys, 0)))
	}
	oldRunes := coder.encode(oldKeys, 0)
	return script(dmp, oldRunes, coder.encode(newKeys, 1))
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
// walk is run from the side swap says: callers pick swap from the compared
// content, so that Compare(x, y) and Compare(y, x) make the same choices
// mirrored.
func pairInOrder(olds, news []int, similar func(o, n int) bool, swap bool) []step {
	return pairInOrderNear(olds, news, -1, similar, swap)
}

// pairInOrderNear is pairInOrder looking at most lookahead items past the
// next one for an item's match (all of them when lookahead < 0).
func pairInOrderNear(olds, news []int, lookahead int, similar func(o, n int) bool, swap bool) []step {
	if swap {
		return mirror(pairGreedy(news, olds, lookahead, func(n, o int) bool { return similar(o, n) }))
	}
	return removedFirst(pairGreedy(olds, news, lookahead, similar))
}

func pairGreedy(olds, news []int, lookahead int, similar func(o, n int) bool) []step {
	out := make([]step, 0, len(olds)+len(news))
	i, j := 0, 0
	for i < len(olds) && j < len(news) {
		o := olds[i]
		switch {
		case similar(o, news[j]):
			out = append(out, step{o, news[j]})
			i++
			j++
		case slices.ContainsFunc(ahead(news, j+1, lookahead), func(n int) bool { return similar(o, n) }):
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

// ahead returns items[from:], cut to lookahead items when lookahead ≥ 0.
func ahead(items []int, from, lookahead int) []int {
	if lookahead >= 0 && len(items)-from > lookahead {
		return items[from : from+lookahead]
	}
	return items[from:]
}

// dice is the Sørensen–Dice similarity of two sorted multisets of word ids:
// 1 when equal, 0 when disjoint.
func dice(a, b []rune) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	return 2 * commonCount(a, b) / float64(len(a)+len(b))
}

// similarEnough is the Dice threshold above which two paragraphs or
// sections are treated as one rewritten item rather than a removal and an
// addition: at least half their words in common.
const similarEnough = 0.5

// couldBeSimilar is a cheap upper bound on dice from the sizes alone.
func couldBeSimilar(a, b int) bool {
	return a+b == 0 || 2*float64(min(a, b))/float64(a+b) >= similarEnough
}

// containedEnough is the share of the shorter text's words that must be
// found in the longer one for mostlyContained, and minContained the fewest
// words the shorter one may have. Callers weigh only words of at least
// longWordBytes bytes: with "the", "you" and "to", or with fewer words,
// unrelated sentences of one policy pair (measured on the privacy policy's
// paragraphs against the cookie policy's).
const (
	containedEnough = 0.6
	minContained    = 6
)

// containedLookahead is how many blocks past the next one the pairing by
// containment looks for a block's match.
const containedLookahead = 8

// mostlyContained says whether most words of the shorter of two sorted
// multisets of word ids are also in the longer: a sentence taken from a
// longer paragraph, or one that gained a label in front.
func mostlyContained(a, b []rune) bool {
	shorter := min(len(a), len(b))
	if shorter < minContained {
		return false
	}
	return commonCount(a, b) >= containedEnough*float64(shorter)
}

// commonCount counts the ids two sorted multisets share.
func commonCount(a, b []rune) float64 {
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
	return float64(common)
}
