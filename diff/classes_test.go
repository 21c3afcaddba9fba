package diff

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

func TestDomainSubstitutionInLinks(t *testing.T) {
	para := func(host, path string) string {
		return "Read [our help](https://" + host + "/en/" + path + "/cookies) and [settings](https://" + host + "/settings)."
	}
	old := doc([]string{"Cookies", para("help.twitter.com", "using-twitter"), "Visit twitter.com today."})
	new := doc([]string{"Cookies", para("help.x.com", "using-x"), "Visit x.com today."})
	r := Compare(old, new)
	want := []Substitution{{From: "twitter.com", To: "x.com", Count: 3}}
	if !slices.Equal(r.Substitutions, want) {
		t.Fatalf("substitutions %+v, want %+v (the path word once is no pattern)", r.Substitutions, want)
	}
	if r.Class != Editorial {
		t.Errorf("class %s, want editorial: one word in a link path is left; reasons %q", r.Class, r.Reasons())
	}
	// Twice in link paths: reported apart from words in the text.
	old = doc([]string{"", para("help.twitter.com", "using-twitter") + " " + para("twitter.com", "twitter")})
	new = doc([]string{"", para("help.x.com", "using-x") + " " + para("x.com", "x")})
	r = Compare(old, new)
	want = []Substitution{{From: "twitter.com", To: "x.com", Count: 4}, {From: "twitter", To: "x", Count: 2, InLinks: true}}
	if !slices.Equal(r.Substitutions, want) || r.Class != Rebrand {
		t.Fatalf("substitutions %+v class %s, want %+v and rebrand", r.Substitutions, r.Class, want)
	}
	if s := r.Summary(); !strings.HasPrefix(s, "twitter.com → x.com ×4, twitter → x ×2 in links;") {
		t.Errorf("summary %q", s)
	}
}

func TestSummaryCountsParagraphsWithOtherEdits(t *testing.T) {
	old := doc([]string{"", "Twitter keeps data.", "Use Twitter daily.", "We never sell it.", "Cookies last a year."})
	new := doc([]string{"", "X keeps data.", "Use X daily.", "We now sell it.", "Cookies last two years."})
	r := Compare(old, new)
	if s := r.Summary(); s != "Twitter → X ×2; 2 paragraphs with other edits; +5 −5 words" {
		t.Fatalf("summary %q", s)
	}
}

func TestWordBeforeFullStopIsNoDomain(t *testing.T) {
	old := doc([]string{"", "We are twitter. com is short. We are twitter."})
	new := doc([]string{"", "We are x. com is short. We are x."})
	r := Compare(old, new)
	if len(r.Substitutions) != 1 || r.Substitutions[0].From != "twitter" {
		t.Fatalf("substitutions %+v, want twitter → x", r.Substitutions)
	}
}

func TestInflectionsFoldIntoTheirBase(t *testing.T) {
	old := doc([]string{"", "A Tweet. Your Tweets. You Tweeted. Tweeting now. The Tweet's text."})
	new := doc([]string{"", "A post. Your posts. You posted. posting now. The post's text."})
	r := Compare(old, new)
	want := []Substitution{{From: "Tweet", To: "post", Count: 5}}
	if !slices.Equal(r.Substitutions, want) || r.Class != Rebrand {
		t.Fatalf("substitutions %+v class %s, want %+v, rebrand", r.Substitutions, r.Class, want)
	}
}

func TestCaseChangesAreCosmeticAndNotSubstitutions(t *testing.T) {
	old := doc([]string{"Your Information", "Information we collect. Account Information. Information you give."})
	new := doc([]string{"Your information", "information we collect. Account information. information you give."})
	r := Compare(old, new)
	if len(r.Substitutions) != 0 || r.CaseChanges != 4 || r.Class != Cosmetic {
		t.Fatalf("substitutions %+v, case changes %d, class %s; want none, 4, cosmetic", r.Substitutions, r.CaseChanges, r.Class)
	}
	if s := r.Summary(); !strings.HasSuffix(s, "; 4 case changes") || strings.Contains(s, "→") {
		t.Errorf("summary %q", s)
	}
	// With a real substitution, case changes do not lead the summary.
	new2 := doc([]string{"Your information", "information we collect on X. Account information on X. information you give."})
	old2 := doc([]string{"Your Information", "Information we collect on Twitter. Account Information on Twitter. Information you give."})
	r = Compare(old2, new2)
	if s := r.Summary(); !strings.HasPrefix(s, "Twitter → X ×2; +") || r.Class != Rebrand {
		t.Errorf("summary %q class %s, want Twitter → X first and rebrand", s, r.Class)
	}
}

