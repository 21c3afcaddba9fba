// Package readability measures how long a policy takes to read and how
// hard it is: reading time at an average adult's silent reading speed,
// and the Flesch–Kincaid grade level. The measures are computed once, when
// a version is placed, and stored with it (stamped with Release); pages
// show them, and a document's chart draws them over time.
//
// readability imports only extract; it does no network and no database
// access.
package readability

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policywatch/policywatch/extract"
)

// Release names how the measures are computed; measures of another
// release are computed again.
const Release = "readability-2026.12.1"

// WordsPerMinute is the silent reading speed of adults reading
// non-fiction in English: 238 words a minute (Brysbaert, "How many words
// do we read per minute?", Journal of Memory and Language, 2019).
const WordsPerMinute = 238

// Measures are a text's reading time and readability.
type Measures struct {
	Words     int // the version's word count, as every page counts words
	Sentences int
	Syllables int
	// ReadingSeconds is Words at WordsPerMinute.
	ReadingSeconds int
	// Grade is the Flesch–Kincaid grade level: the years of US schooling
	// a reader needs, 0.39 × words per sentence + 11.8 × syllables per
	// word − 15.59. It is made for English: a text in another language
	// gets a number that means little.
	Grade float64
}

// Measure measures a document whose words were counted as words (the
// version's stored count: one count everywhere). Each heading, list
// item, table row and paragraph ends a sentence if nothing inside it did:
// a list of fragments is read as sentences, not as one endless one.
func Measure(doc *extract.Document, words int) Measures {
	m := Measures{Words: words}
	add := func(text string) {
		s, syl := sentencesAndSyllables(text)
		m.Sentences += s
		m.Syllables += syl
	}
	if t := doc.ShownTitle(); t != "" {
		add(t)
	}
	for _, sec := range doc.Sections {
		if h := sec.Heading(); h != "" && sec.Level > 0 {
			add(h)
		}
		for _, b := range sec.Blocks {
			if len(b.Cells) > 0 {
				add(strings.Join(b.Cells, " "))
				continue
			}
			add(b.Text)
		}
	}
	m.ReadingSeconds = (words*60 + WordsPerMinute/2) / WordsPerMinute
	if words > 0 && m.Sentences > 0 {
		m.Grade = 0.39*float64(words)/float64(m.Sentences) + 11.8*float64(m.Syllables)/float64(words) - 15.59
		m.Grade = max(m.Grade, 0)
	}
	return m
}

// sentencesAndSyllables counts the sentences of one block (at least one
// when it has a word) and the syllables of its words.
func sentencesAndSyllables(text string) (sentences, syllables int) {
	words := 0
	open := false // a sentence has begun and not ended
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if extract.IsWordStart(r) {
			end := i + size
			for end < len(text) {
				next, n := utf8.DecodeRuneInString(text[end:])
				if extract.IsWordRune(next) || (next == '\'' || next == '’') && end+n < len(text) && isLetterAt(text, end+n) {
					end += n
					continue
				}
				break
			}
			word := text[i:end]
			syllables += Syllables(word)
			words++
			open = true
			i = end
			continue
		}
		if open && (r == '.' || r == '!' || r == '?') && endsSentence(text, i) {
			sentences++
			open = false
		}
		i += size
	}
	if open {
		sentences++
	}
	return sentences, syllables
}

func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// endsSentence says whether the stop at text[i] ends a sentence: it is
// followed by the end of the text or by a space, and it does not end an
// abbreviation ("e.g.", "Inc.", a single letter as in "U.S.").
func endsSentence(text string, i int) bool {
	if i+1 < len(text) {
		next, _ := utf8.DecodeRuneInString(text[i+1:])
		if !unicode.IsSpace(next) && next != '"' && next != '”' && next != ')' {
			return false
		}
	}
	if text[i] != '.' {
		return true
	}
	start := i
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		start -= size
	}
	word := strings.ToLower(strings.TrimSuffix(text[start:i], "."))
	return utf8.RuneCountInString(word) > 1 && !abbreviations[word] && !strings.Contains(word, ".")
}

// abbreviations end with a stop that does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "vs": true, "no": true,
	"art": true, "para": true, "sec": true, "cf": true, "approx": true, "jan": true, "feb": true,
	"mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true,
	"oct": true, "nov": true, "dec": true,
}

// Syllables estimates the syllables of an English word: its groups of
// vowels (y included after the first letter), less a silent final "e",
// at least one. Digits count one syllable a group ("2023" is one word).
func Syllables(word string) int {
	w := strings.ToLower(word)
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	if w == "" {
		return 1
	}
	if r, _ := utf8.DecodeRuneInString(w); unicode.IsDigit(r) {
		return 1
	}
	count := 0
	prevVowel := false
	for i, r := range w {
		vowel := strings.ContainsRune("aeiouàáâäèéêëìíîïòóôöùúûü", r) || (r == 'y' && i > 0)
		if vowel && !prevVowel {
			count++
		}
		prevVowel = vowel
	}
	// A final "e" is silent ("share", "use"), except in "-le" after a
	// consonant ("table") and words of one vowel group ("the", "be").
	if count > 1 && strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "le") && !strings.HasSuffix(w, "ee") {
		count--
	}
	// "-ed" after anything but t or d is not a syllable ("used", "shared").
	if count > 1 && strings.HasSuffix(w, "ed") && len(w) > 3 && !strings.ContainsRune("td", rune(w[len(w)-3])) {
		count--
	}
	return max(count, 1)
}
