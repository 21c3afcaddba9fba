package diff

import (
	"github.com/sergi/go-diff/diffmatchpatch"
)

// contextTokens is how many unchanged tokens an edit keeps on each side.
const contextTokens = 3

// piece is a run of equal tokens, or a run of deleted and/or inserted ones,
// kept as byte ranges of the two texts rather than as tokens: every piece
// is contiguous on both sides, so its text is a substring, never a join.
// An equal piece's text is the same on both sides.
type piece struct {
	equal              bool
	aStart, aEnd       int // the piece's text in the old text (deleted, for an edit)
	bStart, bEnd       int // and in the new one (inserted, for an edit)
	words              int // words of an equal piece
	delWords, insWords int
	// The same counted as text (link targets are no words): statistics.
	// The counts above, link targets included, weigh edits: a link that
	// moves to another host is an edit of words.
	textWords, delText, insText int
}

// tokenIDs tokenizes text and returns one id per token and where each
// token ends, in buffers reused from call to call: go-diff keeps neither.
func (c *comparer) tokenIDs(text string, side int, ids []rune, ends []int) ([]rune, []int) {
	ids, ends = ids[:0], ends[:0]
	for i := 0; i < len(text); {
		end := tokenEnd(text, i)
		ids = append(ids, c.words.encodeOne(text[i:end], side))
		ends = append(ends, end)
		i = end
	}
	return ids, ends
}

// diffWords diffs two texts token by token, counts the edits and returns
// them as a paragraph. Their common start and end are cut off first, at
// token boundaries, and kept as one equal piece each: a paragraph with one
// word changed costs a diff of a few tokens, not of all of them.
func (c *comparer) diffWords(aText, bText string) Paragraph {
	return c.diffWordsCounted(aText, bText, lineWords(aText))
}

// diffHeadings is diffWords for two headings: plain text, every part of
// which counts.
func (c *comparer) diffHeadings(aText, bText string) Paragraph {
	c.plain = true
	defer func() { c.plain = false }()
	return c.diffWordsCounted(aText, bText, countWords(aText))
}