func TestEditorialAndSubstantiveReasons(t *testing.T) {
	base := "We keep logs for a short time and then delete them from our servers."
	cases := []struct {
		name, new string
		class     Class
		reason    string
	}{
		{"small wording", "We keep logs for a brief time and then erase them from our servers.", Editorial, "2 small wording edits of at most 4 words, none changing a number, modal or negation"},
		{"modal", "We keep logs for a short time and may then delete them from our servers.", Substantive, "changes a number, modal, negation or quantifier: +“may”"},
		{"negation", "We keep logs for a short time and then never delete them from our servers.", Substantive, "changes a number, modal, negation or quantifier: +“never”"},
		{"number", "We keep logs for 90 days and then delete them from our servers.", Substantive, "changes a number, modal, negation or quantifier: “a” → “90”"},
		{"passage", base[:len(base)-1] + ", unless a court orders us to keep them longer.", Substantive, "1 passage of more than 4 words added, removed or rewritten"},
	}
	for _, c := range cases {
		r := Compare(doc([]string{"Logs", base}), doc([]string{"Logs", c.new}))
		if r.Class != c.class || !slices.Contains(r.Reasons(), c.reason) {
			t.Errorf("%s: class %s reasons %q, want %s with %q", c.name, r.Class, r.Reasons(), c.class, c.reason)
		}
	}
}

func TestMovedAndRenamedSections(t *testing.T) {
	old := doc(
		[]string{"Policy/Intro", "Welcome to the service and thank you for reading."},
		[]string{"Policy/Cookies", "We use cookies for login and for ads."},
		[]string{"Policy/Sharing", "We share data with partners we trust."},
		[]string{"Policy/Contact", "Write to us at the address below."},
	)
	new := doc(
		[]string{"Policy/Intro", "Welcome to the service and thank you for reading."},
		[]string{"Policy/Sharing", "We share data with partners we trust."},
		[]string{"Policy/Contact us", "Write to us at the address below."},
		[]string{"Policy/Cookies", "We use cookies for login and for ads."},
	)
	r := Compare(old, new)
	var got []string
	for _, s := range r.Sections {
		entry := strings.Join(s.Path, "/") + ":" + string(s.Status)
		if s.Moved {
			entry += ":moved"
		}
		if len(s.OldPath) > 0 {
			entry += ":was " + strings.Join(s.OldPath, "/")
		}
		got = append(got, entry)
	}
	want := []string{"Policy/Intro:unchanged", "Policy/Sharing:unchanged", "Policy/Contact us:changed:was Policy/Contact", "Policy/Cookies:unchanged:moved"}
	if !slices.Equal(got, want) {
		t.Fatalf("sections %q\nwant %q", got, want)
	}
	if r.Stats.WordsAdded != 1 || r.Stats.WordsRemoved != 0 {
		t.Errorf("stats %+v, want only the heading's added word", r.Stats)
	}
	reasons := r.Reasons()
	if !slices.Contains(reasons, "1 section moved") || !slices.Contains(reasons, "1 section renamed") {
		t.Errorf("reasons %q", reasons)
	}
	if mirrored := Compare(new, old); mirrored.Stats.WordsRemoved != 1 || mirrored.Stats.WordsAdded != 0 {
		t.Errorf("mirrored stats %+v", mirrored.Stats)
	}
}

