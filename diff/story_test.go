package diff

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// historyVersion reads one version of the demo history as the extractor
// reads it.
func historyVersion(t testing.TB, document, name string) *extract.Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(historyDir, document, name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := extract.Extract(data, "text/markdown", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestStoryOfTheRebrand(t *testing.T) {
	r := Compare(historyVersion(t, "cookies-policy", "2022-11-23T00-34-28Z.md"), historyVersion(t, "cookies-policy", "2023-09-20T18-34-47Z.md"))
	s := r.Story()
	if s.Line != "Twitter → X ×40; Tweet → post ×2" || s.Class != Rebrand || s.Magnitude != Minor {
		t.Errorf("rebrand told as %q (%s, %s)", s.Line, s.Class, s.Magnitude)
	}
	// Every edit is a substitution: the sections touched are named as such,
	// none was rewritten, no sentence changed meaning.
	if len(s.Sentences) > 0 || len(s.Sections) == 0 {
		t.Errorf("a pure rebrand lists sections %+v and sentences %+v", s.Sections, s.Sentences)
	}
	for _, c := range s.Sections {
		if c.Kind != "substituted" || c.WordsAdded+c.WordsRemoved != 0 {
			t.Errorf("rebrand section %+v, want substituted without word counts", c)
		}
	}
}

func TestStoryOfARewrite(t *testing.T) {
	// 2022-09-07 → 2022-11-23: the privacy options rewritten, Tweets back
	// in the list of services.
	r := Compare(historyVersion(t, "cookies-policy", "2022-09-24T00-33-30Z.md"), historyVersion(t, "cookies-policy", "2022-11-23T00-34-28Z.md"))
	s := r.Story()
	if !strings.HasPrefix(s.Line, "‘What are my privacy options?’ rewritten (+147 −5 words)") || s.Magnitude != Major {
		t.Errorf("line %q (%s): want the most rewritten section first, major", s.Line, s.Magnitude)
	}
	if len(s.Sentences) == 0 || len(s.Sentences) > storySentences {
		t.Fatalf("%d changed sentences quoted, want 1–%d", len(s.Sentences), storySentences)
	}
	first := s.Sentences[0]
	if first.Section != "How cookies are used on Twitter" || !strings.Contains(first.Old, "Twitter content (like Tweets") || !strings.Contains(first.New, "embeds, and email communications") {
		t.Errorf("first changed sentence %+v", first)
	}
	for _, c := range s.Sentences {
		if strings.Contains(c.New+c.Old, "](") || c.Section == "" || c.New == "" && c.Old == "" {
			t.Errorf("sentence not plain text, or without section or text: %+v", c)
		}
	}
}

func TestStoryNamesTheEffectiveDate(t *testing.T) {
	// The page of 2023-08-23 held the coming policy beside the current one.
	r := Compare(historyVersion(t, "privacy-policy", "2023-05-18T18-34-41Z.md"), historyVersion(t, "privacy-policy", "2023-08-23T00-36-12Z.md"))
	s := r.Story()
	found := false
	for _, e := range s.Effective {
		found = found || strings.Contains(e, "will go into effect on September 22, 2023")
	}
	if !found || !strings.Contains(s.Effective[0], "will go into effect") {
		t.Errorf("effective sentences %q lack “will go into effect on September 22, 2023” first", s.Effective)
	}
	if s.Magnitude != Major {
		t.Errorf("a policy doubled in size: magnitude %q, want major", s.Magnitude)
	}
	// A sentence that did not change is not news.
	same := Compare(historyVersion(t, "privacy-policy", "2023-08-23T00-36-12Z.md"), historyVersion(t, "privacy-policy", "2023-08-24T06-35-36Z.md")).Story()
	for _, e := range same.Effective {
		if strings.Contains(e, "September 22, 2023") {
			t.Errorf("an unchanged effective-date sentence is reported: %q", e)
		}
	}
}

func TestStoryMagnitude(t *testing.T) {
	base := doc([]string{"Data", "We keep your data for one year.", "We share it with partners.", "You can ask us to delete it."},
		[]string{"Cookies", "We use cookies to remember you.", "You can turn them off."})
	small := doc([]string{"Data", "We keep your data for two years.", "We share it with partners.", "You can ask us to delete it."},
		[]string{"Cookies", "We use cookies to remember you.", "You can turn them off."})
	if s := Compare(base, small).Story(); s.Magnitude != Minor && s.Magnitude != Major || len(s.Sections) != 1 || s.Sections[0].Kind != "rewritten" {
		t.Errorf("one sentence edited: %+v", s)
	}
	var long []string
	long = append(long, "Data")
	for range 40 {
		long = append(long, "We keep your data for one year and share it with partners who help us run the service.")
	}
	before := doc(long)
	after := doc(append(long, "We now sell your data to advertisers.", "We keep it forever."))
	if s := Compare(before, after).Story(); s.Magnitude != Minor {
		t.Errorf("two sentences added to 700 words: magnitude %q, want minor", s.Magnitude)
	}
	grown := doc(long, []string{"Selling", "We sell your data."}, []string{"Brokers", "Brokers buy it."})
	if s := Compare(before, grown).Story(); s.Magnitude != Major || !strings.HasPrefix(s.Line, "Added ‘Selling’ and ‘Brokers’") {
		t.Errorf("two sections added: magnitude %q line %q, want major and the sections named", s.Magnitude, s.Line)
	}
	if s := Compare(before, before).Story(); s.Line != "no change" || s.Magnitude != "" {
		t.Errorf("no change: %+v", s)
	}
}

// A heading's words are not the section's: renaming a section whose text
// is the same is a rename, whatever the new name adds or drops.
func TestStoryOfRenamesAndMoves(t *testing.T) {
	data := []string{"Data", "We keep your data for one year.", "We share it with partners who help us run the service."}
	contact := func(heading string, body ...string) []string {
		if len(body) == 0 {
			body = []string{"Write to privacy@example.com with any question.", "We answer within thirty days."}
		}
		return append([]string{heading}, body...)
	}
	cookies := []string{"Cookies", "We use cookies to remember your settings.", "You can turn them off in your browser."}
	for _, c := range []struct {
		name          string
		before, after *extract.Document
		want          []SectionChange
		line          string
	}{
		{"renamed", doc(data, contact("Contact"), cookies), doc(data, contact("Getting in touch"), cookies),
			[]SectionChange{{Kind: "renamed", Heading: "Getting in touch", OldHeading: "Contact"}},
			"‘Contact’ renamed ‘Getting in touch’"},
		{"renamed by punctuation", doc(data, contact("Contact"), cookies), doc(data, contact("Contact:"), cookies),
			[]SectionChange{{Kind: "renamed", Heading: "Contact:", OldHeading: "Contact"}},
			"‘Contact’ renamed ‘Contact:’"},
		{"renamed and rewritten", doc(data, contact("Contact"), cookies),
			doc(data, contact("Getting in touch", "Write to privacy@example.com with any question.", "We answer within a week."), cookies),
			[]SectionChange{{Kind: "rewritten", Heading: "Getting in touch", OldHeading: "Contact", WordsAdded: 2, WordsRemoved: 2}},
			"‘Contact’ renamed ‘Getting in touch’ and rewritten (+2 −2 words)"},
		{"moved", doc(data, contact("Contact"), cookies), doc(data, cookies, contact("Contact")),
			[]SectionChange{{Kind: "moved", Heading: "Contact"}},
			"Moved ‘Contact’"},
		{"moved and renamed", doc(data, contact("Contact"), cookies), doc(data, cookies, contact("Getting in touch")),
			[]SectionChange{{Kind: "renamed", Heading: "Getting in touch", OldHeading: "Contact"}},
			"‘Contact’ renamed ‘Getting in touch’"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Compare(c.before, c.after).Story()
			if !reflect.DeepEqual(s.Sections, c.want) {
				t.Errorf("sections %+v, want %+v", s.Sections, c.want)
			}
			if s.Line != c.line {
				t.Errorf("line %q, want %q", s.Line, c.line)
			}
			if s.Class == Identical || s.Class == Cosmetic {
				t.Errorf("class %s: the document reads differently", s.Class)
			}
		})
	}
}
