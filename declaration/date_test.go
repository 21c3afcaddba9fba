package declaration

import (
	"strings"
	"testing"
	"time"
)

func TestParseValidUntil(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ms*int(time.Millisecond), time.UTC)
	}
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2023-07-24T00:00:00Z", utc(2023, 7, 24, 0, 0, 0, 0)},
		{"2023-07-24T00:00:00.000Z", utc(2023, 7, 24, 0, 0, 0, 0)},
		{"2023-07-24T10:11:12.345Z", utc(2023, 7, 24, 10, 11, 12, 345)},
		{"2023-07-24T10:11:12.3Z", utc(2023, 7, 24, 10, 11, 12, 300)},
		// Six digits, as in real histories: JavaScript keeps milliseconds.
		{"2023-07-24T10:11:12.345678Z", utc(2023, 7, 24, 10, 11, 12, 345)},
		{"2024-02-28T23:59:59+0100", utc(2024, 2, 28, 22, 59, 59, 0)},
		{"2024-02-28T23:59:59+01:00", utc(2024, 2, 28, 22, 59, 59, 0)},
		{"2024-02-28T23:59:59.500+01:00", utc(2024, 2, 28, 22, 59, 59, 500)},
		{"2024-02-28T23:59:59+01", utc(2024, 2, 28, 22, 59, 59, 0)},
		{"2024-02-28T20:00:00-05:30", utc(2024, 2, 29, 1, 30, 0, 0)},
		{"2023-07-24", utc(2023, 7, 24, 0, 0, 0, 0)},
		{"2023-07", utc(2023, 7, 1, 0, 0, 0, 0)},
		{"2023", utc(2023, 1, 1, 0, 0, 0, 0)},
		// No offset: UTC, whatever the machine's zone (JavaScript: local).
		{"2023-07-24T00:00:00", utc(2023, 7, 24, 0, 0, 0, 0)},
		{"2023-07-24T08:30", utc(2023, 7, 24, 8, 30, 0, 0)},
		{"2023-07-24 08:30:00Z", utc(2023, 7, 24, 8, 30, 0, 0)},
		{"2023-07-24t08:30:00z", utc(2023, 7, 24, 8, 30, 0, 0)},
		{"2023-07-24T24:00:00Z", utc(2023, 7, 25, 0, 0, 0, 0)},
		{"2024-02-29T00:00:00Z", utc(2024, 2, 29, 0, 0, 0, 0)},
	} {
		got, err := parseValidUntil(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseValidUntil(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for in, why := range map[string]string{
		"last May":                   "is not a date-time",
		"24/07/2023":                 "is not a date-time",
		"2023-7-24":                  "is not a date-time",
		"2023-07-24T00:00:00 Z":      "is not a date-time",
		"2023-07-24T00Z":             "is not a date-time",
		"2023-13-01":                 "there is no month 13",
		"2023-02-29":                 "February 2023 has no day 29",
		"2023-07-24T25:00:00Z":       "is not a time of day",
		"2023-07-24T24:00:01Z":       "is not a time of day",
		"2023-07-24T23:59:60Z":       "is not a time of day",
		"2023-07-24T00:00:00+24:00":  "offset from UTC out of range",
		"2023-07-24T00:00:00.Z":      "is not a date-time",
		" 2023-07-24T00:00:00Z":      "is not a date-time",
		"2023-07-24T00:00:00+01:0":   "is not a date-time",
		"2023-07-24T00:00:00+1:00":   "is not a date-time",
		"2023-07-24T00:00:00GMT":     "is not a date-time",
		"2023-07-24T00:00:00Z extra": "is not a date-time",
	} {
		if got, err := parseValidUntil(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("parseValidUntil(%q) = %v, %v; want an error saying %q", in, got, err, why)
		}
	}
}

// The real history entry that made pga's Facebook fail to load.
func TestValidUntilWithoutColonInTheOffset(t *testing.T) {
	services, problems := load(t, "../testdata/ota-declarations/pga")
	for _, p := range problems {
		if p.Severity == Error {
			t.Errorf("%s", p)
		}
	}
	for _, s := range services {
		if s.ID != "Facebook" {
			continue
		}
		// Only in the history file: a retired document.
		want := time.Date(2024, 2, 28, 22, 59, 59, 0, time.UTC)
		if len(s.Retired) != 1 || s.Retired[0].Type != "Data Processor Agreement" || !s.Retired[0].ValidUntil.Equal(want) || len(s.Retired[0].Sources) != 3 {
			t.Errorf("Facebook's retired documents = %+v, want its Data Processor Agreement of 3 pages, valid until %v", s.Retired, want)
		}
		return
	}
	t.Fatal("no Facebook in pga")
}
