package web

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// Downloads: the other forms of what pages show, for reading elsewhere
// (a version's Markdown is in pages.go).

// handleUnifiedDiff serves the line diff of two versions' Markdown in the
// unified format of diff -u: GET /diff.txt?from={vid}&to={vid}, any two
// versions, of one document or two.
func (s *Server) handleUnifiedDiff(w http.ResponseWriter, r *http.Request) {
	fromID, toID, err := diffParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var versions [2]store.Version
	var names [2]string
	for i, id := range []int64{fromID, toID} {
		v, err := s.archive.Version(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, notFound{fmt.Sprintf("There is no version with id %d.", id)})
			return
		}
		if err != nil {
			s.fail(w, r, fmt.Errorf("loading version %d: %w", id, err))
			return
		}
		doc, err := s.document(r.Context(), v.DocumentID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		versions[i], names[i] = v, versionFileName(doc, v)
	}
	var b bytes.Buffer
	if err := diff.WriteUnified(&b, names[0], names[1], versions[0].Markdown, versions[1].Markdown); err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("versions %d to %d.diff", fromID, toID)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Header().Set("Cache-Control", "public, max-age=86400") // versions never change
	if r.Method != http.MethodHead {
		_, _ = w.Write(b.Bytes())
	}
}

// versionFileName names a version's Markdown as a file: service, type and
// capture time.
func versionFileName(doc store.Document, v store.Version) string {
	return fmt.Sprintf("%s %s %s.md", doc.Service, doc.Type, v.CapturedAt.UTC().Format("2006-01-02T15-04-05Z"))
}

// snapshotCSP is the policy of a raw capture: a sandbox with nothing
// allowed, so that a capture opened in the browser (whatever it holds) is
// never a page of our origin that runs scripts or loads anything.
const snapshotCSP = "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// handleSnapshot serves a raw capture as it was received, as a download:
// GET /snapshots/{hash}. A capture is hostile content: it is sent as bytes
// to save (application/octet-stream, attachment), never as a page, and
// its own content type only names the file.
func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	hash := r.PathValue("hash")
	if !isSHA256Hex(hash) {
		s.fail(w, r, badRequest{fmt.Sprintf("snapshot %q: want the 64 lowercase hexadecimal digits of a SHA-256", hash)})
		return
	}
	snap, err := s.archive.Snapshot(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, notFound{fmt.Sprintf("There is no capture with hash %s.", hash)})
		return
	}
	if err != nil {
		s.fail(w, r, fmt.Errorf("loading snapshot %s: %w", hash, err))
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", snapshotCSP)
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "capture-" + hash[:12] + extensionOf(snap.ContentType)}))
	h.Set("X-Capture-Content-Type", sanitizeHeader(snap.ContentType))
	h.Set("Content-Length", strconv.Itoa(len(snap.Content)))
	h.Set("Cache-Control", "public, max-age=86400, immutable") // content-addressed
	if r.Method != http.MethodHead {
		_, _ = w.Write(snap.Content)
	}
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// extensionOf is the file extension of a content type: ".html", ".pdf", …
// (".bin" when unknown).
func extensionOf(contentType string) string {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ".bin"
	}
	switch mediaType {
	case "text/html", "application/xhtml+xml":
		return ".html"
	case "text/plain":
		return ".txt"
	case "text/markdown", "text/x-markdown":
		return ".md"
	case "application/pdf":
		return ".pdf"
	case "application/json":
		return ".json"
	case "application/xml", "text/xml":
		return ".xml"
	}
	return ".bin"
}

// sanitizeHeader keeps a stored value fit for a header: printable ASCII.
func sanitizeHeader(v string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, v)
}
