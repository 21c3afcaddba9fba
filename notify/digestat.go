package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// digestAt is when a subscription's daily digest goes out: a time of day
// in a time zone. Each day at that time the digest takes the changes
// queued before it.
type digestAt struct {
	hour, minute int
	zone         *time.Location
}

// midnightUTC is the digest time of subscriptions that name none.
var midnightUTC = digestAt{zone: time.UTC}

// parseDigestAt reads "HH:MM" (UTC) or "HH:MM ZONE", ZONE an IANA time
// zone such as Europe/Paris; empty is midnight UTC.
func parseDigestAt(s string) (digestAt, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return midnightUTC, nil
	}
	clock, zoneName, _ := strings.Cut(s, " ")
	zoneName = strings.TrimSpace(zoneName)
	hh, mm, ok := strings.Cut(clock, ":")
	hour, errH := strconv.Atoi(hh)
	minute, errM := strconv.Atoi(mm)
	if !ok || errH != nil || errM != nil || len(mm) != 2 || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return digestAt{}, fmt.Errorf("%q is not a time of day such as 08:00 or 18:30", clock)
	}
	d := digestAt{hour: hour, minute: minute, zone: time.UTC}
	if zoneName == "" {
		return d, nil
	}
	if zoneName == "Local" { // the machine's, which another machine would read otherwise
		return digestAt{}, fmt.Errorf("give the time zone by its IANA name, such as Europe/Paris, not %q", zoneName)
	}
	zone, err := time.LoadLocation(zoneName)
	if err != nil {
		return digestAt{}, fmt.Errorf("%q is not an IANA time zone such as Europe/Paris or America/New_York", zoneName)
	}
	d.zone = zone
	return d, nil
}

// String is the form subscriptions store: "08:00 Europe/Paris".
func (d digestAt) String() string {
	return fmt.Sprintf("%02d:%02d %s", d.hour, d.minute, d.zone)
}

// periodStart is the latest digest time at or before now: a digest sent
// after it takes the changes queued before it. On a day a clock change
// skips the time, time.Date puts it within the skipped hour.
func (d digestAt) periodStart(now time.Time) time.Time {
	local := now.In(d.zone)
	start := time.Date(local.Year(), local.Month(), local.Day(), d.hour, d.minute, 0, 0, d.zone)
	if start.After(now) {
		start = time.Date(local.Year(), local.Month(), local.Day()-1, d.hour, d.minute, 0, 0, d.zone)
	}
	return start
}