// extracted reads a bundled file through extract, as import does.
func extracted(t *testing.T, path string) *extract.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := extract.Extract(data, extract.ContentTypeForName(path), extract.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

// Twitter's cookie policy as Markdown against X's as one line of flattened
// text, years apart: reworded sentences paired with their old forms and
// substitutions, not a whole document removed and another added.
func TestTwoInputFormsOfTheCookiePolicy(t *testing.T) {
	old := extracted(t, "../demo/twitter-x/twitter-cookies-policy.md")
	new := extracted(t, "../demo/twitter-x/x-cookies-policy.txt")
	r := Compare(old, new)
	if r.Class != Substantive {
		t.Errorf("class %s, want substantive", r.Class)
	}
	// The plain text has no headings: it pairs with the Markdown's first
	// section, whose list items and multi-sentence paragraphs are cut
	// elsewhere than X's one-sentence blocks. The X page text holds 573
	// words against Twitter's 1,981 (the later sections are not in it), and
	// X rewrote much of it: 209 words are kept as they were (151 when
	// only paragraphs half the same were paired).
	newWords := r.Stats.WordsUnchanged + r.Stats.WordsAdded
	if r.Stats.WordsUnchanged*3 < newWords {
		t.Errorf("stats %+v: less than a third of the new text is kept from the old", r.Stats)
	}
	reworded := 0
	var sentence string
	for _, s := range r.Sections {
		for _, p := range s.Paragraphs {
			if p.Status == Changed {
				reworded++
				if text := opsText(p.Ops, Insert); strings.HasPrefix(text, "Help us detect and fight spam") {
					sentence = opsText(p.Ops, Delete)
				}
			}
		}
	}
	if reworded < 15 {
		t.Errorf("%d reworded paragraphs, want at least 15", reworded)
	}
	if !slices.ContainsFunc(r.Substitutions, func(s Substitution) bool { return s.From == "Twitter" && s.To == "X" && s.Count >= 3 }) {
		t.Errorf("substitutions %+v, want Twitter → X at least ×3", r.Substitutions)
	}
	if !strings.Contains(sentence, "To help us detect and fight spam") {
		t.Errorf("the X sentence on spam is not paired with Twitter's: %q", sentence)
	}
	if !slices.Contains(r.Substitutions, Substitution{From: "Twitter", To: "our", Count: 3}) {
		t.Errorf("substitutions %+v, want “Twitter” → “our” ×3 (“Twitter services” → “our services”)", r.Substitutions)
	}
}

// A section whose heading was reworded and whose text was rewritten aligns
// by its similar heading.
func TestSectionsAlignBySimilarHeading(t *testing.T) {
	old := doc(
		[]string{"Policy/How we share your data", "We share data with partners."},
		[]string{"Policy/Contact", "Write to us."},
	)
	new := doc(
		[]string{"Policy/How we share your personal data", "Advertisers receive everything you post, and so do our affiliates."},
		[]string{"Policy/Contact", "Write to us."},
	)
	r := Compare(old, new)
	if len(r.Sections) != 2 || r.Sections[0].Status != Changed || len(r.Sections[0].OldPath) == 0 {
		t.Fatalf("sections %+v, want the first aligned as changed and renamed", r.Sections)
	}
	if got := r.Reasons(); !slices.Contains(got, "1 section renamed") {
		t.Errorf("reasons %q", got)
	}
}

func TestFormattingOnlyIsCosmetic(t *testing.T) {
	old := &extract.Document{Sections: []extract.Section{{Blocks: []extract.Block{
		{Kind: extract.Paragraph, Text: "Keep you logged in."},
		{Kind: extract.Paragraph, Text: "Save your preferences."},
	}}}}
	new := &extract.Document{Sections: []extract.Section{{Blocks: []extract.Block{
		{Kind: extract.ListItem, Text: "Keep you logged in."},
		{Kind: extract.ListItem, Text: "Save your preferences."},
	}}}}
	r := Compare(old, new)
	if r.Class != Cosmetic || r.Stats.WordsAdded != 0 || r.View(false).Changes != 0 {
		t.Fatalf("class %s, stats %+v, %d changes in the folded view; want a cosmetic change folded away", r.Class, r.Stats, r.View(false).Changes)
	}
	if r := Compare(doc([]string{"", "We share data."}), doc([]string{"", "We share data!"})); r.Class != Editorial {
		t.Errorf("a changed full stop is class %s, want editorial", r.Class)
	}
}
