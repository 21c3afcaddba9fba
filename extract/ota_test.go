package extract_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/extract"
)

// This file measures extraction against Open Terms Archive's own versions
// of the same snapshots (testdata/ota-histories): each snapshot OTA
// versioned is extracted with the declaration in force at its date, and
// its words are compared with the words of OTA's Markdown. It is an
// external test package because package declaration imports extract.

// otaF1 is a document's token F1 against OTA: of its words, and of its
// words with their emphasis (styledTokens).
type otaF1 struct{ words, styled float64 }

// otaBefore are the figures measured before extraction learned to keep
// what OTA keeps in a selection (interactive elements' text, alt text,
// list-holding tables, emphasis); otaFloor are the figures reached since,
// cut to four decimals. They may only go up: raise the floor when they do.
var (
	otaBefore = map[string]otaF1{
		"Bumble/Terms of Service":                    {words: 1.0000, styled: 0.9507},
		"Coffee Meets Bagel/Copyright Claims Policy": {words: 0.9949, styled: 0.9580},
	}
	otaFloor = map[string]otaF1{
		"Bumble/Terms of Service":                    {words: 1.0000, styled: 0.9981},
		"Coffee Meets Bagel/Copyright Claims Policy": {words: 0.9948, styled: 0.9805},
	}
)

// TestOTAVersionsTokenF1 extracts each snapshot OTA versioned with the
// declaration in force at its date and compares the words with OTA's
// Markdown of it: run with -v for the figures and the words that differ.
func TestOTAVersionsTokenF1(t *testing.T) {
	cases := otaVersionedSnapshots(t)
	if len(cases) < len(otaFloor) {
		t.Fatalf("found %d versioned snapshots, want at least %d", len(cases), len(otaFloor))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			floor, ok := otaFloor[c.name]
			if !ok {
				t.Fatalf("no floor recorded for %s", c.name)
			}
			md := extractSnapshot(t, c).Markdown()
			f1, missing, extra := tokenF1(markdownTokens(md), markdownTokens(c.otaMarkdown))
			styled, styledMissing, styledExtra := tokenF1(styledTokens(md), styledTokens(c.otaMarkdown))
			before := otaBefore[c.name]
			t.Logf("words: F1 %.4f (floor %.4f, before %.4f), missing %v, extra %v", f1, floor.words, before.words, top(missing, 10), top(extra, 10))
			t.Logf("words with emphasis: F1 %.4f (floor %.4f, before %.4f), missing %v, extra %v",
				styled, floor.styled, before.styled, top(styledMissing, 10), top(styledExtra, 10))
			if f1 < floor.words {
				t.Errorf("token F1 %.4f fell below %.4f", f1, floor.words)
			}
			if styled < floor.styled {
				t.Errorf("token F1 with emphasis %.4f fell below %.4f", styled, floor.styled)
			}
		})
	}
}

// TestMarkdownTokens: the measure reads OTA's turndown Markdown and ours
// alike.
func TestMarkdownTokens(t *testing.T) {
	ota := "Title\n-----\n\n*   See **[the rules](https://a.example/r(1))** and ![✔](x.png) \\*not\\* _this_\n1.  snake\\_case"
	ours := "## Title\n\n- See **[the rules](<https://a.example/r(1)>)** and ✔ \\*not\\* *this*\n1. snake\\_case\n"
	want := "Title See the rules and ✔ not this snake case"
	for _, md := range []string{ota, ours} {
		if got := strings.Join(markdownTokens(md), " "); got != want {
			t.Errorf("markdownTokens(%q) = %q, want %q", md, got, want)
		}
		if got, want := strings.Join(styledTokens(md), " "), "Title See **the **rules and ✔ not *this snake case"; got != want {
			t.Errorf("styledTokens(%q) = %q, want %q", md, got, want)
		}
	}
}

type otaCase struct {
	name        string // SERVICE/TYPE
	declDir     string
	service     string
	typ         string
	snapshot    string // path of the raw capture
	date        time.Time
	otaMarkdown string
}

// otaVersionedSnapshots lists the snapshots each expected.json says OTA
// made a version of, with that version's Markdown.
func otaVersionedSnapshots(t *testing.T) []otaCase {
	t.Helper()
	files, err := filepath.Glob("../testdata/ota-histories/*/*/*/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []otaCase
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var expected struct {
			Service  string `json:"service"`
			Type     string `json:"type"`
			Versions []struct {
				Snapshot   string `json:"snapshot"`
				OTAVersion string `json:"ota_version"`
			} `json:"ota_versions_in_window"`
		}
		if err := json.Unmarshal(raw, &expected); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		dir := filepath.Dir(file)
		for _, v := range expected.Versions {
			date, err := time.Parse("2006-01-02T15-04-05Z", v.Snapshot)
			if err != nil {
				t.Fatalf("%s: snapshot %q: %v", file, v.Snapshot, err)
			}
			md, err := os.ReadFile(filepath.Join(dir, "versions", v.OTAVersion+".md"))
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, otaCase{
				name:        expected.Service + "/" + expected.Type,
				declDir:     filepath.Join(dir, "declarations"),
				service:     expected.Service,
				typ:         expected.Type,
				snapshot:    filepath.Join(dir, "snapshots", v.Snapshot+".html"),
				date:        date,
				otaMarkdown: string(md),
			})
		}
	}
	return cases
}

