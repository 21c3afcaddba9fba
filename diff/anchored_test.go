package diff

import (
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// wallOfText is one section with one paragraph holding a history file's
// paragraphs run together, about size bytes: a text without paragraph
// breaks, as a plain-text policy is. A negative file counts from the last.
func wallOfText(t testing.TB, document string, file, size int) *extract.Document {
	t.Helper()
	var b strings.Builder
	files := historyFiles(t, document)
	if file < 0 {
		file += len(files)
	}
	for _, s := range markdownDocument(t, files[file]).Sections {
		for _, block := range s.Blocks {
			if b.Len() >= size {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(block.Text)
		}
	}
	return &extract.Document{Sections: []extract.Section{{Path: []string{"Terms"}, Level: 1,
		Blocks: []extract.Block{{Kind: extract.Paragraph, Text: b.String()}}}}}
}

// giantPairs are paragraphs long enough to be aligned by sentence first.
func giantPairs(t testing.TB) []documentPair {
	privacy := wallOfText(t, "privacy-policy", 0, 60_000)
	if n := len(tokenize(privacy.Sections[0].Blocks[0].Text)); n <= anchorAbove {
		t.Fatalf("the wall of text has %d tokens, not more than %d", n, anchorAbove)
	}
	return []documentPair{
		{"giant paragraph, 2 % of words changed", privacy, changeWords(privacy, 0.02, 3)},
		{"giant paragraph, 30 % of words changed", privacy, changeWords(privacy, 0.3, 4)},
		{"giant paragraph, first and last versions", privacy, wallOfText(t, "privacy-policy", -1, 60_000)},
		{"giant paragraphs of two policies", privacy, wallOfText(t, "cookies-policy", 0, 60_000)},
	}
}

// A giant paragraph's diff rebuilds both texts, counts every word, and
// reads the same both ways, as every diff must.
func TestGiantParagraphsDiffLikeOthers(t *testing.T) {
	for _, p := range giantPairs(t) {
		r := Compare(p.old, p.new)
		if got, want := sides(r, true), documentSides(p.old); !sameSides(got, want) {
			t.Fatalf("%s: old side not rebuilt", p.name)
		}
		if got, want := sides(r, false), documentSides(p.new); !sameSides(got, want) {
			t.Fatalf("%s: new side not rebuilt", p.name)
		}
		if got, want := r.Stats.WordsUnchanged+r.Stats.WordsRemoved, documentWords(p.old); got != want {
			t.Fatalf("%s: unchanged+removed = %d, old has %d words", p.name, got, want)
		}
		backward := Compare(p.new, p.old)
		want := r.Stats
		want.WordsAdded, want.WordsRemoved = r.Stats.WordsRemoved, r.Stats.WordsAdded
		if backward.Stats != want {
			t.Fatalf("%s: forward %+v, backward %+v", p.name, r.Stats, backward.Stats)
		}
	}
}

// Aligning sentences first must not coarsen the words inside them: with
// words replaced here and there, only those words show as edits.
func TestGiantParagraphShowsOnlyTheWordsChanged(t *testing.T) {
	old := wallOfText(t, "privacy-policy", 0, 60_000)
	new := changeWords(old, 0.02, 3)
	replaced := 0
	oldTokens, newTokens := tokenize(old.Sections[0].Blocks[0].Text), tokenize(new.Sections[0].Blocks[0].Text)
	for i := range oldTokens {
		if oldTokens[i] != newTokens[i] {
			replaced++
		}
	}
	if replaced < 2*maxShortEdits {
		t.Fatalf("only %d words replaced: the sentence alignment is not reached", replaced)
	}
	r := Compare(old, new)
	inserted := 0
	for _, op := range r.Sections[0].Paragraphs[0].Ops {
		if op.Kind == Insert {
			for _, w := range strings.Fields(op.Text) {
				if w != "changed" {
					t.Fatalf("inserted %q: more than the replaced words show as edits", op.Text)
				}
				inserted++
			}
		}
	}
	// A replaced word next to one already "changed" is no edit at all.
	if inserted > replaced || inserted < replaced*9/10 {
		t.Fatalf("%d words shown inserted, %d replaced", inserted, replaced)
	}
}

func BenchmarkCompareGiantParagraphs(b *testing.B) {
	for _, p := range giantPairs(b) {
		b.Run(strings.ReplaceAll(p.name, " ", "-"), func(b *testing.B) {
			for b.Loop() {
				Compare(p.old, p.new)
			}
		})
	}
}
