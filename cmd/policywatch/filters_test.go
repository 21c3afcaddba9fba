package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A filters file as Open Terms Archive publishes them (Facebook's, in the
// pga collection): it drops a query parameter that rotates on every fetch.
const rotatingTokenFilters = `export function removeTrackingIDs(document) {
  removeQueryParam(document, 'h');
}

function removeQueryParam(document, queryParam) {
  document.querySelectorAll('a').forEach(el => {
    const url = new URL(el.getAttribute('href'), document.location);
    const params = new URLSearchParams(url.search);

    if (params.has(queryParam)) {
      params.delete(queryParam);
      url.search = params.toString();
      el.setAttribute('href', url.toString());
    }
  });
}

export function brokenFilter(document) {
  document.querySelector('.not-on-this-page').remove();
}
`

// TestDeclaredFiltersRunOnEveryCrawl crawls a page whose links carry a
// token that changes on every fetch. With the declaration's JavaScript
// filter the noise never becomes a version; without it, every crawl does.
// A filter that fails fails its own document, named, and no other.
func TestDeclaredFiltersRunOnEveryCrawl(t *testing.T) {
	var fetches atomic.Int32
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		n := fetches.Add(1)
		fmt.Fprintf(w, `<html><body><main><h1>Privacy Policy</h1><p>We keep your name. <a href="/share?u=%%2Fprivacy&h=AT%dxQk2%dLm9">Share</a> it.</p></main></body></html>`, n*7919, n*104729)
	}))
	defer ts.Close()
	dir := t.TempDir()
	decls := filepath.Join(dir, "declarations")
	os.Mkdir(decls, 0o755)
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(decls, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Filtered.json", `{"name": "Filtered", "terms": {
		"Privacy Policy": {"fetch": "`+ts.URL+`/a", "select": "main", "filter": ["removeTrackingIDs"]},
		"Imprint": {"fetch": "`+ts.URL+`/b", "select": "main", "filter": ["brokenFilter"]}}}`)
	write("Filtered.filters.js", rotatingTokenFilters)
	write("Unfiltered.json", declarationOf("Unfiltered", "Privacy Policy", ts.URL+"/c", "main"))

	check := runCommand(t, nil, "check", "--declarations", decls)
	if check.code != exitOK || !strings.Contains(check.stdout, "Filtered / Privacy Policy: 1 page; filters removeTrackingIDs") {
		t.Fatalf("check: exit %d\n%s%s", check.code, check.stdout, check.stderr)
	}
	db := filepath.Join(dir, "policies.db")
	for range 3 {
		runCommand(t, nil, "crawl", "--db", db, "--declarations", decls, "--delay", "0", "--allow-private-networks")
	}
	versions := map[string]int{}
	var failures []failureLog
	for _, d := range logJSON(t, db) {
		versions[d.Service+" / "+d.Type] = len(d.Versions)
		failures = append(failures, d.Failures...)
	}
	if versions["Filtered / Privacy Policy"] != 1 {
		t.Errorf("with the filter: %d versions in 3 crawls, want 1", versions["Filtered / Privacy Policy"])
	}
	if versions["Unfiltered / Privacy Policy"] != 3 {
		t.Errorf("without it: %d versions in 3 crawls, want 3 (the token rotates, so the test would prove nothing)", versions["Unfiltered / Privacy Policy"])
	}
	if versions["Filtered / Imprint"] != 0 || len(failures) != 3 {
		t.Fatalf("the failing filter: %d versions, failures %+v", versions["Filtered / Imprint"], failures)
	}
	for _, f := range failures {
		if f.Class != "filter" || !strings.Contains(f.Error, "Filtered.filters.js") || !strings.Contains(f.Error, "brokenFilter") {
			t.Errorf("failure %+v: want class filter naming the file and the function", f)
		}
	}
}
