// Package daytest helps tests of what happens once a UTC day (daily
// digests) stay on the day they mean, whatever the hour they run at.
package daytest

import (
	"testing"
	"time"
)

// LaterTheSameDay is a time after t on t's UTC day, halfway to its end: a
// fixed step such as an hour would cross into the next day when a test
// runs late in the evening.
func LaterTheSameDay(t time.Time) time.Time {
	end := t.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	return t.Add(end.Sub(t) / 2)
}

// AwayFromMidnight waits out the last half minute of a UTC day, so that a
// test that stamps rows with the real clock and then reads them by its own
// stays on one day.
func AwayFromMidnight(t testing.TB) {
	t.Helper()
	now := time.Now()
	if left := now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour).Sub(now); left < 30*time.Second {
		t.Logf("waiting %s for the day to turn", left)
		time.Sleep(left + time.Second)
	}
}
