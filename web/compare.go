package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// The compare page diffs any two versions, of one document or of two:
// /compare?from={vid}&to={vid}. Its form picks each side by document
// (grouped by service) and date, and sends the reader to the versions in
// effect then.

// compareForm is the form of the compare page.
type compareForm struct {
	Services []serviceDocuments
	// The sides: a document and a date (YYYY-MM-DD; "" for its newest
	// version).
	FromDocument, ToDocument int64
	FromDate, ToDate         string
}

// compareBody is what the compare page shows: the form, and when two
// versions are given, their diff.
type compareBody struct {
	Form       compareForm
	Compared   bool
	Document   store.Document // From's
	ToDocument store.Document
	diffBody
}

func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	services, err := s.servicesWithDocuments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := compareBody{Form: compareForm{Services: services}}
	if q.Get("from") == "" && q.Get("to") == "" {
		if q.Get("from_document") == "" || q.Get("to_document") == "" {
			// The form, with the side given, if any, picked.
			body.Form.FromDocument, _ = strconv.ParseInt(q.Get("from_document"), 10, 64)
			body.Form.ToDocument, _ = strconv.ParseInt(q.Get("to_document"), 10, 64)
			body.Form.FromDate, body.Form.ToDate = q.Get("from_date"), q.Get("to_date")
			s.render(w, r, http.StatusOK, "compare", page{Title: "Compare two documents", Body: body})
			return
		}
		// Sides picked by document and date: go to the versions in effect
		// then, at an address that names them.
		fromID, err := s.versionPicked(r, "from")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		toID, err := s.versionPicked(r, "to")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		target := comparePath(fromID, toID) + diffOptionsOf(r).query()
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	fromID, toID, err := diffParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cmp, err := s.archive.CompareAcross(r.Context(), fromID, toID)
	if err != nil {
		s.fail(w, r, comparisonError(err, fromID, toID))
		return
	}
	opts := diffOptionsOf(r)
	path := func(o diffOptions) string { return comparePath(fromID, toID) + o.query() }
	body.Compared = true
	body.Document, body.ToDocument = cmp.Document, cmp.ToDocument
	body.Form.FromDocument, body.Form.ToDocument = cmp.Document.ID, cmp.ToDocument.ID
	body.Form.FromDate, body.Form.ToDate = cmp.From.CapturedAt.UTC().Format(time.DateOnly), cmp.To.CapturedAt.UTC().Format(time.DateOnly)
	body.diffBody = diffBody{
		Document: cmp.Document, From: cmp.From, To: cmp.To,
		Diff:       cmp.Result.HTML(diff.HTMLOptions{All: opts.All, SideBySide: opts.SideBySide}),
		Options:    opts,
		InlinePath: path(diffOptions{All: opts.All}), SidePath: path(diffOptions{SideBySide: true, All: opts.All}),
		FoldedPath: path(diffOptions{SideBySide: opts.SideBySide}), AllPath: path(diffOptions{SideBySide: opts.SideBySide, All: true}),
		Downloads: downloadsOf(fromID, toID),
	}
	s.render(w, r, http.StatusOK, "compare", page{
		Title: fmt.Sprintf("%s · %s, %s → %s · %s, %s", cmp.Document.Service, typeName(cmp.Document.Type), formatDate(cmp.From.CapturedAt),
			cmp.ToDocument.Service, typeName(cmp.ToDocument.Type), formatDate(cmp.To.CapturedAt)),
		Body: body,
	})
}

func comparePath(fromID, toID int64) string {
	return fmt.Sprintf("/compare?from=%d&to=%d", fromID, toID)
}

// versionPicked reads one side of the compare form (side_document and
// side_date) and returns the version of that document in effect at the
// end of that day, or its newest without a date.
func (s *Server) versionPicked(r *http.Request, side string) (int64, error) {
	q := r.URL.Query()
	docID, err := parseID("query parameter "+side+"_document (a document id)", q.Get(side+"_document"))
	if err != nil {
		return 0, err
	}
	if _, err := s.document(r.Context(), docID); err != nil {
		return 0, err
	}
	at := time.Now().UTC()
	if raw := q.Get(side + "_date"); raw != "" {
		day, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			return 0, badRequest{fmt.Sprintf("query parameter %s_date %q: want a date such as 2023-09-20", side, raw)}
		}
		at = day.Add(24*time.Hour - time.Nanosecond)
	}
	v, err := s.archive.VersionAt(r.Context(), docID, at)
	if errors.Is(err, store.ErrNotFound) {
		return 0, notFound{fmt.Sprintf("Document %d has no version yet.", docID)}
	}
	if err != nil {
		return 0, fmt.Errorf("finding the version of document %d at %s: %w", docID, at.Format(time.RFC3339), err)
	}
	return v.ID, nil
}

// comparisonError turns an unknown version into a notFound naming it.
func comparisonError(err error, fromID, toID int64) error {
	var missing *archive.NoVersionError
	if errors.As(err, &missing) {
		return notFound{fmt.Sprintf("There is no version with id %d.", missing.ID)}
	}
	return fmt.Errorf("comparing versions %d and %d: %w", fromID, toID, err)
}
