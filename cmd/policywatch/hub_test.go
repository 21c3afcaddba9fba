package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/internal/hubtest"
)

// hubFiles writes three captures of a legal hub (terms, privacy policy,
// cookie policy as tabs) named by their dates, as import reads them: the
// second changes the cookie policy, the third the privacy policy.
func hubFiles(t *testing.T) []string {
	terms := hubtest.Doc{Label: "Terms of Service", ID: "terms", HTML: hubtest.Load(t, hubtest.BumbleTerms)}
	privacy := hubtest.Doc{Label: "Privacy Policy", ID: "privacy", HTML: hubtest.Load(t, hubtest.XPrivacy)}
	cookies := hubtest.Doc{Label: "Cookie Policy", ID: "cookies", HTML: hubtest.Load(t, hubtest.XCookies)}
	laterCookies, laterPrivacy := cookies, privacy
	laterCookies.HTML = hubtest.Load(t, hubtest.XCookiesLater)
	laterPrivacy.HTML = hubtest.Load(t, hubtest.XPrivacyLater)
	dir := t.TempDir()
	var paths []string
	for _, f := range []struct {
		name string
		docs []hubtest.Doc
	}{
		{"2024-01-01T00-00-00Z.html", []hubtest.Doc{terms, privacy, cookies}},
		{"2024-02-01T00-00-00Z.html", []hubtest.Doc{terms, privacy, laterCookies}},
		{"2024-03-01T00-00-00Z.html", []hubtest.Doc{terms, laterPrivacy, laterCookies}},
	} {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, hubtest.Tabs("Legal", f.docs), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// TestImportHubRecordsOnlyTheDeclaredDocumentsChanges: importing three
// captures of a hub page as X's privacy policy into a real database makes
// two versions — the change to the cookie policy tab is none of its.
func TestImportHubRecordsOnlyTheDeclaredDocumentsChanges(t *testing.T) {
	files := hubFiles(t)
	db := filepath.Join(t.TempDir(), "hub.db")
	r := runCommand(t, nil, append([]string{"import", "--db", db, "--service", "X", "--type", "Privacy Policy", "--url", "https://example.com/legal"}, files...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "new version") || !strings.Contains(lines[1], "same text as version") ||
		!strings.Contains(lines[2], "new version") || !strings.Contains(lines[3], "recorded 3 of 3 captures, 2 new versions") {
		t.Errorf("import said:\n%s\nwant a new version, the same text, a new version", r.stdout)
	}
	// The cookie policy of the same page sees its own change only.
	r = runCommand(t, nil, append([]string{"import", "--db", db, "--service", "X", "--type", "Cookies Policy", "--url", "https://example.com/legal"}, files...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, "Trackers Policy: recorded 3 of 3 captures, 2 new versions") {
		t.Errorf("cookie policy: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestExtractExplainsTheHubChoice: extract --type takes the declared
// document from a hub, and --explain says which part and why, with the
// rules that take it.
func TestExtractExplainsTheHubChoice(t *testing.T) {
	page := hubFiles(t)[0]
	r := runCommand(t, nil, "extract", "--type", "Privacy Policy", "--explain", page)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "# X Privacy Policy\n") || strings.Contains(r.stdout, "Bumble") || strings.Contains(r.stdout, "How cookies are used on X") {
		t.Errorf("stdout is not the privacy policy alone:\n%.300s", r.stdout)
	}
	for _, want := range []string{
		"Looked for: Privacy Policy",
		`legal hub: the page holds 3 documents ("Terms of Service", "Privacy Policy", "Cookie Policy")`,
		`* kept     tab panel "Privacy Policy" — the Privacy Policy`,
		`left out tab panel "Cookie Policy" — Trackers Policy`,
		`"select": "#panel-privacy"`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--explain lacks %q:\n%s", want, r.stderr)
		}
	}
	// The rule it proposes takes the same text.
	declared := runCommand(t, nil, "extract", "--select", "#panel-privacy", page)
	if declared.code != exitOK || declared.stdout != r.stdout {
		t.Errorf("--select #panel-privacy gives another text (exit %d)", declared.code)
	}
	// Without --type the whole hub is taken, and --explain says so.
	whole := runCommand(t, nil, "extract", "--explain", page)
	if whole.code != exitOK || !strings.Contains(whole.stdout, "Bumble") || !strings.Contains(whole.stderr, "Content: the page's <main>: body > main") {
		t.Errorf("without --type: exit %d, stderr %s", whole.code, whole.stderr)
	}
	// An unknown type is a usage error that names it.
	bad := runCommand(t, nil, "extract", "--type", "Privacy Polcy", page)
	if bad.code != exitUsage || !strings.Contains(bad.stderr, `--type "Privacy Polcy"`) || !strings.Contains(bad.stderr, `did you mean "Privacy Policy"`) {
		t.Errorf("unknown type: exit %d, stderr %q", bad.code, bad.stderr)
	}
	// --help documents the flags.
	help := runCommand(t, nil, "extract", "--help")
	for _, flag := range []string{"--type", "--explain", "--lang"} {
		if !strings.Contains(help.stdout, flag) {
			t.Errorf("--help lacks %s", flag)
		}
	}
	// JSON output is unchanged by --explain: stdout stays the document.
	js := runCommand(t, nil, "extract", "--type", "Privacy Policy", "--explain", "--format", "json", page)
	var doc struct{ Title string }
	if err := json.Unmarshal([]byte(js.stdout), &doc); err != nil || doc.Title != "X Privacy Policy" {
		t.Errorf("--format json with --explain: %v, title %q", err, doc.Title)
	}
}
