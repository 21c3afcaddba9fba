package diff

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// vocabulary mixes plain words, rebrand words, non-Latin scripts, emoji,
// possessives, typographic punctuation, odd spaces and invalid UTF-8.
var vocabulary = []string{
	"the", "the", "the", "we", "you", "your", "data", "may", "will", "share", "cookies", "and", "or", "to", "of",
	"Twitter", "Twitter's", "X", "X’s", "Tweet", "Tweets", "post", "posts", "don't", "don’t",
	"données", "personnelles", "日本語", "テキスト", "🙂", "👍🏽", "naïve", "e\u0301t\u00e9", "42", "2023",
	",", ".", ";", "—", "–", "-", "“quoted”", "\"quoted\"", "(", ")", "\u00a0", "  ", "\t", "\xff", "a\xc3",
}

func randomText(rng *rand.Rand, maxWords int) string {
	n := rng.Intn(maxWords + 1)
	var b strings.Builder
	for i := range n {
		if i > 0 && rng.Intn(4) > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocabulary[rng.Intn(len(vocabulary))])
	}
	return b.String()
}

func randomBlock(rng *rand.Rand) extract.Block {
	switch rng.Intn(8) {
	case 0:
		cells := make([]string, 1+rng.Intn(3))
		for i := range cells {
			cells[i] = randomText(rng, 4)
		}
		return extract.Block{Kind: extract.TableRow, Cells: cells}
	case 1:
		return extract.Block{Kind: extract.ListItem, Text: randomText(rng, 12), Depth: rng.Intn(2)}
	default:
		return extract.Block{Kind: extract.Paragraph, Text: randomText(rng, 40)}
	}
}

func randomSection(rng *rand.Rand, i int) extract.Section {
	s := extract.Section{}
	if i > 0 || rng.Intn(2) == 0 {
		depth := 1 + rng.Intn(3)
		for d := range depth {
			s.Path = append(s.Path, fmt.Sprintf("%s %d.%d", randomText(rng, 3), i, d))
		}
		s.Level = depth
	}
	for range rng.Intn(8) {
		s.Blocks = append(s.Blocks, randomBlock(rng))
	}
	return s
}

func randomDocument(rng *rand.Rand) *extract.Document {
	d := &extract.Document{}
	for i := range rng.Intn(7) {
		d.Sections = append(d.Sections, randomSection(rng, i))
	}
	return d
}

// mutateText replaces, deletes and inserts tokens with probability rate.
func mutateText(rng *rand.Rand, text string, rate float64) string {
	var b strings.Builder
	for _, token := range tokenize(text) {
		switch p := rng.Float64(); {
		case p < rate/3:
			b.WriteString(vocabulary[rng.Intn(len(vocabulary))])
		case p < 2*rate/3:
		case p < rate:
			b.WriteString(token + " " + vocabulary[rng.Intn(len(vocabulary))])
		default:
			b.WriteString(token)
		}
	}
	return b.String()
}

// mutateDocument edits a deep copy of d: words, blocks and sections.
func mutateDocument(rng *rand.Rand, d *extract.Document) *extract.Document {
	rate := []float64{0, 0.02, 0.1, 0.5}[rng.Intn(4)]
	out := &extract.Document{}
	for i, s := range d.Sections {
		if rng.Float64() < rate/2 {
			continue // section removed
		}
		c := extract.Section{Path: append([]string(nil), s.Path...), Level: s.Level}
		if len(c.Path) > 0 && rng.Float64() < rate {
			c.Path[len(c.Path)-1] = mutateText(rng, c.Path[len(c.Path)-1], 0.5)
		}
		for _, b := range s.Blocks {
			switch p := rng.Float64(); {
			case p < rate/3:
				continue // block removed
			case p < rate/2:
				c.Blocks = append(c.Blocks, randomBlock(rng))
			}
			b.Cells = append([]string(nil), b.Cells...)
			for k := range b.Cells {
				b.Cells[k] = mutateText(rng, b.Cells[k], rate)
			}
			b.Text = mutateText(rng, b.Text, rate)
			c.Blocks = append(c.Blocks, b)
		}
		out.Sections = append(out.Sections, c)
		if rng.Float64() < rate/2 {
			out.Sections = append(out.Sections, randomSection(rng, 100+i)) // section added
		}
	}
	return out
}

