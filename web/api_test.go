package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// getJSON fetches path, checks status and content type, and decodes the body.
func getJSON(t *testing.T, site *testSite, path string, status int, into any) {
	t.Helper()
	resp, body := site.get(t, path)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d; body: %.1000s", path, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: content type %q, want application/json", path, ct)
	}
	if err := json.Unmarshal([]byte(body), into); err != nil {
		t.Fatalf("GET %s: invalid JSON: %v\n%.1000s", path, err, body)
	}
}

func TestAPIServices(t *testing.T) {
	site := newTestSite(t)
	var got struct {
		Services []struct {
			Name      string `json:"name"`
			Documents []struct {
				ID         int64   `json:"id"`
				Type       string  `json:"type"`
				URL        string  `json:"url"`
				Versions   int     `json:"versions"`
				LastChange *string `json:"last_change"`
			} `json:"documents"`
		} `json:"services"`
	}
	getJSON(t, site, "/api/services", http.StatusOK, &got)
	if len(got.Services) != 2 {
		t.Fatalf("%d services, want 2: %+v", len(got.Services), got.Services)
	}
	x := got.Services[1]
	if x.Name != "X" || len(x.Documents) != 1 {
		t.Fatalf("second service %+v, want X with one document", x)
	}
	d := x.Documents[0]
	if d.ID != site.cookiesDoc || d.Type != "Trackers Policy" || d.Versions != 4 ||
		d.URL != "https://help.x.com/en/rules-and-policies/x-cookies" {
		t.Errorf("document %+v", d)
	}
	if d.LastChange == nil || *d.LastChange != "2024-08-16T00:36:31Z" {
		t.Errorf("last_change %v, want 2024-08-16T00:36:31Z", d.LastChange)
	}
}

func TestAPIVersions(t *testing.T) {
	site := newTestSite(t)
	var got struct {
		Versions []map[string]json.RawMessage `json:"versions"`
	}
	getJSON(t, site, fmt.Sprintf("/api/documents/%d/versions", site.cookiesDoc), http.StatusOK, &got)
	if len(got.Versions) != 4 {
		t.Fatalf("%d versions, want 4", len(got.Versions))
	}
	for _, key := range []string{"id", "captured_at", "words", "bytes", "extractor", "snapshot", "change"} {
		if _, ok := got.Versions[0][key]; !ok {
			t.Errorf("version has no key %q", key)
		}
	}
	var rebrand struct {
		ID         int64  `json:"id"`
		CapturedAt string `json:"captured_at"`
		Words      int    `json:"words"`
		Change     *struct {
			Class         string `json:"class"`
			WordsAdded    int    `json:"words_added"`
			WordsRemoved  int    `json:"words_removed"`
			Substitutions []struct {
				From  string `json:"from"`
				To    string `json:"to"`
				Count int    `json:"count"`
			} `json:"substitutions"`
		} `json:"change"`
	}
	raw, _ := json.Marshal(got.Versions[1]) // newest first: 2024, 2023, …
	if err := json.Unmarshal(raw, &rebrand); err != nil {
		t.Fatal(err)
	}
	if rebrand.ID != site.cookies["2023-09-20"] || rebrand.CapturedAt != "2023-09-20T18:34:47Z" {
		t.Fatalf("second version %+v, want the 2023-09-20 one", rebrand)
	}
	if _, err := time.Parse(time.RFC3339, rebrand.CapturedAt); err != nil || rebrand.Words == 0 {
		t.Errorf("captured_at %q, words %d", rebrand.CapturedAt, rebrand.Words)
	}
	if rebrand.Change == nil {
		t.Fatal("the 2023-09-20 version has no change")
	}
	found := false
	for _, s := range rebrand.Change.Substitutions {
		found = found || (s.From == "Twitter" && s.To == "X" && s.Count > 0)
	}
	if !found {
		t.Errorf("change substitutions %+v lack Twitter → X", rebrand.Change.Substitutions)
	}
	var first map[string]json.RawMessage = got.Versions[3]
	if string(first["change"]) != "null" {
		t.Errorf("the first version's change is %s, want null", first["change"])
	}
}

