package diff

import (
	"math"
	"slices"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/policywatch/policywatch/extract"
)

// Compare compares an old and a new Document; nil counts as empty.
//
// Sections are aligned by heading path (longest common subsequence of
// exact paths), then, among the sections left between two aligned ones, by
// equal last heading, then in order where their last headings share two
// thirds of their words or their words are at least half the same.
// Sections still unaligned are paired across the document when
// they are the same section moved (see findMoves); the rest are Removed
// or Added. The output follows the new document's order, with removed
// sections where they were.
//
// Inside aligned sections, blocks are aligned the same way by their exact
// text; removed and added blocks that are similar (most of their text a
// common start and end, or half their words shared) are paired and diffed
// word by word, so a reworded paragraph shows the words that changed.
// Blocks still unpaired then pair, near their places, when most of the
// longer words of the shorter are in the other: the same sentence where the
// two versions cut their paragraphs differently (a Markdown list against
// flattened page text). Blocks' words are weighed in lower case.
// Edits that only change style (quotes, dashes, spaces, letter case) count
// no words added or removed; they and the substitutions are marked
// Op.Folded for the default view.
// Within an edit a Delete op comes before its Insert op.
//
// Every choice is made the same way whichever document comes first, so
// Compare(b, a) mirrors Compare(a, b): its WordsAdded is the other's
// WordsRemoved. Substitutions and Class are described at findSubstitutions
// and classify.
func Compare(oldDoc, newDoc *extract.Document) *Result {
	return ComparePrepared(Prepare(oldDoc), Prepare(newDoc))
}

// ComparePrepared is Compare for documents already prepared: a document
// of tens of MB need not be held whole while it is compared.
func ComparePrepared(oldDoc, newDoc *Prepared) *Result {
	c := &comparer{dmp: newDiffer(), words: newRuneCoder()}
	olds, news := oldDoc.finish(), newDoc.finish()

	result := &Result{Sections: make([]Section, 0, max(len(olds), len(news)))}
	steps, moved := c.findMoves(c.alignSections(olds, news), olds, news)
	for _, s := range steps {
		var sec Section
		switch {
		case s.paired():
			sec = c.compareSection(olds[s.old], news[s.new])
			sec.Moved = moved[s.new]
		case s.old >= 0:
			sec = c.wholeSection(olds[s.old], Removed)
		default:
			sec = c.wholeSection(news[s.new], Added)
		}
		sec.OldIndex, sec.NewIndex = s.old, s.new
		result.Sections = append(result.Sections, sec)
	}
	for _, sec := range result.Sections {
		if sec.Status != Unchanged || sec.Moved {
			c.stats.SectionsChanged++
		}
	}
	c.stats.Similarity = similarity(c.stats)
	result.Stats = c.stats
	var covered func(edit) bool
	result.Substitutions, covered = findSubstitutions(c.edits)
	result.CaseChanges = countCaseChanges(c.edits)
	markFolded(result, covered)
	result.Class, result.notes = classify(c.edits, covered, len(result.Substitutions) > 0, olds, news, result.Sections)
	return result
}

// comparer holds what one Compare accumulates.
type comparer struct {
	dmp   *diffmatchpatch.DiffMatchPatch
	words *runeCoder // one rune per distinct token, shared by all word diffs
	stats Stats
	edits []edit // every run of deleted and/or inserted text, for the class
	// plain is set while headings are compared: plain text, whose every
	// part counts, where a block's Markdown line has link targets.
	plain bool

	// Buffers diffWords reuses from one paragraph to the next.
	aIDs, bIDs   []rune
	aEnds, bEnds []int
	lower        []byte   // a word being lowered by lowerWordID
	pieces       []piece  // diffWords's pieces; none outlives the call
	runs         []run    // shortScript's result, read before the next call
	trace        []int    // shortScript's rounds
	bisector     bisector // longScript's
	sentences    bisector // anchoredScript's, over sentences
	anchored     []run    // anchoredScript's result
}

// edit is one place where text was deleted and/or inserted, with a few
// unchanged tokens on each side (to see that "twitter" sits in a domain).
type edit struct {
	from, to           string
	fromWords, toWords int
	before, after      string
	inLink             bool // inside a link target or a bare URL, on the old side
	// rotating marks an edit of a paragraph whose only changes are
	// identifiers rotating inside its link targets (identifiers.go).
	rotating bool
}

// section is a Section of a Document, ready to compare.
type section struct {
	path    []string
	heading string
	texts   []string // one per block
	wordIDs []rune   // sorted ids of all its words, filled when needed
	headIDs []rune   // sorted ids of its heading's words, filled when needed
}

