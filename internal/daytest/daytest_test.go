package daytest

import (
	"testing"
	"time"
)

func TestLaterTheSameDayStaysOnTheDay(t *testing.T) {
	for _, at := range []string{"2026-12-07T00:00:00Z", "2026-12-07T12:00:00Z", "2026-12-07T23:03:27Z", "2026-12-07T23:59:59.999Z"} {
		t0, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			t.Fatal(err)
		}
		later := LaterTheSameDay(t0)
		if !later.After(t0) || later.UTC().Format(time.DateOnly) != "2026-12-07" {
			t.Errorf("LaterTheSameDay(%s) = %s: want a later time on 2026-12-07", at, later)
		}
	}
}
