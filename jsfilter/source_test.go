package jsfilter

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// publishedDir holds Open Terms Archive's published declarations.
const publishedDir = "../testdata/ota-declarations"

func TestTranslateModuleKeepsLinesAndColumns(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(publishedDir, "*", "*.filters*.js"))
	if len(files) != 42 {
		t.Fatalf("%d published filter files, want 42", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := translateModule(filepath.Base(f), string(src))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := compileModule(filepath.Base(f), ms); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		// The file's lines sit where they were: the prefix shares line 1,
		// the exports come after the last line.
		got := strings.Split(ms.script[ms.prefixLen:], "\n")
		want := strings.Split(string(src), "\n")
		for i, line := range want {
			if strings.Contains(line, "export") || strings.Contains(line, "import") {
				continue // blanked, by design
			}
			if got[i] != line {
				t.Errorf("%s:%d moved or changed:\n got %q\nwant %q", f, i+1, got[i], line)
				break
			}
		}
	}
}

func TestTranslateModuleForms(t *testing.T) {
	src := `import fetch from 'isomorphic-fetch';
import { helper as h, other } from './Helpers.filters.js';
// export function notAnExport() {} in a comment
const s = 'export const notOne = 1;';
const re = /export {"'}/g, tpl = ` + "`${ { a: '}' }.a } export x`" + `;
export function one(document) { return document; }
export async function two(document) {}
export const three = document => 3, four = 4;
export let five = 5;
export class Six {}
function seven() {}
export { seven, seven as eight };
export { nine } from './Other.filters.js';
export * from './All.filters.js';
`
	ms, err := translateModule("T.filters.js", src)
	if err != nil {
		t.Fatal(err)
	}
	var locals []string
	for _, l := range ms.locals {
		locals = append(locals, l.from+">"+l.to)
	}
	sort.Strings(locals)
	want := []string{"Six>Six", "five>five", "four>four", "one>one", "seven>eight", "seven>seven", "three>three", "two>two"}
	if !reflect.DeepEqual(locals, want) {
		t.Errorf("local exports %v, want %v", locals, want)
	}
	wantDecls := []importDecl{
		{spec: "isomorphic-fetch", line: 1, bindings: []nameBinding{{"default", "fetch"}}},
		{spec: "./Helpers.filters.js", line: 2, bindings: []nameBinding{{"helper", "h"}, {"other", "other"}}},
		{spec: "./Other.filters.js", line: 13, bindings: []nameBinding{{"nine", "nine"}}, reexport: true},
		{spec: "./All.filters.js", line: 14, all: true, reexport: true},
	}
	if !reflect.DeepEqual(ms.decls, wantDecls) {
		t.Errorf("imports %+v\nwant %+v", ms.decls, wantDecls)
	}
	for _, keep := range []string{"// export function notAnExport", "'export const notOne = 1;'", `/export {"'}/g`, "export x`"} {
		if !strings.Contains(ms.script, keep) {
			t.Errorf("%q was changed; script:\n%s", keep, ms.script)
		}
	}
	if !strings.HasPrefix(ms.script, `(function(__pw_imports){const fetch=__pw_imports[0]["default"];const h=__pw_imports[1]["helper"];const other=__pw_imports[1]["other"];`) {
		t.Errorf("prefix: %.200s", ms.script)
	}
}

func TestTranslateModuleErrorsNameFileLineColumn(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"\n\nexport default function f() {}\n", "T.filters.js:3:1: export default is not supported"},
		{"export function f(document) {\n  document.querySelector('a')\n    .remove(;\n}\n", "T.filters.js:3:13: SyntaxError: Unexpected token ;"},
		{"export const { a, b } = {};\n", "T.filters.js:1: export: destructuring exports are not supported"},
		{"const s = 'unterminated;\n", "T.filters.js:1:11: unterminated string"},
		{"  é; export function f() { return ) }\n", "T.filters.js:1:35: SyntaxError: Unexpected token )"},
	} {
		_, err := translateModule("T.filters.js", tc.src)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to start with %q", tc.src, err, tc.want)
		}
	}
}
