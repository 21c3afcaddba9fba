package diff

import (
	"slices"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/policywatch/policywatch/extract"
)

// Compare compares an old and a new Document; nil counts as empty.
//
// Sections are aligned by heading path (longest common subsequence of
// exact paths), then, among the sections left between two aligned ones, by
// equal last heading, then in order where their words are at least half
// the same. Unaligned sections are Removed or Added. The output follows the
// new document's order, with removed sections where they were.
//
// Inside aligned sections, blocks are aligned the same way by their exact
// text; removed and added blocks that are similar are paired and diffed
// word by word, so a reworded paragraph shows the words that changed.
// Within an edit a Delete op comes before its Insert op.
//
// Every choice is made the same way whichever document comes first, so
// Compare(b, a) mirrors Compare(a, b): its WordsAdded is the other's
// WordsRemoved. Substitutions and Class are described at findSubstitutions
// and classify.
func Compare(oldDoc, newDoc *extract.Document) *Result {
	c := &comparer{dmp: newDiffer(), words: newRuneCoder()}
	olds, news := prepareSections(oldDoc), prepareSections(newDoc)

	result := &Result{Sections: make([]Section, 0, max(len(olds), len(news)))}
	for _, s := range c.alignSections(olds, news) {
		switch {
		case s.paired():
			result.Sections = append(result.Sections, c.compareSection(olds[s.old], news[s.new]))
		case s.old >= 0:
			result.Sections = append(result.Sections, c.wholeSection(olds[s.old], Removed))
		default:
			result.Sections = append(result.Sections, c.wholeSection(news[s.new], Added))
		}
	}
	result.Stats = c.stats
	var covered func(edit) bool
	result.Substitutions, covered = findSubstitutions(c.edits)
	result.Class = classify(c.edits, covered, len(result.Substitutions) > 0, olds, news)
	return result
}

// comparer holds what one Compare accumulates.
type comparer struct {
	dmp   *diffmatchpatch.DiffMatchPatch
	words *runeCoder // one rune per distinct token, shared by all word diffs
	stats Stats
	edits []edit // every run of deleted and/or inserted text, for the class
}

// edit is one place where text was deleted and/or inserted.
type edit struct {
	from, to           string
	fromWords, toWords int
}

// section is a Section of a Document, ready to compare.
type section struct {
	path    []string
	heading string
	texts   []string // one per block
	wordIDs []rune   // sorted ids of all its words, filled when needed
}

func prepareSections(doc *extract.Document) []*section {
	if doc == nil {
		return nil
	}
	out := make([]*section, len(doc.Sections))
	for i, s := range doc.Sections {
		prepared := &section{path: make([]string, len(s.Path)), texts: make([]string, len(s.Blocks))}
		for k, p := range s.Path {
			prepared.path[k] = strings.ToValidUTF8(p, "\uFFFD")
		}
		if len(prepared.path) > 0 {
			prepared.heading = prepared.path[len(prepared.path)-1]
		}
		for k, b := range s.Blocks {
			prepared.texts[k] = blockText(b)
		}
		out[i] = prepared
	}
	return out
}

// alignSections pairs sections by exact path, then by last heading, then by
// content, each step only inside the gaps the one before left.
func (c *comparer) alignSections(olds, news []*section) []step {
	pathKey := func(s *section) string { return strings.Join(s.path, "\x00") }
	headingKey := func(s *section) string { return s.heading }
	steps := alignKeys(c.dmp, keys(olds, pathKey), keys(news, pathKey))
	return resolveGaps(steps, func(gapOlds, gapNews []int) []step {
		byHeading := alignKeys(c.dmp, keysAt(olds, gapOlds, headingKey), keysAt(news, gapNews, headingKey))
		byHeading = reindex(byHeading, gapOlds, gapNews)
		return resolveGaps(byHeading, func(o, n []int) []step {
			swap := slices.Compare(keysAt(olds, o, pathKey), keysAt(news, n, pathKey)) > 0
			return pairInOrder(o, n, func(oi, ni int) bool {
				a, b := c.sectionWordIDs(olds[oi], 0), c.sectionWordIDs(news[ni], 1)
				return couldBeSimilar(len(a), len(b)) && dice(a, b) >= similarEnough
			}, swap)
		})
	})
}

func keys(sections []*section, key func(*section) string) []string {
	out := make([]string, len(sections))
	for i, s := range sections {
		out[i] = key(s)
	}
	return out
}

func keysAt(sections []*section, at []int, key func(*section) string) []string {
	out := make([]string, len(at))
	for i, k := range at {
		out[i] = key(sections[k])
	}
	return out
}

// reindex turns steps over sub-slices back into indices of the full ones.
func reindex(steps []step, olds, news []int) []step {
	for i, s := range steps {
		if s.old >= 0 {
			steps[i].old = olds[s.old]
		}
		if s.new >= 0 {
			steps[i].new = news[s.new]
		}
	}
	return steps
}

// sectionWordIDs returns the sorted word ids of a section's heading and
// blocks, computing them once.
func (c *comparer) sectionWordIDs(s *section, side int) []rune {
	if s.wordIDs == nil {
		ids := c.wordIDs(s.heading, side)
		for _, t := range s.texts {
			ids = append(ids, c.wordIDs(t, side)...)
		}
		if ids == nil {
			ids = []rune{} // non-nil marks it computed
		}
		slices.Sort(ids)
		s.wordIDs = ids
	}
	return s.wordIDs
}

// wordIDs returns the ids of the words of text, unsorted.
func (c *comparer) wordIDs(text string, side int) []rune {
	var words []string
	for _, t := range tokenize(text) {
		if isWord(t) {
			words = append(words, t)
		}
	}
	return c.words.encode(words, side)
}

// compareSection compares two aligned sections.
func (c *comparer) compareSection(o, n *section) Section {
	out := Section{Path: slices.Clone(n.path), Status: Unchanged}
	if out.Path == nil {
		out.Path = []string{}
	}
	if o.heading != n.heading {
		heading := c.diffWords(c.prepare(o.heading, 0), c.prepare(n.heading, 1))
		out.Heading = heading.Ops
		out.Status = Changed
	} else {
		c.stats.WordsUnchanged += countWords(n.heading)
	}
	out.Paragraphs = c.compareBlocks(o.texts, n.texts)
	for _, p := range out.Paragraphs {
		if p.Status != Unchanged {
			out.Status = Changed
			break
		}
	}
	return out
}

// wholeSection renders a section that is only in one document.
func (c *comparer) wholeSection(s *section, status Status) Section {
	out := Section{Path: slices.Clone(s.path), Status: status, Paragraphs: make([]Paragraph, len(s.texts))}
	if out.Path == nil {
		out.Path = []string{}
	}
	c.wholeText(s.heading, status)
	for i, t := range s.texts {
		out.Paragraphs[i] = c.wholeText(t, status)
	}
	return out
}

// wholeText renders a text only in the old (Removed) or new (Added)
// document, and counts it.
func (c *comparer) wholeText(text string, status Status) Paragraph {
	words := countWords(text)
	p := Paragraph{Status: status, Ops: []Op{}}
	if text == "" {
		return p
	}
	kind := Insert
	if status == Removed {
		kind = Delete
		c.stats.WordsRemoved += words
		c.edits = append(c.edits, edit{from: text, fromWords: words})
	} else {
		c.stats.WordsAdded += words
		c.edits = append(c.edits, edit{to: text, toWords: words})
	}
	p.Ops = append(p.Ops, Op{Kind: kind, Text: text})
	return p
}
