package extract

import (
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func TestRepairMojibake(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"EspaÃ±ol", "Español"},
		{"PortuguÃªs and TÃ¼rkÃ§e", "Português and Türkçe"},
		{"youâ€™ve read â€œthisâ€\u009d", "you’ve read “this”"},
		{"Ã©tÃ© Ã\u00a0 Paris", "été à Paris"},
		{"æ—¥æœ¬èªž", "日本語"},
		{"Ð ÑƒÑÑÐºÐ¸Ð¹ EspaÃ±ol", "РуÑÑкий Español"}, // the lost bytes of "сс" cannot come back
		// Lossy: the C1 bytes of the quotes are gone.
		{"youâve", "you’ve"},
		{"Xâs Privacy Policy", "X’s Privacy Policy"},
		{"we donât sell", "we don’t sell"},
		{"Did someone say â¦ cookies?", "Did someone say … cookies?"},
		{"Xâs setting âAllow partnersâ is on", "X’s setting “Allow partners” is on"},
		{"Xâs summary â inferences", "X’s summary – inferences"},
		{"Xâs Economic Area.â We set", "X’s Economic Area.” We set"},
		// More damage of the shapes captures show.
		{"Itâ€™s", "It’s"},
		{"â€œquotedâ€\u009d and â€œquotedâ€\ufffd", "“quoted” and “quoted”"},
		{"Ã©tÃ©, dÃ©jÃ\u00a0, oÃ¹ et sÃ»r", "été, déjà, où et sûr"},
		{"publicitÃ©Â\u00a0Â» Â© 2025", "publicité\u00a0» © 2025"},
		{"ÃƒÂ©tÃƒÂ©", "été"},                // encoded wrongly twice
		{"ÃƒÆ’Ã‚Â©tÃƒÆ’Ã‚Â©", "été"},        // three times
		{"Ã¢â‚¬â„¢ and Ã¢â‚¬Å“", "’ and “"}, // twice, Windows-1252
		{"Ã\u0083Â©", "é"},                  // twice, Latin-1
		{"ÐŸÐ¾Ð»Ð¸Ñ‚Ð¸ÐºÐ°", "Политика"},
		{"Î\u00a0Î¿Î»Î¹Ï„Î¹ÎºÎ®", "Πολιτική"},
		{"Î Î¿Î»Î¹Ï„Î¹ÎºÎ® and Ã©tÃ© Ã  Paris", "Πολιτική and été à  Paris"}, // the 0xA0 became a space
		{"å€‹äººæƒ…å\u00a0±", "個人情報"},
		{"Tiáº¿ng Viá»‡t", "Tiếng Việt"},
		{"ZaÅ¼Ã³Å‚Ä‡ gÄ™Å›lÄ…", "Zażółć gęślą"},
		{"ðŸ™‚", "🙂"},
		{"Ñ�Ð¾Ð±Ð¸Ñ€Ð°ÐµÐ¼", "\ufffdобираем"}, // the byte behind "�" is lost
		// Lossy forms.
		{"weâre, itâll, sheâd, Iâm, and theyâve", "we’re, it’ll, she’d, I’m, and they’ve"},
		{"the individualâs data â¢ the advertiserâs game", "the individual’s data • the advertiser’s game"},
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
		"votre âge", "publicité\u00a0»", "publicité\u00a0» et votre âge",
		"À «\u00a0Ça\u00a0», bienvenue à «\u00a0Ça\u00a0»",
		"JOÃO, SÃO, «AMANHÃ», MAÇÃ\u00a0»", "CÂBLE", "İŞ", "Ở Đà",
		"Spaß“, »Fuß«, Fuß\u00adball", "VÝŠE, ÚŽASNÝ", "GENÇ’İN", "CAFÉ», PERÒ…",
		"Trung tâm trợ giúp luôn quan tâm", // "tâm" is a word, "Iâm" is not
		"Total payé\u00a0£\u00a05, réservé\u00a0— merci, modifié\u00a0…",
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

// TestFrenchTypographyIsNotMojibake is the report that started the new
// repair: "é", a no-break space and "»" are, byte for byte, a UTF-8 "頻"
// read as Windows-1252, and a page holding them turned "votre âge" into
// "votre “ge" and "publicité »" into "publicit頻".
func TestFrenchTypographyIsNotMojibake(t *testing.T) {
	doc := extractHTML(t, "<p>votre âge</p><p>publicité\u00a0»</p>", Options{})
	if got := documentTexts(doc); !slices.Equal(got, []string{"votre âge", "publicité »"}) {
		t.Errorf("texts %q", got)
	}
	// The same page garbled is repaired to it.
	garbled := garble("<p>votre âge</p><p>publicité\u00a0»</p>", charmap.Windows1252, 1)
	doc = extractHTML(t, garbled, Options{})
	if got := documentTexts(doc); !slices.Equal(got, []string{"votre âge", "publicité »"}) {
		t.Errorf("garbled %q: texts %q", garbled, got)
	}
}

// TestLossyRepairNeedsEvidence: a lone "â" is lost punctuation only in a
// text that shows the damage unmistakably; elsewhere it is the letter.
func TestLossyRepairNeedsEvidence(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Cookie data â Log data", "Cookie data â Log data"},
		{"Cookie data â Log data, and Xâs policy", "Cookie data – Log data, and X’s policy"},
		{"âAllow partnersâ", "âAllow partnersâ"},
		{"weâre asking: âAllow partnersâ", "we’re asking: “Allow partners”"},
		// With the evidence, an "â" that can be the letter stays.
		{"weâre at the château", "we’re at the château"},
	} {
		if got := repairMojibake(c.in); got != c.want {
			t.Errorf("repairMojibake(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// garble is s as a wrong decoder reads its UTF-8 bytes, the way mojibake is
// made: Windows-1252 (which maps its five undefined bytes to U+FFFD) or
// Latin-1 (which keeps them as C1 controls), layers times.
func garble(s string, decoder *charmap.Charmap, layers int) string {
	for range layers {
		s, _ = decoder.NewDecoder().String(s)
	}
	return s
}

// documentTexts lists every text of d in reading order: headings, block
// texts, table cells.
func documentTexts(d *Document) []string {
	var texts []string
	for _, s := range d.Sections {
		if h := s.Heading(); h != "" {
			texts = append(texts, h)
		}
		for _, b := range s.Blocks {
			if b.Kind == TableRow {
				texts = append(texts, b.Cells...)
				continue
			}
			texts = append(texts, b.Text)
		}
	}
	return texts
}
