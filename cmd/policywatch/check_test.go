package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCheckPassesOnTheShippedDeclarations(t *testing.T) {
	r := runCommand(t, nil, "check", "--declarations", "../../declarations")
	if r.code != exitOK {
		t.Fatalf("check of the shipped declarations: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if want := "../../declarations: 1 service, 4 documents; 0 errors, 0 warnings\n"; r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
}

func TestCheckReportsEachProblemWithItsPositionAndFails(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "A.json"), `{
  "name": "A",
  "terms": {
    "Privacy Polcy": {"fetch": "https://a.example/privacy"},
    "Cookies Policy": {"fetch": "https://a.example/cookies", "select": "div[", "filter": ["removeScripts"]}
  }
}`)
	writeFile(t, filepath.Join(dir, "B.json"), `{"name": "B", "terms": {"Imprint": {"fetch": "/imprint"}}`)
	r := runCommand(t, nil, "check", "--declarations", dir)
	if r.code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitFailure, r.stdout, r.stderr)
	}
	a, b := filepath.Join(dir, "A.json"), filepath.Join(dir, "B.json")
	want := []string{
		a + `:4:5: terms["Privacy Polcy"]: unknown terms type "Privacy Polcy": did you mean "Privacy Policy"?`,
		a + `:5:72: terms["Cookies Policy"].select: invalid CSS selector "div[":`,
		a + `:5:91: warning: terms["Cookies Policy"].filter[0]: declares filter "removeScripts" but there is no A.filters.js`,
		b + `:1:58: JSON syntax error: the file ends before the JSON value is complete`,
		dir + ": 1 service, 0 documents; 3 errors, 1 warning",
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), r.stdout)
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q\nwant prefix  %q", i+1, lines[i], want[i])
		}
	}
	if !strings.Contains(r.stderr, "3 errors in "+dir) {
		t.Errorf("stderr = %q", r.stderr)
	}
	position := regexp.MustCompile(`^.+:\d+:\d+: `)
	for _, l := range lines[:len(lines)-1] {
		if !position.MatchString(l) {
			t.Errorf("%q is not FILE:LINE:COL: message", l)
		}
	}
}

func TestCheckPassesWithWarningsOnly(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "A.json"), `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "executeClientScripts": true}}}`)
	r := runCommand(t, map[string]string{"POLICYWATCH_DECLARATIONS": dir}, "check")
	if r.code != exitOK || !strings.Contains(r.stdout, "warning: ") || !strings.HasSuffix(r.stdout, "1 service, 1 document; 0 errors, 1 warning\n") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and the warning", r.code, r.stdout, r.stderr)
	}
}

func TestCheckOfAMissingDirectory(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	r := runCommand(t, nil, "check", "--declarations", missing)
	if r.code != exitFailure || !strings.Contains(r.oneStderrLine(t), missing) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCommand(t, nil, "check", "extra"); r.code != exitUsage {
		t.Errorf("check extra: exit %d, want %d", r.code, exitUsage)
	}
	r = runCommand(t, nil, "check", "--help")
	if r.code != exitOK || !strings.Contains(r.stdout, "Usage: policywatch check") || !strings.Contains(r.stdout, "POLICYWATCH_DECLARATIONS") {
		t.Errorf("check --help: exit %d, %q", r.code, r.stdout)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
