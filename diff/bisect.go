package diff

import "github.com/sergi/go-diff/diffmatchpatch"

// longScript finds a shortest edit script from a to b by Myers' bisection
// ("An O(ND) Difference Algorithm and Its Variations", 1986, section 4b):
// search from both ends at once until the paths meet, split there and
// diff each half the same way. It is what go-diff does without a timeout,
// but on two reused rows of ints and without go-diff's string conversions
// and allocations per split: a paragraph of 10,000 tokens with a long
// passage dropped took go-diff 10–20 ms. The runs are valid until the next
// call.
func (c *comparer) longScript(a, b []rune) []run { return c.bisector.script(a, b) }

// bisector finds shortest edit scripts; its rows are reused from one
// script to the next.
type bisector struct {
	runs              []run
	forward, backward []int
}

// script returns a shortest edit script from a to b, valid until the next
// call.
func (c *bisector) script(a, b []rune) []run {
	c.runs = c.runs[:0]
	c.span(a, b)
	return c.runs
}

// addRun appends n tokens of kind to runs, merged with the last run when it is
// of the same kind.
func addRun(runs []run, kind diffmatchpatch.Operation, n int) []run {
	if n == 0 {
		return runs
	}
	if last := len(runs) - 1; last >= 0 && runs[last].kind == kind {
		runs[last].n += n
		return runs
	}
	return append(runs, run{kind, n})
}

func (c *bisector) addRun(kind diffmatchpatch.Operation, n int) { c.runs = addRun(c.runs, kind, n) }

// span appends the runs of a shortest script from a to b.
func (c *bisector) span(a, b []rune) {
	prefix := 0
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	c.addRun(diffmatchpatch.DiffEqual, prefix)
	a, b = a[prefix:], b[prefix:]
	suffix := 0
	for suffix < len(a) && suffix < len(b) && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	a, b = a[:len(a)-suffix], b[:len(b)-suffix]
	switch {
	case len(a) == 0:
		c.addRun(diffmatchpatch.DiffInsert, len(b))
	case len(b) == 0:
		c.addRun(diffmatchpatch.DiffDelete, len(a))
	default:
		if x, y, ok := c.middle(a, b); ok {
			c.span(a[:x], b[:y])
			c.span(a[x:], b[y:])
		} else { // nothing in common
			c.addRun(diffmatchpatch.DiffDelete, len(a))
			c.addRun(diffmatchpatch.DiffInsert, len(b))
		}
	}
	c.addRun(diffmatchpatch.DiffEqual, suffix)
}

// middle returns a point (x, y) on a shortest path from (0, 0) to
// (len(a), len(b)), found where the furthest-reaching paths from both
// corners first overlap; ok is false when a and b share no token. Rows
// forward[k] and backward[k] hold, for diagonal k = x − y (backward: of the
// reversed sequences), the furthest x reached; −1 where none was.
func (c *bisector) middle(a, b []rune) (x, y int, ok bool) {
	n, m := len(a), len(b)
	maxD := (n + m + 1) / 2
	offset := maxD + 1 // rows run from diagonal −maxD−1 to maxD+1
	size := 2*maxD + 3
	if cap(c.forward) < size {
		c.forward, c.backward = make([]int, size), make([]int, size)
	}
	forward, backward := c.forward[:size], c.backward[:size]
	for i := range forward {
		forward[i], backward[i] = -1, -1
	}
	forward[offset+1], backward[offset+1] = 0, 0
	delta := n - m
	// With delta odd the paths meet on a forward step, even on a backward
	// one (the paper's lemma 3).
	odd := delta%2 != 0
	// Diagonals whose paths have left the grid are not walked again.
	fStart, fEnd, bStart, bEnd := 0, 0, 0, 0
	for d := 0; d < maxD; d++ {
		for k := -d + fStart; k <= d-fEnd; k += 2 {
			var x int
			if k == -d || k != d && forward[offset+k-1] < forward[offset+k+1] {
				x = forward[offset+k+1]
			} else {
				x = forward[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			forward[offset+k] = x
			switch {
			case x > n:
				fEnd += 2
			case y > m:
				fStart += 2
			case odd:
				if back := offset + delta - k; back >= 0 && back < size && backward[back] != -1 && x >= n-backward[back] {
					return x, y, true
				}
			}
		}
		for k := -d + bStart; k <= d-bEnd; k += 2 {
			var x int
			if k == -d || k != d && backward[offset+k-1] < backward[offset+k+1] {
				x = backward[offset+k+1]
			} else {
				x = backward[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[n-1-x] == b[m-1-y] {
				x++
				y++
			}
			backward[offset+k] = x
			switch {
			case x > n:
				bEnd += 2
			case y > m:
				bStart += 2
			case !odd:
				if fore := offset + delta - k; fore >= 0 && fore < size && forward[fore] != -1 {
					fx := forward[fore]
					if fx >= n-x {
						return fx, fx - (delta - k), true
					}
				}
			}
		}
	}
	return 0, 0, false
}
