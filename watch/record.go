package watch

import (
	"context"
	"errors"
	"fmt"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// record records one fetch result through the archive — a capture
// (combined when the document has several pages), a 304 or a failure —
// with the document's new crawl state in the same transaction. err is only
// for failures to record.
//
// put stores the crawl state in the recording transaction: a worker's
// completes its lease there, so that a fetch whose lease was lost is not
// recorded.
func (r *Run) recordWith(ctx context.Context, res crawler.Result, prev store.CrawlState, put func(*store.Tx, store.CrawlState) error) (Result, error) {
	t := res.Target
	name := t.Service + " / " + t.Type
	out := Result{Service: t.Service, Type: t.Type}
	ref := archive.DocumentRef{Service: t.Service, Type: t.Type}
	if len(t.Sources) > 0 {
		ref.URL = t.Sources[0].URL
	}
	// The state as this fetch leaves it: validators kept from the last
	// capture unless this one brought new ones.
	stateFor := func(class capture.Class) store.CrawlState {
		state := store.CrawlState{Service: t.Service, Type: t.Type, LastAt: res.At, LastClass: string(class),
			DueAt:        r.now().Add(r.jitter(r.every())),
			ValidatedURL: prev.ValidatedURL, ETag: prev.ETag, LastModified: prev.LastModified}
		if class == "" && !res.NotModified && len(res.Parts) == 1 {
			state.ValidatedURL, state.ETag, state.LastModified = t.Sources[0].URL, res.Parts[0].ETag, res.Parts[0].LastModified
		}
		return state
	}
	putState := func(tx *store.Tx, class capture.Class) error { return put(tx, stateFor(class)) }

	switch {
	case res.Failure != nil:
		err := r.Archive.RecordAttempt(ctx, ref, archive.Attempt{At: res.At, Source: capture.Crawl, URL: res.Failure.URL,
			Status: res.Failure.Status, Class: res.Failure.Class, Message: res.Failure.Message, Method: res.Failure.Method, InTx: putState})
		out.Class, out.Line = res.Failure.Class, fmt.Sprintf("%-40s FAILED %s: %s", name, res.Failure.Class, res.Failure.Message)
		return out, err
	case res.NotModified:
		err := r.Archive.RecordAttempt(ctx, ref, archive.Attempt{At: res.At, Source: capture.Crawl, URL: ref.URL, Status: 304, Method: capture.HTTP, InTx: putState})
		out.Line = fmt.Sprintf("%-40s not modified", name)
		return out, err
	}
	c := archive.Capture{At: res.At, Source: capture.Crawl, URL: res.Parts[0].FinalURL, Status: res.Parts[0].Status,
		ContentType: res.Parts[0].ContentType, Content: res.Parts[0].Content, Headers: res.Parts[0].Headers,
		Rules: res.Parts[0].Source.Rules, InTx: putState}
	// One fetch, one method and one screenshot: a document with a rendered
	// part was fetched with the browser, and shows its first screenshot.
	for _, p := range res.Parts {
		if c.Method == "" || p.Method == capture.Browser {
			c.Method = p.Method
		}
		if c.Screenshot == nil {
			c.Screenshot = p.Screenshot
		}
	}
	if len(res.Parts) > 1 {
		parts := make([]archive.Part, len(res.Parts))
		c.PartRules = make([]extract.Options, len(res.Parts))
		for i, p := range res.Parts {
			parts[i] = archive.Part{URL: p.FinalURL, ContentType: p.ContentType, Content: p.Content}
			c.PartRules[i] = p.Source.Rules
		}
		var err error
		if c.Content, c.ContentType, err = archive.CombineParts(parts); err != nil {
			return out, err
		}
		c.Rules = extract.Options{}
		c.Headers = "" // each part's own: the combined capture has none
	}
	recorded, err := r.Archive.Record(ctx, ref, c)
	if class := archive.FailureClass(err); class != "" {
		var fe *archive.FailureError
		errors.As(err, &fe)
		out.Class = class
		if class == capture.Suspect {
			out.Held, out.Line = true, fmt.Sprintf("%-40s HELD %s", name, fe.Message)
			return out, nil
		}
		out.Line = fmt.Sprintf("%-40s FAILED %s: %s", name, class, fe.Message)
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if recorded.NewVersion {
		out.NewVersion, out.Line = true, fmt.Sprintf("%-40s new version %d", name, recorded.VersionID)
		return out, nil
	}
	out.Line = fmt.Sprintf("%-40s unchanged", name)
	return out, nil
}
