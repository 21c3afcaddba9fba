package declaration

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFiltersAreData(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"A.json": `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "filter": [
			{"removeQueryParams": ["utm_source", "utm_medium"]}, "removeScripts", {"removeQueryParams": "h"},
			{"dateFix": {"format": "x", "days": 3, "strict": true, "keep": null}}, "convertSpacesToStandard",
			{"removeCloudflareEmailProtection": "DPO@a.example"}, "removeScripts", {"pick": ["a", 1]}]}}}`,
		"A.filters.js":         `export function removeScripts(document) {}`,
		"A.filters.history.js": `export const removeScripts = [];`,
		"B.json":               `{"name": "B", "terms": {"Privacy Policy": {"fetch": "https://b.example/p", "filter": ["removeQueryParams"]}}}`,
	})
	services, problems := load(t, dir)
	if len(problems) > 0 {
		t.Fatalf("problems:\n%s", problemLines(problems))
	}
	a := services[0]
	if a.FiltersFile != filepath.Join(dir, "A.filters.js") || a.FiltersHistoryFile != filepath.Join(dir, "A.filters.history.js") {
		t.Errorf("filter files = %q, %q", a.FiltersFile, a.FiltersHistoryFile)
	}
	src := a.Documents[0].Sources[0]
	want := []FilterRef{
		{Name: "removeScripts"},
		{Name: "dateFix", Params: map[string]any{"format": "x", "days": 3.0, "strict": true, "keep": nil}},
		{Name: "removeCloudflareEmailProtection", Params: "DPO@a.example"},
		{Name: "removeScripts"},
		{Name: "pick", Params: []any{"a", 1.0}},
	}
	if !reflect.DeepEqual(src.Filters, want) {
		t.Errorf("Filters = %#v\nwant      %#v", src.Filters, want)
	}
	if !reflect.DeepEqual(src.RemoveQueryParams, []string{"utm_source", "utm_medium", "h"}) || !src.ConvertSpaces {
		t.Errorf("built-ins: RemoveQueryParams %v, ConvertSpaces %v", src.RemoveQueryParams, src.ConvertSpaces)
	}
	b := services[1]
	// Bare, it means Open Terms Archive's tracking parameters.
	if got := b.Documents[0].Sources[0]; !reflect.DeepEqual(got.RemoveQueryParams, defaultQueryParams) || len(got.Filters) != 0 || b.FiltersFile != "" {
		t.Errorf("B's source = %+v", got)
	}
}

// Each document hears about its own filters, where it declares them.
func TestFilterWarningsPerDocument(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"B.json": `{"name": "B", "terms": {
  "Privacy Policy": {"fetch": "https://b.example/p", "filter": ["removeScripts"], "executeClientScripts": true},
  "Imprint": {"fetch": "https://b.example/i", "filter": ["removeScripts", "cleanUrls"], "executeClientScripts": true}}}`,
		"B.history.json": `{"Imprint": [
  {"fetch": "https://b.example/i", "filter": ["removeScripts"], "validUntil": "2020-01-01"}]}`,
		"B.filters.history.js": `export const removeScripts = [];`,
		"C.filters.js":         `export function x() {}`,
	})
	_, problems := load(t, dir)
	got := strings.ReplaceAll(problemLines(problems), dir+string(filepath.Separator), "")
	want := strings.Join([]string{
		`B.json:2:65: warning: terms["Privacy Policy"].filter[0]: declares filter "removeScripts" but there is no B.filters.js: extracting this document fails until there is`,
		`B.json:3:58: warning: terms["Imprint"].filter[0]: declares filter "removeScripts" but there is no B.filters.js: extracting this document fails until there is`,
		`B.json:3:75: warning: terms["Imprint"].filter[1]: declares filter "cleanUrls" but there is no B.filters.js: extracting this document fails until there is`,
		`C.filters.js:1:1: warning: there is no C.json next to this filters file, so it is not used`,
	}, "\n")
	// The history entry's filter is in B.filters.history.js: no warning.
	if got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}

// fakeExports stands for the JavaScript runtime's loaded filter files.
type fakeExports []string

func (f fakeExports) Exports() []string { return f }

