package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// Failure classes Record gives captures that must not become versions; the
// crawler adds network, http-status, blocked and too-large.
const (
	ClassEmpty           = "empty"            // nothing to extract
	ClassSelectorMissing = "selector-missing" // no declared selector matches
	ClassSuspect         = "suspect"          // text shrank too much: held until confirmed
	ClassExtract         = "extract"          // the extractor refused the content
)

// FailureError is returned by Record when a capture was stored as a failed
// fetch rather than as a version.
type FailureError struct {
	Class   string
	Message string
	Err     error // the cause, if any
}

func (e *FailureError) Error() string { return e.Class + ": " + e.Message }

func (e *FailureError) Unwrap() error { return e.Err }

// FailureClass returns the failure class of an error returned by Record, or
// "" when err is not such a failure.
func FailureClass(err error) string {
	var f *FailureError
	if errors.As(err, &f) {
		return f.Class
	}
	return ""
}

// classifyExtractError names why a capture yielded no document: a declared
// selector that matches nothing is "selector-missing" (the page was
// redesigned, or is not the page expected), no text at all is "empty".
func classifyExtractError(err error, c Capture) *FailureError {
	for _, p := range selectedPages(c) {
		if missing, ok := missingSelector(p.content, p.selectors); ok {
			return &FailureError{Class: ClassSelectorMissing, Message: fmt.Sprintf("%sno element matches the declared selector %q", p.name, missing), Err: err}
		}
	}
	if errors.Is(err, extract.ErrNoText) {
		return &FailureError{Class: ClassEmpty, Message: "the capture has no text", Err: err}
	}
	return &FailureError{Class: ClassExtract, Message: err.Error(), Err: err}
}

// selectedPage is a page of a capture and its select rules.
type selectedPage struct {
	name      string // "" for a single page, "part N (URL): " in a combined capture
	content   []byte
	selectors []string
}

func selectedPages(c Capture) []selectedPage {
	mediaType, params, err := mime.ParseMediaType(c.ContentType)
	if err != nil || mediaType != combinedType {
		if len(c.Rules.Select) == 0 {
			return nil
		}
		return []selectedPage{{content: c.Content, selectors: c.Rules.Select}}
	}
	parts, err := splitParts(c.Content, params["boundary"])
	if err != nil {
		return nil
	}
	var pages []selectedPage
	for i, p := range parts {
		rules := c.Rules
		if i < len(c.PartRules) {
			rules = c.PartRules[i]
		}
		if len(rules.Select) > 0 {
			pages = append(pages, selectedPage{name: fmt.Sprintf("part %d (%s): ", i+1, p.URL), content: p.Content, selectors: rules.Select})
		}
	}
	return pages
}

// missingSelector returns the first selector that matches nothing in an
// HTML capture.
func missingSelector(content []byte, selectors []string) (string, bool) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(content))
	if err != nil {
		return "", false
	}
	for _, sel := range selectors {
		if doc.Find(sel).Length() == 0 {
			return sel, true
		}
	}
	return "", false
}

// Attempt is a fetch that brought no capture: a failure, or a 304 Not
// Modified (Class empty).
type Attempt struct {
	At      time.Time
	Source  string // "crawl"
	URL     string
	Status  int
	Class   string
	Message string
}

// RecordAttempt stores a fetch that brought nothing to record, so that
// failures show in the document's log. It creates the document if needed.
func (a *Archive) RecordAttempt(ctx context.Context, ref DocumentRef, at Attempt) error {
	ref = ref.Canonical()
	if ref.Service == "" || ref.Type == "" {
		return errors.New("archive: a fetch needs a service name and a document type")
	}
	if at.Source == "" {
		at.Source = "crawl"
	}
	if at.URL == "" {
		at.URL = ref.URL
	}
	err := a.store.Write(ctx, func(tx *store.Tx) error {
		d, err := tx.EnsureDocument(ref.Service, ref.Type, ref.URL)
		if err != nil {
			return err
		}
		_, _, err = tx.AddFetch(store.Fetch{DocumentID: d.ID, At: at.At.UTC(), Source: at.Source, URL: at.URL,
			Status: at.Status, ErrorClass: at.Class, Error: at.Message})
		return err
	})
	if err != nil {
		return fmt.Errorf("recording a fetch of %s / %s: %w", ref.Service, ref.Type, err)
	}
	return nil
}
