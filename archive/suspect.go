package archive

import (
	"fmt"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/store"
)

// DefaultShrinkThreshold is the share of its text a crawled document may
// lose in one fetch before the capture is held as suspect: a page cut short
// by a broken server or a half-loaded template must not become a version.
const DefaultShrinkThreshold = 0.5

// SetShrinkThreshold sets the share of text (0 < f ≤ 1) a crawled capture
// may lose against the latest version before it is held as suspect; 1
// disables the rule.
func (a *Archive) SetShrinkThreshold(f float64) error {
	if f <= 0 || f > 1 {
		return fmt.Errorf("archive: shrink threshold %v is not in (0, 1]", f)
	}
	a.shrinkThreshold = f
	return nil
}

// holdsSuspects says whether the suspect rule applies: to crawls only, where
// the next fetch can confirm. Imports are deliberate.
func holdsSuspects(c Capture) bool { return c.Source == capture.Crawl }

// shrankTooMuch says whether the candidate lost more than the threshold of
// the previous version's text.
func (a *Archive) shrankTooMuch(prev store.VersionSummary, candidate store.Version) bool {
	if a.shrinkThreshold >= 1 || prev.Bytes == 0 {
		return false
	}
	return float64(len(candidate.Markdown)) < (1-a.shrinkThreshold)*float64(prev.Bytes)
}

// checkSuspect applies the suspect rule inside Record's transaction, for a
// capture newer than every version. It returns a FailureError when the
// capture is held; nil when it may become a version (not shrunk, or
// confirming the capture held before).
func (a *Archive) checkSuspect(tx *store.Tx, fetch store.Fetch, candidate store.Version) (*FailureError, error) {
	docID := candidate.DocumentID
	prev, err := tx.VersionAt(docID, candidate.CapturedAt)
	if err != nil {
		return nil, err
	}
	held, err := tx.HeldCapture(docID)
	if err != nil {
		return nil, err
	}
	if prev == nil || prev.TextHash == candidate.TextHash || !a.shrankTooMuch(*prev, candidate) {
		if held != nil {
			return nil, tx.ReleaseHeldCapture(docID)
		}
		return nil, nil
	}
	if held != nil && held.TextHash == candidate.TextHash && held.CapturedAt.Before(candidate.CapturedAt) {
		return nil, tx.ReleaseHeldCapture(docID) // confirmed by a second fetch
	}
	suspect := &FailureError{Class: capture.Suspect, Message: fmt.Sprintf(
		"text shrank from %d to %d bytes (more than %.0f%%): held until the next fetch confirms it",
		prev.Bytes, len(candidate.Markdown), a.shrinkThreshold*100)}
	fetch.ErrorClass, fetch.Error = string(suspect.Class), suspect.Message
	id, _, err := tx.AddFetch(fetch)
	if err != nil {
		return nil, err
	}
	if err := tx.HoldCapture(store.HeldCapture{DocumentID: docID, FetchID: id, CapturedAt: candidate.CapturedAt, TextHash: candidate.TextHash}); err != nil {
		return nil, err
	}
	return suspect, nil
}
