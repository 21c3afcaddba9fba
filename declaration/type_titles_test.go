package declaration

import "testing"

func TestExtractionType(t *testing.T) {
	for name, want := range map[string]string{
		"Privacy Policy": "Privacy Policy", "cookies policy": "Trackers Policy",
		"Community Guidelines - Hate Speech": "Community Guidelines", "Data Processing Agreement": "Data Processor Agreement",
	} {
		typ, ok := ExtractionType(name)
		if !ok || typ.Name != want || typ.Names == nil {
			t.Errorf("ExtractionType(%q) = %+v, %v; want %s with the names of every type", name, typ, ok, want)
		}
	}
	if typ, ok := ExtractionType("Privacy Polcy"); ok || typ.Name != "" {
		t.Errorf("an unknown type gave %+v", typ)
	}
}

// TestLocalTitlesNameKnownTypesInKnownLanguages: a misspelt type or
// language in the table would silently never match.
func TestLocalTitlesNameKnownTypesInKnownLanguages(t *testing.T) {
	languages := map[string]bool{"": true, "en": true, "fr": true, "de": true, "es": true, "it": true, "pt": true, "nl": true}
	for typ, local := range localTitles {
		if c, ok := CanonicalType(typ); !ok || c != typ {
			t.Errorf("%q is not a canonical type", typ)
		}
		for _, byLang := range []map[string][]string{local.titles, local.keywords} {
			for lang, names := range byLang {
				if !languages[lang] || len(names) == 0 {
					t.Errorf("%s: language %q with %d names", typ, lang, len(names))
				}
			}
		}
	}
	for _, typ := range []string{"Terms of Service", "Privacy Policy", "Trackers Policy"} {
		for lang := range languages {
			if lang != "" && len(localTitles[typ].titles[lang]) == 0 && len(localTitles[typ].titles[""]) == 0 {
				t.Errorf("%s has no title in %s", typ, lang)
			}
		}
	}
}
