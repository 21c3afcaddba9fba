package declaration

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
)

// writeDir writes files (name → content) into a fresh directory.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, dir string) ([]Service, []Problem) {
	t.Helper()
	services, problems, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir(%s): %v", dir, err)
	}
	return services, problems
}

func problemLines(problems []Problem) string {
	var lines []string
	for _, p := range problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

func TestShippedDeclarationsForX(t *testing.T) {
	services, problems := load(t, "../declarations")
	if len(problems) > 0 {
		t.Fatalf("the shipped declarations have problems:\n%s", problemLines(problems))
	}
	if len(services) != 1 || services[0].ID != "X" || services[0].Name != "X" {
		t.Fatalf("services = %+v, want the one service X", services)
	}
	want := map[string]string{
		"Privacy Policy":            "https://x.com/en/privacy",
		"Trackers Policy":           "https://help.x.com/en/rules-and-policies/x-cookies",
		"Data Processor Agreement":  "https://help.x.com/en/rules-and-policies/data-processing-legal-bases",
		"Data Controller Agreement": "https://help.x.com/en/safety-and-security/data-through-partnerships",
	}
	got := map[string]string{}
	for _, d := range services[0].Documents {
		if len(d.Sources) != 1 || len(d.Sources[0].Select) != 0 || len(d.Sources[0].Remove) != 0 {
			t.Errorf("%s: sources %+v, want one source without selectors", d.Type, d.Sources)
		}
		if d.Service != "X" || d.ServiceID != "X" {
			t.Errorf("%s: service %q id %q", d.Type, d.Service, d.ServiceID)
		}
		got[d.Type] = d.URLs()[0]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("documents = %v\nwant %v", got, want)
	}
}

func TestRealOpenTermsArchiveDeclarations(t *testing.T) {
	services, problems := load(t, "testdata/ota")
	if HasErrors(problems) {
		t.Fatalf("real declarations gave errors:\n%s", problemLines(problems))
	}
	if len(services) != 2 || services[0].ID != "ASKfm" || services[1].ID != "Twitter" {
		t.Fatalf("services = %+v", services)
	}

	askfm := services[0]
	tos, ok := askfm.Document("Terms and Conditions") // an alias of Terms of Service
	if !ok || tos.URLs()[0] != "https://about.ask.fm/legal/en/terms.html" || tos.Sources[0].Select[0].CSS != "section.container" {
		t.Fatalf("ASKfm Terms of Service = %+v, %v", tos, ok)
	}
	if len(tos.History) != 1 || !tos.History[0].ValidUntil.Equal(time.Date(2023, 5, 11, 12, 31, 28, 0, time.UTC)) {
		t.Fatalf("ASKfm Terms of Service history = %+v", tos.History)
	}
	if got := tos.At(time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)).URLs()[0]; got != "https://ask.fm/docs/terms_of_use/?lang=en" {
		t.Errorf("declaration in force in 2022 fetches %s, want the old URL", got)
	}
	if got := tos.At(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)).URLs()[0]; got != "https://about.ask.fm/legal/en/terms.html" {
		t.Errorf("declaration in force in 2024 fetches %s, want the current URL", got)
	}

	twitter := services[1]
	if len(twitter.Documents) != 8 {
		t.Fatalf("Twitter has %d documents, want 8", len(twitter.Documents))
	}
	rules, _ := twitter.Document("Community Guidelines")
	if len(rules.Sources) != 18 {
		t.Fatalf("Community Guidelines combines %d pages, want 18", len(rules.Sources))
	}
	inherited := rules.Sources[0].Select
	if len(inherited) != 1 || inherited[0].Range == nil || *inherited[0].Range != (Range{StartBefore: "h1", EndAfter: `[class*="rich-text-v"]`}) {
		t.Errorf("first part's select = %+v, want the range declared for the whole document", inherited)
	}
	own := rules.Sources[16]
	if own.URL != "https://help.twitter.com/en/rules-and-policies/copyright-policy" || own.Select[0].Range.EndBefore != `[class*="share-tweet"]` || own.Remove[0].CSS != `[class*="twtr-type--headline-md"]` {
		t.Errorf("copyright part = %+v, want its own select and remove", own)
	}
	privacy, _ := twitter.Document("Privacy Policy")
	if !reflect.DeepEqual(privacy.Sources[0].Filters, []FilterRef{{Name: "removeEmptyLinks"}}) || len(privacy.Sources[0].Remove) != 7 {
		t.Errorf("Twitter privacy source = %+v", privacy.Sources[0])
	}

	// The old "documents" key, and each filter that cannot run, where it
	// is declared: this copy has no Twitter.filters.js.
	var messages []string
	for _, p := range problems {
		messages = append(messages, p.Field+": "+p.Message)
	}
	all := strings.Join(messages, "\n")
	for _, want := range []string{`documents: "documents" is the old name of "terms"`, `declares filter "removeEmptyLinks" but there is no Twitter.filters.js: extracting this document fails until there is`, `declares filter "removeScripts" but there is no Twitter.filters.js`} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if len(problems) != 3 {
		t.Errorf("got %d warnings, want 3:\n%s", len(problems), problemLines(problems))
	}
}

