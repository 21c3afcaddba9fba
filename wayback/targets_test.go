package wayback

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/policywatch/policywatch/declaration"
)

func loadDeclarations(t *testing.T, files map[string]string) []declaration.Service {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	services, problems, err := declaration.LoadDir(dir)
	if err != nil || declaration.HasErrors(problems) {
		t.Fatalf("declarations: %v %v", err, problems)
	}
	return services
}

// Declared documents of one page are targets with the rules in force at
// each capture's date; a document of several pages is left out, named.
func TestDeclaredTargetsAndPageTargets(t *testing.T) {
	services := loadDeclarations(t, map[string]string{
		"acme.json": `{"name": "Acme", "terms": {
			"Privacy Policy": {"fetch": "https://acme.example/privacy", "select": "main"},
			"Terms of Service": {"combine": [{"fetch": "https://acme.example/tos/1"}, {"fetch": "https://acme.example/tos/2"}]},
			"Community Guidelines": {"fetch": "https://acme.example/rules", "select": "article"},
			"Community Guidelines - Spam": {"fetch": "https://acme.example/spam", "select": "#spam"}}}`,
		"acme.history.json": `{"Privacy Policy": [{"fetch": "https://acme.example/old-privacy", "select": "#legacy", "validUntil": "2022-01-01T00:00:00Z"}]}`,
	})
	targets, combined, err := DeclaredTargets(services, "acme", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 1 || targets[0].Service != "Acme" || targets[0].Type != "Privacy Policy" || targets[0].URL != "https://acme.example/privacy" {
		t.Fatalf("targets %+v, want Acme's privacy policy alone", targets)
	}
	if len(combined) != 2 {
		t.Errorf("left out %d documents, want the terms and the guidelines, each of two pages", len(combined))
	}
	rules := targets[0].Rules
	if got := rules(time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)).Select; len(got) != 1 || got[0].CSS != "#legacy" {
		t.Errorf("rules in 2021 select %v, want the past declaration's #legacy", got)
	}
	if got := rules(time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)).Select; len(got) != 1 || got[0].CSS != "main" {
		t.Errorf("rules in 2023 select %v, want main", got)
	}
	if _, _, err := DeclaredTargets(services, "nobody", ""); err == nil {
		t.Error("an undeclared service gave targets")
	}

	// One page by its URL: a retired subtype's page is its own document,
	// with its part's rules; an undeclared one has none.
	spam := PageTarget(services, "ACME", "Community Guidelines - Spam", "https://acme.example/spam")
	if spam.Service != "Acme" || spam.Type != "Community Guidelines - Spam" || spam.Rules == nil || spam.Rules(time.Now()).Select[0].CSS != "#spam" {
		t.Errorf("retired subtype's page: %+v", spam)
	}
	if whole := PageTarget(services, "Acme", "Community Guidelines", "https://acme.example/rules"); whole.Rules != nil {
		t.Error("a page of a combined document was given the whole's rules")
	}
	if other := PageTarget(services, "Other", "Privacy Policy", "https://other.example/p"); other.Service != "Other" || other.Rules != nil {
		t.Errorf("undeclared page: %+v", other)
	}
}
