package readability

import (
	"math"
	"os"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

func TestSyllables(t *testing.T) {
	for word, want := range map[string]int{
		"the": 1, "data": 2, "privacy": 3, "information": 4, "share": 1, "shared": 1, "used": 1,
		"table": 2, "cookies": 2, "X": 1, "2023": 1, "Twitter's": 2, "agree": 2, "policy": 3, "updated": 3,
		"café": 2, "we": 1, "rhythm": 1,
	} {
		if got := Syllables(word); got != want {
			t.Errorf("Syllables(%q) = %d, want %d", word, got, want)
		}
	}
}

func TestSentences(t *testing.T) {
	for text, want := range map[string]int{
		"We collect data. We share it.":               2,
		"We collect data, e.g. your name. We use it.": 2,
		"X Corp. is based in the U.S. and Ireland.":   1,
		"Cookies we set":                              1, // a list item: a sentence of its own
		"Really? Yes! Fine.":                          3,
		"See section 3.2 for more":                    1,
		"":                                            0,
		"… —":                                         0,
	} {
		if got, _ := sentencesAndSyllables(text); got != want {
			t.Errorf("sentences of %q = %d, want %d", text, got, want)
		}
	}
}

func TestMeasure(t *testing.T) {
	doc := &extract.Document{Sections: []extract.Section{{
		Path: []string{"Sharing"}, Level: 2,
		Blocks: []extract.Block{
			{Kind: extract.Paragraph, Text: "We share your data with partners. They use it."},
			{Kind: extract.ListItem, Text: "Advertising partners"},
		},
	}}}
	words := 0
	for _, s := range []string{"Sharing", "We share your data with partners. They use it.", "Advertising partners"} {
		words += extract.CountWords(s)
	}
	m := Measure(doc, words)
	// Sharing (2) | We(1) share(1) your(1) data(2) with(1) partners(2) They(1) use(1) it(1) | Advertising(4) partners(2)
	if m.Words != 12 || m.Sentences != 4 || m.Syllables != 19 {
		t.Fatalf("Measure = %+v; want 12 words, 4 sentences, 19 syllables", m)
	}
	want := 0.39*12/4 + 11.8*19/12 - 15.59
	if math.Abs(m.Grade-want) > 1e-9 || m.ReadingSeconds != 3 {
		t.Errorf("grade %.2f, reading %d s; want %.2f and 3 s", m.Grade, m.ReadingSeconds, want)
	}
	if got := Measure(&extract.Document{}, 0); got.Grade != 0 || got.ReadingSeconds != 0 {
		t.Errorf("an empty document: %+v", got)
	}
}

// The real cookie policy reads as legal English does: grade 8 or more,
// about seven minutes at 238 words a minute (1,616 words).
func TestMeasureARealPolicy(t *testing.T) {
	data, err := os.ReadFile("../demo/twitter-x-history/cookies-policy/2023-09-20T18-34-47Z.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := extract.Extract(data, "text/markdown", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, words := doc.MarkdownAndWords()
	m := Measure(doc, words)
	if m.Grade < 8 || m.Grade > 18 || m.ReadingSeconds < 5*60 || m.ReadingSeconds > 8*60 || m.Sentences < 50 {
		t.Errorf("the cookie policy of 2023-09-20 measures %+v", m)
	}
}
