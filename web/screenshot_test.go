package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/store"
)

// TestVersionPageShowsHowItsPageWasFetched: a version from a page the
// browser rendered says so and shows its screenshot, served as a PNG; one
// fetched over HTTP says that, and has no screenshot.
func TestVersionPageShowsHowItsPageWasFetched(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	img := image.NewRGBA(image.Rect(0, 0, 1280, 2560))
	img.Set(10, 10, color.RGBA{R: 200, A: 255})
	var shot bytes.Buffer
	if err := png.Encode(&shot, img); err != nil {
		t.Fatal(err)
	}
	ar := archive.New(st)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rendered, err := ar.Record(ctx, archive.DocumentRef{Service: "Rendered", Type: "Privacy Policy", URL: "https://r.example/p"}, archive.Capture{
		At: at, Source: capture.Crawl, Method: capture.Browser, Status: 200, ContentType: "text/html; charset=utf-8",
		Content: []byte("<main><h1>Privacy</h1><p>We keep your name.</p></main>"), Screenshot: shot.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	served, err := ar.Record(ctx, archive.DocumentRef{Service: "Served", Type: "Privacy Policy", URL: "https://s.example/p"}, archive.Capture{
		At: at, Source: capture.Crawl, Method: capture.HTTP, Status: 200, ContentType: "text/html",
		Content: []byte("<main><h1>Privacy</h1><p>We keep your address.</p></main>")})
	if err != nil {
		t.Fatal(err)
	}
	site := &testSite{srv: serveSite(t, st), st: st}

	page := versionPath(rendered.DocumentID, rendered.VersionID)
	body := site.mustGet(t, page, http.StatusOK)
	assertContains(t, page, body, "rendered in a browser, the page's scripts run",
		fmt.Sprintf(`<img src="%s/screenshot.png" width="320" height="640"`, page), "1280 × 2560 pixels")
	resp, png := site.get(t, page+"/screenshot.png")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" || png != shot.String() {
		t.Errorf("screenshot: %d %q nosniff %q, %d bytes; want the PNG stored", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"), len(png))
	}

	other := versionPath(served.DocumentID, served.VersionID)
	body = site.mustGet(t, other, http.StatusOK)
	assertContains(t, other, body, "over HTTP, as served")
	assertNotContains(t, other, body, "screenshot.png")
	site.mustGet(t, other+"/screenshot.png", http.StatusNotFound)
	// A version is asked for under its own document only.
	site.mustGet(t, versionPath(served.DocumentID, rendered.VersionID)+"/screenshot.png", http.StatusNotFound)
}
