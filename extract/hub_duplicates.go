package extract

import (
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
	// the longer one's words they have in common, in order. Copies differ by a few words of
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
	prints := map[*html.Node][]uint32{}
	printOf := func(n *html.Node) []uint32 {
		if p, ok := prints[n]; ok {
			return p
		}
		p := wordPrint(textWith(n, guessedContent))
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
				common, labelsOnly := differsOnlyByLabels(a, b)
				similarity := 1.0
				if longer := max(len(a), len(b)); longer > 0 {
					similarity = float64(common) / float64(longer)
				}
				if labelsOnly && similarity >= nearDuplicate {
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

// wordPrint is a text's words (lower case, as labelTokens splits them),
// each as a 32-bit hash: the sibling sections of a 20 MB page are compared
// without holding their texts or their words as strings. A collision can
// only make two words agree by chance, never two texts.
func wordPrint(text string) []uint32 {
	print := make([]uint32, 0, len(text)/6)
	eachLabelToken(text, func(word string) {
		h := uint32(2166136261) // FNV-1a
		for k := 0; k < len(word); k++ {
			h ^= uint32(word[k])
			h *= 16777619
		}
		print = append(print, h)
	})
	return print
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
// longer than a label, makes the texts different. common is the number of
// words the two share along the way. Texts that differ part early, so
// comparing the many sections of one long policy costs little.
func differsOnlyByLabels[Word comparable](a, b []Word) (common int, labelsOnly bool) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i, j, common = i+1, j+1, common+1
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
			return common, false
		}
	}
	return common, len(a)-i <= maxLabelWords && len(b)-j <= maxLabelWords
}

// wordsAgree reports whether a from i and b from j hold the same next
// labelResync words, or end together with the same words.
func wordsAgree[Word comparable](a []Word, i int, b []Word, j int) bool {
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
