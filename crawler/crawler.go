// Package crawler fetches declared documents politely and hands on what the
// servers sent, byte for byte, or a classified failure — never an error page
// dressed as a capture.
//
// Requests go through Colly (github.com/gocolly/colly/v2), wrapped where it
// falls short: this package obeys robots.txt itself (a 5xx robots.txt is not
// permission), keeps per-host politeness and global parallelism itself
// (Colly's LimitRule is one limit per glob, including the port, and its
// delays ignore cancellation), reads bodies in its own RoundTripper (Colly
// truncates silently at MaxBodySize and converts charsets before its
// callbacks), and adds retries with backoff and conditional requests, which
// Colly has not.
package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
)

// Version is the crawler's release, named in the default User-Agent.
const Version = "0.1"

// Target is one document to fetch: its parts are fetched in order and form
// one capture (all parts or none).
type Target struct {
	Service string
	Type    string
	Sources []Source
	// Validators of the last successful fetch, sent as If-None-Match and
	// If-Modified-Since; used only for single-source targets.
	ETag         string
	LastModified string
}

// Source is one page of a document and the rules that extract it. The
// crawler only fetches; Rules travel with the fetched page to the archive.
type Source struct {
	URL   string
	Rules extract.Options
	// Browser asks for the page to be rendered in a headless browser, its
	// scripts run (a declaration's executeClientScripts): package browser
	// fetches such sources, the crawler fetches them as served.
	Browser bool
	// Screenshot asks the browser for a full-page PNG of the rendered page.
	Screenshot bool
}

// Part is one fetched page.
type Part struct {
	Source       Source
	URL          string // the URL requested
	FinalURL     string // after redirects
	Status       int
	ContentType  string
	Content      []byte // exactly what the server sent, Content-Encoding removed
	ETag         string
	LastModified string
	// Method is how the page was fetched: capture.HTTP here, capture.Browser
	// when package browser rendered it.
	Method capture.Method
	// Screenshot is a full-page PNG of the rendered page, when one was
	// asked for and taken.
	Screenshot []byte
	// Headers are the response headers kept with the capture
	// (capture.HeaderBlock), for a WARC export's response record.
	Headers string
}

// Failure says why a target yielded no capture.
type Failure struct {
	Class   capture.Class // network, http-status, blocked, too-large, empty or script
	Message string
	URL     string
	Status  int
	// BotWall is true for a blocked fetch that met a bot challenge, a login
	// or a cookie wall — not robots.txt — so another way of fetching (the
	// browser) may pass where this one did not.
	BotWall bool
	// Method is how the fetch was tried: capture.HTTP, or capture.Browser.
	Method capture.Method
}

func (f *Failure) Error() string { return string(f.Class) + ": " + f.Message }

// Result is the outcome of one target.
type Result struct {
	Target Target
	At     time.Time // when the fetch started
	// Parts holds every source's page, in order, when the fetch succeeded.
	Parts []Part
	// NotModified is true when the server answered 304 to a conditional
	// request: nothing new, no snapshot.
	NotModified bool
	Failure     *Failure // nil on success
	Attempts    int      // requests made for the target, retries included
	// Duration is how long the fetch took, retries and pauses included.
	Duration time.Duration
}

// Config tunes a crawler; zero fields take the defaults.
type Config struct {
	UserAgent            string        // default names the tool, its version and a contact URL
	Delay                time.Duration // between two requests to one host; default 2 s, negative for none
	Parallelism          int           // documents fetched at once across hosts; default 4
	Timeout              time.Duration // per request; default 30 s
	MaxBodyBytes         int64         // after decompression; default capture.MaxBytes (20 MiB)
	Retries              int           // retries after the first attempt; default 3, negative for none
	BackoffBase          time.Duration // first retry delay, doubled each time, with jitter; default 1 s
	MaxRetryAfter        time.Duration // longest Retry-After honoured before giving up; default 2 min
	IgnoreRobots         bool          // do not read robots.txt
	AllowPrivateNetworks bool          // allow loopback and private addresses (tests, intranets)
	// AllowAddresses are "ip:port" addresses reached although they are not
	// public, when AllowPrivateNetworks is false: one intranet server, or a
	// test's own server while the rest of the loopback stays refused.
	AllowAddresses []string
	// Turns paces the requests to each host (one at a time, Delay between
	// two). Nil keeps this crawler's requests apart; crawler processes
	// sharing one database give a Turns that keeps all of theirs apart.
	Turns HostTurns
}