// extractSnapshot extracts a capture with the declaration in force at its
// date, as OTA does when it (re)generates a version.
func extractSnapshot(t *testing.T, c otaCase) *extract.Document {
	t.Helper()
	services, problems, err := declaration.LoadDir(c.declDir)
	if err != nil || declaration.HasErrors(problems) {
		t.Fatalf("loading %s: %v %v", c.declDir, err, problems)
	}
	var doc declaration.Document
	found := false
	for _, s := range services {
		if s.ID == c.service {
			doc, found = s.Document(c.typ)
		}
	}
	if !found {
		t.Fatalf("%s declares no %s", c.service, c.typ)
	}
	source := doc.At(c.date).Sources[0]
	content, err := os.ReadFile(c.snapshot)
	if err != nil {
		t.Fatal(err)
	}
	out, err := extract.Extract(content, "text/html", extract.Options{
		Select: source.Select, Remove: source.Remove, BaseURL: source.URL, RemoveQueryParams: source.RemoveQueryParams,
	})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return out
}

var (
	// A link's or image's destination: "](" up to the matching ")".
	linkDestination = regexp.MustCompile(`\]\((?:<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"]*")?\)`)
	listItemMarker  = regexp.MustCompile(`(?m)^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+`)
)

// markdownTokens are the words of a Markdown text once its syntax is gone:
// link and image destinations dropped (their text and alt text kept), list
// markers dropped, then every run of letters and digits is a token, and so
// is every other symbol (✔, ©). Escapes, emphasis, heading and table
// syntax vanish.
func markdownTokens(md string) []string {
	tokens := styledTokens(md)
	for i, tok := range tokens {
		tokens[i] = strings.TrimLeft(tok, "*")
	}
	return tokens
}

// styledTokens are the markdownTokens, each marked with the emphasis it is in:
// "**word" in strong emphasis, "*word" in emphasis, "***word" in both,
// so that losing or gaining emphasis counts. Delimiter runs toggle
// emphasis (an '_' inside a word is text), escaped characters are text,
// and a blank line closes whatever is open.
func styledTokens(md string) []string {
	md = linkDestination.ReplaceAllString(md, "]")
	md = listItemMarker.ReplaceAllString(md, "")
	var tokens []string
	var word strings.Builder
	strong, em := false, false
	flush := func() {
		if word.Len() == 0 {
			return
		}
		prefix := ""
		if strong {
			prefix += "**"
		}
		if em {
			prefix += "*"
		}
		tokens = append(tokens, prefix+word.String())
		word.Reset()
	}
	for i := 0; i < len(md); {
		r, size := utf8.DecodeRuneInString(md[i:])
		switch {
		case r == '\\' && i+1 < len(md):
			flush()
			_, next := utf8.DecodeRuneInString(md[i+1:])
			i += 1 + next
			continue
		case r == '*' || r == '_':
			n := 0
			for i+n < len(md) && md[i+n] == md[i] {
				n++
			}
			if r == '_' && word.Len() > 0 && i+n < len(md) && isWordByte(md[i+n]) {
				flush()
				i += n
				continue
			}
			flush()
			if n >= 2 {
				strong = !strong
			}
			if n%2 == 1 {
				em = !em
			}
			i += n
			continue
		case r == '\n' && strings.HasPrefix(md[i+1:], "\n"):
			flush()
			strong, em = false, false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(r)
			i += size
			continue
		case unicode.Is(unicode.So, r):
			flush()
			word.WriteRune(r)
			flush()
		default:
			flush()
		}
		i += size
	}
	flush()
	return tokens
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// tokenF1 compares two bags of tokens: the harmonic mean of the share of
// ours that OTA has and the share of OTA's that we have. missing are
// OTA's tokens we lack, extra ours that OTA lacks, with their counts.
func tokenF1(ours, theirs []string) (float64, map[string]int, map[string]int) {
	count := map[string]int{}
	for _, w := range theirs {
		count[w]++
	}
	extra := map[string]int{}
	common := 0
	for _, w := range ours {
		if count[w] > 0 {
			count[w]--
			common++
		} else {
			extra[w]++
		}
	}
	missing := map[string]int{}
	for w, n := range count {
		if n > 0 {
			missing[w] = n
		}
	}
	if common == 0 {
		return 0, missing, extra
	}
	precision := float64(common) / float64(len(ours))
	recall := float64(common) / float64(len(theirs))
	return 2 * precision * recall / (precision + recall), missing, extra
}

// top lists the n most frequent tokens of a bag, for the log.
func top(bag map[string]int, n int) []string {
	words := make([]string, 0, len(bag))
	for w := range bag {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if bag[words[i]] != bag[words[j]] {
			return bag[words[i]] > bag[words[j]]
		}
		return words[i] < words[j]
	})
	if len(words) > n {
		words = words[:n]
	}
	for i, w := range words {
		words[i] = fmt.Sprintf("%s×%d", w, bag[w])
	}
	return words
}