func TestFilterLoader(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"A.json":       `{"name": "A", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "filter": ["removeScripts", "cleanUrls"]}}}`,
		"A.filters.js": `export function removeScripts(document) {}`,
		"B.json": `{"name": "B", "terms": {"Privacy Policy": {"fetch": "https://b.example/p", "filter": ["removeScripts"]},
			"Imprint": {"fetch": "https://b.example/i", "filter": [{"removeQueryParams": ["s"]}]}}}`,
		"B.filters.js": `export function removeScripts(document) {`,
		"C.json":       `{"name": "C", "terms": {"Imprint": {"fetch": "https://c.example/i"}}}`,
	})
	var calls []string
	loader := func(d, id string) (FilterExports, error) {
		if d != dir {
			t.Errorf("loader called with dir %q", d)
		}
		calls = append(calls, id)
		if id == "B" {
			return nil, errors.New("B.filters.js:1:42: unexpected end of input")
		}
		return fakeExports{"removeScripts"}, nil
	}
	services, problems, err := LoadDir(dir, WithFilterLoader(loader))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(calls, []string{"A", "B"}) {
		t.Errorf("loader called for %v, want A and B, the services with a filters file", calls)
	}
	text := strings.ReplaceAll(problemLines(problems), dir+string(filepath.Separator), "")
	for _, want := range []string{
		`A.json:1:104: warning: terms["Privacy Policy"].filter[1]: filter "cleanUrls" is not exported by A.filters.js: extracting this document fails until it is`,
		"B.filters.js:1:1: the filters do not load, so the documents that declare filters are left out: B.filters.js:1:42: unexpected end of input",
		`B.json:1:87: terms["Privacy Policy"].filter[0]: filter "removeScripts" cannot run: B.filters.js does not load`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	if len(problems) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(problems), text)
	}
	if len(services) != 3 || len(services[0].Documents) != 1 {
		t.Fatalf("services = %+v", services)
	}
	if b := services[1]; len(b.Documents) != 1 || b.Documents[0].Type != "Imprint" {
		t.Errorf("B's documents = %+v, want only the Imprint, which declares no JavaScript filter", b.Documents)
	}
}

// Each of the published collections' filter files sits next to its
// SERVICE.json, and every document that declares filters has one.
func TestFilterFilesOfThePublishedCollections(t *testing.T) {
	files := 0
	for _, c := range collections {
		services, problems := load(t, "../testdata/ota-declarations/"+c.dir)
		for _, p := range problems {
			if strings.Contains(p.Message, "filters file") || strings.Contains(p.Message, "declares filter") {
				t.Errorf("%s", p)
			}
		}
		for _, s := range services {
			for _, path := range []string{s.FiltersFile, s.FiltersHistoryFile} {
				if path != "" {
					files++
				}
			}
		}
	}
	if files != 42 {
		t.Errorf("%d filter files recorded, want the 42 of the collections", files)
	}
}

// executeClientScripts is honoured now: no warning. A screenshot is taken
// of a rendered page only: asking one of a page fetched over HTTP is
// warned about, once per key, parts of a combine inheriting it.
func TestBrowserKeys(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"A.json": `{"name": "A", "terms": {
  "Privacy Policy": {"fetch": "https://a.example/p", "executeClientScripts": true, "screenshot": true},
  "Imprint": {"fetch": "https://a.example/i", "screenshot": true},
  "Terms of Service": {"screenshot": true, "combine": [{"fetch": "https://a.example/1", "executeClientScripts": true}, {"fetch": "https://a.example/2"}, {"fetch": "https://a.example/3"}]}}}`,
	})
	services, problems := load(t, dir)
	got := strings.ReplaceAll(problemLines(problems), dir+string(filepath.Separator), "")
	const tail = `screenshots are taken of pages rendered in the browser, and this page is fetched over HTTP: add "executeClientScripts": true (without it, it gets one only when a bot wall sends it to the browser, with --browser-fallback)`
	want := `A.json:3:61: warning: terms["Imprint"].screenshot: ` + tail + "\n" +
		`A.json:4:38: warning: terms["Terms of Service"].screenshot: ` + tail
	if got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
	byType := map[string]Document{}
	for _, d := range services[0].Documents {
		byType[d.Type] = d
	}
	if src := byType["Privacy Policy"].Sources[0]; !src.ExecuteClientScripts || !src.Screenshot {
		t.Errorf("Privacy Policy: %+v", src)
	}
	parts := byType["Terms of Service"].Sources
	if len(parts) != 3 || !parts[0].Screenshot || !parts[0].ExecuteClientScripts || !parts[2].Screenshot || parts[2].ExecuteClientScripts {
		t.Errorf("combined parts: %+v", parts)
	}
}
