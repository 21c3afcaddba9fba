package diff

import (
	"reflect"
	"slices"
	"testing"
)

func edits(pairs ...string) []edit {
	var out []edit
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, edit{from: pairs[i], to: pairs[i+1], fromWords: countWords(pairs[i]), toWords: countWords(pairs[i+1])})
	}
	return out
}

func TestFindSubstitutionsRules(t *testing.T) {
	subs, covered := findSubstitutions(edits(
		"Twitter", "X",
		"Twitter's", "X's", // possessive folds into Twitter → X
		"Twitter,", "X", // punctuation at the ends is dropped
		"Tweet", "post",
		"Tweets", "posts", // plural folds into its singular
		"may", "will", // once only: not a pattern
		"Twitter for Business", "X for Business",
		"Twitter for Business", "X for Business",
		"one two three four", "five", // too long
		"one two three four", "five",
		"don't", "don’t", // style only
		"don't", "don’t",
	))
	want := []Substitution{
		{From: "Twitter", To: "X", Count: 3},
		{From: "Tweet", To: "post", Count: 2},
		{From: "Twitter for Business", To: "X for Business", Count: 2},
	}
	if !reflect.DeepEqual(subs, want) {
		t.Fatalf("substitutions %+v\nwant %+v", subs, want)
	}
	for _, e := range edits("Twitter's", "X's", "Tweets", "posts") {
		if !covered(e) {
			t.Errorf("%q → %q should be covered", e.from, e.to)
		}
	}
	for _, e := range edits("may", "will", "one two three four", "five", "Twitter", "") {
		if covered(e) {
			t.Errorf("%q → %q should not be covered", e.from, e.to)
		}
	}
}

func TestRebrandNeedsEveryEditCovered(t *testing.T) {
	old := doc([]string{"", "Twitter helps. Use Twitter daily.", "Twitter is free today."})
	new := doc([]string{"", "X helps. Use X daily.", "X is free until 2030 for everyone today."})
	r := Compare(old, new)
	if r.Class != Substantive {
		t.Fatalf("class %s, want substantive: the added words are no substitution", r.Class)
	}
	if !slices.Contains(r.Reasons(), "1 substitution, not covering every edit") {
		t.Errorf("reasons %q", r.Reasons())
	}
}

func TestSummaryNamesAtMostThreeSubstitutions(t *testing.T) {
	r := &Result{
		Class: Rebrand,
		Stats: Stats{WordsAdded: 120, WordsRemoved: 96},
		Substitutions: []Substitution{
			{From: "Twitter", To: "X", Count: 37}, {From: "Tweet", To: "post", Count: 4},
			{From: "Retweet", To: "repost", Count: 3}, {From: "TweetDeck", To: "XPro", Count: 2},
		},
	}
	want := "Twitter → X ×37, Tweet → post ×4, Retweet → repost ×3, 1 more; +120 −96 words"
	if got := r.Summary(); got != want {
		t.Fatalf("Summary() = %q, want %q", got, want)
	}
}

func TestReasonsPerClass(t *testing.T) {
	same := doc([]string{"A", "text"})
	if got := Compare(same, same).Reasons(); !reflect.DeepEqual(got, []string{"no difference in text"}) {
		t.Errorf("identical reasons %q", got)
	}
	cosmetic := Compare(doc([]string{"A", "it's"}), doc([]string{"A", "it’s"}))
	if got := cosmetic.Reasons(); !reflect.DeepEqual(got, []string{"only whitespace, quote, dash, punctuation style, letter case or formatting changed, in 1 paragraph"}) {
		t.Errorf("cosmetic reasons %q", got)
	}
	var none *Result
	if got := none.Reasons(); len(got) != 1 {
		t.Errorf("nil Result reasons %q", got)
	}
}
