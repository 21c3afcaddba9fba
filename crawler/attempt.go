package crawler

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/policywatch/policywatch/capture"
)

// attemptOutcome is one request's result.
type attemptOutcome struct {
	part        Part
	notModified bool
	failure     *Failure
	retryable   bool
	retryAfter  time.Duration
}

// attempt makes one request through Colly, waiting for the host's turn.
func (c *Crawler) attempt(ctx context.Context, rawURL, etag, lastModified string) attemptOutcome {
	host := ""
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Host
	}
	release, err := c.gates.Acquire(ctx, host)
	if err != nil {
		message := "cancelled"
		if ctx.Err() == nil { // shared turns: their database failed
			message = "waiting for the turn of " + host + ": " + err.Error()
		}
		return attemptOutcome{failure: &Failure{Class: capture.Network, Message: message, URL: rawURL}}
	}
	defer release()

	var raw rawCapture
	col := c.collector.Clone() // shares the transport; callbacks are per request
	col.Context = withCapture(ctx, &raw)
	hdr := http.Header{}
	hdr.Set("User-Agent", c.cfg.UserAgent)
	hdr.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8")
	if etag != "" {
		hdr.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		hdr.Set("If-Modified-Since", lastModified)
	}
	err = col.Request(http.MethodGet, rawURL, nil, nil, hdr)
	if raw.tooLarge != nil {
		return attemptOutcome{failure: &Failure{Class: capture.TooLarge, Message: raw.tooLarge.Error(), URL: rawURL}}
	}
	if raw.bodyErr != nil {
		// The client's own error would say "awaiting headers": the body is
		// read inside the transport, before the client sees a response.
		return attemptOutcome{failure: &Failure{Class: capture.Network, Message: raw.bodyErr.Error(), URL: rawURL, Status: raw.status}, retryable: true}
	}
	if err != nil {
		return classifyError(rawURL, err)
	}
	if raw.header == nil {
		return attemptOutcome{failure: &Failure{Class: capture.Network, Message: "no response received", URL: rawURL}, retryable: true}
	}
	return classifyResponse(rawURL, raw, etag != "" || lastModified != "")
}

// classifyError turns a transport error into a failure.
func classifyError(rawURL string, err error) attemptOutcome {
	var tooLarge *TooLargeError
	var private *PrivateAddressError
	var disallowed *robotsDisallowed
	switch {
	case errors.As(err, &disallowed):
		return attemptOutcome{failure: disallowed.failure}
	case errors.As(err, &tooLarge):
		return attemptOutcome{failure: &Failure{Class: capture.TooLarge, Message: tooLarge.Error(), URL: rawURL}}
	case errors.As(err, &private):
		return attemptOutcome{failure: &Failure{Class: capture.Network, Message: private.Error(), URL: rawURL}}
	case errors.Is(err, errTooManyRedirects), errors.Is(err, errRedirectScheme):
		return attemptOutcome{failure: &Failure{Class: capture.HTTPStatus, Message: err.Error(), URL: rawURL}}
	}
	msg := err.Error()
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		msg = "timed out: " + msg
	}
	return attemptOutcome{failure: &Failure{Class: capture.Network, Message: msg, URL: rawURL}, retryable: true}
}

// classifyResponse decides whether a response is a capture.
func classifyResponse(rawURL string, raw rawCapture, conditional bool) attemptOutcome {
	part := Part{
		URL: rawURL, FinalURL: raw.url, Status: raw.status,
		ContentType: raw.header.Get("Content-Type"), Content: raw.body,
		ETag: raw.header.Get("ETag"), LastModified: raw.header.Get("Last-Modified"),
		Headers: capture.HeaderBlock(raw.header),
	}
	fail := func(class capture.Class, format string, args ...any) *Failure {
		return &Failure{Class: class, Message: fmt.Sprintf(format, args...), URL: raw.url, Status: raw.status}
	}
	if reason := BlockedReason(raw.status, raw.header, raw.body); reason != "" {
		f := fail(capture.Blocked, "%s answered %d with %s", raw.url, raw.status, reason)
		f.BotWall = true
		return attemptOutcome{failure: f}
	}
	switch s := raw.status; {
	case s == http.StatusNotModified && conditional:
		return attemptOutcome{part: part, notModified: true}
	case s == http.StatusTooManyRequests || s >= 500:
		wait, _ := retryAfter(raw.header, time.Now())
		return attemptOutcome{failure: fail(capture.HTTPStatus, "%s answered %d %s", raw.url, s, http.StatusText(s)), retryable: true, retryAfter: wait}
	case s == http.StatusNoContent:
		return attemptOutcome{failure: fail(capture.Empty, "%s answered 204 No Content", raw.url)}
	case s < 200 || s > 299:
		return attemptOutcome{failure: fail(capture.HTTPStatus, "%s answered %d %s", raw.url, s, http.StatusText(s))}
	case len(raw.body) == 0:
		return attemptOutcome{failure: fail(capture.Empty, "%s answered %d with an empty body", raw.url, s)}
	}
	return attemptOutcome{part: part}
}

// backoff is the wait before retry n (1-based): base·2^(n-1), plus up to
// half of it again at random so that clients do not retry in step.
func backoff(base time.Duration, n int) time.Duration {
	d := base << min(n-1, 10)
	return d + rand.N(d/2+1)
}

var errRedirectScheme = errors.New("redirect to a URL that is not http or https")

// robotsDisallowed is a robots.txt refusal met on a redirect hop.
type robotsDisallowed struct{ failure *Failure }

func (e *robotsDisallowed) Error() string { return e.failure.Message }

// checkRedirect follows at most 10 redirects, to http and https only, and
// only where robots.txt allows: every hop is checked against its host's
// rules, fetched when the redirect leads to a new host.
func (c *Crawler) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("%s: %w (redirect loop?)", via[0].URL, errTooManyRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%s: %w: %s", via[0].URL, errRedirectScheme, req.URL)
	}
	if via[0].URL.Path == "/robots.txt" {
		// Fetching robots.txt itself, under its host's turn: robots.txt
		// rules say nothing about robots.txt, and checking would wait for
		// the turn this fetch holds.
		return nil
	}
	if fail := c.robotsAllow(req.Context(), req.URL); fail != nil {
		fail.Message = fmt.Sprintf("%s redirected to %s, and %s", via[0].URL, req.URL, fail.Message)
		return &robotsDisallowed{failure: fail}
	}
	return nil
}