func TestAPIDiff(t *testing.T) {
	site := newTestSite(t)
	from, to := site.cookies["2022-11-23"], site.cookies["2023-09-20"]
	var got map[string]json.RawMessage
	getJSON(t, site, fmt.Sprintf("/api/diff?from=%d&to=%d", from, to), http.StatusOK, &got)
	for _, key := range []string{"stats", "substitutions", "class", "sections", "from", "to"} {
		if _, ok := got[key]; !ok {
			t.Errorf("/api/diff: no key %q", key)
		}
	}
	var subs []struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Count int    `json:"count"`
	}
	if err := json.Unmarshal(got["substitutions"], &subs); err != nil {
		t.Fatal(err)
	}
	if len(subs) == 0 || subs[0].From == "" || subs[0].Count == 0 {
		t.Errorf("substitutions %s", got["substitutions"])
	}
	var stats map[string]float64
	if err := json.Unmarshal(got["stats"], &stats); err != nil {
		t.Fatal(err)
	}
	if stats["words_added"] == 0 || stats["words_removed"] == 0 || stats["words_unchanged"] == 0 ||
		stats["sections_changed"] == 0 || stats["similarity"] <= 90 || stats["similarity"] >= 100 {
		t.Errorf("stats %v", stats)
	}
	var fromInfo struct {
		ID         int64  `json:"id"`
		CapturedAt string `json:"captured_at"`
		Bytes      int    `json:"bytes"`
	}
	fromVersion, err := site.st.Version(context.Background(), from)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got["from"], &fromInfo); err != nil || fromInfo.ID != from || fromInfo.CapturedAt != "2022-11-23T00:34:28Z" ||
		fromInfo.Bytes != len(fromVersion.Markdown) {
		t.Errorf("from %s (%v); want version %d of %d bytes", got["from"], err, from, len(fromVersion.Markdown))
	}
	// The story, structured: what the summary line says, for programs.
	var story struct {
		Line          string `json:"line"`
		Substitutions []struct {
			From string `json:"from"`
		} `json:"substitutions"`
		Sections []struct {
			Kind, Heading string
		} `json:"sections"`
	}
	if err := json.Unmarshal(got["story"], &story); err != nil || story.Line != "Twitter → X ×40; Tweet → post ×2" || len(story.Sections) == 0 || story.Sections[0].Kind != "substituted" {
		t.Errorf("story %s (%v)", got["story"], err)
	}
	// The versions list carries each change's stored story and magnitude.
	var versions struct {
		Versions []struct {
			ID     int64 `json:"id"`
			Change *struct {
				Magnitude string          `json:"magnitude"`
				Story     json.RawMessage `json:"story"`
			} `json:"change"`
		} `json:"versions"`
	}
	getJSON(t, site, fmt.Sprintf("/api/documents/%d/versions", site.cookiesDoc), http.StatusOK, &versions)
	for _, v := range versions.Versions {
		if v.ID == to && (v.Change == nil || v.Change.Magnitude != "minor" || !strings.Contains(string(v.Change.Story), `"line":"Twitter → X ×40`)) {
			t.Errorf("version %d in the list: %+v", v.ID, v.Change)
		}
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	site := newTestSite(t)
	v := site.cookies["2023-09-20"]
	cases := []struct {
		path   string
		status int
		text   string
	}{
		{"/api/diff", http.StatusBadRequest, "missing query parameter from"},
		{fmt.Sprintf("/api/diff?from=%d&to=abc", v), http.StatusBadRequest, `"abc" is not a positive integer`},
		{fmt.Sprintf("/api/diff?from=%d&to=999999", v), http.StatusNotFound, "There is no version with id 999999."},
		{"/api/documents/999999/versions", http.StatusNotFound, "There is no document with id 999999."},
		{"/api/documents/zero/versions", http.StatusBadRequest, `document id "zero" is not a positive integer`},
		{"/api/nothing", http.StatusNotFound, "no API endpoint at /api/nothing"},
	}
	for _, c := range cases {
		var got map[string]string
		getJSON(t, site, c.path, c.status, &got)
		if !strings.Contains(got["error"], c.text) {
			t.Errorf("GET %s: error %q, want it to contain %q", c.path, got["error"], c.text)
		}
	}
	// Versions of two documents compare, as /compare shows them.
	var across struct {
		From struct {
			DocumentID int64 `json:"document_id"`
		} `json:"from"`
		To struct {
			DocumentID int64 `json:"document_id"`
		} `json:"to"`
		Class string `json:"class"`
	}
	getJSON(t, site, fmt.Sprintf("/api/diff?from=%d&to=%d", v, site.hostile[0]), http.StatusOK, &across)
	if across.From.DocumentID != site.cookiesDoc || across.To.DocumentID != site.hostileDoc || across.Class != "substantive" {
		t.Errorf("a diff across documents: %+v", across)
	}
}
