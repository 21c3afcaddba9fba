package jsfilter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
)

func TestCallConvention(t *testing.T) {
	m := scriptModule(t, "Args", `export function f(document, ...rest) {
  document.body.setAttribute('data-args', JSON.stringify([rest.length, document.nodeType, ...rest]));
}`)
	page := cmbPage.parse(t)
	body := find(t, page, "body")

	// Declared by name: f(document, declaration).
	byName, _ := m.Filter("f", nil, time.Time{})
	ctx := extract.FilterContext{
		URL:     cmbPage.url,
		Select:  []extract.Selector{{Range: &extract.Range{StartBefore: "#av_section_4", EndBefore: "#footer"}}},
		Remove:  extract.CSS(".a", ".b"),
		Filters: []string{byName.Name(), "removeQueryParams"},
	}
	if err := byName.Apply(page, ctx); err != nil {
		t.Fatal(err)
	}
	want := `[1,9,{"fetch":"https://coffeemeetsbagel.com/privacy-terms/","select":{"startBefore":"#av_section_4","endBefore":"#footer"},"remove":[".a",".b"],"filter":["f","removeQueryParams"]}]`
	if got, _ := getAttr(body, "data-args"); got != want {
		t.Errorf("by name:\n got %s\nwant %s", got, want)
	}

	// Declared with parameters: f(document, params, declaration).
	params := map[string]any{"b": []any{1.0, "x"}, "a": true}
	withParams, _ := m.Filter("f", params, time.Time{})
	if err := withParams.Apply(page, extract.FilterContext{URL: cmbPage.url, Select: extract.CSS("main")}); err != nil {
		t.Fatal(err)
	}
	want = `[2,9,{"a":true,"b":[1,"x"]},{"fetch":"https://coffeemeetsbagel.com/privacy-terms/","select":"main","remove":[],"filter":[]}]`
	if got, _ := getAttr(body, "data-args"); got != want {
		t.Errorf("with parameters:\n got %s\nwant %s", got, want)
	}

	// String() tells them apart and is stable: callers key caches on it.
	again, _ := m.Filter("f", map[string]any{"a": true, "b": []any{1.0, "x"}}, time.Time{})
	if fmt.Sprint(withParams) != fmt.Sprint(again) || fmt.Sprint(withParams) == fmt.Sprint(byName) ||
		!strings.Contains(fmt.Sprint(withParams), `params {"a":true,"b":[1,"x"]}`) {
		t.Errorf("String(): %s / %s / %s", withParams, again, byName)
	}
}

func TestPublishedFilterWithParameters(t *testing.T) {
	// GitLab declares {"removeCloudflareEmailProtection": "DPO@gitlab.com"}.
	page := cmbPage.parse(t)
	protected := len(findAll(page, ".__cf_email__"))
	m, err := Load(publishedDir+"/contrib", "GitLab")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := m.Filter("removeCloudflareEmailProtection", "DPO@gitlab.com", time.Time{})
	if err := f.Apply(page, extract.FilterContext{URL: cmbPage.url}); err != nil {
		t.Fatal(err)
	}
	text := textContent(find(t, page, "body"))
	if n := strings.Count(text, "(email protected, possibly dpo@gitlab.com)"); n != protected || len(findAll(page, ".__cf_email__")) != 0 {
		t.Errorf("%d of %d addresses replaced", n, protected)
	}
}
