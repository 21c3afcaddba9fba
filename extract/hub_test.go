package extract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/internal/hubtest"
)

// The pages of these tests are built from real policy texts (Twitter / X,
// Bumble, Coffee Meets Bagel, Tchap) laid out as the pages that hold
// several documents are. What is extracted from such a page for a
// declared type must be what is extracted from that document's page
// alone.

const hubTitle = "Legal | Example"

type hubDocs struct {
	terms, privacy, cookies, copyright hubtest.Doc
}

func loadHubDocs(t *testing.T) hubDocs {
	return hubDocs{
		terms:     hubtest.Doc{Label: "Terms of Service", ID: "terms", HTML: hubtest.Load(t, hubtest.BumbleTerms)},
		privacy:   hubtest.Doc{Label: "Privacy Policy", ID: "privacy", HTML: hubtest.Load(t, hubtest.XPrivacy)},
		cookies:   hubtest.Doc{Label: "Cookie Policy", ID: "cookies", HTML: hubtest.Load(t, hubtest.XCookies)},
		copyright: hubtest.Doc{Label: "Copyright Policy", ID: "copyright", HTML: hubtest.Load(t, hubtest.CMBCopyright)},
	}
}

func (d hubDocs) all() []hubtest.Doc {
	return []hubtest.Doc{d.terms, d.privacy, d.cookies, d.copyright}
}

func typeOf(t *testing.T, name string) extract.DocumentType {
	t.Helper()
	typ, ok := declaration.ExtractionType(name)
	if !ok {
		t.Fatalf("no type %q", name)
	}
	return typ
}

func markdownOf(t *testing.T, page []byte, opts extract.Options) string {
	t.Helper()
	doc, err := extract.Extract(page, "text/html", opts)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Markdown()
}

// assertSameText fails unless got is want, showing where they part.
func assertSameText(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-120)
	t.Errorf("%s: extracted %d bytes, the document alone %d; they part at byte %d:\n got: …%s…\nwant: …%s…",
		what, len(got), len(want), i, got[from:min(len(got), i+200)], want[from:min(len(want), i+200)])
}

// TestLegalHubGivesTheDeclaredDocument: a hub holding terms, a privacy
// policy, a cookie policy and a copyright policy as tabs, accordions,
// <details> or sections under a table of contents gives, for each
// declared type, exactly the text of that document's page alone, and
// without a type the whole hub as before.
func TestLegalHubGivesTheDeclaredDocument(t *testing.T) {
	docs := loadHubDocs(t)
	layouts := []struct {
		name string
		page []byte
	}{
		{"tabs", hubtest.Tabs(hubTitle, docs.all())},
		{"accordion", hubtest.Accordion(hubTitle, docs.all())},
		{"details", hubtest.Details(hubTitle, docs.all())},
		{"sections with a table of contents", hubtest.Sections(hubTitle, docs.all())},
	}
	declared := []struct {
		typ string
		doc hubtest.Doc
	}{
		{"Privacy Policy", docs.privacy},
		{"Cookies Policy", docs.cookies}, // an alias of Trackers Policy
		{"Terms of Service", docs.terms},
		{"Copyright Claims Policy", docs.copyright},
	}
	for _, layout := range layouts {
		t.Run(layout.name, func(t *testing.T) {
			whole := markdownOf(t, layout.page, extract.Options{})
			for _, d := range declared {
				want := markdownOf(t, hubtest.Alone(hubTitle, d.doc.HTML), extract.Options{})
				got := markdownOf(t, layout.page, extract.Options{Type: typeOf(t, d.typ)})
				assertSameText(t, d.typ, got, want)
			}
			privacy := markdownOf(t, hubtest.Alone(hubTitle, docs.privacy.HTML), extract.Options{})
			if len(whole) < 2*len(privacy) {
				t.Errorf("without a type the hub gives %d bytes, the privacy policy alone %d: the page should hold every document", len(whole), len(privacy))
			}
		})
	}
}

// TestHubLabelsInSevenLanguages: the tabs of a hub name its documents in
// the page's language, or by a word alone ("Privacy", "Cookies").
func TestHubLabelsInSevenLanguages(t *testing.T) {
	docs := loadHubDocs(t)
	labels := map[string][4]string{
		"en": {"Terms", "Privacy", "Cookies", "Copyright"},
		"fr": {"Conditions générales d’utilisation", "Politique de confidentialité", "Politique relative aux cookies", "Droits d'auteur"},
		"de": {"Nutzungsbedingungen", "Datenschutzerklärung", "Cookie-Richtlinie", "Urheberrecht"},
		"es": {"Términos y condiciones", "Política de privacidad", "Política de cookies", "Derechos de autor"},
		"it": {"Termini e condizioni", "Informativa sulla privacy", "Informativa sui cookie", "Diritto d'autore"},
		"pt": {"Termos de uso", "Política de privacidade", "Política de cookies", "Direitos autorais"},
		"nl": {"Algemene voorwaarden", "Privacyverklaring", "Cookiebeleid", "Auteursrecht"},
	}
	types := [4]string{"Terms of Service", "Privacy Policy", "Trackers Policy", "Copyright Claims Policy"}
	for lang, names := range labels {
		hub := docs.all()
		for i := range hub {
			hub[i].Label = names[i]
		}
		page := hubtest.Tabs(hubTitle, hub)
		for i, typ := range types {
			want := markdownOf(t, hubtest.Alone(hubTitle, hub[i].HTML), extract.Options{})
			assertSameText(t, lang+" "+typ, markdownOf(t, page, extract.Options{Type: typeOf(t, typ)}), want)
		}
	}
}

