package main

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/diff"
)

const (
	cookiesTwitter = cookiesHistory + "/2022-11-23T00-34-28Z.md"
	cookiesX       = cookiesHistory + "/2023-09-20T18-34-47Z.md"
)

func TestDiffFilesAsText(t *testing.T) {
	r := runCommand(t, nil, "diff", cookiesTwitter, cookiesX)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"--- " + cookiesTwitter, "rebrand: Twitter → X ×", "replaced throughout:", "--all shows them"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colours written to a non-terminal")
	}
	all := runCommand(t, nil, "diff", "--all", cookiesTwitter, cookiesX)
	if !strings.Contains(all.stdout, "[-Twitter-]{+X+}") {
		t.Errorf("--all does not show the substitutions as edits:\n%s", all.stdout)
	}
}

func TestDiffTwoInputForms(t *testing.T) {
	r := runCommand(t, nil, "diff", "--format", "json", "../../demo/twitter-x/twitter-cookies-policy.md", "../../demo/twitter-x/x-cookies-policy.txt")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		Class   string   `json:"class"`
		Reasons []string `json:"reasons"`
		Stats   struct {
			WordsUnchanged int `json:"words_unchanged"`
		} `json:"stats"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	if got.Class != "substantive" || len(got.Reasons) == 0 || got.Stats.WordsUnchanged == 0 {
		t.Errorf("Markdown against plain text: %+v", got)
	}
}

func TestDiffHTMLSideBySide(t *testing.T) {
	r := runCommand(t, nil, "diff", "--format", "html", "--side-by-side", "--all", cookiesTwitter, cookiesX)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "<!doctype html>") || !strings.Contains(r.stdout, `<table class="side">`) || !strings.Contains(r.stdout, "<del>Twitter</del>") {
		t.Errorf("not a side-by-side page:\n%.2000s", r.stdout)
	}
	// The page is the web's diff: the same renderer and the same styles,
	// inside the page (it loads nothing), links shown as links.
	web := diff.Stylesheet()
	for _, want := range []string{web[:200], `class="diff-summary"`, `<details class="toc"`, "edit 1 of ", `<a class="link" href="https://`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the page lacks %.60q", want)
		}
	}
	if strings.Contains(r.stdout, "](http") || strings.Contains(r.stdout, "<link ") || strings.Contains(r.stdout, "<script") {
		t.Errorf("the page shows raw Markdown links or loads something")
	}
}

func TestDiffVersionsOfADatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	if r := runCommand(t, nil, importArgs(db, cookiesTwitter, cookiesX)...); r.code != 0 {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	versions := logJSON(t, db)[0].Versions // newest first
	newID, oldID := strconv.FormatInt(versions[0].ID, 10), strconv.FormatInt(versions[1].ID, 10)
	r := runCommand(t, nil, "diff", "--db", db, oldID, newID)
	if r.code != 0 || !strings.Contains(r.stdout, "rebrand: Twitter → X") || !strings.Contains(r.stdout, "X · Trackers Policy, version "+oldID) {
		t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if r := runCommand(t, nil, "diff", "--db", db, oldID, "999"); r.code != 1 || !strings.Contains(r.oneStderrLine(t), "999") {
		t.Errorf("missing version: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestDiffUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"diff", cookiesTwitter},
		{"diff", "--format", "pdf", cookiesTwitter, cookiesX},
	} {
		if r := runCommand(t, nil, args...); r.code != 2 {
			t.Errorf("%q: exit %d, want 2; stderr %q", args, r.code, r.stderr)
		}
	}
	if r := runCommand(t, nil, "diff", cookiesTwitter, "no-such-file.md"); r.code != 1 || !strings.Contains(r.oneStderrLine(t), "no-such-file.md") {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCommand(t, nil, "diff", "3", "4"); r.code != 1 || !strings.Contains(r.oneStderrLine(t), "give --db FILE") {
		t.Errorf("version ids without --db: exit %d, stderr %q", r.code, r.stderr)
	}
	// A database named in the environment does not turn file names into ids.
	if r := runCommand(t, map[string]string{"POLICYWATCH_DB": "none.db"}, "diff", cookiesTwitter, cookiesX); r.code != 0 {
		t.Errorf("files with POLICYWATCH_DB set: exit %d, stderr %q", r.code, r.stderr)
	}
}
