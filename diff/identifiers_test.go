package diff

import (
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// linkedDoc is a one-section document whose paragraphs each hold one link:
// pairs of (text, URL); the link's text is the paragraph's last word.
func linkedDoc(pairs ...string) *extract.Document {
	sec := extract.Section{Path: []string{"Contact"}, Level: 2}
	for i := 0; i+1 < len(pairs); i += 2 {
		text := pairs[i]
		words := strings.Fields(text)
		sec.Blocks = append(sec.Blocks, extract.Block{Kind: extract.Paragraph, Text: text,
			Links: []extract.Link{{Text: words[len(words)-1], URL: pairs[i+1]}}})
	}
	return &extract.Document{Sections: []extract.Section{sec}}
}

func TestRotatingIdentifiersInLinksAreCosmetic(t *testing.T) {
	for _, c := range []struct{ name, from, to string }{
		{"Cloudflare e-mail key", "https://example.com/cdn-cgi/l/email-protection#a1d2d4d1d1ced3d5e1d2d1c0d3ca8fc2cecc",
			"https://example.com/cdn-cgi/l/email-protection#14676164647b666054676475667f3a777b79"},
		{"Facebook link shim hash", "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2Fpolicy&h=AT0fW5zQk2xLm9PqRs7Tu1",
			"https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2Fpolicy&h=AT3kJd8Lp0QwXz5YcVb2n9"},
		{"session UUID", "https://example.com/settings?sid=3f2a1b2c-4b5d-4e6f-9a8b-1c2d3e4f5a6b&lang=en",
			"https://example.com/settings?sid=9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b&lang=en"},
		{"millisecond cache buster", "https://example.com/policy.pdf?v=1718150400123", "https://example.com/policy.pdf?v=1719792000456"},
	} {
		old := linkedDoc("Write to our team at support", c.from, "We answer within 30 days.", "https://example.com/faq")
		new := linkedDoc("Write to our team at support", c.to, "We answer within 30 days.", "https://example.com/faq")
		r := Compare(old, new)
		if r.Class != Cosmetic {
			t.Errorf("%s: class %s, want cosmetic; reasons %q", c.name, r.Class, r.Reasons())
			continue
		}
		if len(r.Substitutions) > 0 {
			t.Errorf("%s: identifiers reported as substitutions: %+v", c.name, r.Substitutions)
		}
		if reasons := r.Reasons(); len(reasons) != 1 || !strings.Contains(reasons[0], "identifiers") {
			t.Errorf("%s: reasons %q should say only identifiers changed", c.name, reasons)
		}
		if r.Stats.WordsAdded != 0 || r.Stats.WordsRemoved != 0 {
			t.Errorf("%s: stats %+v, want no word added or removed", c.name, r.Stats)
		}
	}
}

func TestRealLinkChangesStayChanges(t *testing.T) {
	for _, c := range []struct{ name, from, to string }{
		{"another help article", "https://help.example.com/hc/articles/360001234567", "https://help.example.com/hc/articles/360009876543"},
		{"another year's policy", "https://example.com/privacy-2023", "https://example.com/privacy-2024"},
		{"another host", "https://help.twitter.com/en/rules", "https://help.x.com/en/rules"},
		{"a parameter added", "https://example.com/optout", "https://example.com/optout?sid=3f2a1b2c4b5d4e6f9a8b"},
		{"a word in the path", "https://example.com/a1b2c3d4e5/delete-account", "https://example.com/a1b2c3d4e5/keep-account"},
	} {
		old := linkedDoc("Write to our team at support", c.from)
		new := linkedDoc("Write to our team at support", c.to)
		if r := Compare(old, new); r.Class == Cosmetic || r.Class == Identical {
			t.Errorf("%s: class %s, want a change a reader is told about", c.name, r.Class)
		}
	}
	// Rotating identifiers beside a real edit: the edit decides the class.
	old := linkedDoc("Write to our team at support", "https://example.com/l#a1d2d4d1d1ced3d5e1", "We answer within 30 days.", "https://example.com/faq")
	new := linkedDoc("Write to our team at support", "https://example.com/l#14676164647b666054", "We answer within 90 days.", "https://example.com/faq")
	if r := Compare(old, new); r.Class != Substantive {
		t.Errorf("rotating link beside 30 → 90 days: class %s, want substantive; reasons %q", r.Class, r.Reasons())
	}
	// The same identifier-looking text outside a link is text.
	old = doc([]string{"Contact", "Your reference is a1d2d4d1d1ced3d5e1."})
	new = doc([]string{"Contact", "Your reference is 14676164647b666054."})
	if r := Compare(old, new); r.Class == Cosmetic {
		t.Errorf("identifier in the text: class %s, want a change", r.Class)
	}
}

func TestLooksRotating(t *testing.T) {
	for s, want := range map[string]bool{
		"a1d2d4d1d1ced3d5e1":                   true,
		"AT0fW5zQk2xLm9PqRs7Tu1":               true,
		"3f2a1b2c-4b5d-4e6f-9a8b-1c2d3e4f5a6b": true,
		"1718150400123":                        true,
		"QmFzZTY0RW5jb2RlZFRva2Vu":             true,
		"360001234567":                         false, // a 12-digit page id
		"privacy-2023":                         false,
		"delete-account":                       false,
		"html5":                                false,
		"utm2024x":                             false,
		"":                                     false,
		"données":                              false,
	} {
		if got := looksRotating(s); got != want {
			t.Errorf("looksRotating(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestEmphasisAloneIsCosmetic: bold or italics added or removed, the words
// the same, is a new version (the Markdown differs, as in Open Terms
// Archive) but never a change of meaning.
func TestEmphasisAloneIsCosmetic(t *testing.T) {
	old, err := extract.Extract([]byte("<main><h1>Privacy</h1><p>We keep your data for one year.</p><p>You can delete it.</p></main>"), "text/html", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	new, err := extract.Extract([]byte("<main><h1>Privacy</h1><p>We keep your data for <strong>one year</strong>.</p><p>You can <em>delete</em> it.</p></main>"), "text/html", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if old.Markdown() == new.Markdown() {
		t.Fatal("emphasis does not show in the canonical Markdown")
	}
	r := Compare(old, new)
	if r.Class != Cosmetic || r.Stats.WordsAdded != 0 || r.Stats.WordsRemoved != 0 {
		t.Errorf("emphasis only: class %s, stats %+v, reasons %q; want cosmetic with no word changed", r.Class, r.Stats, r.Reasons())
	}
	if s := r.Story(); s.Magnitude != "" || !strings.HasPrefix(s.Line, "Style only") {
		t.Errorf("story %+v", s)
	}
}
