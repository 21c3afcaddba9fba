package notify

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff is how long to wait after the nth failed attempt (n ≥ 1): base
// doubled each time, at most max, jittered into its upper half so that
// deliveries failing together spread out without coming back early.
func backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	if half := d / 2; half > 0 {
		d = half + rand.N(half+1)
	}
	return d
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date. A
// date in the past means now.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(100*365*24*time.Hour/time.Second) {
			secs = int64(100 * 365 * 24 * time.Hour / time.Second) // a bound keeps the Duration from overflowing
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// nextAttempt says what becomes of a delivery whose attempt n failed: it
// fails for good after maxAttempts; otherwise it waits as the receiver
// asked (Retry-After, bounded by maxRetryAfter) or by backoff.
func (o Options) nextAttempt(n int, failed outcome, now time.Time) (giveUp bool, at time.Time) {
	if n >= o.MaxAttempts {
		return true, time.Time{}
	}
	if failed.hasRetry {
		return false, now.Add(min(failed.retryAfter, o.MaxRetryAfter))
	}
	return false, now.Add(backoff(n, o.BackoffBase, o.BackoffMax))
}
