package extract

import (
	"fmt"
	"testing"
)

func TestStripTracking(t *testing.T) {
	for in, want := range map[string]string{
		"https://x.com/p?utm_source=a&utm_medium=b":            "https://x.com/p",
		"https://x.com/p?id=3&utm_campaign=c&lang=en#s":        "https://x.com/p?id=3&lang=en#s",
		"https://x.com/p?fbclid=Z&gclid=Y&mc_eid=X&UTM_Term=w": "https://x.com/p",
		"/help;jsessionid=ABC123?q=cookies&PHPSESSID=9":        "/help?q=cookies",
		"https://x.com/p?q=a%26b&sessionid=1&ref_src=twsrc":    "https://x.com/p?q=a%26b",
		"https://x.com/p?utmost=1&sid2=x":                      "https://x.com/p?utmost=1&sid2=x",
		"https://x.com/p#utm_source=frag":                      "https://x.com/p#utm_source=frag",
		"mailto:privacy@x.com?subject=Hi":                      "mailto:privacy@x.com?subject=Hi",
		"https://x.com/p?":                                     "https://x.com/p",
	} {
		if got := stripTracking(in, nil); got != want {
			t.Errorf("stripTracking(%q) = %q, want %q", in, got, want)
		}
		if again := stripTracking(want, nil); again != want {
			t.Errorf("stripTracking not idempotent on %q: %q", want, again)
		}
	}
}

func TestTrackingParamsLeaveLinksAndOutputStable(t *testing.T) {
	page := `<main><h1>P</h1><p>See <a href="https://x.com/rules?utm_source=%s&fbclid=%s">the rules</a>.</p></main>`
	a := extractHTML(t, fmt.Sprintf(page, "mail", "AAA"), Options{})
	b := extractHTML(t, fmt.Sprintf(page, "web", "BBB"), Options{})
	if a.Markdown() != b.Markdown() {
		t.Errorf("tracking parameters changed the output:\n%s\n%s", a.Markdown(), b.Markdown())
	}
	if l := findBlock(t, a, "See the rules.").Links; len(l) != 1 || l[0].URL != "https://x.com/rules" {
		t.Errorf("links %+v", l)
	}
}

func TestDeclaredQueryParamsAreRemovedFromLinks(t *testing.T) {
	page := `<main><h1>P</h1><p>Read <a href="https://x.com/terms?lang=en&amp;ts=%s">the terms</a>.</p></main>`
	opts := Options{RemoveQueryParams: []string{"ts"}}
	a := extractHTML(t, fmt.Sprintf(page, "1700000000"), opts)
	b := extractHTML(t, fmt.Sprintf(page, "1800000000"), opts)
	if a.Markdown() != b.Markdown() {
		t.Errorf("a declared rotating parameter changed the output:\n%s\n%s", a.Markdown(), b.Markdown())
	}
	if l := findBlock(t, a, "Read the terms.").Links; len(l) != 1 || l[0].URL != "https://x.com/terms?lang=en" {
		t.Errorf("links %+v, want the ts parameter gone and lang kept", l)
	}
	// Without the declaration the parameter is the page's own business.
	if l := findBlock(t, extractHTML(t, fmt.Sprintf(page, "1"), Options{}), "Read the terms.").Links; len(l) != 1 || l[0].URL != "https://x.com/terms?lang=en&ts=1" {
		t.Errorf("links %+v, want ts kept without a declaration", l)
	}
}
