package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestDownloadsOfVersionsCapturesAndDiffs(t *testing.T) {
	site := newTestSite(t)
	doc := site.hostileDoc
	v, err := site.st.Version(t.Context(), site.hostile[1])
	if err != nil {
		t.Fatal(err)
	}
	page := site.mustGet(t, versionPath(doc, v.ID), http.StatusOK)
	assertContains(t, "version page", page,
		`<a class="hash" href="/snapshots/`+v.SnapshotHash+`"`,
		attr(versionPath(doc, v.ID)+"/markdown"),
		attr(fmt.Sprintf("/diff.txt?from=%d&to=%d", site.hostile[0], v.ID)),
		attr(fmt.Sprintf("/api/diff?from=%d&to=%d", site.hostile[0], v.ID)),
		"words a minute; Flesch–Kincaid grade")

	// The raw capture is hostile HTML: it comes as bytes to save, in a
	// sandbox, never as a page of this site.
	resp, body := site.get(t, "/snapshots/"+v.SnapshotHash)
	h := resp.Header
	if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") ||
		!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox; default-src 'none'") ||
		h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("raw capture: status %d, headers %v", resp.StatusCode, h)
	}
	if body != hostileText {
		t.Errorf("raw capture: %q, want the bytes recorded", body)
	}
	if !strings.Contains(h.Get("Content-Disposition"), `filename=capture-`+v.SnapshotHash[:12]+`.md`) {
		t.Errorf("raw capture named %q", h.Get("Content-Disposition"))
	}
	site.mustGet(t, "/snapshots/"+strings.Repeat("0", 64), http.StatusNotFound)
	site.mustGet(t, "/snapshots/..%2Fetc", http.StatusBadRequest)
	site.mustGet(t, "/snapshots/"+strings.ToUpper(v.SnapshotHash), http.StatusBadRequest)

	// The diff as a unified diff of the two versions' Markdown.
	resp, unified := site.get(t, fmt.Sprintf("/diff.txt?from=%d&to=%d", site.hostile[0], v.ID))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("unified diff: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	assertContains(t, "unified diff", unified, "--- "+hostileService+" Privacy Policy 2025-01-01T12-00-00Z.md\n", "+++ ", "\n@@ -", "\n+Tracking ", "onerror=alert(2)")
	site.mustGet(t, "/diff.txt?from=1", http.StatusBadRequest)
	site.mustGet(t, fmt.Sprintf("/diff.txt?from=%d&to=999999", v.ID), http.StatusNotFound)

	// The diff page links them.
	diffPage := site.mustGet(t, diffPath(doc, site.hostile[0], v.ID), http.StatusOK)
	assertContains(t, "diff page", diffPage, `Download: <a href="`+attr(fmt.Sprintf("/api/diff?from=%d&to=%d", site.hostile[0], v.ID))+`">JSON</a>`)
}
