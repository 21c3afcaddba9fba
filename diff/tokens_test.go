package diff

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policywatch/policywatch/extract"
)

func TestTokenize(t *testing.T) {
	got := tokenize("Twitter's  Off-Twitter “posts”, 2023 don’t naïve\u00a0x")
	want := []string{"Twitter's", "  ", "Off", "-", "Twitter", " ", "“", "posts", "”", ",", " ", "2023", " ", "don’t", " ", "naïve", "\u00a0", "x"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tokenize = %q\nwant %q", got, want)
	}
	if n := countWords("Twitter's  Off-Twitter “posts”, 2023"); n != 5 {
		t.Errorf("countWords = %d, want 5", n)
	}
}

func TestTokenizeRoundTripsAndCountsAgree(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for range 2000 {
		text := randomText(rng, 30)
		tokens := tokenize(text)
		if strings.Join(tokens, "") != text {
			t.Fatalf("tokens of %q do not join back: %q", text, tokens)
		}
		if countWords(text) != countWordTokens(tokens) {
			t.Fatalf("%q: countWords %d, word tokens %d", text, countWords(text), countWordTokens(tokens))
		}
	}
}

func countWordTokens(tokens []string) int {
	n := 0
	for _, token := range tokens {
		if isWord(token) {
			n++
		}
	}
	return n
}

func TestRuneCoderSkipsSurrogatesAndStaysDistinct(t *testing.T) {
	seen := map[rune]bool{}
	for _, i := range []int{0, 1, 0xD7FF, 0xD800, 0xD801, 0xDFFF, 0xE000, 0x10000, maxDistinct - 1} {
		r := indexToRune(i)
		if !utf8.ValidRune(r) || seen[r] {
			t.Fatalf("index %d → %U: invalid or repeated", i, r)
		}
		if r == overflowRune(0) || r == overflowRune(1) {
			t.Fatalf("index %d → %U collides with an overflow rune", i, r)
		}
		seen[r] = true
	}
	if indexToRune(maxDistinct-1) >= overflowRune(0) {
		t.Fatalf("last index reaches the overflow runes")
	}
}

// More distinct tokens than the Basic Multilingual Plane holds: runes pass
// U+D800 and must still diff and rebuild exactly.
func TestMoreThan65kDistinctTokens(t *testing.T) {
	var old, new strings.Builder
	for i := range 70_000 {
		word := fmt.Sprintf("w%d ", i)
		old.WriteString(word)
		switch {
		case i%1000 == 0:
			new.WriteString(fmt.Sprintf("changed%d ", i))
		default:
			new.WriteString(word)
		}
	}
	oldDoc, newDoc := doc([]string{"", old.String()}), doc([]string{"", new.String()})
	r := Compare(oldDoc, newDoc)
	if r.Stats.WordsRemoved != 70 || r.Stats.WordsAdded != 70 || r.Stats.WordsUnchanged != 70_000-70 {
		t.Fatalf("stats %+v, want 70 words replaced", r.Stats)
	}
	if !reflect.DeepEqual(sides(r, true), documentSides(oldDoc)) || !reflect.DeepEqual(sides(r, false), documentSides(newDoc)) {
		t.Fatal("edits do not rebuild both sides")
	}
}

// Past the coder's limit, new strings get overflow runes that never match
// the other side: more edits, never a false equality, still exact.
func TestRuneCoderOverflowFallsBackSafely(t *testing.T) {
	c := &comparer{dmp: newDiffer(), words: &runeCoder{ids: map[string]rune{}, limit: 3}}
	// No spaces: diffWords cannot cut the common start off.
	a, b := "alpha,beta,gamma,delta,epsilon", "alpha,beta,gamma,delta,zeta"
	p := c.diffWords(a, b)
	if got := opsText(p.Ops, Delete); !strings.Contains(got, "delta") {
		t.Errorf("ops %+v: overflowed tokens must not match across sides", p.Ops)
	}
	if opsText(p.Ops, Delete) != a || opsText(p.Ops, Insert) != b {
		t.Fatalf("ops %+v do not rebuild %q and %q", p.Ops, a, b)
	}
	if !strings.HasPrefix(opsText(p.Ops, Equal), "alpha") {
		t.Errorf("ops %+v: tokens within the limit should still match", p.Ops)
	}
}

func TestBlockText(t *testing.T) {
	cases := []struct {
		block extract.Block
		want  string
	}{
		{extract.Block{Kind: extract.Paragraph, Text: "Plain."}, "Plain."},
		{extract.Block{Kind: extract.ListItem, Text: "Item", Depth: 1}, "  - Item"},
		{extract.Block{Kind: extract.TableRow, Cells: []string{"a", "b c"}}, "| a | b c |"},
		{extract.Block{Kind: extract.Preformatted, Text: "bad \xff byte"}, "```\nbad \uFFFD byte\n```"},
		{extract.Block{Kind: extract.Paragraph, Text: "See the X Rules.", Links: []extract.Link{{Text: "X Rules", URL: "https://help.x.com/rules"}}}, "See the [X Rules](https://help.x.com/rules)."},
	}
	for _, c := range cases {
		if got := blockText(c.block); got != c.want {
			t.Errorf("blockText(%+v) = %q, want %q", c.block, got, c.want)
		}
	}
}

// Token ids past U+D800 must not become surrogates: go-diff turns its runes
// into strings, where every surrogate reads as U+FFFD and different tokens
// would compare equal.
func TestTokenIDsPastSurrogateRange(t *testing.T) {
	c := &comparer{dmp: newDiffer(), words: newRuneCoder()}
	for i := range 0xD800 {
		c.words.ids[fmt.Sprint("filler", i)] = indexToRune(i)
	}
	a, b := "alpha beta gamma", "delta epsilon zeta"
	p := c.diffWords(a, b)
	if opsText(p.Ops, Delete) != a || opsText(p.Ops, Insert) != b {
		t.Fatalf("ops %+v do not rebuild %q and %q", p.Ops, a, b)
	}
	if words := countWords(opsText(p.Ops, Equal)); words != 0 {
		t.Fatalf("ops %+v: %d words wrongly equal", p.Ops, words)
	}
}

// countWords counts exactly the word tokens tokenize gives.
func TestCountWordsMatchesTokenize(t *testing.T) {
	texts := []string{"", "Twitter's rules", "don’t ’s x'", "e\u0301t\u00e9 \u0301a", "a''b", "x'\xff", "日本語テキスト 42nd"}
	for _, p := range generatedPairs(200) {
		for _, side := range documentSides(p.old) {
			texts = append(texts, side...)
		}
	}
	for _, text := range texts {
		want := 0
		for _, token := range tokenize(text) {
			if isWord(token) {
				want++
			}
		}
		if got := countWords(text); got != want {
			t.Fatalf("countWords(%q) = %d, tokenize finds %d words", text, got, want)
		}
	}
}
