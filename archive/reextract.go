package archive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// Re-extraction regenerates every version from the stored snapshots with
// the current extractor (extract.Release). A document whose texts come out
// the same keeps its history as it is (versions, ids and changes); only
// the extractor release is noted on its versions. A document whose texts
// differ gets its versions and changes recorded again, in capture order,
// through the same placement as Record, in one transaction.

// ReextractOptions says how to re-extract.
type ReextractOptions struct {
	// Rules gives the rules of a document's declaration in force at a
	// capture's time (declarations change: Open Terms Archive keeps past
	// ones with the date they stopped applying); ok false means none are
	// known. Documents captured by crawling are skipped when Rules is nil
	// or knows none: without their rules the whole page would be taken.
	Rules func(d store.Document, capturedAt time.Time) (rules extract.Options, ok bool)
	// Progress, if set, is told each document's result as it is done.
	Progress func(ReextractResult)
}

// ReextractResult says what re-extraction did to one document.
type ReextractResult struct {
	Document store.Document
	// Before and After are the numbers of versions.
	Before, After int
	// Rewritten is true when the history was recorded again.
	Rewritten bool
	// Skipped, when set, says why the document was left alone.
	Skipped string
	// Unreadable counts the captures the current extractor cannot read
	// (they are left out of the history, as Record leaves them out).
	Unreadable int
}

// maxReextractRetries bounds the retries when captures arrive while a
// document is being re-extracted.
const maxReextractRetries = 3

// Reextract re-extracts every document of the store.
func (a *Archive) Reextract(ctx context.Context, opts ReextractOptions) ([]ReextractResult, error) {
	docs, err := a.store.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		return nil, err
	}
	var results []ReextractResult
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		r, err := a.reextractDocument(ctx, d, opts)
		if err != nil {
			return results, fmt.Errorf("re-extracting %s / %s: %w", d.Service, d.Type, err)
		}
		results = append(results, r)
		if opts.Progress != nil {
			opts.Progress(r)
		}
	}
	return results, nil
}

// reextracted is one capture's text under the current extractor.
type reextracted struct {
	version store.Version
	doc     *extract.Document
}

func (a *Archive) reextractDocument(ctx context.Context, d store.Document, opts ReextractOptions) (ReextractResult, error) {
	result := ReextractResult{Document: d, Before: d.Versions, After: d.Versions}
	for attempt := 0; ; attempt++ {
		fetches, err := a.store.Fetches(ctx, d.ID)
		if err != nil {
			return result, err
		}
		rulesAt := func(time.Time) extract.Options { return extract.Options{} }
		known := false
		if opts.Rules != nil {
			_, known = opts.Rules(d, time.Now())
			rulesAt = func(at time.Time) extract.Options {
				rules, _ := opts.Rules(d, at)
				return rules
			}
		}
		if !known && slices.ContainsFunc(fetches, func(f store.Fetch) bool { return capture.Source(f.Source).Declared() }) {
			result.Skipped = "captures crawled or imported with a declaration need its rules"
			return result, nil
		}
		chain, unreadable, lastFetch, err := a.extractHistory(ctx, fetches, rulesAt, d.Type)
		if err != nil {
			return result, err
		}
		result.Unreadable = unreadable
		retry := false
		err = a.store.Write(ctx, func(tx *store.Tx) error {
			retry = false
			last, err := tx.LastFetchID(d.ID)
			if err != nil {
				return err
			}
			if last != lastFetch {
				retry = true // a capture arrived meanwhile: read again
				return nil
			}
			current, err := tx.VersionsOf(d.ID)
			if err != nil {
				return err
			}
			result.Before, result.After, result.Rewritten = len(current), len(chain), false
			if sameHistory(current, chain) {
				for i, v := range current {
					if v.Extractor != extract.Release || v.Words != chain[i].version.Words {
						if err := tx.SetVersionExtractor(v.ID, extract.Release, chain[i].version.Words); err != nil {
							return err
						}
					}
					// The texts stand; the search index and the measures
					// are made again from them, with this release.
					doc, err := decodeDocument(v)
					if err != nil {
						return err
					}
					if err := textFactsOf(doc, v.Markdown, chain[i].version.Words).write(tx, v.ID); err != nil {
						return err
					}
				}
				// The texts stand; their changes and marks may be of an
				// older release.
				if _, err := refreshChanges(tx, d.ID); err != nil {
					return err
				}
				_, err := refreshStaleMarks(tx, d.ID)
				return err
			}
			if err := tx.DeleteHistory(d.ID); err != nil {
				return err
			}
			for _, r := range chain {
				var out Outcome
				candidate := r.version
				candidate.DocumentID = d.ID
				if _, err := placeVersion(tx, &out, &candidate, r.doc, nil, nil); err != nil {
					return err
				}
			}
			result.Rewritten = true
			_, err = refreshMarks(tx, d.ID)
			return err
		})
		if err != nil {
			return result, err
		}
		if !retry {
			return result, nil
		}
		if attempt >= maxReextractRetries {
			return result, errors.New("captures keep arriving; try again later")
		}
	}
}

