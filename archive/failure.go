package archive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
	ClassFilter          = "filter"           // a declaration's filter failed on the page
	ClassBinary          = "binary"           // not text: an image, an archive, compressed or random bytes
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

// classifyExtractError names why a capture yielded no document, from what
// the extractor says: a declared rule that matches nothing is
// "selector-missing" (the page was redesigned, or is not the page
// expected), a declaration filter that fails is "filter", no text at all is
// "empty".
func classifyExtractError(err error) *FailureError {
	message := strings.ReplaceAll(err.Error(), "extract: ", "")
	var filterErr *extract.FilterError
	var binaryErr *extract.BinaryError
	switch _, missing := extract.IsSelectorMissing(err); {
	case missing:
		return &FailureError{Class: ClassSelectorMissing, Message: message, Err: err}
	case errors.As(err, &binaryErr):
		return &FailureError{Class: ClassBinary, Message: message, Err: err}
	case errors.As(err, &filterErr):
		return &FailureError{Class: ClassFilter, Message: message, Err: err}
	case errors.Is(err, extract.ErrNoText):
		return &FailureError{Class: ClassEmpty, Message: "the capture has no text", Err: err}
	}
	return &FailureError{Class: ClassExtract, Message: message, Err: err}
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