// TestFlatLegalHub: documents following each other under their own top
// headings, without wrappers: the declared one runs from its heading to
// the next document's.
func TestFlatLegalHub(t *testing.T) {
	docs := loadHubDocs(t)
	page := hubtest.Flat(hubTitle, []hubtest.Doc{docs.privacy, docs.cookies})
	for _, d := range []struct {
		typ string
		doc hubtest.Doc
	}{{"Privacy Policy", docs.privacy}, {"Trackers Policy", docs.cookies}} {
		want := markdownOf(t, hubtest.Alone(hubTitle, d.doc.HTML), extract.Options{})
		got := markdownOf(t, page, extract.Options{Type: typeOf(t, d.typ)})
		assertSameText(t, d.typ, got, want)
	}
}

// TestSummaryAndFullText: a short version of the policy beside its full
// text gives the full text alone, whether the short version is a section
// named after the policy or a tab under the policy's own title.
func TestSummaryAndFullText(t *testing.T) {
	full := hubtest.Load(t, hubtest.XPrivacy)
	// X's own summary: the "Before you scroll, read this" part of the policy.
	policy := hubtest.LoadDocument(t, hubtest.XPrivacy)
	summary := hubtest.DocumentHTML(&extract.Document{Sections: policy.Sections[1:2]})
	if !strings.Contains(summary, "Before you scroll, read this") {
		t.Fatalf("the summary is not X's: %.200s", summary)
	}
	want := markdownOf(t, hubtest.Alone(hubTitle, full), extract.Options{})
	privacy := typeOf(t, "Privacy Policy")

	page := hubtest.SummaryAndFull(hubTitle, "Our Privacy Policy at a glance", summary, full)
	assertSameText(t, "summary section", markdownOf(t, page, extract.Options{Type: privacy}), want)

	tabs := hubtest.SummaryTabs(hubTitle, "X Privacy Policy",
		hubtest.Doc{Label: "Summary", ID: "summary", HTML: summary},
		hubtest.Doc{Label: "Full text", ID: "full", HTML: full})
	assertSameText(t, "summary tab", markdownOf(t, tabs, extract.Options{Type: privacy}), want)
	// Without a type, the labels "Summary" and "Full text" say it all.
	assertSameText(t, "summary tab, no type", markdownOf(t, tabs, extract.Options{}), want)
	// Without them, the page is the policy with a summary of its own.
	if got := markdownOf(t, page, extract.Options{}); strings.Count(got, "It’s really hard to make everyone happy") != 2 {
		t.Errorf("without a type, a summary section not labelled as a short version was left out")
	}
}

