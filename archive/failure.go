package archive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// FailureError is returned by Record when a capture was stored as a failed
// fetch rather than as a version.
type FailureError struct {
	Class   capture.Class
	Message string
	Err     error // the cause, if any
}

func (e *FailureError) Error() string { return string(e.Class) + ": " + e.Message }

func (e *FailureError) Unwrap() error { return e.Err }

// FailureClass returns the failure class of an error returned by Record, or
// "" when err is not such a failure.
func FailureClass(err error) capture.Class {
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
// "empty". The message is the extractor's own, which does not name the
// extractor: the class does, when the failure is printed.
func classifyExtractError(err error) *FailureError {
	message := err.Error()
	var filterErr *extract.FilterError
	var binaryErr *extract.BinaryError
	switch _, missing := extract.IsSelectorMissing(err); {
	case missing:
		return &FailureError{Class: capture.SelectorMissing, Message: message, Err: err}
	case errors.As(err, &binaryErr):
		return &FailureError{Class: capture.Binary, Message: message, Err: err}
	case errors.As(err, &filterErr):
		return &FailureError{Class: capture.Filter, Message: message, Err: err}
	case errors.Is(err, extract.ErrNoText):
		return &FailureError{Class: capture.Empty, Message: "the capture has no text", Err: err}
	}
	return &FailureError{Class: capture.Extract, Message: message, Err: err}
}

// Attempt is a fetch that brought no capture: a failure, or a 304 Not
// Modified (Class empty).
type Attempt struct {
	At      time.Time
	Source  capture.Source // default capture.Crawl
	URL     string
	Status  int
	Class   capture.Class // empty for a 304 Not Modified
	Message string
	// Method says how the fetch was tried (capture.HTTP or capture.Browser).
	Method capture.Method
	// InTx, as Capture.InTx: called at the end of the transaction that
	// stores the fetch, with Class.
	InTx func(tx *store.Tx, class capture.Class) error
}

// RecordAttempt stores a fetch that brought nothing to record, so that
// failures show in the document's log. It creates the document if needed.
func (a *Archive) RecordAttempt(ctx context.Context, ref DocumentRef, at Attempt) error {
	ref = ref.Canonical()
	if ref.Service == "" || ref.Type == "" {
		return errors.New("archive: a fetch needs a service name and a document type")
	}
	if at.Source == "" {
		at.Source = capture.Crawl
	}
	if at.URL == "" {
		at.URL = ref.URL
	}
	err := a.store.Write(ctx, func(tx *store.Tx) error {
		d, err := tx.EnsureDocument(ref.Service, ref.Type, ref.URL)
		if err != nil {
			return err
		}
		if _, _, err = tx.AddFetch(store.Fetch{DocumentID: d.ID, At: at.At.UTC(), Source: string(at.Source), URL: at.URL,
			Status: at.Status, ErrorClass: string(at.Class), Error: at.Message, Method: string(at.Method)}); err != nil {
			return err
		}
		if at.InTx != nil {
			return at.InTx(tx, at.Class)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("recording a fetch of %s / %s: %w", ref.Service, ref.Type, err)
	}
	return nil
}
