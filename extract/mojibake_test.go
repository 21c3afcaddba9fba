package extract

import (
	"os"
	"strings"
	"testing"
)

func TestRepairMojibake(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"EspaÃ±ol", "Español"},
		{"PortuguÃªs and TÃ¼rkÃ§e", "Português and Türkçe"},
		{"youâ€™ve read â€œthisâ€\u009d", "you’ve read “this”"},
		{"Ã©tÃ© Ã\u00a0 Paris", "été à Paris"},
		{"æ—¥æœ¬èªž", "日本語"},
		{"Ð ÑƒÑÑÐºÐ¸Ð¹ EspaÃ±ol", "Ð уÑÑкий Español"}, // lost bytes cannot come back
		// Lossy: the C1 bytes of the quotes are gone.
		{"youâve", "you’ve"},
		{"Xâs Privacy Policy", "X’s Privacy Policy"},
		{"we donât sell", "we don’t sell"},
		{"Did someone say â¦ cookies?", "Did someone say … cookies?"},
		{"Xâs setting âAllow partnersâ is on", "X’s setting “Allow partners” is on"},
		{"Xâs summary â inferences", "X’s summary – inferences"},
		{"Xâs Economic Area.â We set", "X’s Economic Area.” We set"},
	} {
		if got := repairMojibake(c.in); got != c.want {
			t.Errorf("repairMojibake(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRepairMojibakeLeavesCleanTextAlone(t *testing.T) {
	for _, clean := range []string{
		"Español, Português, Türkçe, Français",
		"Le château et l’âge du mât : «CAFÉ»",
		"Øresund — Ærø, Åland; 1ª edição, Nº 5, 20 °C, ± 3 µm",
		"Ärger über „Straße“ und ÄÖÜ",
		"naïve café, São Paulo, Ãrvore?", // a capital Ã before a letter is fine
		"日本語 한국어 Русский العربية",
		"plain ASCII only",
		"pâte, bâtiment, tâche, âme",
	} {
		if got := repairMojibake(clean); got != clean {
			t.Errorf("repairMojibake(%q) = %q, want it unchanged", clean, got)
		}
	}
}

func TestDataProcessingHasNoMojibake(t *testing.T) {
	doc := extractFile(t, fixtures+"x-data-processing.txt", Options{})
	text := doc.Markdown()
	for _, bad := range []string{"Ã", "â", "Â"} {
		if i := strings.Index(text, bad); i >= 0 {
			t.Errorf("mojibake %q remains: …%s…", bad, text[max(i-30, 0):min(i+30, len(text))])
		}
	}
	for _, want := range []string{"X’s Privacy Policy", "the places you’ve been", "“Allow additional"} {
		if !strings.Contains(text, want) {
			t.Errorf("repaired text lacks %q", want)
		}
	}
}

func TestCleanFixturesUnchangedByRepair(t *testing.T) {
	for _, name := range []string{"twitter-business-partners.txt", "twitter-cookies-policy.md", "twitter-dev-help-privacy.html", "x-cookies-policy.txt"} {
		raw, err := os.ReadFile(fixtures + name)
		if err != nil {
			t.Fatal(err)
		}
		if got := repairMojibake(string(raw)); got != string(raw) {
			t.Errorf("%s: repair changed clean text", name)
		}
	}
}
