package watch

import (
	"context"
	"log/slog"
	"time"

	"github.com/policywatch/policywatch/crawler"
)

// Scheduler crawls its targets in the background of a server: at start,
// then whenever documents fall due, one run at a time. Due times live in
// the database, so a restart crawls only what is due.
type Scheduler struct {
	Run     *Run
	Targets []crawler.Target
	// NewFetcher, if set, gives each run a fetcher of its own, so that
	// what a fetcher caches (robots.txt) is read again every run.
	NewFetcher func() Fetcher
	// Recheck bounds the wait between two looks at the due times; an hour,
	// or Every when shorter, when zero.
	Recheck time.Duration
	// Sleep waits d or until ctx is done; a real timer when nil (the seam
	// that lets tests run a schedule without sleeping).
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger
	// OnRun, if set, is told each run's summary.
	OnRun func(Summary, error)
}

// Loop crawls until ctx is cancelled; a run in progress stops within a
// second or so, keeping what it recorded.
func (s *Scheduler) Loop(ctx context.Context) {
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	for {
		if s.NewFetcher != nil {
			s.Run.Fetcher = s.NewFetcher()
		}
		sum, err := s.Run.Once(ctx, s.Targets, true)
		if s.OnRun != nil {
			s.OnRun(sum, err)
		}
		if ctx.Err() != nil {
			logger.Info("crawl stopped", "documents", sum.Documents)
			return
		}
		if err != nil {
			logger.Error("crawl", "err", err)
		} else if sum.Documents > 0 {
			logger.Info("crawl done", "documents", sum.Documents, "new_versions", sum.NewVersions,
				"unchanged", sum.Unchanged, "held", sum.Held, "failed", sum.Failed)
		}
		wait, err := s.untilNextDue(ctx)
		if err != nil {
			logger.Error("reading due times", "err", err)
		}
		if s.sleep(ctx, wait) != nil {
			return
		}
	}
}

// untilNextDue is the time until the earliest due document, at most the
// recheck interval (new declarations appear without a restart only
// through it), and at least a second.
func (s *Scheduler) untilNextDue(ctx context.Context) (time.Duration, error) {
	recheck := s.Recheck
	if recheck <= 0 {
		recheck = min(s.Run.every(), time.Hour)
	}
	states, err := s.Run.Store.CrawlStates(ctx)
	if err != nil {
		return recheck, err
	}
	due := map[[2]string]time.Time{}
	for _, st := range states {
		due[[2]string{st.Service, st.Type}] = st.DueAt
	}
	now := s.Run.now()
	wait := recheck
	for _, t := range s.Targets {
		at, ok := due[[2]string{t.Service, t.Type}]
		if !ok || at.IsZero() {
			return 0, nil
		}
		wait = min(wait, max(at.Sub(now), 0))
	}
	return max(wait, time.Second), nil
}

func (s *Scheduler) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	return sleepFor(ctx, d)
}