// documentPair is an old and a new document to check properties on.
type documentPair struct {
	name     string
	old, new *extract.Document
}

func generatedPairs(n int) []documentPair {
	var pairs []documentPair
	for seed := range int64(n) {
		rng := rand.New(rand.NewSource(seed))
		a := randomDocument(rng)
		pairs = append(pairs, documentPair{fmt.Sprintf("seed %d", seed), a, mutateDocument(rng, a)})
	}
	return pairs
}

func historyPairs(t *testing.T) []documentPair {
	var pairs []documentPair
	for _, document := range []string{"cookies-policy", "privacy-policy"} {
		files := historyFiles(t, document)
		for i := 1; i < len(files); i++ {
			pairs = append(pairs, documentPair{
				name: document + " " + filepath.Base(files[i-1]) + " → " + filepath.Base(files[i]),
				old:  markdownDocument(t, files[i-1]),
				new:  markdownDocument(t, files[i]),
			})
		}
	}
	return pairs
}

func TestCompareWithItselfIsIdentical(t *testing.T) {
	pairs := append(generatedPairs(300), historyPairs(t)...)
	for _, p := range pairs {
		for _, d := range []*extract.Document{p.old, p.new} {
			r := Compare(d, d)
			if n := editOps(r); n > 0 || r.Class != Identical || r.Changed() {
				t.Fatalf("%s: Compare(d, d) has %d edit ops, class %q", p.name, n, r.Class)
			}
			if r.Stats.WordsAdded != 0 || r.Stats.WordsRemoved != 0 || r.Stats.WordsUnchanged != documentWords(d) {
				t.Fatalf("%s: Compare(d, d) stats %+v, want %d unchanged", p.name, r.Stats, documentWords(d))
			}
			for _, s := range r.Sections {
				if s.Status != Unchanged {
					t.Fatalf("%s: Compare(d, d) section %q is %s", p.name, s.Path, s.Status)
				}
			}
		}
	}
}

func TestEditsReconstructBothSides(t *testing.T) {
	pairs := append(generatedPairs(500), historyPairs(t)...)
	pairs = append(pairs, documentPair{"nil old", nil, pairs[1].new}, documentPair{"nil new", pairs[1].old, nil})
	for _, p := range pairs {
		r := Compare(p.old, p.new)
		if got, want := sides(r, true), documentSides(p.old); !sameSides(got, want) {
			t.Fatalf("%s: old side not rebuilt:\n got %q\nwant %q", p.name, got, want)
		}
		if got, want := sides(r, false), documentSides(p.new); !sameSides(got, want) {
			t.Fatalf("%s: new side not rebuilt:\n got %q\nwant %q", p.name, got, want)
		}
		if got, want := r.Stats.WordsUnchanged+r.Stats.WordsRemoved, documentWords(p.old); got != want {
			t.Fatalf("%s: unchanged+removed = %d, old has %d words", p.name, got, want)
		}
		if got, want := r.Stats.WordsUnchanged+r.Stats.WordsAdded, documentWords(p.new); got != want {
			t.Fatalf("%s: unchanged+added = %d, new has %d words", p.name, got, want)
		}
		if (r.Class == Identical) != (editOps(r) == 0 && allUnchanged(r)) {
			t.Fatalf("%s: class %s with %d edit ops", p.name, r.Class, editOps(r))
		}
	}
}

func allUnchanged(r *Result) bool {
	for _, s := range r.Sections {
		if s.Status != Unchanged {
			return false
		}
		for _, p := range s.Paragraphs {
			if p.Status != Unchanged {
				return false
			}
		}
	}
	return true
}

func sameSides(a, b [][]string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestSwappingArgumentsSwapsStats(t *testing.T) {
	pairs := append(generatedPairs(300), historyPairs(t)...)
	for _, p := range pairs {
		forward, backward := Compare(p.old, p.new), Compare(p.new, p.old)
		want := forward.Stats
		want.WordsAdded, want.WordsRemoved = forward.Stats.WordsRemoved, forward.Stats.WordsAdded
		if backward.Stats != want {
			t.Fatalf("%s: forward %+v, backward %+v", p.name, forward.Stats, backward.Stats)
		}
		if forward.Class != backward.Class {
			t.Fatalf("%s: forward class %s, backward %s", p.name, forward.Class, backward.Class)
		}
	}
}
