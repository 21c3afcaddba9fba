package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The showcase: the seed Twitter cookie policy against the seed X cookie
// policy, two documents, compared in the UI as the rebrand diff is.
func TestComparePageDiffsTwoDocuments(t *testing.T) {
	site := readDemoSite(t)
	twitter := site.demoDocument(t, "Twitter", "Trackers Policy")
	x := site.demoDocument(t, "X", "Cookies Policy (page text capture)")
	from, to := site.demoVersion(t, twitter, "2021-01-01"), site.demoVersion(t, x, "2023-09-20")

	body := site.mustGet(t, comparePath(from, to), http.StatusOK)
	assertContains(t, "compare", body,
		`<span class="sub-from">Twitter</span> <span class="arrow" aria-label="replaced by">→</span> <span class="sub-to">X</span>`,
		"Twitter · Trackers Policy (Cookies Policy)", "X · Cookies Policy (page text capture)",
		`<div class="diff" data-edits=`, "<del>", "<ins>",
		`<option value="`+fmt.Sprint(twitter)+`" selected>`, `name="to_date" value="2023-09-20"`)
	assertOrder(t, "compare", body, `class="diff-summary"`, "Replaced throughout", `<div class="diff"`)
	side := site.mustGet(t, comparePath(from, to)+"&view=side", http.StatusOK)
	assertContains(t, "compare side by side", side, `<table class="side">`)

	// Picked by document and date: sent to the versions in effect then.
	client := *site.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(site.srv.URL + fmt.Sprintf("/compare?from_document=%d&from_date=2022-01-01&to_document=%d&to_date=", twitter, x))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != comparePath(from, to) {
		t.Errorf("picking by document and date: %d to %q, want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), comparePath(from, to))
	}
	// The form alone, and mistakes.
	form := site.mustGet(t, "/compare", http.StatusOK)
	assertContains(t, "compare form", form, `<select name="from_document">`, `<optgroup label="Twitter">`, `<input type="date" name="to_date"`)
	assertNotContains(t, "compare form", form, `class="diff-summary"`)
	bad := site.mustGet(t, fmt.Sprintf("/compare?from_document=%d&from_date=last+year&to_document=%d", twitter, x), http.StatusBadRequest)
	assertContains(t, "bad date", bad, "query parameter from_date &#34;last year&#34;: want a date such as 2023-09-20")
	site.mustGet(t, fmt.Sprintf("/compare?from=%d&to=999999", from), http.StatusNotFound)

	// X's two cookie documents, one page captured in two forms, link to
	// each other and to their comparison.
	history := site.demoDocument(t, "X", "Trackers Policy")
	page := site.mustGet(t, documentPath(history), http.StatusOK)
	assertContains(t, "same URL", page, "also kept as", attr(documentPath(x)), attr(fmt.Sprintf("/compare?from_document=%d&to_document=%d", history, x)))
	if strings.Contains(site.mustGet(t, documentPath(twitter), http.StatusOK), "also kept as") {
		t.Errorf("a document with a URL of its own links to others")
	}
}