// diffWordsCounted is diffWords for an old text of aWords words. The words
// of the common start and end are counted as aWords less those of the
// middle, which is tokenized anyway: only the middle is read twice.
func (c *comparer) diffWordsCounted(aText, bText string, aWords int) Paragraph {
	prefix, aEnd, bEnd := commonEnds(aText, bText)
	aMid, bMid := aText[prefix:aEnd], bText[prefix:bEnd]
	var aSkip, bSkip []span
	if !c.plain {
		aSkip, bSkip = notText(aText), notText(bText)
	}
	pieces := c.pieces[:0]
	defer func() { c.pieces = pieces[:0] }()
	// The first and last pieces are never between two edits, so
	// mergeTrivialEqualities never reads their words: the common start's
	// and end's words are only counted, below, not given to their pieces.
	if prefix > 0 {
		pieces = append(pieces, piece{equal: true, aEnd: prefix, bEnd: prefix})
	}
	var aIDs, bIDs []rune
	var aEnds, bEnds []int
	aIDs, aEnds = c.tokenIDs(aMid, 0, c.aIDs, c.aEnds)
	bIDs, bEnds = c.tokenIDs(bMid, 1, c.bIDs, c.bEnds)
	c.aIDs, c.aEnds, c.bIDs, c.bEnds = aIDs, aEnds, bIDs, bEnds

	// Diff the pair in the order the content says, so that Compare(b, a)
	// makes the same choices mirrored (an edit script is not unique, and
	// which one is found depends on the order), and read it as runs.
	swap := aMid > bMid
	var runs []run
	if swap {
		runs = c.tokenScript(bIDs, aIDs)
	} else {
		runs = c.tokenScript(aIDs, bIDs)
	}
	offset := func(ends []int, k int) int {
		if k == 0 {
			return prefix
		}
		return prefix + ends[k-1]
	}
	i, j := 0, 0 // tokens of aMid and bMid read so far
	midWords := 0
	for _, r := range runs {
		n, kind := r.n, r.kind
		if swap && kind != diffmatchpatch.DiffEqual {
			kind = diffmatchpatch.DiffDelete + diffmatchpatch.DiffInsert - kind
		}
		equal := kind == diffmatchpatch.DiffEqual
		if len(pieces) == 0 || pieces[len(pieces)-1].equal != equal {
			a, b := offset(aEnds, i), offset(bEnds, j)
			pieces = append(pieces, piece{equal: equal, aStart: a, aEnd: a, bStart: b, bEnd: b})
		}
		p := &pieces[len(pieces)-1]
		switch kind {
		case diffmatchpatch.DiffEqual:
			from, to := offset(aEnds, i), offset(aEnds, i+n)
			p.words += countWords(aText[from:to])
			words := wordsBetween(aText, from, to, aSkip)
			p.textWords += words
			midWords += words
			i, j = i+n, j+n
		case diffmatchpatch.DiffDelete:
			from, to := offset(aEnds, i), offset(aEnds, i+n)
			p.delWords += countWords(aText[from:to])
			words := wordsBetween(aText, from, to, aSkip)
			p.delText += words
			midWords += words
			i += n
		default:
			from, to := offset(bEnds, j), offset(bEnds, j+n)
			p.insWords += countWords(bText[from:to])
			p.insText += wordsBetween(bText, from, to, bSkip)
			j += n
		}
		p.aEnd, p.bEnd = offset(aEnds, i), offset(bEnds, j)
	}
	if aEnd < len(aText) {
		if n := len(pieces); n > 0 && pieces[n-1].equal {
			pieces[n-1].aEnd, pieces[n-1].bEnd = len(aText), len(bText)
		} else {
			pieces = append(pieces, piece{equal: true, aStart: aEnd, aEnd: len(aText), bStart: bEnd, bEnd: len(bText)})
		}
	}
	c.stats.WordsUnchanged += aWords - midWords // the common start and end

	status := Unchanged
	var url urlTracker
	url.skip = !mayHaveURL(aText)
	rotating := !url.skip && rotatingLinksOnly(aText, bText)
	for i, p := range pieces {
		if p.equal {
			c.stats.WordsUnchanged += p.textWords
			url.walkText(aText[p.aStart:p.aEnd])
			continue
		}
		inLink := url.inside
		url.walkText(aText[p.aStart:p.aEnd])
		status = Changed
		e := edit{
			from: aText[p.aStart:p.aEnd], to: bText[p.bStart:p.bEnd],
			fromWords: p.delWords, toWords: p.insWords, inLink: inLink, rotating: rotating,
		}
		if i > 0 {
			before := pieces[i-1]
			e.before = lastTokens(aText[before.aStart:before.aEnd], contextTokens)
		}
		if i+1 < len(pieces) {
			after := pieces[i+1]
			e.after = firstTokens(aText[after.aStart:after.aEnd], contextTokens)
		}
		if p.delText == p.insText && (rotating || cosmeticEdit(e)) {
			c.stats.WordsUnchanged += p.insText // the same words, restyled or re-keyed
		} else {
			c.stats.WordsRemoved += p.delText
			c.stats.WordsAdded += p.insText
		}
		c.edits = append(c.edits, e)
	}

	pieces = mergeTrivialEqualities(pieces)
	ops := make([]Op, 0, len(pieces)+len(pieces)/2)
	for _, p := range pieces {
		if p.equal {
			ops = append(ops, Op{Kind: Equal, Text: aText[p.aStart:p.aEnd], Words: wordsBetween(aText, p.aStart, p.aEnd, aSkip)})
			continue
		}
		if p.aEnd > p.aStart {
			ops = append(ops, Op{Kind: Delete, Text: aText[p.aStart:p.aEnd], Words: wordsBetween(aText, p.aStart, p.aEnd, aSkip)})
		}
		if p.bEnd > p.bStart {
			ops = append(ops, Op{Kind: Insert, Text: bText[p.bStart:p.bEnd], Words: wordsBetween(bText, p.bStart, p.bEnd, bSkip)})
		}
	}
	return Paragraph{Status: status, Ops: ops}
}

// mergeTrivialEqualities makes heavy rewrites read as phrases instead of
// confetti: an unchanged run between two edits is folded into them when it
// holds no word, or fewer words than the edits on each side of it. This is
// go-diff's DiffCleanupSemantic rule counted in words; DiffCleanupSemantic
// itself cannot run on our token runes, as its lossless pass slices strings
// by rune counts and corrupts multi-byte runes. Counting (stats,
// substitutions, class) uses the diff before this merge.
func mergeTrivialEqualities(pieces []piece) []piece {
	for i := 1; i < len(pieces)-1; {
		left, same, right := &pieces[i-1], pieces[i], pieces[i+1]
		trivial := same.equal && !left.equal && !right.equal &&
			(same.words == 0 ||
				same.words < max(left.delWords, left.insWords) && same.words < max(right.delWords, right.insWords))
		if !trivial {
			i++
			continue
		}
		// The three pieces are contiguous on both sides.
		left.aEnd, left.bEnd = right.aEnd, right.bEnd
		left.delWords += same.words + right.delWords
		left.insWords += same.words + right.insWords
		pieces = append(pieces[:i], pieces[i+2:]...)
		i = max(1, i-2)
	}
	return pieces
}
