package jsfilter

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadResolvesReExportsRecursively(t *testing.T) {
	// Blogger re-exports from Google, as published.
	m, err := Load(filepath.Join(publishedDir, "contrib"), "Blogger")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Exports(), []string{"removeCountryVersion", "removeUTMfromUrls"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Exports() = %v, want %v", got, want)
	}
	if got := m.Files(); len(got) != 2 || filepath.Base(got[0]) != "Blogger.filters.js" || filepath.Base(got[1]) != "Google.filters.js" {
		t.Errorf("Files() = %v", got)
	}
	// Two levels, a local import and export *.
	dir := writeFiles(t, map[string]string{
		"A.filters.js":      "export { b } from './B.filters.js';\nexport * from './C.filters.js';\n",
		"B.filters.js":      "import { mark } from './lib/mark.js';\nexport const b = document => mark(document, 'b');\n",
		"C.filters.js":      "export { c } from './lib/mark.js';\n",
		"lib/mark.js":       "export function mark(document, v) { document.body.setAttribute('data-' + v, ''); }\nexport function c(document) { mark(document, 'c'); }\n",
		"Unused.filters.js": "syntax error here",
	})
	m, err = Load(dir, "A")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Exports(), []string{"b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Exports() = %v, want %v", got, want)
	}
	page := cmbPage.parse(t)
	for _, name := range []string{"b", "c"} {
		if err := runFilter(t, m, name, page, cmbPage.url); err != nil {
			t.Fatal(err)
		}
	}
	body := find(t, page, "body")
	if !hasAttr(body, "data-b") || !hasAttr(body, "data-c") {
		t.Errorf("re-exported filters did not run: body attributes %v", body.Attr)
	}
}

func TestLoadRejectsBadImports(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"A.filters.js": "export { f } from './B.filters.js';", "B.filters.js": "export { f } from './A.filters.js';"},
			"import cycle: A.filters.js → B.filters.js → A.filters.js"},
		{map[string]string{"A.filters.js": "export { f } from './B.filters.js';", "B.filters.js": "export function g() {}"},
			"A.filters.js:1: B.filters.js does not export f"},
		{map[string]string{"A.filters.js": "import jsdom from 'jsdom';\nexport function f() {}"},
			`A.filters.js:1: imports "jsdom", which policywatch does not provide`},
		{map[string]string{"A.filters.js": "export { f } from '../../etc/x.js';"},
			`A.filters.js:1: imports "../../etc/x.js", outside the declarations directory`},
		{map[string]string{"A.filters.js": "export { f } from './Missing.filters.js';"},
			"Missing.filters.js: no such file"},
		{map[string]string{"A.filters.history.js": "export const f = [{ validUntil: 'yesterday', filter() {} }];"},
			`A.filters.history.js: export f: entry 0: validUntil "yesterday" is not a date and time`},
		{map[string]string{"A.filters.js": "export function f() {}\nthrow new Error('at load');"},
			"jsfilter: loading A.filters.js: Error: at load"},
	} {
		dir := writeFiles(t, tc.files)
		_, err := Load(dir, "A")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want it to contain %q", tc.files, err, tc.want)
		}
	}
	if m, err := Load(t.TempDir(), "Nothing"); m != nil || err != nil {
		t.Errorf("Load of a service without filter files = %v, %v; want nil, nil", m, err)
	}
}
