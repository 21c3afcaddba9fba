package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// hostGates keep each host to one request at a time with a delay between
// them. Colly's LimitRule cannot do this: one glob rule is one shared limit,
// and its delays ignore cancellation.
type hostGates struct {
	delay time.Duration
	mu    sync.Mutex
	gates map[string]*hostGate
}

type hostGate struct {
	turn chan struct{} // holds a token while the host is being fetched
	last time.Time     // when the previous request to the host ended
}

func newHostGates(delay time.Duration) *hostGates {
	return &hostGates{delay: delay, gates: map[string]*hostGate{}}
}

// Acquire waits for the host's turn and its delay, or for ctx. The caller
// must call the returned release when its request has ended.
func (h *hostGates) Acquire(ctx context.Context, host string) (release func(), err error) {
	h.mu.Lock()
	g := h.gates[host]
	if g == nil {
		g = &hostGate{turn: make(chan struct{}, 1)}
		h.gates[host] = g
	}
	h.mu.Unlock()
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if wait := time.Until(g.last.Add(h.delay)); !g.last.IsZero() && wait > 0 {
		if err := sleep(ctx, wait); err != nil {
			<-g.turn
			return nil, err
		}
	}
	return func() {
		g.last = time.Now()
		<-g.turn
	}, nil
}

// HostTurn waits for host's turn — one fetch at a time per host, the
// configured delay between two — or for ctx. The caller must call release
// when its fetch has ended. The browser takes the turn of a page's host
// for as long as it renders the page, so HTTP fetches and rendered pages
// of one host are paced together.
func (c *Crawler) HostTurn(ctx context.Context, host string) (release func(), err error) {
	return c.gates.Acquire(ctx, host)
}

// Allowed checks u against its host's robots.txt, as every fetch does:
// nil when allowed (or robots.txt is ignored), else the blocked failure
// to report. The browser asks it for every request a page makes.
func (c *Crawler) Allowed(ctx context.Context, u *url.URL) *Failure {
	return c.robotsAllow(ctx, u)
}

// sleep waits d or until ctx is done.
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

// robotsCache keeps each host's robots.txt for one crawler (one run).
type robotsCache struct {
	mu    sync.Mutex
	hosts map[string]robotsEntry
}

type robotsEntry struct {
	data   *robotstxt.RobotsData
	status int // of the robots.txt response
}

// robotsRules fetches and parses a host's robots.txt. A 4xx means no rules;
// a 5xx means "disallow everything" (Colly takes it as permission); a
// network failure is an error, never permission.
func (c *Crawler) robotsRules(ctx context.Context, u *url.URL) (robotsEntry, error) {
	key := u.Scheme + "://" + u.Host
	c.robots.mu.Lock()
	entry, ok := c.robots.hosts[key]
	c.robots.mu.Unlock()
	if ok {
		return entry, nil
	}
	release, err := c.gates.Acquire(ctx, u.Host)
	if err != nil {
		return robotsEntry{}, err
	}
	status, body, err := c.fetchRobots(ctx, key+"/robots.txt")
	release()
	if err != nil {
		return robotsEntry{}, err
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return robotsEntry{}, fmt.Errorf("%s/robots.txt: status %d: %w", key, status, err)
	}
	entry = robotsEntry{data: data, status: status}
	c.robots.mu.Lock()
	c.robots.hosts[key] = entry
	c.robots.mu.Unlock()
	return entry, nil
}

func (c *Crawler) fetchRobots(ctx context.Context, robotsURL string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	res, err := c.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("fetching %s: %w", robotsURL, err)
	}
	defer res.Body.Close()
	var body []byte
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		// The transport has already read (and bounded) the whole body.
		if body, err = io.ReadAll(res.Body); err != nil {
			return 0, nil, fmt.Errorf("reading %s: %w", robotsURL, err)
		}
	}
	return res.StatusCode, body, nil
}
