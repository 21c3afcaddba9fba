package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
)

// scheduler crawls the declared documents in the background of serve: at
// start, then whenever documents fall due, one crawl at a time. Due times
// live in the database, so a restart crawls only what is due.
type scheduler struct {
	st      *store.Store
	arch    *archive.Archive
	cfg     crawler.Config
	targets []crawler.Target
	every   time.Duration
	logger  *slog.Logger
	// recheck bounds the sleep between two looks at the due times.
	recheck time.Duration
}

// run crawls until ctx is cancelled; a crawl in progress stops within a
// second or so, keeping what it recorded.
func (s *scheduler) run(ctx context.Context) {
	for {
		sum, err := crawlOnce(ctx, s.st, s.arch, s.cfg, s.targets, crawlOptions{every: s.every, dueOnly: true})
		if ctx.Err() != nil {
			s.logger.Info("crawl stopped", "documents", sum.documents)
			return
		}
		if err != nil {
			s.logger.Error("crawl", "err", err)
		} else if sum.documents > 0 {
			s.logger.Info("crawl done", "documents", sum.documents, "new_versions", sum.newVersions,
				"unchanged", sum.unchanged, "held", sum.held, "failed", sum.failed)
		}
		wait, err := s.untilNextDue(ctx)
		if err != nil {
			s.logger.Error("reading due times", "err", err)
		}
		if sleep(ctx, wait) != nil {
			return
		}
	}
}

// untilNextDue is the time until the earliest due document, at most
// s.recheck (new declarations appear without a restart only through it).
func (s *scheduler) untilNextDue(ctx context.Context) (time.Duration, error) {
	states, err := s.st.CrawlStates(ctx)
	if err != nil {
		return s.recheck, err
	}
	due := map[[2]string]time.Time{}
	for _, st := range states {
		due[[2]string{st.Service, st.Type}] = st.DueAt
	}
	wait := s.recheck
	for _, t := range s.targets {
		at, ok := due[[2]string{t.Service, t.Type}]
		if !ok || at.IsZero() {
			return 0, nil
		}
		wait = min(wait, max(time.Until(at), 0))
	}
	return max(wait, time.Second), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startScheduler starts crawling in the background when every > 0 and
// returns a function that waits for it to stop (after ctx is cancelled).
func startScheduler(ctx context.Context, st *store.Store, flags crawlFlags, every time.Duration, logger *slog.Logger) (wait func(), err error) {
	if every <= 0 {
		return func() {}, nil
	}
	// A file with errors is logged and left out; the server goes on
	// crawling the other services, as a restart would not fix the file.
	targets, broken, err := loadCrawlTargets(*flags.declarations, "", "", func(p declaration.Problem) {
		if p.Severity == declaration.Error {
			logger.Error("declarations", "problem", p.String())
		} else {
			logger.Warn("declarations", "problem", p.String())
		}
	})
	if err != nil {
		return nil, err
	}
	if broken > 0 {
		logger.Error("declarations", "err", brokenDeclarations(*flags.declarations, broken))
	}
	arch := archive.New(st)
	if err := arch.SetShrinkThreshold(*flags.shrinkFraction); err != nil {
		return nil, usagef("--shrink-threshold: %v", err)
	}
	s := &scheduler{st: st, arch: arch, cfg: flags.config(), targets: targets, every: every, logger: logger, recheck: min(every, time.Hour)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.run(ctx)
	}()
	logger.Info(fmt.Sprintf("crawling %d documents every %s", len(targets), every))
	return func() { <-done }, nil
}
