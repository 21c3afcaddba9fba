package extract

import (
	"hash/fnv"
	"sort"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Some pages carry their policy twice: once in the desktop layout, once
// in the mobile one, one of them hidden by a style sheet the extractor
// does not read. dropDuplicates leaves out a container whose text repeats
// that of an earlier sibling container, exactly or nearly: nearly means
// that only short labels ("Back to top", "Contents") were added or left
// out, never that a word was replaced or a sentence added. A page that
// shows the current policy beside the coming one, a few words apart, keeps
// both: leaving the second out would hide its changes.

const (
	// minDuplicate is the least text (bytes) a copy must hold to be left
	// out: a policy, not a repeated sentence or a small box.
	minDuplicate = 1000
	// nearDuplicate is the least similarity of two copies: the share of
	// word pairs they have in common. Copies differ by a few words of
	// layout ("Back to top", "Contents"), versions of a text by more.
	nearDuplicate = 0.95
)

// duplicate is a container left out as a copy of an earlier one.
type duplicate struct {
	copy, of   *html.Node
	size       int
	similarity float64
}

// siblingGroup is the large containers among one element's children (or
// among the roots), each with its text size.
type siblingGroup struct {
	depth int
	nodes []*html.Node
	sizes []int
}

// findDuplicates returns, from under roots, every container that repeats
// an earlier sibling container (detach them to leave them out).
func findDuplicates(roots []*html.Node) []duplicate {
	var groups []siblingGroup
	top := siblingGroup{}
	for _, r := range roots {
		size := measureForCopies(r, 1, &groups)
		if r.Type == html.ElementNode && size >= minDuplicate && isContainer(r) {
			top.nodes = append(top.nodes, r)
			top.sizes = append(top.sizes, size)
		}
	}
	if len(top.nodes) >= 2 {
		groups = append(groups, top)
	}
	if len(groups) == 0 {
		return nil
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].depth < groups[j].depth })
	var found []duplicate
	prints := map[*html.Node]*textPrint{}
	printOf := func(n *html.Node) *textPrint {
		if p, ok := prints[n]; ok {
			return p
		}
		p := newTextPrint(textWith(n, guessedContent))
		prints[n] = p
		return p
	}
	dropped := map[*html.Node]bool{}
	for _, g := range groups {
		if insideDropped(g.nodes[0], dropped) {
			continue
		}
		for j := 1; j < len(g.nodes); j++ {
			for i := 0; i < j; i++ {
				if dropped[g.nodes[i]] || !closeSizes(g.sizes[i], g.sizes[j]) {
					continue
				}
				a, b := printOf(g.nodes[i]), printOf(g.nodes[j])
				similarity := a.similarity(b)
				if similarity >= nearDuplicate && differsOnlyByLabels(a.words, b.words) {
					dropped[g.nodes[j]] = true
					found = append(found, duplicate{copy: g.nodes[j], of: g.nodes[i], size: g.sizes[j], similarity: similarity})
					break
				}
			}
		}
	}
	return found
}

func insideDropped(n *html.Node, dropped map[*html.Node]bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if dropped[p] {
			return true
		}
	}
	return false
}

func closeSizes(a, b int) bool {
	return float64(min(a, b)) >= nearDuplicate*float64(max(a, b))
}

// measureForCopies returns the size of n's text and records the groups of
// large sibling containers under it. Only elements that are noise
// whatever their attributes are left out, and below elements that hold
// no containers (paragraphs, lists, tables) not even those: the sizes
// only pick the candidates, whose texts are then compared as the walk
// reads them.
func measureForCopies(n *html.Node, depth int, groups *[]siblingGroup) int {
	switch n.Type {
	case html.TextNode:
		return len(n.Data)
	case html.ElementNode, html.DocumentNode:
	default:
		return 0
	}
	if !mayHoldParts(n) {
		return plainSize(n)
	}
	total := 0
	var g siblingGroup
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && noiseElements[c.DataAtom] {
			continue
		}
		size := measureForCopies(c, depth+1, groups)
		total += size
		if size >= minDuplicate && c.Type == html.ElementNode && isContainer(c) {
			g.nodes = append(g.nodes, c)
			g.sizes = append(g.sizes, size)
		}
	}
	if len(g.nodes) >= 2 {
		g.depth = depth
		*groups = append(*groups, g)
	}
	return total
}

// plainSize is the length of the text under n but scripts and styles.
func plainSize(n *html.Node) int {
	total := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			total += len(c.Data)
		case c.Type == html.ElementNode && c.DataAtom != atom.Script && c.DataAtom != atom.Style:
			total += plainSize(c)
		}
	}
	return total
}

// textPrint is a text's word pairs, counted: two texts that share nearly
// all their pairs are the same text, whatever markup parts them.
type textPrint struct {
	pairs map[uint64]int32
	total int
	text  string
	words []string
}

func newTextPrint(text string) *textPrint {
	words := labelTokens(text)
	p := &textPrint{pairs: map[uint64]int32{}, text: text, words: words}
	h := fnv.New64a()
	for i := 0; i+1 < len(words); i++ {
		h.Reset()
		h.Write([]byte(words[i]))
		h.Write([]byte{0})
		h.Write([]byte(words[i+1]))
		p.pairs[h.Sum64()]++
		p.total++
	}
	return p
}

// similarity is the share of word pairs the two texts have in common,
// over the larger count.
func (p *textPrint) similarity(q *textPrint) float64 {
	if p.text == q.text {
		return 1
	}
	if p.total == 0 || q.total == 0 {
		return 0
	}
	common := 0
	for k, n := range p.pairs {
		common += int(min(n, q.pairs[k]))
	}
	return float64(common) / float64(max(p.total, q.total))
}

// A label is at most maxLabelWords words, and the texts must agree on the
// labelResync words after it: enough that a replaced word cannot pass for
// a label.
const (
	maxLabelWords = 4
	labelResync   = 6
)

// differsOnlyByLabels reports whether b is a with only short runs of words
// (labels) inserted or left out: every replaced word, and every insertion
// longer than a label, makes the texts different.
func differsOnlyByLabels(a, b []string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i, j = i+1, j+1
			continue
		}
		resynced := false
		for k := 1; k <= maxLabelWords && !resynced; k++ {
			switch {
			case wordsAgree(a, i, b, j+k):
				j, resynced = j+k, true
			case wordsAgree(a, i+k, b, j):
				i, resynced = i+k, true
			}
		}
		if !resynced {
			return false
		}
	}
	return len(a)-i <= maxLabelWords && len(b)-j <= maxLabelWords
}

// wordsAgree reports whether a from i and b from j hold the same next
// labelResync words, or end together with the same words.
func wordsAgree(a []string, i int, b []string, j int) bool {
	if i > len(a) || j > len(b) {
		return false
	}
	for k := 0; k < labelResync; k++ {
		if i+k == len(a) || j+k == len(b) {
			return i+k == len(a) && j+k == len(b)
		}
		if a[i+k] != b[j+k] {
			return false
		}
	}
	return true
}
