// Package watch is the crawl run: which declared documents are due, fetching
// them through the crawler, recording every result through the archive, and
// the crawl state that lets the next run (or a restarted server) go on where
// this one stopped. Scheduler repeats runs as documents fall due.
//
// The fetcher and the clock are seams: tests give a Fetcher that answers
// without a network and a clock that does not sleep.
package watch

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/store"
)

// DefaultEvery is the interval a fetched document is next due after.
const DefaultEvery = 6 * time.Hour

// Fetcher fetches targets and reports each result, from several goroutines
// at once; *crawler.Crawler is one.
type Fetcher interface {
	Run(ctx context.Context, targets []crawler.Target, onResult func(crawler.Result)) error
}

// Run is one crawl over a set of targets.
type Run struct {
	Store   *store.Store
	Archive *archive.Archive
	Fetcher Fetcher
	// Every is when a fetched document is next due (spread by Jitter);
	// DefaultEvery when zero.
	Every time.Duration
	// Now and Jitter are the clock seams; time.Now and ±10 % when nil.
	Now    func() time.Time
	Jitter func(time.Duration) time.Duration
	// Progress, if set, is told after each document.
	Progress func(done, total int)
	// Logger, if set, gets one event per fetch: document, status, class,
	// duration and bytes. Observe, if set, is told each result (metrics).
	Logger  *slog.Logger
	Observe func(Result)
}

// Summary counts what one run did; Results has one line per document, in
// the order they finished.
type Summary struct {
	Documents, NewVersions, Unchanged, Held, Failed int
	Results                                         []Result
}

// Result is what recording one document's fetch did.
type Result struct {
	Service, Type string
	Class         capture.Class // the failure class; "" when recorded (or not modified)
	NewVersion    bool
	Held          bool // suspect: kept until the next fetch confirms it
	NotModified   bool
	Line          string
	// What the fetch was: its HTTP status (of the first page), the bytes
	// received, and how long fetching and recording took.
	Status         int
	Bytes          int
	FetchDuration  time.Duration
	RecordDuration time.Duration
}

// Outcome names what the fetch did, for logs and metrics: new-version,
// unchanged, not-modified, held or failed.
func (r Result) Outcome() string {
	switch {
	case r.Held:
		return "held"
	case r.Class != "":
		return "failed"
	case r.NotModified:
		return "not-modified"
	case r.NewVersion:
		return "new-version"
	}
	return "unchanged"
}

// Once fetches the targets — never-fetched and longest-unfetched first;
// with dueOnly, only those due — and records each result with its crawl
// state in one transaction, so a run killed at any moment loses at most
// the documents in flight. It returns ctx's error when cancelled; what was
// recorded stays recorded.
func (r *Run) Once(ctx context.Context, targets []crawler.Target, dueOnly bool) (Summary, error) {
	now := r.now()
	states, err := r.Store.CrawlStates(ctx)
	if err != nil {
		return Summary{}, err
	}
	byKey := map[[2]string]store.CrawlState{}
	for _, s := range states {
		byKey[[2]string{s.Service, s.Type}] = s
	}
	var todo []crawler.Target
	for _, t := range targets {
		s := byKey[[2]string{t.Service, t.Type}]
		if dueOnly && !s.DueAt.IsZero() && s.DueAt.After(now) {
			continue
		}
		if len(t.Sources) == 1 && s.ValidatedURL == t.Sources[0].URL {
			t.ETag, t.LastModified = s.ETag, s.LastModified
		}
		todo = append(todo, t)
	}
	sort.SliceStable(todo, func(i, j int) bool {
		return byKey[[2]string{todo[i].Service, todo[i].Type}].LastAt.Before(byKey[[2]string{todo[j].Service, todo[j].Type}].LastAt)
	})

	var mu sync.Mutex
	var sum Summary
	var recordErr error
	err = r.Fetcher.Run(ctx, todo, func(res crawler.Result) {
		prev := byKey[[2]string{res.Target.Service, res.Target.Type}]
		out, err := r.recordFetch(ctx, res, prev, (*store.Tx).PutCrawlState)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if ctx.Err() == nil && recordErr == nil {
				recordErr = err
			}
			return
		}
		sum.add(out)
		if r.Progress != nil {
			r.Progress(sum.Documents, len(todo))
		}
	})
	if err != nil {
		return sum, fmt.Errorf("crawl interrupted after %d of %d documents: %w", sum.Documents, len(todo), err)
	}
	return sum, recordErr
}

// recordFetch records one fetch's result (see recordWith), measures it,
// and reports it when recorded.
func (r *Run) recordFetch(ctx context.Context, res crawler.Result, prev store.CrawlState, put func(*store.Tx, store.CrawlState) error) (Result, error) {
	recordStart := time.Now()
	out, err := r.recordWith(ctx, res, prev, put)
	out.FetchDuration, out.RecordDuration = res.Duration, time.Since(recordStart)
	out.NotModified = res.NotModified
	for i, p := range res.Parts {
		out.Bytes += len(p.Content)
		if i == 0 {
			out.Status = p.Status
		}
	}
	if res.Failure != nil {
		out.Status = res.Failure.Status
	} else if res.NotModified {
		out.Status = 304
	}
	if err == nil {
		r.report(out)
	}
	return out, err
}

// add counts one recorded result.
func (sum *Summary) add(out Result) {
	sum.Documents++
	switch {
	case out.Held:
		sum.Held++
	case out.Class != "":
		sum.Failed++
	case out.NewVersion:
		sum.NewVersions++
	default:
		sum.Unchanged++
	}
	sum.Results = append(sum.Results, out)
}

// report logs and observes one recorded result.
func (r *Run) report(out Result) {
	if r.Logger != nil {
		attrs := []any{"service", out.Service, "type", out.Type, "outcome", out.Outcome(), "status", out.Status,
			"bytes", out.Bytes, "duration", out.FetchDuration.Round(time.Millisecond), "record", out.RecordDuration.Round(time.Millisecond)}
		if out.Class != "" {
			attrs = append(attrs, "class", string(out.Class))
		}
		r.Logger.Info("fetch", attrs...)
	}
	if r.Observe != nil {
		r.Observe(out)
	}
}

func (r *Run) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Run) every() time.Duration {
	if r.Every > 0 {
		return r.Every
	}
	return DefaultEvery
}

func (r *Run) jitter(d time.Duration) time.Duration {
	if r.Jitter != nil {
		return r.Jitter(d)
	}
	return Jittered(d)
}

// Jittered spreads due times by ±10 % so that documents declared together
// do not stay in lockstep.
func Jittered(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := d / 10
	return d - spread + rand.N(2*spread+1)
}