// TestMobileCopyIsLeftOut: the policy twice, the second time in the
// markup of a mobile layout (and with a few words of its own), gives the
// policy once, as its page alone does.
func TestMobileCopyIsLeftOut(t *testing.T) {
	doc := hubtest.LoadDocument(t, hubtest.XPrivacy)
	desktop := hubtest.DocumentHTML(doc)
	want := markdownOf(t, hubtest.Alone(hubTitle, desktop), extract.Options{})
	for _, extra := range []string{"", `<p><a href="#top">Back to top</a></p>`} {
		page := hubtest.MobileCopy(hubTitle, desktop, hubtest.MobileHTML(doc), extra)
		for _, opts := range []extract.Options{{}, {Type: typeOf(t, "Privacy Policy")}} {
			assertSameText(t, "mobile copy"+extra, markdownOf(t, page, opts), want)
		}
		_, ex, err := extract.Explain(page, "text/html", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		copyOf := "body > main > div:nth-of-type(2)"
		if len(ex.Duplicates) != 1 || ex.Duplicates[0].Selector != copyOf || ex.Duplicates[0].CopyOf != "body > main > div:nth-of-type(1)" ||
			len(ex.Remove) != 1 || ex.Remove[0].CSS != copyOf || len(ex.Select) != 1 || ex.Select[0].CSS != "body > main" {
			t.Errorf("explanation of the copy: %s", ex)
		}
		// The rules it proposes take the same text.
		declared := markdownOf(t, page, extract.Options{Select: ex.Select, Remove: ex.Remove})
		assertSameText(t, "declared rules"+extra, body(declared), body(want))
	}
	// The coming policy beside the current one, a word or a sentence
	// apart, is no copy: leaving it out would hide its changes.
	for _, edit := range []struct{ from, to string }{
		{"We collect", "We gather"},
		{"Effective: September 29, 2023", "Effective: September 29, 2023. We may also ask for your age."},
	} {
		if !strings.Contains(desktop, edit.from) {
			t.Fatalf("the policy lacks %q", edit.from)
		}
		coming := strings.Replace(desktop, edit.from, edit.to, 1)
		got := markdownOf(t, hubtest.MobileCopy(hubTitle, desktop, coming, ""), extract.Options{})
		if !strings.Contains(got, edit.to) {
			t.Errorf("the coming policy (%q → %q) was left out as a copy of the current one", edit.from, edit.to)
		}
	}
	// Two different texts side by side are both kept: the Twitter policy
	// the X policy replaced is no copy of it.
	older := hubtest.Load(t, "demo/twitter-x-history/privacy-policy/2023-05-18T18-34-41Z.md")
	both := markdownOf(t, hubtest.MobileCopy(hubTitle, desktop, older, ""), extract.Options{})
	if !strings.Contains(both, "Effective: September 29, 2023") || !strings.Contains(both, "Twitter Privacy Policy") {
		t.Errorf("two different policies on one page: one was left out")
	}
}

// TestLanguageTabsKeepTheDeclaredLanguage: a page offering the policy in
// English and French keeps the language asked for, else the one its URL
// names, else the page's own; with or without lang attributes on the
// panels.
func TestLanguageTabsKeepTheDeclaredLanguage(t *testing.T) {
	en := hubtest.Doc{Label: "English", ID: "en", HTML: hubtest.Load(t, hubtest.XPrivacy)}
	fr := hubtest.Doc{Label: "Français", ID: "fr", HTML: hubtest.Load(t, hubtest.TchapPrivacyFR)}
	wantEN := markdownOf(t, hubtest.Alone(hubTitle, en.HTML), extract.Options{})
	wantFR := markdownOf(t, hubtest.Alone(hubTitle, fr.HTML), extract.Options{})
	privacy := typeOf(t, "Privacy Policy")
	for _, marked := range []bool{false, true} {
		cases := []struct {
			name     string
			page     []byte
			opts     extract.Options
			want     string
			wantLang string
		}{
			{"page in English", hubtest.LanguageTabs("en", hubTitle, []hubtest.Doc{en, fr}, marked), extract.Options{}, wantEN, "en"},
			{"page in French", hubtest.LanguageTabs("fr", hubTitle, []hubtest.Doc{en, fr}, marked), extract.Options{Type: privacy}, wantFR, "fr"},
			{"French declared", hubtest.LanguageTabs("en", hubTitle, []hubtest.Doc{en, fr}, marked), extract.Options{Language: "fr-FR", Type: privacy}, wantFR, "fr"},
			{"French URL", hubtest.LanguageTabs("en", hubTitle, []hubtest.Doc{en, fr}, marked), extract.Options{BaseURL: "https://example.com/fr/privacy"}, wantFR, "fr"},
			{"French tab first", hubtest.LanguageTabs("en", hubTitle, []hubtest.Doc{fr, en}, marked), extract.Options{}, wantEN, "en"},
		}
		for _, c := range cases {
			_, ex, err := extract.Explain(c.page, "text/html", c.opts)
			if err != nil {
				t.Fatal(err)
			}
			assertSameText(t, c.name, markdownOf(t, c.page, c.opts), c.want)
			if !strings.HasPrefix(ex.Language, c.wantLang+" (") || len(ex.Steps) != 1 || ex.Steps[0].Rule != "languages" {
				t.Errorf("%s: explanation %+v, want one languages step keeping %s", c.name, ex, c.wantLang)
			}
		}
	}
	// A language nobody asked for, on a page without lang: both are kept.
	page := hubtest.LanguageTabs("", hubTitle, []hubtest.Doc{en, fr}, true)
	if got := markdownOf(t, page, extract.Options{}); !strings.Contains(got, "X Privacy Policy") || !strings.Contains(got, "Politique de confidentialité") {
		t.Errorf("without a language to keep, a language was dropped")
	}
}

// TestExplainGivesRulesThatTakeTheSameText: what --explain proposes as a
// declaration takes the document that was chosen.
func TestExplainGivesRulesThatTakeTheSameText(t *testing.T) {
	docs := loadHubDocs(t)
	privacy := typeOf(t, "Privacy Policy")
	for _, page := range [][]byte{
		hubtest.Tabs(hubTitle, docs.all()),
		hubtest.Accordion(hubTitle, docs.all()),
		hubtest.Details(hubTitle, docs.all()),
		hubtest.Sections(hubTitle, docs.all()),
		hubtest.Flat(hubTitle, []hubtest.Doc{docs.privacy, docs.cookies}),
	} {
		_, ex, err := extract.Explain(page, "text/html", extract.Options{Type: privacy})
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.Steps) == 0 || ex.Steps[0].Rule != "legal hub" || len(ex.Select) != 1 {
			t.Fatalf("explanation %s", ex)
		}
		chosen := 0
		for _, p := range ex.Steps[0].Parts {
			if p.Chosen {
				chosen++
				if p.Names != "the Privacy Policy" || p.Label != "Privacy Policy" && p.Label != "X Privacy Policy" {
					t.Errorf("chose %+v", p)
				}
			}
		}
		if chosen != 1 {
			t.Errorf("%d parts chosen: %s", chosen, ex)
		}
		declared := markdownOf(t, page, extract.Options{Select: ex.Select, Remove: ex.Remove})
		// A declared selection has no <h1> of the page's: compare the text
		// under the title.
		guessed := markdownOf(t, page, extract.Options{Type: privacy})
		if body(declared) != body(guessed) {
			assertSameText(t, "declared "+ex.Select[0].String(), body(declared), body(guessed))
		}
		if s := ex.String(); !strings.Contains(s, `"select": `) || !strings.Contains(s, "* kept") {
			t.Errorf("explanation text lacks the rules or the choice:\n%s", s)
		}
	}
}

