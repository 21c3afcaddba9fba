package web

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"

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