// TestErrors writes one faulty file per kind of mistake and checks the
// message, its position and its field.
func TestErrors(t *testing.T) {
	cases := []struct {
		name, file, content string
		line, column        int
		field, message      string
	}{
		{"syntax error", "A.json", "{\n  \"name\": \"A\",\n  \"terms\": {,}\n}", 3, 13, "", "JSON syntax error: invalid character ','"},
		{"truncated file", "A.json", "{\n  \"name\": \"A\",\n  \"terms\": {", 3, 13, "", "the file ends before the JSON value is complete"},
		{"trailing content", "A.json", `{"name": "A", "terms": {}} x`, 1, 28, "", "unexpected content after the end"},
		{"not an object", "A.json", `["A"]`, 1, 1, "", "must be an object, not an array"},
		{"unknown top-level key", "A.json", "{\"name\": \"A\", \"terms\": {\"Imprint\": {\"fetch\": \"https://a.example/i\"}},\n  \"importFrom\": \"x\"}", 2, 3, "importFrom", `unknown key "importFrom": did you mean "importedFrom"?`},
		{"missing name", "A.json", `{"terms": {}}`, 1, 1, "", `"name" is missing`},
		{"missing terms", "A.json", `{"name": "A"}`, 1, 1, "", `"terms" is missing`},
		{"empty name", "A.json", `{"name": " ", "terms": {}}`, 1, 10, "name", "must not be empty"},
		{"unknown declaration key", "A.json", "{\"name\": \"A\", \"terms\": {\"Privacy Policy\": {\n  \"fetch\": \"https://a.example/p\",\n  \"selector\": \"main\"}}}", 3, 3, `terms["Privacy Policy"].selector`, `unknown key "selector": did you mean "select"?`},
		{"duplicate key", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "fetch": "https://a.example/q"}}}`, 1, 76, `terms["Privacy Policy"].fetch`, `"fetch" is given twice`},
		{"invalid CSS", "A.json", "{\"name\": \"A\", \"terms\": {\"Privacy Policy\": {\"fetch\": \"https://a.example/p\",\n \"select\": [\"main\", \"div[\"]}}}", 2, 21, `terms["Privacy Policy"].select[1]`, `invalid CSS selector "div["`},
		{"invalid CSS in a range", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "select": {"startBefore": "h1", "endBefore": "##x"}}}}`, 1, 121, `terms["Privacy Policy"].select.endBefore`, `invalid CSS selector "##x"`},
		{"range with two starts", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "select": {"startBefore": "h1", "startAfter": "h2", "endBefore": "h3"}}}}`, 1, 86, `terms["Privacy Policy"].select`, `exactly one of "startBefore" and "startAfter"`},
		{"range without end", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "remove": {"startAfter": "h1"}}}}`, 1, 86, `terms["Privacy Policy"].remove`, `exactly one of "endBefore" and "endAfter"`},
		{"selector of the wrong kind", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "select": 3}}}`, 1, 86, `terms["Privacy Policy"].select`, "must be a CSS selector, a range object"},
		{"relative URL", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "/privacy"}}}`, 1, 53, `terms["Privacy Policy"].fetch`, `invalid URL "/privacy": must be an absolute http:// or https:// URL`},
		{"ftp URL", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "ftp://a.example/p"}}}`, 1, 53, `terms["Privacy Policy"].fetch`, "must be an absolute http:// or https:// URL"},
		{"URL without host", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https:///p"}}}`, 1, 53, `terms["Privacy Policy"].fetch`, "it has no host"},
		{"URL that does not parse", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a b.example/%zz"}}}`, 1, 53, `terms["Privacy Policy"].fetch`, `invalid URL "https://a b.example/%zz"`},
		{"missing fetch", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"select": "main"}}}`, 1, 43, `terms["Privacy Policy"]`, `"fetch" is missing`},
		{"misspelt type", "A.json", "{\"name\": \"A\",\n \"terms\": {\"Privacy Polcy\": {\"fetch\": \"https://a.example/p\"}}}", 2, 12, `terms["Privacy Polcy"]`, `unknown terms type "Privacy Polcy": did you mean "Privacy Policy"?`},
		{"alias with a typo", "A.json", `{"name": "A", "terms": {"Cookie Policy": {"fetch": "https://a.example/p"}}}`, 1, 25, `terms["Cookie Policy"]`, `did you mean "Trackers Policy"?`},
		{"type declared twice through an alias", "A.json", `{"name": "A", "terms": {"Trackers Policy": {"fetch": "https://a.example/t"}, "Cookies Policy": {"fetch": "https://a.example/c"}}}`, 1, 78, `terms["Cookies Policy"]`, `declares Trackers Policy again (already declared as "Trackers Policy")`},
		{"combine not a list", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"combine": {"fetch": "https://a.example/p"}}}}`, 1, 55, `terms["Privacy Policy"].combine`, "must be a list of source documents"},
		{"combine part without fetch", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"combine": [{"fetch": "https://a.example/p"}, {"select": "main"}]}}}`, 1, 90, `terms["Privacy Policy"].combine[1]`, `"fetch" is missing: the URL of this page`},
		{"unknown key in a combine part", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"combine": [{"fetch": "https://a.example/p", "url": "x"}]}}}`, 1, 89, `terms["Privacy Policy"].combine[0].url`, `unknown key "url"`},
		{"validUntil in the current declaration", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "validUntil": "2020-01-01T00:00:00Z"}}}`, 1, 76, `terms["Privacy Policy"].validUntil`, "belongs to past declarations, in SERVICE.history.json"},
		{"filter not a list", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "filter": "removeScripts"}}}`, 1, 86, `terms["Privacy Policy"].filter`, "must be a list of filter names"},
		{"removeQueryParams of the wrong kind", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "filter": [{"removeQueryParams": 1}]}}}`, 1, 109, `terms["Privacy Policy"].filter[0].removeQueryParams`, "must be a parameter name or a list of them"},
		{"executeClientScripts not a boolean", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "executeClientScripts": "yes"}}}`, 1, 100, `terms["Privacy Policy"].executeClientScripts`, "must be true or false"},
		{"screenshot not a boolean", "A.json", `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "executeClientScripts": true, "screenshot": 1}}}`, 1, 120, `terms["Privacy Policy"].screenshot`, "must be true or false"},
		{"history entry without validUntil", "A.history.json", `{"Privacy Policy": [{"fetch": "https://a.example/old"}]}`, 1, 21, `["Privacy Policy"][0]`, `"validUntil" is missing`},
		{"history date that is not a date", "A.history.json", `{"Privacy Policy": [{"fetch": "https://a.example/old", "validUntil": "last May"}]}`, 1, 70, `["Privacy Policy"][0].validUntil`, `"last May" is not a date-time`},
		{"history not a list", "A.history.json", `{"Privacy Policy": {"fetch": "https://a.example/old", "validUntil": "2020-01-01T00:00:00Z"}}`, 1, 20, `["Privacy Policy"]`, "must be a list of past declarations"},
		{"history with an unknown type", "A.history.json", `{"Privacy Polici": []}`, 1, 2, `["Privacy Polici"]`, `did you mean "Privacy Policy"?`},
		{"history syntax error", "A.history.json", "{\"Privacy Policy\": [\n  {\"fetch\": \"https://a.example/old\" \"validUntil\": \"2020-01-01T00:00:00Z\"}]}", 2, 37, "", "JSON syntax error"},
	}
	valid := `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p"}}}`
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{c.file: c.content}
			if c.file != "A.json" {
				files["A.json"] = valid
			}
			dir := writeDir(t, files)
			_, problems := load(t, dir)
			if len(problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%s", len(problems), problemLines(problems))
			}
			p := problems[0]
			if p.Severity != Error || p.File != filepath.Join(dir, c.file) || p.Line != c.line || p.Column != c.column || p.Field != c.field || !strings.Contains(p.Message, c.message) {
				t.Errorf("got  %s (field %q, %s)\nwant %s:%d:%d: field %q, message containing %q", p, p.Field, p.Severity, c.file, c.line, c.column, c.field, c.message)
			}
			if want := filepath.Join(dir, c.file) + ":"; !strings.HasPrefix(p.String(), want) {
				t.Errorf("String() = %q, want it to start with %q", p.String(), want)
			}
		})
	}
}

