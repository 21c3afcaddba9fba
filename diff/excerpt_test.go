package diff

import (
	"strings"
	"testing"
)

func TestExcerptShowsChangedSectionsOnly(t *testing.T) {
	r := Compare(historyVersion(t, "cookies-policy", "2022-09-24T00-33-30Z.md"), historyVersion(t, "cookies-policy", "2022-11-23T00-34-28Z.md"))
	html, truncated := r.Excerpt(0)
	s := string(html)
	if truncated || !strings.Contains(s, "What are my privacy options?") || !strings.Contains(s, "<ins ") || !strings.Contains(s, "<del ") {
		t.Errorf("excerpt (truncated %v) lacks the rewritten section or its edits:\n%s", truncated, s)
	}
	for _, sec := range r.View(false).Sections {
		if !sec.Changed && len(sec.Path) > 0 && strings.Contains(s, ">"+sec.Path[len(sec.Path)-1]+" <small>") {
			t.Errorf("unchanged section %q in the excerpt", sec.Path)
		}
	}
}

func TestExcerptStaysWithinItsLimit(t *testing.T) {
	r := Compare(historyVersion(t, "privacy-policy", "2023-05-18T18-34-41Z.md"), historyVersion(t, "privacy-policy", "2023-08-23T00-36-12Z.md"))
	for _, limit := range []int{2000, ExcerptLimit} {
		html, truncated := r.Excerpt(limit)
		if len(html) > limit || !truncated || len(html) < limit/4 {
			t.Errorf("limit %d: %d bytes, truncated %v", limit, len(html), truncated)
		}
		if strings.Count(string(html), "<p>") != strings.Count(string(html), "</p>") {
			t.Errorf("limit %d: a paragraph was cut in the middle", limit)
		}
	}
}

func TestExcerptEscapesPageText(t *testing.T) {
	old := doc([]string{"Data", "We keep data."})
	new := doc([]string{"Data", `We keep data. <script>alert(1)</script><img src=x onerror=alert(2)>`})
	html, _ := Compare(old, new).Excerpt(0)
	if strings.Contains(string(html), "<script>") || strings.Contains(string(html), "<img") {
		t.Errorf("page text not escaped: %s", html)
	}
}
