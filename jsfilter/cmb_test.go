package jsfilter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

// Coffee Meets Bagel: the one published service with both a filter file
// and a filter history, on its real declarations and captures.

func TestCoffeeMeetsBagelFilterHistory(t *testing.T) {
	m, err := Load(cmbDir+"/declarations", "Coffee Meets Bagel")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Exports(); len(got) != 1 || got[0] != "unifyEmailProtectedAddresses" {
		t.Fatalf("Exports() = %v", got)
	}
	until := time.Date(2022, 3, 15, 10, 17, 27, 0, time.UTC)
	for _, tc := range []struct {
		at      time.Time
		history bool
	}{
		{time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{until, true},
		{until.Add(time.Second), false},
		{time.Date(2023, 7, 17, 18, 32, 15, 0, time.UTC), false},
		{time.Time{}, false},
	} {
		f, ok := m.Filter("unifyEmailProtectedAddresses", nil, tc.at)
		if !ok {
			t.Fatalf("no filter at %v", tc.at)
		}
		isHistory := strings.Contains(fmt.Sprint(f), "[history entry valid until 2022-03-15T10:17:27Z]") &&
			f.Name() == "Coffee Meets Bagel.filters.history.js: unifyEmailProtectedAddresses"
		isCurrent := strings.Contains(fmt.Sprint(f), "[current]") && f.Name() == "Coffee Meets Bagel.filters.js: unifyEmailProtectedAddresses"
		if isHistory != tc.history || isCurrent == tc.history {
			t.Errorf("at %v: picked %s (%s), want the history entry: %v", tc.at, f.Name(), f, tc.history)
		}
	}
	if _, ok := m.Filter("noSuchFilter", nil, time.Time{}); ok {
		t.Error("a name nothing exports resolved")
	}

	protected := "a[href^='/cdn-cgi/l/email-protection']"

	// The current filter rewrites every protected link's text.
	page := cmbPage.parse(t)
	links := findAll(page, protected)
	if len(links) < 3 {
		t.Fatalf("only %d protected links in the capture", len(links))
	}
	current, _ := m.Filter("unifyEmailProtectedAddresses", nil, until.Add(time.Hour))
	if err := current.Apply(page, extract.FilterContext{URL: cmbPage.url}); err != nil {
		t.Fatal(err)
	}
	after := findAll(page, protected)
	if len(after) != len(links) {
		t.Fatalf("%d protected links after the filter, %d before", len(after), len(links))
	}
	for i, a := range after {
		if a != links[i] || a.FirstChild == nil || a.FirstChild != a.LastChild || a.FirstChild.Type != html.TextNode || a.FirstChild.Data != "email\u00a0protected" {
			t.Errorf("link %d: %s", i, render(t, a))
		}
	}
	// Nothing else changed: put the links' old content back and compare.
	untouched := cmbPage.parse(t)
	for i, a := range findAll(untouched, protected) {
		for c := a.FirstChild; c != nil; c = a.FirstChild {
			a.RemoveChild(c)
		}
		a.AppendChild(&html.Node{Type: html.TextNode, Data: after[i].FirstChild.Data})
	}
	if render(t, page) != render(t, untouched) {
		t.Error("the current filter changed more than the protected links' text")
	}

	// The history entry replaces, in each link's parent's innerHTML, a link
	// serialised as `<a href="/cdn-cgi/l/email-protection" ...>[email&#160;protected]</a>`.
	// Serialisation says &nbsp; (as jsdom's does), so on this 2023 capture
	// nothing matches and the re-parsed parents equal the originals.
	page = cmbPage.parse(t)
	links = findAll(page, protected)
	before := render(t, page)
	history, _ := m.Filter("unifyEmailProtectedAddresses", nil, until)
	if err := history.Apply(page, extract.FilterContext{URL: cmbPage.url}); err != nil {
		t.Fatal(err)
	}
	if render(t, page) != before {
		t.Error("the history entry changed the 2023 capture")
	}
	// What changed is only that each link's parent was re-parsed from its
	// serialisation: the links are new nodes with the same text.
	reparsed := findAll(page, protected)
	if len(reparsed) != len(links) {
		t.Fatalf("%d protected links after the history entry, %d before", len(reparsed), len(links))
	}
	for i, a := range reparsed {
		if a == links[i] || textContent(a) != textContent(links[i]) {
			t.Errorf("link %d: same node %v, text %q", i, a == links[i], textContent(a))
		}
	}
	// (The entry's pattern cannot match any tree's serialisation: the
	// standard writes U+00A0 as &nbsp;, never &#160;, in jsdom as here.)
}
