package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/metrics"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/watch"
)

// startScheduler starts crawling in the background when every > 0 and
// returns a function that waits for it to stop (after ctx is cancelled).
func startScheduler(ctx context.Context, st *store.Store, flags crawlFlags, every time.Duration, logger *slog.Logger, m *metrics.Metrics) (wait func(), err error) {
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
	arch, err := flags.archiveOn(st)
	if err != nil {
		return nil, err
	}
	if problem := flags.browser.missing(targets); problem != "" {
		logger.Warn("browser", "problem", problem)
	}
	// One browser for the server's life, started by the first page that
	// needs it and stopped after each crawl: between crawls it holds no
	// memory.
	br := flags.browser.newBrowser(logger)
	s := &watch.Scheduler{
		Run: &watch.Run{Store: st, Archive: arch, Every: every, Logger: logger,
			Observe: func(r watch.Result) {
				m.ObserveFetch(metrics.Fetch{Outcome: r.Outcome(), Class: string(r.Class), FetchDuration: r.FetchDuration, RecordDuration: r.RecordDuration})
			}},
		NewFetcher: func() watch.Fetcher {
			return flags.browser.fetcher(crawler.New(flags.config()), br)
		},
		OnRun: func(watch.Summary, error) {
			br.Stop()
			stats := br.TakeStats()
			m.ObserveBrowser(stats.Pages, stats.Peak.RSS, stats.Peak.PSS)
			if line := browserLine(stats); line != "" {
				logger.Info(line)
			}
		},
		Targets: targets, Logger: logger,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer br.Close()
		s.Loop(ctx)
	}()
	logger.Info(fmt.Sprintf("crawling %d documents every %s", len(targets), every))
	return func() { <-done }, nil
}
