package watch

import (
	"context"
	"sync"
	"time"

	"github.com/policywatch/policywatch/store"
)

// DatabaseClock tells the time by the database's clock, for workers on
// several machines: each compares lease and host-turn times that others
// wrote, so they must come from one clock, not from machines that may
// disagree by minutes. It reads the database's clock at most once every
// Refresh and in between adds the time this machine measured passing.
// Use it as Run.Now and SharedTurns.Now.
type DatabaseClock struct {
	Store *store.Store
	// Refresh is how long a reading of the database's clock is used;
	// a minute when zero.
	Refresh time.Duration
	// Local is this machine's clock; time.Now when nil.
	Local func() time.Time

	reading sync.Mutex // held while the database's clock is read

	mu sync.Mutex
	// The last reading: the database's time, and this machine's (with
	// its monotonic clock) when the database read it.
	read, readLocal time.Time
	ok              bool      // a reading was made
	tried           time.Time // the last reading's start, by Local, made or not
}

// Sync reads the database's clock now and returns how far it is ahead of
// this machine's (negative when behind).
func (c *DatabaseClock) Sync(ctx context.Context) (time.Duration, error) {
	before := c.local()
	at, err := c.Store.DatabaseTime(ctx)
	after := c.local()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tried = before
	if err != nil {
		return 0, err
	}
	// The database read its clock about halfway through the round trip.
	mid := before.Add(after.Sub(before) / 2)
	c.read, c.readLocal, c.ok = at, mid, true
	return at.Sub(mid), nil
}

// Now is the time by the database's clock. A caller finding the reading
// stale reads it again while the others go on with it; before the first
// reading, callers wait for it. When the database cannot be read, the last
// reading goes on being used (a worker that cannot reach its database
// fails on its next write anyway); with none, Now is this machine's time
// until the next try.
func (c *DatabaseClock) Now() time.Time {
	now := c.local()
	c.mu.Lock()
	due, first := c.stale(now), !c.ok
	c.mu.Unlock()
	if due {
		if first {
			c.reading.Lock()
		}
		if first || c.reading.TryLock() {
			c.mu.Lock()
			again := c.stale(c.local()) // not read by another caller meanwhile
			c.mu.Unlock()
			if again {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, _ = c.Sync(ctx)
				cancel()
			}
			c.reading.Unlock()
			now = c.local()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok {
		return now
	}
	return c.read.Add(now.Sub(c.readLocal))
}

// stale says whether the last reading is too old at now (or from a time
// after now: this machine's clock went back). c.mu is held.
func (c *DatabaseClock) stale(now time.Time) bool {
	return c.tried.IsZero() || now.Sub(c.tried) >= c.refresh() || now.Before(c.tried)
}

func (c *DatabaseClock) local() time.Time {
	if c.Local != nil {
		return c.Local()
	}
	return time.Now()
}

func (c *DatabaseClock) refresh() time.Duration {
	if c.Refresh > 0 {
		return c.Refresh
	}
	return time.Minute
}
