package main

import (
	"fmt"
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
	want := `X / Data Controller Agreement: 1 page
X / Data Processor Agreement: 1 page
X / Privacy Policy: 1 page
X / Trackers Policy: 1 page
../../declarations: 1 service, 4 documents; 0 errors, 0 warnings
`
	if r.stdout != want {
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
	if !strings.Contains(r.stderr, "3 errors in 2 files of "+dir) {
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
	writeFile(t, filepath.Join(dir, "A.json"), `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "screenshot": true}}}`)
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

// check over each of Open Terms Archive's published collections: what
// OTA's own schema check accepts passes; genai-eu's Le Chat.history.json,
// whose entries say "ValidUntil", is the only file with errors.
//
// It also pins the README's count of documents whose JavaScript filters
// run: 75 current documents, naming 42 distinct functions. Open Terms
// Archive's files hold 76 declarations with such filters: Instagram's
// "Community Guidelines" and its retired "Community Guidelines -
// Intellectual Property" are one combined document here.
func TestCheckOfThePublishedCollections(t *testing.T) {
	filtered, names := 0, map[string]bool{}
	defer func() {
		if filtered != 75 || len(names) != 42 {
			t.Errorf("%d current documents with JavaScript filters, naming %d functions; the README says 75 and 42", filtered, len(names))
		}
	}()
	for _, c := range []struct {
		dir, summary string
		lines        int // document lines: current and retired documents
	}{
		// executeClientScripts is honoured: it warns no more.
		{"contrib", "379 services, 816 documents; 0 errors, 9 warnings", 836},
		{"pga", "25 services, 116 documents; 0 errors, 1 warning", 126},
		{"france-elections", "5 services, 19 documents; 0 errors, 47 warnings", 19},
		{"genai-eu", "12 services, 56 documents; 6 errors, 1 warning", 56},
		{"dating", "26 services, 67 documents; 0 errors, 1 warning", 69},
		{"demo", "7 services, 19 documents; 0 errors, 0 warnings", 19},
	} {
		dir := filepath.Join("../../testdata/ota-declarations", c.dir)
		r := runCommand(t, nil, "check", "--declarations", dir)
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if last := lines[len(lines)-1]; last != dir+": "+c.summary {
			t.Errorf("%s: summary %q, want %q", c.dir, last, c.summary)
		}
		documents, errorLines, rendered, browserLines := 0, 0, 0, 0
		for _, l := range lines[:len(lines)-1] {
			switch {
			case strings.Contains(l, " will be rendered in a browser (executeClientScripts): "):
				// The documents the browser renders, counted as their lines say.
				browserLines++
				var n int
				if _, err := fmt.Sscanf(l, "%d document", &n); err != nil || n == 0 {
					t.Errorf("%s: browser line %q", c.dir, l)
				}
				rendered -= n
			case strings.HasPrefix(l, dir+"/"):
				if !strings.Contains(l, ": warning: ") {
					errorLines++
					if !strings.HasPrefix(l, dir+"/Le Chat.history.json:") {
						t.Errorf("%s: unexpected error %s", c.dir, l)
					}
				}
			case strings.Contains(l, " / "):
				documents++
				if strings.Contains(l, "; rendered in a browser (executeClientScripts)") && !strings.Contains(l, "retired (only in") {
					rendered++
				}
				if js := javascriptFilters(l); len(js) > 0 && !strings.Contains(l, "retired (only in") {
					filtered++
					for _, n := range js {
						names[n] = true
					}
					if strings.Contains(l, "(extraction fails") {
						t.Errorf("%s: %s", c.dir, l)
					}
				}
			default:
				t.Errorf("%s: line %q is neither a document nor a problem", c.dir, l)
			}
		}
		if documents != c.lines {
			t.Errorf("%s: %d document lines, want %d", c.dir, documents, c.lines)
		}
		if rendered != 0 || (browserLines != 1 && c.dir != "demo") {
			t.Errorf("%s: %d browser lines, whose count differs from the documents rendered by %d", c.dir, browserLines, rendered)
		}
		wantCode := exitOK
		if c.dir == "genai-eu" {
			wantCode = exitFailure
			if errorLines != 6 || !strings.Contains(r.stderr, "6 errors in 1 file of "+dir) {
				t.Errorf("genai-eu: %d error lines, stderr %q", errorLines, r.stderr)
			}
		}
		if r.code != wantCode {
			t.Errorf("%s: exit %d, want %d\n%s", c.dir, r.code, wantCode, r.stderr)
		}
	}
}

// javascriptFilters are the filters a check line lists that are functions
// of a filter file, not Open Terms Archive's built-in ones.
func javascriptFilters(line string) []string {
	_, list, ok := strings.Cut(line, "filters ")
	if !ok {
		return nil
	}
	list, _, _ = strings.Cut(list, ";")
	list, _, _ = strings.Cut(list, " (")
	var names []string
	for _, n := range strings.Split(list, ", ") {
		if n != "removeQueryParams" && n != "convertSpacesToStandard" {
			names = append(names, n)
		}
	}
	return names
}

// One line per document says what will run on it.
func TestCheckSumsUpEachDocument(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "A.json"), `{"name": "Service A", "terms": {
  "Privacy Policy": {"fetch": "https://a.example/p", "filter": ["cleanUrls", {"removeQueryParams": ["s"]}, "convertSpacesToStandard"], "executeClientScripts": true},
  "Community Guidelines": {"combine": [{"fetch": "https://a.example/1", "filter": ["cleanUrls"]}, {"fetch": "https://a.example/2", "filter": ["fixDates"]}]}}}`)
	writeFile(t, filepath.Join(dir, "A.filters.js"), "export function cleanUrls() {}\nexport function fixDates() {}\n")
	writeFile(t, filepath.Join(dir, "A.history.json"), `{"Privacy Policy": [{"fetch": "https://a.example/old", "validUntil": "2022-01-01"}],
  "Imprint": [{"fetch": "https://a.example/i", "validUntil": "2021-01-01T00:00:00+0100"}]}`)
	writeFile(t, filepath.Join(dir, "B.json"), `{"name": "B", "terms": {"Trackers Policy": {"fetch": "https://b.example/t", "filter": ["removeBanner"]}}}`)
	r := runCommand(t, nil, "check", "--declarations", dir)
	b := filepath.Join(dir, "B.json")
	want := `Service A / Community Guidelines: 2 pages; filters cleanUrls, fixDates
Service A / Privacy Policy: 1 page; filters cleanUrls, removeQueryParams, convertSpacesToStandard; rendered in a browser (executeClientScripts); 1 past declaration
Service A / Imprint: retired (only in A.history.json, for re-extraction)
B / Trackers Policy: 1 page; filters removeBanner (extraction fails: there is no B.filters.js)
` + browserDocuments([]string{"Service A / Privacy Policy"}) + `
` + b + `:1:88: warning: terms["Trackers Policy"].filter[0]: declares filter "removeBanner" but there is no B.filters.js: extracting this document fails until there is
` + dir + `: 2 services, 3 documents; 0 errors, 1 warning
`
	if r.code != exitOK || r.stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", r.code, r.stdout, want)
	}
}
