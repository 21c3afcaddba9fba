package store

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestParseStoredTimeAgreesWithTimeParse: the fast path gives what
// time.Parse gives, to the nanosecond and location, for the times rows
// hold, and leaves everything else (impossible dates, other forms) to it.
func TestParseStoredTimeAgreesWithTimeParse(t *testing.T) {
	inputs := []string{
		"2015-01-01T00:17:43.000000000Z", "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00.000000000Z",
		"9999-12-31T23:59:59.000000001Z", "2023-02-29T00:00:00.000000000Z", "2024-04-31T00:00:00.000000000Z",
		"2024-13-01T00:00:00.000000000Z", "2024-00-10T00:00:00.000000000Z", "2024-01-00T00:00:00.000000000Z",
		"2024-01-01T24:00:00.000000000Z", "2024-01-01T00:60:00.000000000Z", "2024-01-01T00:00:60.000000000Z",
		"2024-01-01T00:00:00.00000000xZ", "2024-01-01T00:00:00.000000000+", "2024-01-01 00:00:00.000000000Z",
		"+024-01-01T00:00:00.000000000Z", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5+02:00", "",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		at := time.Unix(r.Int64N(1<<36)-1<<35, r.Int64N(1e9)).UTC()
		inputs = append(inputs, at.Format(timeLayout))
	}
	for _, in := range inputs {
		want, wantErr := time.Parse(timeLayout, in)
		got, ok := parseStoredTime(in)
		if ok && (wantErr != nil || got != want.UTC()) {
			t.Errorf("parseStoredTime(%q) = %v; time.Parse says %v, %v", in, got, want, wantErr)
		}
		if !ok && wantErr == nil && len(in) == len(timeLayout) && in[0] != '+' {
			t.Errorf("parseStoredTime(%q) left to time.Parse a time in the layout (%v)", in, want)
		}
		viaStore, err := parseTime(in)
		if (err == nil) != (wantErr == nil) || err == nil && viaStore != want.UTC() {
			if fallback, err2 := time.Parse(time.RFC3339Nano, in); err2 != nil || viaStore != fallback.UTC() {
				t.Errorf("parseTime(%q) = %v, %v; want %v, %v", in, viaStore, err, want, wantErr)
			}
		}
	}
}
