package wayback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// CursorSource is the import cursors' source of the backfill; each
// document's cursor is keyed "SERVICE/TYPE".
const CursorSource = "wayback"

// Target is a document to backfill.
type Target struct {
	Service, Type string
	URL           string // the page whose captures are wanted
	// Rules, if set, are the extraction rules in force at a capture's time
	// (the declaration's, with its history).
	Rules func(at time.Time) extract.Options
}

// Options select the captures.
type Options struct {
	From, To time.Time     // zero for no bound
	Every    time.Duration // at most one capture per period; 0 for all
	// Progress, if set, is told after each capture handled how many of the
	// document's selected captures are done.
	Progress func(t Target, done, total int)
}

// Result is what the backfill of one document did.
type Result struct {
	Target      Target
	Listed      int // captures the CDX API listed in the range, duplicates dropped
	Selected    int // of those, the ones --every keeps
	Recorded    int // captures recorded now
	Already     int // recorded by an earlier run
	NewVersions int
	Failed      int // recorded as failed fetches: the text could not be extracted
	Unavailable int // captures the Archive would not serve (4xx, too large)
	Err         error
}

// Backfill records the Wayback Machine's captures of each target, one
// document after another. A document whose captures cannot be listed or
// fetched (the Archive is down, or slowing us down for longer than we
// wait) ends with Err set, where the next run goes on; the others carry
// on. The error returned is for the context's end or the database.
func Backfill(ctx context.Context, c *Client, st *store.Store, ar *archive.Archive, targets []Target, opts Options) ([]Result, error) {
	var results []Result
	for _, t := range targets {
		r, err := backfillOne(ctx, c, st, ar, t, opts)
		results = append(results, r)
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

func backfillOne(ctx context.Context, c *Client, st *store.Store, ar *archive.Archive, t Target, opts Options) (Result, error) {
	res := Result{Target: t}
	ref := archive.DocumentRef{Service: t.Service, Type: t.Type, URL: t.URL}.Canonical()
	key := ref.Service + "/" + ref.Type
	cursor, hasCursor, err := st.ImportCursor(ctx, CursorSource, key)
	if err != nil {
		return res, err
	}
	// Everything from the cursor's range start to its position is done:
	// when this run's range starts no earlier, list from the position on.
	from, origin := opts.From, opts.From
	if hasCursor && !cursor.OriginAt.After(opts.From) && cursor.At.After(opts.From) {
		from, origin = cursor.At, cursor.OriginAt
	}
	snaps, err := c.Captures(ctx, t.URL, from, opts.To)
	if err != nil {
		res.Err = err
		return res, ctx.Err()
	}
	res.Listed = len(snaps)
	snaps = Sample(snaps, opts.Every)
	res.Selected = len(snaps)
	done, err := recordedAt(ctx, st, ref)
	if err != nil {
		return res, err
	}
	for i, s := range snaps {
		if opts.Progress != nil {
			opts.Progress(t, i, len(snaps))
		}
		if done[s.At.UnixNano()] {
			res.Already++
			continue
		}
		page, err := c.Fetch(ctx, s)
		var se *StatusError
		switch {
		case ctx.Err() != nil:
			return res, ctx.Err()
		case errors.Is(err, ErrTooLarge), errors.As(err, &se) && se.Permanent():
			res.Unavailable++
			continue
		case err != nil:
			// Stop here, before the cursor passes a capture not recorded.
			res.Err = err
			return res, nil
		case len(page.Content) == 0:
			res.Unavailable++
			continue
		}
		capt := archive.Capture{At: s.At, Source: capture.Wayback, URL: s.Original, ContentType: page.ContentType, Content: page.Content,
			Status: s.Status, Headers: page.Headers}
		if t.Rules != nil {
			capt.Rules = t.Rules(s.At)
		}
		capt.Rules.BaseURL = s.Original // links resolve against the page, not the Archive
		next := store.ImportCursor{Source: CursorSource, Document: key, Position: s.Timestamp, At: s.At, OriginAt: origin}
		capt.InTx = func(tx *store.Tx, _ capture.Class) error { return tx.PutImportCursor(next) }
		out, err := ar.Record(ctx, ref, capt)
		if err != nil && archive.FailureClass(err) == "" {
			return res, fmt.Errorf("%s / %s: capture of %s: %w", ref.Service, ref.Type, s.Timestamp, err)
		}
		res.Recorded++
		if err != nil {
			res.Failed++
		} else if out.NewVersion {
			res.NewVersions++
		}
	}
	if opts.Progress != nil {
		opts.Progress(t, len(snaps), len(snaps))
	}
	return res, nil
}

// recordedAt is the set of times (Unix nanoseconds) the document already
// has a capture from the Wayback Machine at.
func recordedAt(ctx context.Context, st *store.Store, ref archive.DocumentRef) (map[int64]bool, error) {
	set := map[int64]bool{}
	docs, err := st.Documents(ctx, store.DocumentFilter{Service: ref.Service, Type: ref.Type})
	if err != nil || len(docs) == 0 {
		return set, err
	}
	fetches, err := st.Fetches(ctx, docs[0].ID)
	if err != nil {
		return nil, err
	}
	for _, f := range fetches {
		if f.Source == string(capture.Wayback) {
			set[f.At.UnixNano()] = true
		}
	}
	return set, nil
}