// body is Markdown without its title line.
func body(md string) string {
	if strings.HasPrefix(md, "# ") {
		if i := strings.Index(md, "\n"); i >= 0 {
			return md[i:]
		}
	}
	return md
}

// TestPagesThatAreNoHubAreUnchanged: a declared type changes nothing on
// pages holding one document, even one whose sections are named after
// other documents or that carries a box of links to other legal
// documents, nor on the real pages of the repository.
func TestPagesThatAreNoHubAreUnchanged(t *testing.T) {
	privacy := hubtest.Load(t, hubtest.XPrivacy)
	pages := map[string][]byte{
		"policy alone": hubtest.Alone(hubTitle, privacy),
		"policy with a box of other documents": hubtest.Alone(hubTitle, privacy+
			`<div class="related"><details><summary>Terms of Service</summary><p>Read our terms.</p></details>`+
			`<details><summary>Cookie Policy</summary><p>How we use cookies.</p></details>`+
			`<details><summary>Privacy Policy</summary><p>This page.</p></details></div>`),
		"policy without a title, with topics named like documents": hubtest.Alone(hubTitle,
			`<section><h2>Your privacy</h2><p>We collect the information you give us when you create an account, such as your name and email address, and we use it to run the service.</p></section>`+
				`<section><h2>Cookies</h2><p>We use cookies to keep you signed in.</p></section>`+
				`<section><h2>Contact</h2><p>Write to privacy@example.com.</p></section>`),
		"policy with sections named after other documents": hubtest.Alone(hubTitle, `<h1>Privacy Policy</h1>`+
			`<section><h2>Cookie Policy</h2><p>We use cookies to keep you signed in and to measure how our services are used.</p></section>`+
			`<section><h2>Terms of Service</h2><p>Your use of the services is also governed by our terms of service, which you accept when you sign up.</p></section>`),
	}
	for name, page := range pages {
		assertSameText(t, name, markdownOf(t, page, extract.Options{Type: typeOf(t, "Privacy Policy")}), markdownOf(t, page, extract.Options{}))
	}
	// The real and imitated pages of the repository, as their own type and
	// as others; range-selector.html is a hub (terms, privacy, imprint).
	files, _ := filepath.Glob("testdata/corpus/*.html")
	for _, dir := range []string{"Bumble/Terms of Service", "ChristianMingle/Privacy Policy", "Coffee Meets Bagel/Copyright Claims Policy"} {
		snapshots, _ := filepath.Glob(filepath.Join("../testdata/ota-histories/dating", dir, "snapshots/*.html"))
		files = append(files, snapshots[0], snapshots[len(snapshots)-1])
	}
	files = append(files, "../demo/twitter-x/twitter-dev-help-privacy.html")
	if len(files) < 20 {
		t.Fatalf("only %d pages", len(files))
	}
	for _, f := range files {
		if strings.HasSuffix(f, "range-selector.html") {
			continue
		}
		page, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		untyped := markdownOf(t, page, extract.Options{})
		for _, typ := range []string{"Privacy Policy", "Terms of Service", "Trackers Policy", "Copyright Claims Policy"} {
			assertSameText(t, f+" / "+typ, markdownOf(t, page, extract.Options{Type: typeOf(t, typ)}), untyped)
		}
	}
}
