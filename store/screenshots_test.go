package store

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// testPNG draws a small image of the given colour.
func testPNG(t testing.TB, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestScreenshotsAreStoredOnceWithTheirFetch(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	shot := testPNG(t, 40, 120, color.White)
	var versionID int64
	var hashes []string
	err := s.Write(ctx, func(tx *Tx) error {
		d, err := tx.EnsureDocument("S", "Privacy Policy", "https://example.com/p")
		if err != nil {
			return err
		}
		snap, err := tx.PutSnapshot([]byte("<p>We keep your name.</p>"), "text/html; charset=utf-8")
		if err != nil {
			return err
		}
		for i, at := range []string{"2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"} {
			h, err := tx.PutScreenshot(shot) // the same image twice: one row
			if err != nil {
				return err
			}
			hashes = append(hashes, h)
			f := Fetch{DocumentID: d.ID, At: date(at), Source: "crawl", URL: d.URL, Status: 200, SnapshotHash: snap, Method: "browser"}
			if i == 1 {
				f.ScreenshotHash = h
			}
			if _, _, err := tx.AddFetch(f); err != nil {
				return err
			}
		}
		versionID, err = tx.AddVersion(Version{DocumentID: d.ID, CapturedAt: date("2026-01-01T00:00:00Z"), SnapshotHash: snap,
			Extractor: "test", Markdown: "We keep your name.", Sections: []byte(`{}`), TextHash: "x", Words: 4})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if hashes[0] != hashes[1] || hashes[0] != HashContent(shot) {
		t.Fatalf("hashes %v", hashes)
	}
	var rows int
	if err := s.readers.QueryRow("SELECT count(*) FROM screenshots").Scan(&rows); err != nil || rows != 1 {
		t.Errorf("%d screenshot rows (%v), want 1", rows, err)
	}
	got, err := s.Screenshot(ctx, hashes[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.PNG, shot) || got.Width != 40 || got.Height != 120 {
		t.Errorf("screenshot %dx%d, %d bytes; want 40x120 and the bytes stored", got.Width, got.Height, len(got.PNG))
	}
	// The version's capture is the fetch with a screenshot, though a fetch
	// without one received the same snapshot first.
	info, err := s.VersionCapture(ctx, versionID)
	if err != nil {
		t.Fatal(err)
	}
	if info != (CaptureInfo{Method: "browser", ScreenshotHash: hashes[0], Width: 40, Height: 120}) {
		t.Errorf("capture %+v", info)
	}
	fetches, err := s.Fetches(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(fetches) != 2 || fetches[0].Method != "browser" || fetches[0].ScreenshotHash != hashes[0] || fetches[1].ScreenshotHash != "" {
		t.Errorf("fetches %+v", fetches)
	}
}

func TestScreenshotMustBeAPNG(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.PutScreenshot([]byte("<html>not an image</html>"))
		return err
	})
	if err == nil {
		t.Fatal("HTML stored as a screenshot")
	}
	if _, err := s.Screenshot(ctx, HashContent([]byte("nothing"))); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing screenshot: %v", err)
	}
	if _, err := s.Screenshot(ctx, "../../etc/passwd"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a hash that is not one: %v", err)
	}
}

// A version page says how its capture was fetched: that must read the
// fetches of its snapshot, not every fetch of the document.
func TestHowAVersionWasFetchedIsReadByIndex(t *testing.T) {
	s, _ := openTestStore(t)
	if s.d.postgres {
		t.Skip("reads SQLite's query plan")
	}
	plan := queryPlan(t, s, versionCaptureQuery, 1)
	if !strings.Contains(plan, "fetches_snapshot") {
		t.Errorf("how a version was fetched is read without fetches_snapshot:\n%s", plan)
	}
}
