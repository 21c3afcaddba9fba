package extract

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDevHelpPrivacyJSONInPre(t *testing.T) {
	doc := extractFile(t, fixtures+"twitter-dev-help-privacy.html", Options{Select: CSS("pre"), JSONPointer: "/privacy"})
	if doc.Title != "Twitter Privacy Policy" {
		t.Errorf("title %q, want the policy's own first line", doc.Title)
	}
	var headings []string
	for _, s := range doc.Sections {
		headings = append(headings, s.Heading())
	}
	for _, want := range []string{"Information Collection and Use", "Information Sharing and Disclosure",
		"Modifying Your Personal Information", "Our Policy Towards Children", "Changes to this Policy"} {
		s := findSection(t, doc, want)
		if s.Level != 2 || !slices.Equal(s.Path, []string{"Twitter Privacy Policy", want}) {
			t.Errorf("section %q: level %d path %q", want, s.Level, s.Path)
		}
	}
	if n := len(doc.Sections); n < 8 {
		t.Errorf("%d sections (%q), want the policy's headings", n, headings)
	}
	assertContains(t, doc, "Information Collected Upon Registration: When you create or reconfigure a Twitter account")
	assertAbsent(t, doc, `{"privacy"`, "GET statuses", "mentions_timeline")
}

func TestJSONContent(t *testing.T) {
	body := `{"data": [{"privacy": "Example Policy\n\nWe keep little.\n\nHow We Share Data\n\nWe do not sell it."}]}`
	for _, contentType := range []string{"application/json", "application/problem+json; charset=utf-8", ""} {
		doc, err := Extract([]byte(body), contentType, Options{JSONPointer: "/data/0/privacy"})
		if err != nil {
			t.Fatalf("%q: %v", contentType, err)
		}
		if doc.Title != "Example Policy" {
			t.Errorf("%q: title %q", contentType, doc.Title)
		}
		findSection(t, doc, "How We Share Data")
		findBlock(t, doc, "We do not sell it.")
	}
}

func TestJSONPointerErrors(t *testing.T) {
	body := []byte(`{"a": {"b~/c": [1, "x"]}, "n": 3}`)
	for pointer, wantErr := range map[string]string{
		"":              "needs a JSON pointer",
		"a":             "must start with /",
		"/missing":      `no field "missing"`,
		"/a/b~0~1c/2":   "is not an index",
		"/a/b~0~1c/01":  "is not an index",
		"/a/b~0~1c/0":   "a number, not a string",
		"/n/x":          "goes into a number",
		"/a":            "an object, not a string",
		"/a/b~0~1c/1/z": "goes into a string",
	} {
		_, err := Extract(body, "application/json", Options{JSONPointer: pointer})
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("pointer %q: error %v, want it to say %q", pointer, err, wantErr)
		}
	}
	if _, err := Extract([]byte(`{"a": "x"}`), "application/json", Options{JSONPointer: "/a/b"}); err == nil {
		t.Error("pointer into a string: no error")
	}
	if _, err := Extract([]byte(`{"a": "   "}`), "application/json", Options{JSONPointer: "/a"}); !errors.Is(err, ErrNoText) {
		t.Errorf("blank field: %v, want ErrNoText", err)
	}
	if _, err := Extract([]byte("just text"), "text/plain", Options{JSONPointer: "/a"}); err == nil {
		t.Error("pointer on plain text: no error")
	}
	if _, err := Extract([]byte("<p>not json</p>"), "text/html", Options{Select: CSS("p"), JSONPointer: "/a"}); err == nil || !strings.Contains(err.Error(), "reading JSON") {
		t.Errorf("selection that is not JSON: %v", err)
	}
}