// HostTurns hands out the turns of hosts: Acquire waits until host may be
// fetched (or ctx is done) and returns the release to call when the
// request has ended.
type HostTurns interface {
	Acquire(ctx context.Context, host string) (release func(), err error)
}

// DefaultUserAgent names the tool, its version and where to read about it.
const DefaultUserAgent = "policywatch/" + Version + " (+https://github.com/policywatch/policywatch)"

func (c Config) withDefaults() Config {
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	switch {
	case c.Delay == 0:
		c.Delay = 2 * time.Second
	case c.Delay < 0:
		c.Delay = 0
	}
	if c.Parallelism <= 0 {
		c.Parallelism = 4
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = capture.MaxBytes
	}
	switch {
	case c.Retries == 0:
		c.Retries = 3
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.BackoffBase <= 0 {
		c.BackoffBase = time.Second
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = 2 * time.Minute
	}
	return c
}

// robotsAgent is the product token robots.txt groups are matched against.
func (c Config) robotsAgent() string { return "policywatch" }

// Config returns the crawler's configuration, defaults filled in.
func (c *Crawler) Config() Config { return c.cfg }

// Crawler fetches targets. Its robots.txt cache lives as long as it does:
// make one per crawl run.
type Crawler struct {
	cfg       Config
	collector *colly.Collector
	client    *http.Client
	transport *rawTransport
	gates     HostTurns
	robots    robotsCache
}

// New returns a crawler configured by cfg.
func New(cfg Config) *Crawler {
	cfg = cfg.withDefaults()
	transport := newRawTransport(cfg)
	col := colly.NewCollector(
		colly.UserAgent(cfg.UserAgent),
		colly.AllowURLRevisit(),        // its visited set grows without bound otherwise
		colly.IgnoreRobotsTxt(),        // obeyed here, with 5xx meaning "no"
		colly.ParseHTTPErrorResponse(), // 204, 304 and errors reach OnResponse
	)
	col.MaxBodySize = 0 // the transport limits, and reports truncation
	col.WithTransport(transport)
	col.SetRequestTimeout(cfg.Timeout)
	col.DisableCookies()
	c := &Crawler{
		cfg:       cfg,
		collector: col,
		transport: transport,
		gates:     cfg.Turns,
		robots:    robotsCache{hosts: map[string]robotsEntry{}},
	}
	if c.gates == nil {
		c.gates = newHostGates(cfg.Delay)
	}
	col.SetRedirectHandler(c.checkRedirect)
	c.client = &http.Client{Transport: transport, Timeout: cfg.Timeout, CheckRedirect: c.checkRedirect}
	return c
}

// Run fetches every target, at most cfg.Parallelism at once, and calls
// onResult for each one that finished (from several goroutines at once).
// When ctx is cancelled, fetches in flight are abandoned without a result
// and Run returns ctx's error promptly.
func (c *Crawler) Run(ctx context.Context, targets []Target, onResult func(Result)) error {
	work := make(chan Target)
	var wg sync.WaitGroup
	for range min(c.cfg.Parallelism, max(len(targets), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				r := c.Fetch(ctx, t)
				if ctx.Err() != nil {
					continue // abandoned: the next crawl fetches it
				}
				onResult(r)
			}
		}()
	}
feed:
	for _, t := range targets {
		select {
		case work <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return ctx.Err()
}

// Fetch fetches one target's sources in order; any failing part fails the
// whole target.
func (c *Crawler) Fetch(ctx context.Context, t Target) (r Result) {
	start := time.Now()
	r = Result{Target: t, At: start.UTC()}
	defer func() {
		r.Duration = time.Since(start)
		if r.Failure != nil && r.Failure.Method == "" {
			r.Failure.Method = capture.HTTP
		}
	}()
	if len(t.Sources) == 0 {
		r.Failure = &Failure{Class: capture.Network, Message: fmt.Sprintf("%s / %s has no URL to fetch", t.Service, t.Type)}
		return r
	}
	conditional := len(t.Sources) == 1
	for _, src := range t.Sources {
		part, notModified, attempts, fail := c.fetchSource(ctx, src, conditional, t)
		r.Attempts += attempts
		if fail != nil {
			r.Parts, r.Failure = nil, fail
			return r
		}
		if notModified {
			r.NotModified = true
			return r
		}
		if reason := WallReason(part.ContentType, part.Content, src.Rules); reason != "" {
			r.Parts, r.Failure = nil, &Failure{Class: capture.Blocked, BotWall: true, URL: part.FinalURL, Status: part.Status,
				Message: fmt.Sprintf("%s answered %d with %s", part.FinalURL, part.Status, reason)}
			return r
		}
		part.Method = capture.HTTP
		r.Parts = append(r.Parts, part)
	}
	return r
}

// fetchSource fetches one page, retrying what may pass.
func (c *Crawler) fetchSource(ctx context.Context, src Source, conditional bool, t Target) (Part, bool, int, *Failure) {
	u, err := sourceURL(src)
	if err != nil {
		return Part{}, false, 0, &Failure{Class: capture.Network, Message: err.Error(), URL: src.URL}
	}
	if fail := c.robotsAllow(ctx, u); fail != nil {
		return Part{}, false, 0, fail
	}
	var etag, lastModified string
	if conditional {
		etag, lastModified = t.ETag, t.LastModified
	}
	for attempt := 1; ; attempt++ {
		out := c.attempt(ctx, u.String(), etag, lastModified)
		if out.failure == nil || !out.retryable || attempt > c.cfg.Retries || ctx.Err() != nil {
			if out.failure != nil {
				out.failure.Message = fmt.Sprintf("%s (after %d attempts)", out.failure.Message, attempt)
			}
			out.part.Source = src
			return out.part, out.notModified, attempt, out.failure
		}
		wait := backoff(c.cfg.BackoffBase, attempt)
		if out.retryAfter > 0 {
			if out.retryAfter > c.cfg.MaxRetryAfter {
				out.failure.Message += fmt.Sprintf(" (Retry-After %s is longer than %s: not retried)", out.retryAfter, c.cfg.MaxRetryAfter)
				return Part{}, false, attempt, out.failure
			}
			wait = out.retryAfter
		}
		if sleep(ctx, wait) != nil {
			return Part{}, false, attempt, &Failure{Class: capture.Network, Message: "cancelled", URL: u.String()}
		}
	}
}

// robotsAllow checks u against its host's robots.txt: nil when allowed
// (or robots.txt is ignored), else the failure to report.
func (c *Crawler) robotsAllow(ctx context.Context, u *url.URL) *Failure {
	if c.cfg.IgnoreRobots {
		return nil
	}
	robots, err := c.robotsRules(ctx, u)
	if err != nil {
		return &Failure{Class: capture.Network, Message: "robots.txt: " + err.Error(), URL: u.String()}
	}
	if robots.data.TestAgent(u.RequestURI(), c.cfg.robotsAgent()) {
		return nil
	}
	msg := "robots.txt of " + u.Host + " disallows " + u.RequestURI()
	if robots.status >= 500 {
		msg = fmt.Sprintf("robots.txt of %s answered %d: a server error is not permission to crawl", u.Host, robots.status)
	}
	return &Failure{Class: capture.Blocked, Message: msg, URL: u.String()}
}

// sourceURL parses a source's URL, refusing other schemes.
func sourceURL(src Source) (*url.URL, error) {
	u, err := url.Parse(src.URL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %v", src.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid URL %q: only absolute http and https URLs are fetched", src.URL)
	}
	return u, nil
}
