package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// pageFetcher answers every target with a small policy page of its own,
// without a network, one after another, and stops when ctx is done, as
// the crawler does.
type pageFetcher struct {
	at      time.Time
	fetched []string // services, in order
}

func (f *pageFetcher) Run(ctx context.Context, targets []crawler.Target, onResult func(crawler.Result)) error {
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return err
		}
		f.fetched = append(f.fetched, t.Service)
		page := fmt.Sprintf("<html><body><main><h1>Privacy</h1><p>%s keeps your name for a year.</p></main></body></html>", t.Service)
		onResult(crawler.Result{Target: t, At: f.at, Attempts: 1, Parts: []crawler.Part{{
			Source: t.Sources[0], URL: t.Sources[0].URL, FinalURL: t.Sources[0].URL,
			Status: 200, ContentType: "text/html; charset=utf-8", Content: []byte(page)}}})
	}
	return nil
}

// A run cancelled after three documents stops before the fourth, says so,
// and keeps what it recorded with its crawl state; the next run fetches
// only the documents this one did not reach.
func TestACancelledRunStopsCleanlyAndTheNextGoesOn(t *testing.T) {
	st := openStore(t, storetest.DB(t, "cancel.db"))
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	targets := targetsOf("https://policies.example", 8)
	fetcher := &pageFetcher{at: now}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := &Run{Store: st, Archive: archive.New(st), Fetcher: fetcher, Every: time.Hour,
		Now: func() time.Time { return now }, Jitter: func(d time.Duration) time.Duration { return d },
		Progress: func(done, total int) {
			if done == 3 {
				cancel()
			}
		}}
	sum, err := run.Once(ctx, targets, true)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "crawl interrupted after 3 of 8 documents") {
		t.Errorf("cancelled run: %v", err)
	}
	if sum.Documents != 3 || sum.NewVersions != 3 || len(fetcher.fetched) != 3 {
		t.Fatalf("cancelled run recorded %+v, fetched %v; want 3 and no fourth fetch", sum, fetcher.fetched)
	}
	states, err := st.CrawlStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	docs, err := st.Documents(context.Background(), store.DocumentFilter{})
	if err != nil || len(states) != 3 || len(docs) != 3 {
		t.Fatalf("%d crawl states, %d documents (%v); want the 3 recorded", len(states), len(docs), err)
	}
	for _, s := range states {
		if !slices.Contains(fetcher.fetched, s.Service) || !s.DueAt.Equal(now.Add(time.Hour)) || s.LastClass != "" {
			t.Errorf("crawl state %+v", s)
		}
	}

	// The next run, at the same time, finds only the five never fetched due.
	first := fetcher.fetched
	fetcher.fetched = nil
	run.Progress = nil
	sum, err = run.Once(context.Background(), targets, true)
	if err != nil || sum.Documents != 5 || len(fetcher.fetched) != 5 {
		t.Fatalf("next run: %+v, %v, fetched %v; want the 5 others", sum, err, fetcher.fetched)
	}
	for _, s := range fetcher.fetched {
		if slices.Contains(first, s) {
			t.Errorf("the next run fetched %s again", s)
		}
	}
}
