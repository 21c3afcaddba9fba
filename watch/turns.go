package watch

import (
	"context"
	"sync"
	"time"

	"github.com/policywatch/policywatch/store"
)

// SharedTurns paces the requests of every worker on a database to each
// host — one at a time, Delay between two — through the database's host
// turns (store.TakeHostTurn), as one crawler paces its own. It is a
// crawler.HostTurns.
type SharedTurns struct {
	Store *store.Store
	// Holder names this process's turns (the worker's name).
	Holder string
	// Delay is the rest after each request to a host.
	Delay time.Duration
	// Hold bounds how long a turn is held: if its holder dies, the host is
	// free again after it. Longer than a request may take.
	Hold time.Duration
	// Now is the workers' clock; time.Now when nil.
	Now func() time.Time

	mu    sync.Mutex
	local map[string]chan struct{}
}

// Acquire waits for host's turn among all workers, or for ctx. One lane of
// this process at a time asks the database for a host; the others wait
// for it here.
func (s *SharedTurns) Acquire(ctx context.Context, host string) (func(), error) {
	lane := s.lane(host)
	select {
	case lane <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	backoff := 5 * time.Millisecond
	for {
		now := s.now()
		took, free, err := s.Store.TakeHostTurn(ctx, host, s.Holder, now, now.Add(s.Hold))
		if err != nil {
			<-lane
			return nil, err
		}
		if took {
			return func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				// On failure the turn is free when Hold runs out.
				_ = s.Store.GiveBackHostTurn(ctx, host, s.Holder, s.now().Add(s.Delay))
				<-lane
			}, nil
		}
		// Until the rest is over, or a holder that may end early is polled.
		wait := min(max(free.Sub(s.now()), time.Millisecond), backoff)
		backoff = min(2*backoff, 500*time.Millisecond)
		if err := sleepFor(ctx, wait); err != nil {
			<-lane
			return nil, err
		}
	}
}

func (s *SharedTurns) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *SharedTurns) lane(host string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.local == nil {
		s.local = map[string]chan struct{}{}
	}
	l := s.local[host]
	if l == nil {
		l = make(chan struct{}, 1)
		s.local[host] = l
	}
	return l
}

// sleepFor waits d or until ctx is done.
func sleepFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
