package extract

import (
	"slices"
	"testing"
	"unicode/utf8"
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

// TestNormalizeMapped: the text is normalizeText's, and offsets map in
// order onto character boundaries, words keeping their place.
func TestNormalizeMapped(t *testing.T) {
	for _, s := range []string{
		"plain", "  two  spaces  ", "a\u00a0b \u200bc", "Cafe\u0301 au lait", "bad \xff\xfe bytes \xff",
		"tab\there\r\n", "\u00a0 \u200b ", "e\u0301\u0301x", "日本語 テキスト", "",
	} {
		offsets := make([]int, len(s)+1)
		for i := range offsets {
			offsets[len(offsets)-1-i] = i // in reverse: any order works
		}
		got, mapped := normalizeMapped(s, offsets)
		if want := normalizeText(s); got != want {
			t.Errorf("normalizeMapped(%q) = %q, want %q", s, got, want)
		}
		last := 0
		for i := len(mapped) - 1; i >= 0; i-- {
			m := mapped[i]
			if m < last || m > len(got) || m < len(got) && !utf8.RuneStart(got[m]) {
				t.Errorf("%q: offset %d maps to %d (previous %d) in %q", s, offsets[i], m, last, got)
			}
			last = m
		}
	}
	text, mapped := normalizeMapped("  Keep <b>bold</b>  words\u00a0here ", []int{7, 10, 14, 18})
	if text != "Keep <b>bold</b> words here" || !slices.Equal(mapped, []int{5, 8, 12, 16}) {
		t.Errorf("got %q %v", text, mapped)
	}
	_, mapped = normalizeMapped("a  Cafe\u0301 b", []int{3, 7, 9, 10})
	if !slices.Equal(mapped, []int{2, 5, 7, 8}) {
		t.Errorf("composed character: offsets %v", mapped)
	}
}
