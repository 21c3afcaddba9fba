package browser

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
)

// Fetcher fetches each target the way it needs: over HTTP with the
// crawler, in the browser when one of its sources asks to be rendered
// (executeClientScripts) and — with Fallback — in the browser again when
// the HTTP fetch met a bot wall (a failure marked BotWall; never a
// robots.txt refusal). It is a watch.Fetcher: HTTP fetches run at the
// crawler's parallelism, rendered pages on the browser's tabs, at once.
type Fetcher struct {
	HTTP *crawler.Crawler
	// Browser renders pages; nil means none is available, and the
	// documents that need one fail, saying so.
	Browser  *Browser
	Fallback bool
}

// NeedsBrowser reports whether one of t's sources asks to be rendered.
func NeedsBrowser(t crawler.Target) bool {
	for _, src := range t.Sources {
		if src.Browser {
			return true
		}
	}
	return false
}

// job is a target for the browser, and the HTTP failure that sent it
// there when it falls back.
type job struct {
	target   crawler.Target
	fellBack *crawler.Result
}

// Run fetches every target and calls onResult for each one that finished,
// from several goroutines at once. When ctx is cancelled, fetches in
// flight are abandoned without a result and Run returns ctx's error.
func (f *Fetcher) Run(ctx context.Context, targets []crawler.Target, onResult func(crawler.Result)) error {
	var direct []crawler.Target
	var rendered []job
	for _, t := range targets {
		if NeedsBrowser(t) {
			rendered = append(rendered, job{target: t})
		} else {
			direct = append(direct, t)
		}
	}
	tabs := 1
	if f.Browser != nil {
		tabs = f.Browser.cfg.Tabs
	}
	queue := make(chan job)
	var workers sync.WaitGroup
	for range min(tabs, max(len(targets), 1)) {
		workers.Go(func() {
			for j := range queue {
				r := f.render(ctx, j)
				if ctx.Err() != nil {
					continue // abandoned: the next crawl fetches it
				}
				onResult(r)
			}
		})
	}
	send := func(j job) bool {
		select {
		case queue <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var producers sync.WaitGroup
	producers.Go(func() {
		for _, j := range rendered {
			if !send(j) {
				return
			}
		}
	})
	if len(direct) > 0 {
		producers.Go(func() {
			_ = f.HTTP.Run(ctx, direct, func(r crawler.Result) {
				if f.Fallback && f.Browser != nil && r.Failure != nil && r.Failure.BotWall {
					send(job{target: r.Target, fellBack: &r})
					return
				}
				onResult(r)
			})
		})
	}
	producers.Wait()
	close(queue)
	workers.Wait()
	return ctx.Err()
}

// render fetches a target's sources in order, rendering those that ask
// for it (all of them, for a fallback) and fetching the others over HTTP;
// any failing part fails the whole target.
func (f *Fetcher) render(ctx context.Context, j job) (r crawler.Result) {
	t := j.target
	t.ETag, t.LastModified = "", "" // a rendered page is never a conditional request
	start := time.Now()
	r = crawler.Result{Target: t, At: start.UTC()}
	if j.fellBack != nil {
		r.At, r.Attempts = j.fellBack.At, j.fellBack.Attempts
		start = start.Add(-j.fellBack.Duration)
	}
	defer func() { r.Duration = time.Since(start) }()
	if len(t.Sources) == 0 {
		r.Failure = &crawler.Failure{Class: capture.Network, Message: fmt.Sprintf("%s / %s has no URL to fetch", t.Service, t.Type)}
		return r
	}
	for _, src := range t.Sources {
		var part crawler.Part
		var failure *crawler.Failure
		switch {
		case src.Browser || j.fellBack != nil:
			r.Attempts++
			if f.Browser == nil {
				failure = &crawler.Failure{Class: capture.Network, URL: src.URL, Method: capture.Browser,
					Message: fmt.Sprintf("%s must be rendered in a browser (executeClientScripts), and no browser is available", src.URL)}
				break
			}
			part, failure = f.Browser.Render(ctx, f.HTTP, src, src.Screenshot)
			if failure != nil {
				failure.Method = capture.Browser
			}
		default:
			one := f.HTTP.Fetch(ctx, crawler.Target{Service: t.Service, Type: t.Type, Sources: []crawler.Source{src}})
			r.Attempts += one.Attempts
			if failure = one.Failure; failure == nil {
				part = one.Parts[0]
			}
		}
		if failure != nil {
			if j.fellBack != nil {
				failure.Message = fmt.Sprintf("%s; in the browser, after that: %s", j.fellBack.Failure.Message, failure.Message)
			}
			r.Parts, r.Failure = nil, failure
			return r
		}
		r.Parts = append(r.Parts, part)
	}
	return r
}