func TestDocumentWithAnErrorIsLeftOutAndTheRestLoads(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"a-service.json": `{"name": "A Service", "terms": {
			"Privacy Policy": {"fetch": "https://a.example/privacy"},
			"Terms of Service": {"fetch": "https://a.example/tos", "select": "div["}}}`,
		"broken.json": `{"name": "Broken", "terms": {`,
	})
	services, problems := load(t, dir)
	if len(problems) != 2 || !HasErrors(problems) {
		t.Fatalf("problems:\n%s", problemLines(problems))
	}
	if len(services) != 1 {
		t.Fatalf("got %d services, want only the one that parses", len(services))
	}
	s := services[0]
	// OTA names the file after the service ID, which need not equal the name.
	if s.ID != "a-service" || s.Name != "A Service" || len(s.Documents) != 1 || s.Documents[0].Type != "Privacy Policy" {
		t.Errorf("service = %+v, want a-service with its Privacy Policy only", s)
	}
}

func TestAliasesStoreTheCanonicalType(t *testing.T) {
	dir := writeDir(t, map[string]string{"A.json": `{"name": "A", "terms": {
		"Cookies Policy": {"fetch": "https://a.example/cookies"},
		"Data Processing Agreement": {"fetch": "https://a.example/dpa"},
		"terms of use": {"fetch": "https://a.example/tos"}}}`})
	services, problems := load(t, dir)
	if HasErrors(problems) || len(problems) != 1 || !strings.Contains(problems[0].Message, `write the terms type as "Terms of Service"`) {
		t.Fatalf("want one warning about the case of \"terms of use\":\n%s", problemLines(problems))
	}
	var got [][2]string
	for _, d := range services[0].Documents {
		got = append(got, [2]string{d.Type, d.DeclaredType})
	}
	want := [][2]string{{"Data Processor Agreement", "Data Processing Agreement"}, {"Terms of Service", "terms of use"}, {"Trackers Policy", "Cookies Policy"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("types = %v, want %v", got, want)
	}
	if d, ok := services[0].Document("Cookies Policy"); !ok || d.URLs()[0] != "https://a.example/cookies" {
		t.Errorf("Document(\"Cookies Policy\") = %+v, %v", d, ok)
	}
}

func TestCanonicalAndClosestType(t *testing.T) {
	for in, want := range map[string]string{"Privacy Policy": "Privacy Policy", "Cookies Policy": "Trackers Policy", "Data Processing Agreement": "Data Processor Agreement", " PRIVACY POLICY ": "Privacy Policy", "Legal Notice": "Imprint"} {
		if got, ok := CanonicalType(in); !ok || got != want {
			t.Errorf("CanonicalType(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got := ClosestType("Bogus"); got != "" {
		t.Errorf(`ClosestType("Bogus") = %q, want "" (too far from every type)`, got)
	}
	if _, ok := CanonicalType("Cookie Banner"); ok {
		t.Error(`CanonicalType("Cookie Banner") is ok, want unknown`)
	}
	for in, want := range map[string]string{"Privacy Polcy": "Privacy Policy", "Cookie Policy": "Trackers Policy", "Data Processor Agreemnt": "Data Processor Agreement", "terms of servce": "Terms of Service"} {
		if got := ClosestType(in); got != want {
			t.Errorf("ClosestType(%q) = %q, want %q", in, got, want)
		}
	}
	if names := TypeNames(); len(names) != len(termsTypes) || names[0] != "Acceptable Use Policy" {
		t.Errorf("TypeNames() = %v", names)
	}
}

func TestCombinePartsInheritWhatTheyDoNotDeclare(t *testing.T) {
	dir := writeDir(t, map[string]string{"A.json": `{"name": "A", "terms": {"Community Guidelines": {
		"select": "main", "remove": ".ad", "filter": [{"removeQueryParams": ["s"]}],
		"combine": [
			{"fetch": "https://a.example/1"},
			{"fetch": "https://a.example/2", "select": ["article", {"startAfter": "h1", "endBefore": "footer"}], "filter": []}
		]}}}`})
	services, problems := load(t, dir)
	if len(problems) > 0 {
		t.Fatalf("problems:\n%s", problemLines(problems))
	}
	parts := services[0].Documents[0].Sources
	want := []Source{
		{URL: "https://a.example/1", Select: []Selector{{CSS: "main"}}, Remove: []Selector{{CSS: ".ad"}}, RemoveQueryParams: []string{"s"}},
		{URL: "https://a.example/2", Select: []Selector{{CSS: "article"}, {Range: &Range{StartAfter: "h1", EndBefore: "footer"}}}, Remove: []Selector{{CSS: ".ad"}}},
	}
	if !reflect.DeepEqual(parts, want) {
		t.Errorf("parts = %+v\nwant    %+v", parts, want)
	}
	if got := parts[1].Select[1].String(); got != "{startAfter h1, endBefore footer}" {
		t.Errorf("range String() = %q", got)
	}
}

func TestHistory(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"A.json": `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/privacy", "select": "#now"}}}`,
		// Out of order on purpose: entries are sorted by validUntil.
		"A.history.json": `{
			"Privacy Policy": [
				{"fetch": "https://a.example/privacy", "select": "#second", "validUntil": "2023-07-24T00:00:00Z"},
				{"fetch": "https://a.example/old-privacy", "select": "#first", "validUntil": "2021-01-01T00:00:00Z"}
			],
			"Cookies Policy": [
				{"fetch": "https://a.example/cookies", "validUntil": "2022-03-01T12:00:00+01:00"}
			]}`,
		"Orphan.history.json": `{"Privacy Policy": [{"fetch": "https://o.example/p", "validUntil": "2020-01-01T00:00:00Z"}]}`,
	})
	services, problems := load(t, dir)
	if HasErrors(problems) || len(problems) != 1 || !strings.Contains(problems[0].Message, "there is no Orphan.json next to this history file") {
		t.Fatalf("want one warning for the orphan history file:\n%s", problemLines(problems))
	}
	s := services[0]
	if s.HistoryFile != filepath.Join(dir, "A.history.json") {
		t.Errorf("HistoryFile = %q", s.HistoryFile)
	}
	privacy := s.Documents[0]
	selectAt := func(date string) string {
		at, err := time.Parse(time.RFC3339, date)
		if err != nil {
			t.Fatal(err)
		}
		d := privacy.At(at)
		if d.History != nil || d.Type != "Privacy Policy" || d.Service != "A" {
			t.Errorf("At(%s) = %+v", date, d)
		}
		return d.Sources[0].Select[0].CSS
	}
	for date, want := range map[string]string{
		"2019-05-01T00:00:00Z": "#first",
		"2021-01-01T00:00:00Z": "#first", // validUntil is inclusive, as in Open Terms Archive
		"2021-01-01T00:00:01Z": "#second",
		"2023-07-24T00:00:00Z": "#second",
		"2025-01-01T00:00:00Z": "#now",
	} {
		if got := selectAt(date); got != want {
			t.Errorf("At(%s) selects %q, want %q", date, got, want)
		}
	}
	if len(s.Retired) != 1 || s.Retired[0].Type != "Trackers Policy" || s.Retired[0].URLs()[0] != "https://a.example/cookies" || len(s.Retired[0].History) != 1 {
		t.Errorf("Retired = %+v, want the Trackers Policy that is only in the history", s.Retired)
	}
	if want := time.Date(2022, 3, 1, 11, 0, 0, 0, time.UTC); !s.Retired[0].ValidUntil.Equal(want) {
		t.Errorf("ValidUntil = %v, want %v", s.Retired[0].ValidUntil, want)
	}
}

func TestProblemsComeInAStableOrder(t *testing.T) {
	files := map[string]string{
		"A.json": `{"name": "A", "terms": {"Privacy Policy": {"fetch": "x", "select": {"startBefore": "[", "endAfter": "]"}}, "Bogus": {}}}`,
		"B.json": `{"nam": "B"}`,
	}
	run := func() string {
		dir := writeDir(t, files)
		_, problems := load(t, dir)
		return strings.ReplaceAll(problemLines(problems), dir, "DIR")
	}
	first := run()
	if strings.Count(first, "\n") != 6 || !strings.HasPrefix(first, "DIR/A.json:1:53: ") || !strings.Contains(first, `unknown terms type "Bogus" (`) {
		t.Fatalf("want 7 problems in file order, the first at A.json:1:53, and no suggestion for \"Bogus\":\n%s", first)
	}
	for range 10 {
		if got := run(); got != first {
			t.Fatalf("problems changed between runs:\n%s\n---\n%s", first, got)
		}
	}
}

func TestLoadDirOfAMissingDirectory(t *testing.T) {
	_, _, err := LoadDir(filepath.Join(t.TempDir(), "nowhere"))
	if err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("err = %v, want one naming the directory", err)
	}
}

