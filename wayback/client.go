// Package wayback backfills documents' history from the Internet
// Archive's Wayback Machine: the CDX API lists a URL's captures, each is
// fetched raw (the id_ form of its address) and recorded through
// archive.Record with its archive date and source capture.Wayback.
//
// The client is polite: one request at a time, a pause between requests,
// retries with backoff on 429 and 5xx that honour Retry-After, a time
// limit per request and a bound on every body.
package wayback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/policywatch/policywatch/capture"
)

// DefaultBaseURL is the Wayback Machine.
const DefaultBaseURL = "http://web.archive.org"

// Defaults of a Client. The Internet Archive publishes no single figure;
// the limit its staff give for the CDX API is 60 requests a minute per IP
// address, averaged over five minutes, shared by every client behind that
// address (edgi-govdata-archiving/wayback#153), and it answers 429, then
// blocks, above it. One request every 5 s, 12 a minute, for the listing
// and the captures alike, stays well below even with other clients on the
// same address.
const (
	DefaultInterval = 5 * time.Second
	DefaultTimeout  = 60 * time.Second
	DefaultMaxBody  = capture.MaxBytes // as the crawler's limit for a page
	DefaultRetries  = 4
	DefaultBackoff  = 10 * time.Second
	// MaxRetryAfter is the longest Retry-After waited for; a longer one
	// ends the backfill of the document (the next run goes on).
	MaxRetryAfter = 10 * time.Minute
	maxCDXBody    = 64 << 20
	maxBackoff    = 5 * time.Minute
)

// Client talks to a Wayback Machine. The zero value is not usable: make
// one with NewClient.
type Client struct {
	BaseURL   string
	HTTP      *http.Client
	Interval  time.Duration // between the start of two requests
	Timeout   time.Duration // of one request, body included
	MaxBody   int64         // the largest capture accepted
	Retries   int           // retries of a request after a 429, a 5xx or a network error
	Backoff   time.Duration // the first wait before a retry; doubled each time
	UserAgent string

	mu   sync.Mutex // one request at a time
	last time.Time
}

// NewClient returns a client of the Wayback Machine at baseURL ("" for
// DefaultBaseURL) with the defaults above.
func NewClient(baseURL string) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("wayback: %q is not an http or https base URL", baseURL)
	}
	return &Client{
		BaseURL:  strings.TrimSuffix(baseURL, "/"),
		HTTP:     &http.Client{},
		Interval: DefaultInterval, Timeout: DefaultTimeout, MaxBody: DefaultMaxBody,
		Retries: DefaultRetries, Backoff: DefaultBackoff,
		UserAgent: "policywatch-backfill (+https://github.com/policywatch/policywatch)",
	}, nil
}

// StatusError is an answer with an error status that retrying did not
// cure (or that retrying cannot cure: a 404).
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// Permanent reports whether asking again would not help (a 4xx but 429).
func (e *StatusError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests
}

// ErrTooLarge is a body over the client's limit.
var ErrTooLarge = errors.New("the answer is larger than the size limit")

// get fetches rawURL politely and returns its body (at most limit bytes)
// and headers, retrying what may pass.
func (c *Client) get(ctx context.Context, rawURL string, limit int64) ([]byte, http.Header, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	backoff := c.Backoff
	for attempt := 0; ; attempt++ {
		if err := sleep(ctx, time.Until(c.last.Add(c.Interval))); err != nil {
			return nil, nil, err
		}
		c.last = time.Now()
		body, header, wait, err := c.once(ctx, rawURL, limit)
		if err == nil {
			return body, header, nil
		}
		var se *StatusError
		retryable := ctx.Err() == nil && !errors.Is(err, ErrTooLarge) && !(errors.As(err, &se) && se.Permanent())
		if !retryable || attempt >= c.Retries {
			if retryable && attempt > 0 {
				return nil, nil, fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return nil, nil, err
		}
		if wait > MaxRetryAfter {
			return nil, nil, fmt.Errorf("%w: the server asks to wait %s (Retry-After), longer than %s", err, wait, MaxRetryAfter)
		}
		if wait < backoff {
			wait = backoff
		}
		backoff = min(2*backoff, maxBackoff)
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, err
		}
	}
}

// once makes one request. wait is what a Retry-After header asks for.
func (c *Client) once(ctx context.Context, rawURL string, limit int64) (body []byte, header http.Header, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("wayback: %w", err)
	}
	req.Header.Set("User-Agent", c.UserAgent)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("wayback: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
		return nil, nil, retryAfter(resp.Header.Get("Retry-After")), &StatusError{URL: rawURL, Status: resp.StatusCode}
	}
	if resp.ContentLength > limit {
		return nil, nil, 0, fmt.Errorf("wayback: %s: %d bytes: %w (%d bytes)", rawURL, resp.ContentLength, ErrTooLarge, limit)
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("wayback: %s: reading the body: %w", rawURL, err)
	}
	if int64(len(body)) > limit {
		return nil, nil, 0, fmt.Errorf("wayback: %s: %w (%d bytes)", rawURL, ErrTooLarge, limit)
	}
	return body, resp.Header, 0, nil
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