// Prepared is a document as Compare reads it: its sections' headings and
// each block's text, a fraction of what the extract.Document holds.
type Prepared struct {
	title     string
	sections  []*section
	levelOnes map[string]bool // level-1 headings: whether the title is shown
}

// Prepare reads doc as Compare does; nil counts as empty.
func Prepare(doc *extract.Document) *Prepared {
	if doc == nil {
		return nil
	}
	p := NewPrepared()
	p.SetTitle(doc.Title)
	for _, s := range doc.Sections {
		p.AddSection(s)
	}
	return p
}

// NewPrepared starts an empty document, to which AddSection adds sections
// in order: a document read section by section is never held whole.
func NewPrepared() *Prepared {
	return &Prepared{levelOnes: map[string]bool{}}
}

// SetTitle sets the document's title (extract.Document.Title).
func (p *Prepared) SetTitle(title string) { p.title = title }

// AddSection adds the document's next section; s may be let go afterwards.
func (p *Prepared) AddSection(s extract.Section) {
	if s.Level == 1 {
		p.levelOnes[s.Heading()] = true
	}
	prepared := &section{path: make([]string, len(s.Path)), texts: make([]string, len(s.Blocks))}
	for k, part := range s.Path {
		prepared.path[k] = strings.ToValidUTF8(part, "\uFFFD")
	}
	if len(prepared.path) > 0 {
		prepared.heading = prepared.path[len(prepared.path)-1]
	}
	for k, b := range s.Blocks {
		prepared.texts[k] = blockText(b)
	}
	p.sections = append(p.sections, prepared)
}

// finish returns the sections one Compare reads, the title's first when
// the Markdown shows it (extract.Document.ShownTitle), as a heading, or a
// change of title alone would be a version with an empty diff. They are
// copies, since a comparison fills in its own word ids: a Prepared may be
// compared any number of times.
func (p *Prepared) finish() []*section {
	if p == nil {
		return nil
	}
	out := make([]*section, 0, len(p.sections)+1)
	if p.title != "" && !p.levelOnes[p.title] {
		title := strings.ToValidUTF8(p.title, "\uFFFD")
		out = append(out, &section{path: []string{title}, heading: title})
	}
	for _, s := range p.sections {
		out = append(out, &section{path: s.path, heading: s.heading, texts: s.texts})
	}
	return out
}

// alignSections pairs sections by exact path, then by last heading, then by
// similar last heading or similar content, each step only inside the gaps
// the one before left.
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
				if similarHeadings(c.headingWordIDs(olds[oi], 0), c.headingWordIDs(news[ni], 1)) {
					return true
				}
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

// headingWordIDs returns the sorted word ids of a section's last heading.
func (c *comparer) headingWordIDs(s *section, side int) []rune {
	if s.headIDs == nil {
		s.headIDs = c.sortedWordIDs(s.heading, side)
	}
	return s.headIDs
}

// similarHeadings says whether two headings, as sorted word ids, share at
// least two thirds of their words: "How we share" and "How we share
// information". Headings of one or two words must be equal, which the
// alignment by heading has already tried.
func similarHeadings(a, b []rune) bool {
	return len(a) >= 3 && len(b) >= 3 && dice(a, b) >= 2.0/3
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
	if !slices.Equal(o.path, n.path) {
		out.OldPath = slices.Clone(o.path)
	}
	if o.heading != n.heading {
		heading := c.diffHeadings(o.heading, n.heading)
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
	c.plain = true
	c.wholeText(s.heading, status)
	c.plain = false
	for i, t := range s.texts {
		out.Paragraphs[i] = c.wholeText(t, status)
	}
	return out
}

// wholeText renders a text only in the old (Removed) or new (Added)
// document, and counts it.
func (c *comparer) wholeText(text string, status Status) Paragraph {
	words := lineWords(text)
	if c.plain {
		words = countWords(text)
	}
	p := Paragraph{Status: status, Ops: []Op{}}
	if text == "" {
		return p
	}
	kind := Insert
	tokens := countWords(text) // link targets included: they weigh the edit
	if status == Removed {
		kind = Delete
		c.stats.WordsRemoved += words
		c.edits = append(c.edits, edit{from: text, fromWords: tokens})
	} else {
		c.stats.WordsAdded += words
		c.edits = append(c.edits, edit{to: text, toWords: tokens})
	}
	p.Ops = append(p.Ops, Op{Kind: kind, Text: text, Words: words})
	return p
}

// similarity is the share of words kept in percent, to one decimal.
func similarity(s Stats) float64 {
	total := 2*s.WordsUnchanged + s.WordsAdded + s.WordsRemoved
	if total == 0 {
		return 100
	}
	return math.Round(1000*float64(2*s.WordsUnchanged)/float64(total)) / 10
}
