package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image/png"
)

// maxScreenshotBytes bounds one screenshot: a full-page PNG of a long page
// is a few megabytes; the browser caps its height well below this.
const maxScreenshotBytes = 64 << 20

// Screenshot is a full-page PNG of a rendered page, addressed by its SHA-256.
type Screenshot struct {
	Hash          string
	Width, Height int
	PNG           []byte
}

// CaptureInfo is how the capture a version was made from was fetched.
type CaptureInfo struct {
	Method         string // "http", "browser", or "" when not crawled
	ScreenshotHash string // "" when no screenshot was taken
	Width, Height  int    // of the screenshot
}

// PutScreenshot stores a PNG once under its SHA-256 and returns the hash;
// storing the same image again changes nothing. Anything but a PNG is
// refused, so that what the site serves back as an image is one.
func (t *Tx) PutScreenshot(image []byte) (string, error) {
	if len(image) > maxScreenshotBytes {
		return "", fmt.Errorf("screenshot of %d bytes: larger than the %d bytes a screenshot may have", len(image), maxScreenshotBytes)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(image))
	if err != nil {
		return "", fmt.Errorf("screenshot of %d bytes: not a PNG: %w", len(image), err)
	}
	hash := HashContent(image)
	if _, err := t.tx.ExecContext(t.ctx,
		"INSERT INTO screenshots (hash, width, height, size, png) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		hash, cfg.Width, cfg.Height, len(image), image); err != nil {
		return "", fmt.Errorf("store screenshot %s (%d bytes): %w", hash, len(image), err)
	}
	return hash, nil
}

// Screenshot returns the screenshot stored under hash, or ErrNotFound.
func (s *Store) Screenshot(ctx context.Context, hash string) (Screenshot, error) {
	if !validHash(hash) {
		return Screenshot{}, fmt.Errorf("screenshot %q: %w", hash, ErrNotFound)
	}
	shot := Screenshot{Hash: hash}
	err := s.read(ctx, func(tx *dbTx) error {
		return tx.QueryRowContext(ctx, "SELECT width, height, png FROM screenshots WHERE hash = ?", hash).
			Scan(&shot.Width, &shot.Height, &shot.PNG)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Screenshot{}, fmt.Errorf("screenshot %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return Screenshot{}, fmt.Errorf("screenshot %s: %w", hash, err)
	}
	return shot, nil
}

// VersionCapture says how the capture version versionID was extracted
// from was fetched: by the first fetch that received its snapshot,
// preferring one with a screenshot. A version without such a fetch gives
// the zero CaptureInfo.
func (s *Store) VersionCapture(ctx context.Context, versionID int64) (CaptureInfo, error) {
	var info CaptureInfo
	err := s.read(ctx, func(tx *dbTx) error {
		var err error
		info, err = s.versionCapture(ctx, tx, versionID)
		return err
	})
	return info, err
}

// versionCaptureQuery reads the fetches of one snapshot of a document by
// the index fetches_snapshot (schema step 15), not every fetch of it.
const versionCaptureQuery = `
	SELECT f.method, ifnull(f.screenshot_hash, ''), ifnull(sc.width, 0), ifnull(sc.height, 0)
	FROM versions v
	JOIN fetches f ON f.document_id = v.document_id AND f.snapshot_hash = v.snapshot_hash
	LEFT JOIN screenshots sc ON sc.hash = f.screenshot_hash
	WHERE v.id = ?
	ORDER BY f.screenshot_hash IS NULL, f.at, f.id
	LIMIT 1`

// versionCapture is VersionCapture inside tx.
func (s *Store) versionCapture(ctx context.Context, tx *dbTx, versionID int64) (CaptureInfo, error) {
	var info CaptureInfo
	err := s.queryRowIn(ctx, tx, versionCaptureQuery, versionID).Scan(&info.Method, &info.ScreenshotHash, &info.Width, &info.Height)
	if errors.Is(err, sql.ErrNoRows) {
		return CaptureInfo{}, nil
	}
	if err != nil {
		return CaptureInfo{}, fmt.Errorf("how version %d was fetched: %w", versionID, err)
	}
	return info, nil
}
