package extract

import "testing"

func TestLabelsNamingALanguage(t *testing.T) {
	for label, want := range map[string]string{
		"English": "en", "Français": "fr", "EN": "en", "English (US)": "en", "Français – Canada": "fr",
		"Deutsch / Schweiz": "de", "Nederlands": "nl", "English users": "", "En bref": "", "Italian law": "",
		"Terms": "", "": "",
	} {
		if got := languageOfLabel(label, labelTokens(label)); got != want {
			t.Errorf("%q names language %q, want %q", label, got, want)
		}
	}
}

func TestLabelTokens(t *testing.T) {
	for label, want := range map[string]string{
		"Conditions d’utilisation": "conditions d utilisation", "X Privacy Policy": "x privacy policy",
		"ÉTAT Général": "état général", "Cookie-Richtlinie": "cookie richtlinie", "Datenschutzerklärung (DSGVO)": "datenschutzerklärung dsgvo",
	} {
		got := ""
		for i, tok := range labelTokens(label) {
			if i > 0 {
				got += " "
			}
			got += tok
		}
		if got != want {
			t.Errorf("%q: tokens %q, want %q", label, got, want)
		}
	}
}

func TestLanguageOfURL(t *testing.T) {
	for url, want := range map[string]string{
		"https://help.x.com/en/rules-and-policies/x-privacy": "en", "https://example.com/fr-ca/legal": "fr",
		"https://policies.google.com/privacy?hl=de": "de", "https://example.com/legal": "", "https://example.com/us/privacy": "",
		"https://example.com/help/it/privacy": "it", "": "",
	} {
		if got := languageOfURL(url); got != want {
			t.Errorf("%s: %q, want %q", url, got, want)
		}
	}
}

func TestClassifyLabel(t *testing.T) {
	names := NewTypeNames([]TypeName{
		{Type: "Privacy Policy", Text: "Privacy Policy"}, {Type: "Privacy Policy", Text: "Politique de confidentialité", Lang: "fr"},
		{Type: "Privacy Policy", Text: "privacy", Keyword: true}, {Type: "Privacy Policy", Text: "Datenschutz", Lang: "de", Keyword: true},
		{Type: "Business Privacy Policy", Text: "Business Privacy Policy"},
		{Type: "Trackers Policy", Text: "Cookie Policy"}, {Type: "Trackers Policy", Text: "cookie", Keyword: true},
		{Type: "Terms of Service", Text: "Terms of Service"}, {Type: "Terms of Service", Text: "terms", Keyword: true},
	})
	privacy := DocumentType{Name: "Privacy Policy", Names: names}
	for _, c := range []struct {
		label       string
		kind        labelKind
		titleAlone  bool
		keywordOnly bool
		summary     bool
		lang        string
	}{
		{"X Privacy Policy", namesOurs, true, false, false, ""},
		{"Politique de confidentialité", namesOurs, true, false, false, "fr"},
		{"Datenschutzerklärung", namesOurs, false, true, false, "de"},
		{"Business Privacy Policy", namesOther, false, false, false, ""},
		{"Privacy and Cookie Policy", namesOurs, false, true, false, ""},
		{"Cookies", namesOther, false, true, false, ""},
		{"Terms of Service", namesOther, false, false, false, ""},
		{"Our Privacy Policy at a glance", namesOurs, false, false, true, "en"},
		{"Before you scroll, read this", namesNone, false, false, false, ""},
	} {
		got := classifyLabel(c.label, privacy)
		if got.kind != c.kind || got.titleAlone != c.titleAlone || got.keywordOnly != c.keywordOnly || got.summary != c.summary || got.lang != c.lang {
			t.Errorf("%q: %+v", c.label, got)
		}
	}
}
