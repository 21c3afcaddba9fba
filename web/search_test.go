package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSearchPageSaysWhenTextAppearedAndWent(t *testing.T) {
	site := readDemoSite(t)
	privacy := site.demoDocument(t, "X", "Privacy Policy")
	body := site.mustGet(t, "/search?q=biometric", http.StatusOK)
	assertContains(t, "search", body,
		`<a href="`+documentPath(privacy)+`">X · Privacy Policy</a>`,
		"In <strong>19 of 23</strong> versions: first appeared on",
		`<time datetime="2023-08-23T00:36:12Z">2023-08-23</time></a>, still there.`,
		"<mark>biometric</mark>",
		// Present on 2023-08-23, gone the next day, back from 2023-08-30.
		"(1 version), gone on", "(18 versions), to the newest")

	var api struct {
		Query string `json:"query"`
		Hits  []struct {
			Document struct {
				ID int64 `json:"id"`
			} `json:"document"`
			Versions      []struct{ ID int64 } `json:"versions"`
			FirstAppeared string               `json:"first_appeared"`
			LastSeen      string               `json:"last_seen"`
			StillThere    bool                 `json:"still_there"`
			Spans         []struct {
				Gone *struct {
					CapturedAt string `json:"captured_at"`
				} `json:"gone"`
			} `json:"spans"`
			SnippetHTML string `json:"snippet_html"`
		} `json:"hits"`
		Next *string `json:"next"`
	}
	getJSON(t, site.testSite, "/api/search?q=biometric&service=X&type=Privacy+Policy", http.StatusOK, &api)
	if len(api.Hits) != 1 || api.Hits[0].Document.ID != privacy || len(api.Hits[0].Versions) != 19 ||
		api.Hits[0].FirstAppeared != "2023-08-23T00:36:12Z" || !api.Hits[0].StillThere || api.Next != nil {
		t.Fatalf("/api/search: %+v", api)
	}
	if g := api.Hits[0].Spans[0].Gone; g == nil || g.CapturedAt != "2023-08-24T06:35:36Z" {
		t.Errorf("the first span went with %+v, want the version of 2023-08-24", g)
	}

	// A type by the name readers know it; dates; a service with none.
	cookies := site.mustGet(t, "/search?q=cookies&type="+url.QueryEscape("Cookies Policy"), http.StatusOK)
	assertContains(t, "type alias", cookies, "X · Trackers Policy (Cookies Policy)")
	assertNotContains(t, "type alias", cookies, "X · Privacy Policy")
	before := site.mustGet(t, "/search?q=biometric&service=X&from=2022-01-01&to=2023-08-23", http.StatusOK)
	assertContains(t, "dates", before, "X · Privacy Policy", "versions: first appeared on")
	assertNotContains(t, "dates", before, "19 of")
	none := site.mustGet(t, "/search?q=biometric&service=Twitter", http.StatusOK)
	assertContains(t, "no hit", none, "No version holds biometric with these filters.")

	// Without a query, the form.
	form := site.mustGet(t, "/search", http.StatusOK)
	assertContains(t, "form", form, `<input type="search" name="q"`, `<option>Twitter</option>`)
}

func TestSearchSyntaxErrorsAreBadRequests(t *testing.T) {
	site := readDemoSite(t)
	for q, want := range map[string]string{
		`"biometric data`: "the quote opened at character 1 is not closed",
		`biometric AND`:   "syntax error",
		`(biometric`:      "syntax error",
		`*`:               "a * must end a word",
		`...`:             "give a word to look for",
	} {
		body := site.mustGet(t, "/search?q="+url.QueryEscape(q), http.StatusBadRequest)
		assertContains(t, "search "+q, body, want, `<input type="search" name="q"`)
		var got map[string]string
		getJSON(t, site.testSite, "/api/search?q="+url.QueryEscape(q), http.StatusBadRequest, &got)
		if !strings.Contains(got["error"], want) {
			t.Errorf("/api/search?q=%s: %q, want it to say %q", q, got["error"], want)
		}
	}
	for path, want := range map[string]string{
		"/api/search":                       "missing query parameter q",
		"/api/search?q=data&from=yesterday": `query parameter from "yesterday": want a date`,
		"/api/search?q=data&page=0":         "query parameter page",
	} {
		var got map[string]string
		getJSON(t, site.testSite, path, http.StatusBadRequest, &got)
		if !strings.Contains(got["error"], want) {
			t.Errorf("%s: %q, want it to say %q", path, got["error"], want)
		}
	}
}
