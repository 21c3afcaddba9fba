package diff

import (
	"slices"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// run is a run of n tokens that are equal, deleted or inserted.
type run struct {
	kind diffmatchpatch.Operation
	n    int
}

// maxShortEdits is the most edits (deleted plus inserted tokens) for which
// shortScript, which keeps every round, finds the diff; beyond it
// longScript's bisection, which keeps two rows, takes over.
const maxShortEdits = 16

// tokenScript diffs two token id sequences into runs: a shortest edit
// script (never coarsened), found by Myers' greedy algorithm when it has at
// most maxShortEdits edits, by his linear-space bisection otherwise; above
// anchorAbove tokens, sentences are aligned first (anchoredScript).
// The buffers of c are reused: most paragraphs differ by a few words.
func (c *comparer) tokenScript(a, b []rune) []run {
	if runs, ok := c.shortScript(a, b); ok {
		return runs
	}
	if len(a)+len(b) > anchorAbove {
		return c.anchoredScript(a, b)
	}
	return c.longScript(a, b)
}

// shortScript is Myers' O(ND) greedy forward search for a shortest edit
// script, kept to at most maxShortEdits edits; ok is false beyond. V[k] is
// the furthest x reached on diagonal k = x − y; the Vs of every round are
// kept to walk the script back from the end.
func (c *comparer) shortScript(a, b []rune) (runs []run, ok bool) {
	const offset = maxShortEdits + 1 // V[k] is v[offset+k], k±1 included
	n, m := len(a), len(b)
	if n+m == 0 {
		return c.runs[:0], true
	}
	if abs(n-m) > maxShortEdits {
		return nil, false
	}
	trace := c.trace[:0]
	var v [2*maxShortEdits + 3]int
	found := -1
	for d := 0; d <= maxShortEdits && found < 0; d++ {
		trace = append(trace, v[:]...)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[offset+k-1] < v[offset+k+1] {
				x = v[offset+k+1] // down: insert b[y-1]
			} else {
				x = v[offset+k-1] + 1 // right: delete a[x-1]
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	c.trace = trace
	if found < 0 {
		return nil, false
	}

	// Walk back from (n, m), collecting runs in reverse.
	runs = c.runs[:0]
	add := func(kind diffmatchpatch.Operation, count int) {
		if count == 0 {
			return
		}
		if last := len(runs) - 1; last >= 0 && runs[last].kind == kind {
			runs[last].n += count
			return
		}
		runs = append(runs, run{kind, count})
	}
	x, y := n, m
	for d := found; d > 0; d-- {
		prev := trace[d*len(v) : (d+1)*len(v)]
		k := x - y
		// The edit that reached diagonal k in round d, from the end of the
		// previous round's furthest path, then the snake of equal tokens.
		var midX, prevX, prevY int
		if k == -d || k != d && prev[offset+k-1] < prev[offset+k+1] {
			prevX = prev[offset+k+1]
			prevY = prevX - (k + 1)
			midX = prevX
		} else {
			prevX = prev[offset+k-1]
			prevY = prevX - (k - 1)
			midX = prevX + 1
		}
		add(diffmatchpatch.DiffEqual, x-midX)
		if midX == prevX {
			add(diffmatchpatch.DiffInsert, 1)
		} else {
			add(diffmatchpatch.DiffDelete, 1)
		}
		x, y = prevX, prevY
	}
	add(diffmatchpatch.DiffEqual, x) // round 0: the common start, x = y
	slices.Reverse(runs)
	c.runs = runs
	// A guard, never expected to fire: a script that does not span both
	// sequences exactly is not used, and go-diff diffs them instead.
	if x != y || !runsSpan(runs, n, m) {
		return nil, false
	}
	return runs, true
}

// runsSpan says whether runs read exactly n old and m new tokens.
func runsSpan(runs []run, n, m int) bool {
	for _, r := range runs {
		switch r.kind {
		case diffmatchpatch.DiffEqual:
			n, m = n-r.n, m-r.n
		case diffmatchpatch.DiffDelete:
			n -= r.n
		default:
			m -= r.n
		}
	}
	return n == 0 && m == 0
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
