package diff

import "strings"

// findMoves pairs sections that the in-order alignment left unpaired: a
// section removed in one place and added in another is the same section
// moved when its heading path, or else its last heading, is the same, or
// else its words are at least half the same. It returns the steps with
// each moved pair at the new section's place, and the set of new indices
// that were moved.
func (c *comparer) findMoves(steps []step, olds, news []*section) ([]step, map[int]bool) {
	var removed, added []int
	for _, s := range steps {
		switch {
		case s.paired():
		case s.old >= 0:
			removed = append(removed, s.old)
		default:
			added = append(added, s.new)
		}
	}
	if len(removed) == 0 || len(added) == 0 {
		return steps, nil
	}
	oldFor := map[int]int{} // new index → old index
	taken := map[int]bool{} // old indices already paired
	match := func(same func(o, n *section) bool) {
		for _, n := range added {
			if _, done := oldFor[n]; done {
				continue
			}
			for _, o := range removed {
				if !taken[o] && same(olds[o], news[n]) {
					oldFor[n], taken[o] = o, true
					break
				}
			}
		}
	}
	match(func(o, n *section) bool { return strings.Join(o.path, "\x00") == strings.Join(n.path, "\x00") })
	match(func(o, n *section) bool { return o.heading != "" && o.heading == n.heading })
	match(func(o, n *section) bool {
		a, b := c.sectionWordIDs(o, 0), c.sectionWordIDs(n, 1)
		return len(a)+len(b) > 0 && couldBeSimilar(len(a), len(b)) && dice(a, b) >= similarEnough
	})
	if len(oldFor) == 0 {
		return steps, nil
	}
	out := make([]step, 0, len(steps))
	moved := map[int]bool{}
	for _, s := range steps {
		switch {
		case s.paired():
			out = append(out, s)
		case s.old >= 0 && taken[s.old]:
			// shown where it is in the new document
		case s.new >= 0:
			if o, ok := oldFor[s.new]; ok {
				out = append(out, step{o, s.new})
				moved[s.new] = true
				continue
			}
			out = append(out, s)
		default:
			out = append(out, s)
		}
	}
	return out, moved
}
