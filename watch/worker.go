package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/store"
)

// DefaultLease is how long a worker holds a document it leased before
// another worker may take it; the worker renews its leases well before.
const DefaultLease = 5 * time.Minute

// Worker crawls the documents it leases from the work queue that every
// worker on the database shares (store.Lease), many processes on many
// machines at once: each due document is fetched by one of them, a worker
// that dies loses its leases when they run out and another takes them, and
// a fetch is recorded only by the worker still holding its lease (in the
// transaction that records it). Recording is Run's, as for one process.
//
// The workers of a database are meant to share one set of declarations: a
// document a worker leases but does not know is put off by one interval.
type Worker struct {
	Run     *Run
	Targets []crawler.Target
	// Name owns the worker's leases; unique among the workers of a
	// database (host name and process id, for instance).
	Name string
	// Lease is how long a leased document is held (DefaultLease when
	// zero); renewed every third of it while the worker fetches.
	Lease time.Duration
	// Parallelism is the number of documents fetched at once; 4 when zero.
	Parallelism int
	// Poll bounds the wait before looking at the queue again when nothing
	// can be leased; 30 s when zero.
	Poll time.Duration
	// UntilIdle makes Work return when no document is due or leased by
	// any worker (a round is over) instead of waiting for the next.
	UntilIdle bool
	// NewFetcher, if set, gives the worker a fresh fetcher every hour, so
	// that what a fetcher caches (robots.txt) is read again.
	NewFetcher func() Fetcher
	Logger     *slog.Logger
	// Sleep waits d or until ctx is done; a real timer when nil.
	Sleep func(ctx context.Context, d time.Duration) error

	mu        sync.Mutex
	fetcher   Fetcher
	fetcherAt time.Time
}

// WorkSummary is what Work did: Summary's counts, plus the fetches not
// recorded because their lease was lost (another worker records the
// document) and the documents this worker does not declare.
type WorkSummary struct {
	Summary
	LeasesLost, Unknown int
}

// Work queues the worker's targets (due at once when new), then leases,
// fetches and records due documents until ctx is cancelled or, with
// UntilIdle, the round is over. Leases in flight when ctx is cancelled
// are given back. A document that cannot be recorded is logged, given
// back and tried again when next due; Work returns an error only when
// the queue itself cannot be read.
func (w *Worker) Work(ctx context.Context) (WorkSummary, error) {
	if w.Name == "" {
		return WorkSummary{}, errors.New("a worker needs a name to own its leases")
	}
	byKey := map[[2]string]crawler.Target{}
	entries := make([]store.QueueEntry, 0, len(w.Targets))
	for _, t := range w.Targets {
		byKey[[2]string{t.Service, t.Type}] = t
		entries = append(entries, store.QueueEntry{Service: t.Service, Type: t.Type, Host: hostOf(t)})
	}
	if err := w.Run.Store.Enqueue(ctx, entries); err != nil {
		return WorkSummary{}, err
	}

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var renewing sync.WaitGroup
	renewing.Go(func() { w.renew(ctx) })
	defer renewing.Wait()
	defer stop()

	var mu sync.Mutex
	var sum WorkSummary
	var queueErr error
	var wg sync.WaitGroup
	for range w.parallelism() {
		wg.Go(func() {
			err := w.loop(ctx, byKey, func(out Result, lost, unknown bool) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case lost:
					sum.LeasesLost++
				case unknown:
					sum.Unknown++
				default:
					sum.add(out)
				}
			})
			if err != nil {
				mu.Lock()
				if queueErr == nil {
					queueErr = err
				}
				mu.Unlock()
				stop()
			}
		})
	}
	wg.Wait()
	if queueErr != nil {
		return sum, queueErr
	}
	if err := ctx.Err(); err != nil && !w.UntilIdle {
		return sum, err
	}
	return sum, nil
}

