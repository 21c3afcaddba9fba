package extract

import (
	"slices"
	"testing"
)

func TestNormalizeText(t *testing.T) {
	cases := map[string]string{
		"  plain  text  ":                             "plain text",
		"line\nbreaks\r\nand\ttabs":                   "line breaks and tabs",
		"non\u00a0breaking\u202fspaces":               "non breaking spaces",
		"zero\u200bwidth\u200d\ufeffsoft\u00adhyphen": "zerowidthsofthyphen",
		"Cafe\u0301":                                  "Café",
		"bad \xff byte":                               "bad \ufffd byte",
		"control\x00\x07chars":                        "controlchars",
		"\u00a0 \u200b ":                              "",
		"already clean":                               "already clean",
	}
	for in, want := range cases {
		if got := normalizeText(in); got != want {
			t.Errorf("normalizeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizePre(t *testing.T) {
	in := "\n\n  keep  indent   \r\n\tand\u00a0tabs\u200b\n\n"
	if got, want := normalizePre(in), "  keep  indent\n\tand tabs"; got != want {
		t.Errorf("normalizePre = %q, want %q", got, want)
	}
}

func TestSplitSentences(t *testing.T) {
	short := "Short paragraph. It stays whole."
	if got := splitSentences(short); !slices.Equal(got, []string{short}) {
		t.Errorf("short paragraph split: %q", got)
	}
	filler := "This sentence pads the paragraph past the limit for flattened text. "
	long := ""
	for len(long) < longParagraph {
		long += filler
	}
	long += "Is it split? Yes! The U.S. and e.g. Mr. Smith stay whole. Glued sentences.Split too, but x.com and v1.2 stay."
	got := splitSentences(long)
	tail := got[len(got)-5:]
	want := []string{"Is it split?", "Yes!", "The U.S. and e.g. Mr. Smith stay whole.", "Glued sentences.", "Split too, but x.com and v1.2 stay."}
	if !slices.Equal(tail, want) {
		t.Errorf("last sentences %q, want %q", tail, want)
	}
	if got[0] != filler[:len(filler)-1] {
		t.Errorf("first sentence %q", got[0])
	}
}

func TestFoldForComparison(t *testing.T) {
	got := foldForComparison("“Quoted” ‘single’ it’s — dash – en\u00a0nbsp…\n\n  next")
	want := `"Quoted" 'single' it's - dash - en nbsp... next`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
