package diff

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// TestOneDefinitionOfAWord: a version's word count, and the statistics of
// any change from or to it, count the same words. A version said 1,589
// words while its diff against itself counted 1,732 unchanged.
func TestOneDefinitionOfAWord(t *testing.T) {
	var docs []*extract.Document
	for _, pattern := range []string{historyDir + "/cookies-policy/*.md", historyDir + "/privacy-policy/*.md", "../demo/twitter-x/*"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			content, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(f) == "README.md" {
				continue
			}
			doc, err := extract.Extract(content, extract.ContentTypeForName(f), extract.Options{})
			if err != nil {
				continue // a capture the extractor refuses has no words to count
			}
			docs = append(docs, doc)
		}
	}
	if len(docs) < 60 {
		t.Fatalf("only %d documents", len(docs))
	}
	for i, d := range docs {
		if s := Compare(d, d).Stats; s.WordsUnchanged != d.Words() || s.WordsAdded+s.WordsRemoved != 0 {
			t.Errorf("document %d: %d words, compared with itself %+v", i, d.Words(), s)
		}
		if i == 0 {
			continue
		}
		old := docs[i-1]
		s := Compare(old, d).Stats
		if s.WordsUnchanged+s.WordsRemoved != old.Words() || s.WordsUnchanged+s.WordsAdded != d.Words() {
			t.Errorf("documents %d → %d: %d and %d words, stats %+v", i-1, i, old.Words(), d.Words(), s)
		}
	}
}

func TestLinkTargetsAndListNumbersAreNoWords(t *testing.T) {
	for line, want := range map[string]int{
		"Read [our help](https://help.x.com/en/rules-and-policies/x-cookies) today.": 4,
		"1. First item with [a link](https://example.com/a(b)c)":                     5,
		"  12) Nested numbered item":                                                 3,
		`Escaped \[not a link](nor this) text`:                                       7,
		"a](b) with no opening bracket":                                              6,
		"| guest_id | [Twitter](https://twitter.com) | 2 years |":                    5,
		"2023 was the year":                                                          4,
		"[<https://x.com>](<https://x.com/a b>) and [x](<https://x.com/(c)>) end":    6,
	} {
		if got := lineWords(line); got != want {
			t.Errorf("lineWords(%q) = %d, want %d", line, got, want)
		}
	}
}
