package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

const devHelpPrivacy = "../../demo/twitter-x/twitter-dev-help-privacy.html"

func TestExtractSelectPreJSONPointer(t *testing.T) {
	r := runCommand(t, nil, "extract", "--select", "pre", "--json-pointer", "/privacy", devHelpPrivacy)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"# Twitter Privacy Policy\n", "\n## Information Collection and Use\n", "\n## Changes to this Policy\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "mentions_timeline") || strings.Contains(r.stdout, `{"privacy"`) {
		t.Error("output holds page furniture or the raw JSON")
	}
}

func TestExtractFormatJSONAndRules(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "policy.html")
	html := `<html><body><main><h1>Policy</h1><p class="ad">Buy now.</p><h2 id="a">Data</h2><p>We keep data.</p><h2 id="b">End</h2><p>Bye.</p></main></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCommand(t, nil, "extract", "--format", "json", "--remove", ".ad", "--select", `{"startBefore": "#a", "endBefore": "#b"}`, page)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc extract.Document
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("--format json printed invalid JSON: %v\n%s", err, r.stdout)
	}
	if len(doc.Sections) != 1 || doc.Sections[0].Heading() != "Data" || len(doc.Sections[0].Blocks) != 1 || doc.Sections[0].Blocks[0].Text != "We keep data." {
		t.Errorf("range selection gave %+v", doc.Sections)
	}
	r = runCommand(t, nil, "extract", "--remove", ".ad", page)
	if r.code != 0 || strings.Contains(r.stdout, "Buy now.") || !strings.Contains(r.stdout, "Bye.") {
		t.Errorf("--remove: exit %d, output %q", r.code, r.stdout)
	}
}

func TestExtractStandardInput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
		stdin: strings.NewReader("# Title\n\nSome text.\n")}
	if code := run(context.Background(), env, []string{"extract", "-"}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if stdout.String() != "# Title\n\nSome text.\n" {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestExtractErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"extract"}, exitUsage, "want exactly one FILE"},
		{[]string{"extract", "a", "b"}, exitUsage, "want exactly one FILE"},
		{[]string{"extract", "--format", "xml", devHelpPrivacy}, exitUsage, `--format "xml"`},
		{[]string{"extract", "--select", "{bad", devHelpPrivacy}, exitUsage, "range selector"},
		{[]string{"extract", "no-such-file.html"}, exitFailure, "no-such-file.html: no such file"},
		{[]string{"extract", "--select", "blink", devHelpPrivacy}, exitFailure, devHelpPrivacy + `: select "blink" matched nothing`},
		{[]string{"extract", "--select", "pre", "--json-pointer", "/nope", devHelpPrivacy}, exitFailure, `no field "nope"`},
	} {
		r := runCommand(t, nil, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	if r := runCommand(t, nil, "extract", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--json-pointer") {
		t.Errorf("--help: exit %d: %s", r.code, r.stdout)
	}
}
