package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/policywatch/policywatch/store"
)

// captureReader is what the version page reads of how its capture was
// fetched: in a browser or over HTTP, and the screenshot taken with it.
// archive.View has it; a Reader without it shows neither.
type captureReader interface {
	VersionCapture(ctx context.Context, versionID int64) (store.CaptureInfo, error)
	Screenshot(ctx context.Context, hash string) (store.Screenshot, error)
}

// screenshotWidth is the width the version page shows a screenshot at; a
// click opens it whole.
const screenshotWidth = 320

// versionCapture is the version page's part about its capture.
type versionCapture struct {
	store.CaptureInfo
	ShotHeight int // at screenshotWidth
}

// captureFrom is the version page's part about a capture fetched as info says.
func captureFrom(info store.CaptureInfo) versionCapture {
	c := versionCapture{CaptureInfo: info}
	if info.ScreenshotHash != "" && info.Width > 0 {
		c.ShotHeight = max(1, info.Height*screenshotWidth/info.Width)
	}
	return c
}

// handleScreenshot serves the full-page screenshot of a version's
// capture. It is a PNG Chromium made and the store checked; it is served
// as an image only, never sniffed as anything else.
func (s *Server) handleScreenshot(w http.ResponseWriter, r *http.Request) {
	id, err := parseID("document id", r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vid, err := parseID("version id", r.PathValue("vid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.archive.VersionSummary(r.Context(), vid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && v.DocumentID != id) {
		s.fail(w, r, notFound{fmt.Sprintf("Document %d has no version %d.", id, vid)})
		return
	}
	if err != nil {
		s.fail(w, r, fmt.Errorf("loading version %d: %w", vid, err))
		return
	}
	cr, ok := s.archive.(captureReader)
	var info store.CaptureInfo
	if ok {
		if info, err = cr.VersionCapture(r.Context(), vid); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if info.ScreenshotHash == "" {
		s.fail(w, r, notFound{fmt.Sprintf("Version %d has no screenshot: its page was not rendered in a browser, or no screenshot was asked for.", vid)})
		return
	}
	shot, err := cr.Screenshot(r.Context(), info.ScreenshotHash)
	if err != nil {
		s.fail(w, r, fmt.Errorf("loading the screenshot of version %d: %w", vid, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Content-Length", strconv.Itoa(len(shot.PNG)))
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("Content-Security-Policy", "default-src 'none'")
	_, _ = w.Write(shot.PNG)
}
