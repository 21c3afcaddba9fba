package store

import "testing"

func TestQuoteLexemeEscapesQuotesAndBackslashes(t *testing.T) {
	for word, want := range map[string]string{
		"privacy": `'privacy'`,
		"it's":    `'it''s'`,
		`a\b`:     `'a\\b'`,
		`'\'`:     `'''\\'''`,
	} {
		if got := quoteLexeme(word); got != want {
			t.Errorf("quoteLexeme(%q) = %q, want %q", word, got, want)
		}
	}
}