func TestRemoveQueryParams(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://a.example/p?utm_source=x&lang=en", "https://a.example/p?lang=en"},
		{"https://a.example/p?utm_source=x&utm_medium=y", "https://a.example/p"},
		{"https://a.example/p?lang=en&b=2", "https://a.example/p?lang=en&b=2"}, // untouched, not re-encoded
		{"/relative?utm_medium=1#top", "/relative#top"},
		{"%zz?utm_source=1", "%zz?utm_source=1"},
	} {
		if got := RemoveQueryParams(c.in, []string{"utm_source", "utm_medium"}); got != c.want {
			t.Errorf("RemoveQueryParams(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLineColumnCountsCharacters(t *testing.T) {
	data := []byte("{\n  \"name\": \"Été\", \"x\": 1}")
	offset := strings.Index(string(data), `"x"`)
	if line, column := lineColumn(data, offset); line != 2 || column != 18 {
		t.Errorf("lineColumn = %d:%d, want 2:18", line, column)
	}
}

func TestAFaultyCurrentDeclarationDoesNotRetireItsHistory(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"A.json":         `{"name": "A", "terms": {"Privacy Policy": {"fetch": "not a url"}, "Imprint": {"fetch": "https://a.example/i"}}}`,
		"A.history.json": `{"Privacy Policy": [{"fetch": "https://a.example/old", "validUntil": "2020-01-01T00:00:00Z"}]}`,
	})
	services, problems := load(t, dir)
	if len(problems) != 1 || len(services) != 1 {
		t.Fatalf("problems:\n%s", problemLines(problems))
	}
	if len(services[0].Retired) != 0 || len(services[0].Documents) != 1 {
		t.Errorf("service = %+v, want only the Imprint and nothing retired", services[0])
	}
}

// Options hands the declared rules to the extractor as they are.
func TestSourceOptions(t *testing.T) {
	dir := writeDir(t, map[string]string{"A.json": `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p",
		"select": ["main", {"startAfter": "h1", "endBefore": "footer"}], "remove": ".ad", "filter": [{"removeQueryParams": ["s"]}, "x"]}}}`})
	services, _ := load(t, dir)
	src := services[0].Documents[0].Sources[0]
	opts := src.Options()
	if !reflect.DeepEqual(opts.Select, src.Select) || !reflect.DeepEqual(opts.Remove, []Selector{{CSS: ".ad"}}) ||
		!reflect.DeepEqual(opts.RemoveQueryParams, []string{"s"}) || len(opts.Filters) != 1 || opts.Select[1].Range.EndBefore != "footer" {
		t.Errorf("Options() = %+v from %+v", opts, src)
	}
	// "x" is declared but nothing provides it: the extraction fails, naming
	// it, instead of going on without it.
	_, err := extract.Extract([]byte("<main><p>Text.</p></main>"), "text/html", opts)
	var fe *extract.FilterError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `"x"`) || !strings.Contains(err.Error(), "A.filters.js") {
		t.Errorf("extracting with a filter nothing provides: %v", err)
	}
}