// loop is one of the worker's fetching lanes: lease one document, fetch
// it, record it, again.
func (w *Worker) loop(ctx context.Context, byKey map[[2]string]crawler.Target, done func(out Result, lost, unknown bool)) error {
	logger := w.logger()
	idle := 10 * time.Millisecond
	for ctx.Err() == nil {
		now := w.Run.now()
		leased, err := w.Run.Store.Lease(ctx, w.Name, now, now.Add(w.lease()), 1)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if len(leased) == 0 {
			wait, over, err := w.untilMore(ctx, idle)
			if err != nil || over {
				return err
			}
			idle = min(idle*2, time.Second)
			if w.sleep(ctx, wait) != nil {
				return nil
			}
			continue
		}
		idle = 10 * time.Millisecond
		prev := leased[0]
		t, ok := byKey[[2]string{prev.Service, prev.Type}]
		if !ok {
			logger.Warn("leased a document this worker does not declare: put off by one interval",
				"service", prev.Service, "type", prev.Type)
			if err := w.Run.Store.ReleaseLease(ctx, w.Name, prev.Service, prev.Type, now.Add(w.Run.jitter(w.Run.every()))); err != nil && ctx.Err() == nil {
				return err
			}
			done(Result{}, false, true)
			continue
		}
		if len(t.Sources) == 1 && prev.ValidatedURL == t.Sources[0].URL {
			t.ETag, t.LastModified = prev.ETag, prev.LastModified
		}
		settled := false // completed, lost to another worker, or given back
		err = w.currentFetcher().Run(ctx, []crawler.Target{t}, func(res crawler.Result) {
			complete := func(tx *store.Tx, st store.CrawlState) error { return tx.CompleteLease(st, w.Name) }
			out, err := w.Run.recordFetch(ctx, res, prev, complete)
			// Workers recording at once may meet on shared rows (content
			// stored once) and PostgreSQL then aborts one of them.
			for try := 1; try < 3 && store.IsConflict(err); try++ {
				out, err = w.Run.recordFetch(ctx, res, prev, complete)
			}
			switch {
			case errors.Is(err, store.ErrLeaseLost):
				logger.Warn("lease lost while fetching: another worker records this document",
					"service", t.Service, "type", t.Type)
				settled = true
				done(out, true, false)
			case err != nil:
				if ctx.Err() == nil {
					// Not at once: what failed may fail again.
					logger.Error("recording a fetch: tried again later", "service", t.Service, "type", t.Type,
						"in", retryAfterError, "err", err)
					if err := w.Run.Store.ReleaseLease(ctx, w.Name, t.Service, t.Type, w.Run.now().Add(retryAfterError)); err == nil {
						settled = true // given back
					}
				}
			default:
				settled = true
				done(out, false, false)
			}
		})
		if !settled {
			// Abandoned or not recorded: back to the queue at once, so
			// that the next worker need not wait for the lease to run out.
			w.giveBack(prev)
		}
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("fetching %s / %s: %w", t.Service, t.Type, err)
		}
	}
	return nil
}

// untilMore says how long to wait before leasing again, or that the
// round is over (UntilIdle, and nothing due or leased anywhere).
func (w *Worker) untilMore(ctx context.Context, idle time.Duration) (time.Duration, bool, error) {
	now := w.Run.now()
	q, err := w.Run.Store.Queue(ctx, now)
	if err != nil {
		if ctx.Err() != nil {
			return 0, true, nil
		}
		return 0, true, err
	}
	if w.UntilIdle && q.Due == 0 && q.Leased == 0 {
		return 0, true, nil
	}
	if q.Due > 0 {
		return idle, false, nil // due, but its host is busy or resting
	}
	wait := w.poll()
	for _, at := range []time.Time{q.NextDue, q.NextExpiry} {
		if !at.IsZero() {
			wait = min(wait, max(at.Sub(now), idle))
		}
	}
	return wait, false, nil
}

// renew keeps the worker's leases from running out while it holds them.
func (w *Worker) renew(ctx context.Context) {
	every := w.lease() / 3
	for w.sleep(ctx, every) == nil {
		if _, err := w.Run.Store.RenewLeases(ctx, w.Name, w.Run.now().Add(w.lease())); err != nil && ctx.Err() == nil {
			w.logger().Error("renewing leases", "err", err)
		}
	}
}

// giveBack releases a lease unfetched; on cancellation too, so it uses
// its own short context.
func (w *Worker) giveBack(st store.CrawlState) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.Run.Store.ReleaseLease(ctx, w.Name, st.Service, st.Type, time.Time{}); err != nil {
		w.logger().Warn("giving a lease back (it runs out by itself)", "service", st.Service, "type", st.Type, "err", err)
	}
}

func (w *Worker) currentFetcher() Fetcher {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.NewFetcher != nil && (w.fetcher == nil || time.Since(w.fetcherAt) > time.Hour) {
		w.fetcher, w.fetcherAt = w.NewFetcher(), time.Now()
	}
	if w.fetcher == nil {
		w.fetcher = w.Run.Fetcher
	}
	return w.fetcher
}

// retryAfterError is when a document whose fetch could not be recorded
// is tried again.
const retryAfterError = 5 * time.Minute

func (w *Worker) sleep(ctx context.Context, d time.Duration) error {
	if w.Sleep != nil {
		return w.Sleep(ctx, d)
	}
	return sleepFor(ctx, d)
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return DefaultLease
}

func (w *Worker) parallelism() int {
	if w.Parallelism > 0 {
		return w.Parallelism
	}
	return 4
}

func (w *Worker) poll() time.Duration {
	if w.Poll > 0 {
		return w.Poll
	}
	return 30 * time.Second
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	if w.Run.Logger != nil {
		return w.Run.Logger
	}
	return slog.Default()
}

// hostOf is the "host:port" a target's first page is fetched from, as
// the crawler's host turns name it.
func hostOf(t crawler.Target) string {
	if len(t.Sources) == 0 {
		return ""
	}
	u, err := url.Parse(t.Sources[0].URL)
	if err != nil {
		return ""
	}
	return u.Host
}
