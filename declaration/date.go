package declaration

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// validUntilForm is every way of writing a date that Open Terms Archive
// accepts in "validUntil": its schema's "date-time" format (ajv-formats:
// "T", "t" or a space between date and time, fractional seconds, an offset
// with or without a colon, or hours only) and JavaScript's Date, which
// the engine then reads it with (a date alone, a year and month, a year, a
// time without seconds or without offset, 24:00).
var validUntilForm = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?` +
	`(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$`)

// parseValidUntil reads a "validUntil" date as Open Terms Archive does,
// with one deliberate difference. Forms:
//
//	2023-07-24T00:00:00Z, 2023-07-24T00:00:00.000Z   UTC
//	2024-02-28T23:59:59+01:00, …+0100, …+01          with an offset
//	2023-07-24, 2023-07, 2023                        UTC midnight, as JavaScript reads a date alone
//	2023-07-24T00:00:00, 2023-07-24T00:00            UTC (see below)
//
// JavaScript reads a date and time without offset in the local time zone
// of the machine; here it is UTC, because the time zone of whichever
// server loads the declarations must not change which declaration applied
// to a capture. Fractional seconds are cut to milliseconds, as a JavaScript
// Date keeps them, so comparisons with capture times come out as in Open
// Terms Archive. "24:00:00" is midnight at the end of the day, as in
// JavaScript.
func parseValidUntil(s string) (time.Time, error) {
	m := validUntilForm.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf(`%q is not a date-time such as "2023-07-24T00:00:00Z" or "2024-02-28T23:59:59+01:00", nor a date such as "2023-07-24"`, s)
	}
	num := func(i, absent int) int {
		if m[i] == "" {
			return absent
		}
		n, _ := strconv.Atoi(m[i])
		return n
	}
	year, month, day := num(1, 0), num(2, 1), num(3, 1)
	hour, minute, second := num(4, 0), num(5, 0), num(6, 0)
	if month < 1 || month > 12 {
		return time.Time{}, fmt.Errorf("%q is not a date: there is no month %d", s, month)
	}
	if last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day(); day < 1 || day > last {
		return time.Time{}, fmt.Errorf("%q is not a date: %s %d has no day %d", s, time.Month(month), year, day)
	}
	endOfDay := hour == 24 && minute == 0 && second == 0 && (m[7] == "" || isZeros(m[7]))
	if (hour > 23 && !endOfDay) || minute > 59 || second > 59 {
		return time.Time{}, fmt.Errorf("%q is not a time of day: %02d:%02d:%02d", s, hour, minute, second)
	}
	nanos := 0
	if frac := m[7]; frac != "" {
		for len(frac) < 3 {
			frac += "0"
		}
		ms, _ := strconv.Atoi(frac[:3])
		nanos = ms * int(time.Millisecond)
	}
	zone := time.UTC
	if offset := m[8]; offset != "" && offset != "Z" && offset != "z" {
		hours, _ := strconv.Atoi(offset[1:3])
		minutes := 0
		if rest := offset[3:]; rest != "" {
			if rest[0] == ':' {
				rest = rest[1:]
			}
			minutes, _ = strconv.Atoi(rest)
		}
		if hours > 23 || minutes > 59 {
			return time.Time{}, fmt.Errorf("%q has an offset from UTC out of range: %s", s, offset)
		}
		seconds := (hours*60 + minutes) * 60
		if offset[0] == '-' {
			seconds = -seconds
		}
		zone = time.FixedZone(offset, seconds)
	}
	// time.Date normalizes 24:00 to the next day's midnight, as JavaScript does.
	return time.Date(year, time.Month(month), day, hour, minute, second, nanos, zone), nil
}

func isZeros(s string) bool {
	for _, c := range s {
		if c != '0' {
			return false
		}
	}
	return true
}