// extractHistory extracts each usable capture, oldest first, and returns
// the chain of distinct consecutive texts (each dated by its first
// capture), the number of captures that could not be read, and the id of
// the newest fetch seen.
func (a *Archive) extractHistory(ctx context.Context, fetches []store.Fetch, rulesAt func(time.Time) extract.Options, docType string) ([]reextracted, int, int64, error) {
	var lastFetch int64
	usable := make([]store.Fetch, 0, len(fetches))
	for _, f := range fetches {
		lastFetch = max(lastFetch, f.ID)
		if f.SnapshotHash == "" || !reextractable(f.ErrorClass) {
			continue
		}
		usable = append(usable, f)
	}
	// Fetches come newest first; history is built oldest first.
	slices.SortStableFunc(usable, func(x, y store.Fetch) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return compareIDs(x.ID, y.ID)
	})
	type extracted struct {
		version store.Version
		doc     *extract.Document
		err     error
	}
	bySnapshot := map[string]extracted{}
	var chain []reextracted
	unreadable := 0
	for _, f := range usable {
		rules := rulesAt(f.At)
		key := f.SnapshotHash + "\x00" + fmt.Sprint(rules) // the same bytes under other rules are another text
		e, seen := bySnapshot[key]
		if !seen {
			snap, err := a.store.Snapshot(ctx, f.SnapshotHash)
			if err != nil {
				return nil, 0, 0, err
			}
			captureRules := rules
			if captureRules.BaseURL == "" && isAbsoluteURL(f.URL) {
				captureRules.BaseURL = f.URL
			}
			e.doc, e.err = extractCapture(Capture{Content: snap.Content, ContentType: snap.ContentType, URL: f.URL, Rules: captureRules}, captureRules, docType)
			if e.err == nil {
				e.version, e.err = versionOf(e.doc, f.At, false)
				e.version.SnapshotHash = f.SnapshotHash
			}
			bySnapshot[key] = e
		}
		if e.err != nil {
			unreadable++
			continue
		}
		if n := len(chain); n > 0 && chain[n-1].version.TextHash == e.version.TextHash {
			continue
		}
		v := e.version
		v.CapturedAt = f.At.UTC()
		v.SnapshotHash = f.SnapshotHash
		chain = append(chain, reextracted{version: v, doc: e.doc})
	}
	return chain, unreadable, lastFetch, nil
}

// reextractable reports fetches whose snapshot belongs in the history: the
// successful ones, and those the extractor of the time could not read
// (the current one may). Suspect captures stay held.
func reextractable(errorClass string) bool {
	switch capture.Class(errorClass) {
	case "", capture.Empty, capture.Extract, capture.SelectorMissing, capture.Filter:
		return true
	}
	return false
}

func compareIDs(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// sameHistory reports whether the stored versions are the new chain: the
// same texts, byte for byte, first captured at the same times.
func sameHistory(current []store.Version, chain []reextracted) bool {
	if len(current) != len(chain) {
		return false
	}
	for i, v := range current {
		n := chain[i].version
		if !v.CapturedAt.Equal(n.CapturedAt) || v.Markdown != n.Markdown || v.TextHash != n.TextHash {
			return false
		}
	}
	return true
}
