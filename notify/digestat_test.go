package notify

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/daytest"
	"github.com/policywatch/policywatch/store"
)

func TestDigestAtIsStoredAsGivenInItsCanonicalForm(t *testing.T) {
	st := openStore(t)
	for given, stored := range map[string]string{
		" 8:05 ":                "08:05 UTC",
		"08:00 Europe/Paris":    "08:00 Europe/Paris",
		"23:59  Asia/Kathmandu": "23:59 Asia/Kathmandu",
	} {
		sub, err := Subscribe(context.Background(), st, Request{Email: "desk@example.org", DigestAt: given})
		if err != nil {
			t.Fatalf("%q: %v", given, err)
		}
		if !sub.Digest || sub.DigestAt != stored {
			t.Errorf("%q: stored digest %v at %q, want a digest at %q", given, sub.Digest, sub.DigestAt, stored)
		}
	}
}

func TestDigestPeriodStartsAtTheLatestDigestTime(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ digestAt, now, want string }{
		{"", "2026-12-07T23:03:27Z", "2026-12-07T00:00:00Z"},
		{"", "2026-12-08T00:00:00Z", "2026-12-08T00:00:00Z"},
		{"08:00 Europe/Paris", "2026-12-07T07:00:00Z", "2026-12-07T07:00:00Z"}, // 08:00 in Paris, in winter
		{"08:00 Europe/Paris", "2026-12-07T06:59:59Z", "2026-12-06T07:00:00Z"},
		{"08:00 Europe/Paris", "2026-07-01T06:30:00Z", "2026-07-01T06:00:00Z"}, // in summer
		{"07:30 Asia/Tokyo", "2026-12-07T23:00:00Z", "2026-12-07T22:30:00Z"},   // the next day, in Tokyo
		{"18:00 America/New_York", "2026-03-08T12:00:00Z", "2026-03-07T23:00:00Z"},
		{"18:00 America/New_York", "2026-03-08T22:00:00Z", "2026-03-08T22:00:00Z"}, // the day clocks go forward
	} {
		d, err := parseDigestAt(tc.digestAt)
		if err != nil {
			t.Fatalf("%q: %v", tc.digestAt, err)
		}
		if got := d.periodStart(at(tc.now)); !got.Equal(at(tc.want)) {
			t.Errorf("%q at %s: the period began %s, want %s", tc.digestAt, tc.now, got.UTC().Format(time.RFC3339), tc.want)
		}
	}
	// 02:30 does not exist in New York on 2026-03-08 (01:59 EST is
	// followed by 03:00 EDT): that day's digest goes out within the hour
	// the clocks skip.
	d, err := parseDigestAt("02:30 America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.periodStart(at("2026-03-08T12:00:00Z")); got.Before(at("2026-03-08T06:30:00Z")) || got.After(at("2026-03-08T07:30:00Z")) {
		t.Errorf("on the day 02:30 is skipped, the period began %s, want within the skipped hour", got.UTC().Format(time.RFC3339))
	}
}

// TestDigestGoesOutAtItsTimeInItsZone: a digest due at a time of day in
// Kathmandu (UTC+05:45) waits for that time, takes the changes queued
// before it, and the next one waits a day. The time is two hours after the
// test starts, so the test means the same at any hour.
func TestDigestGoesOutAtItsTimeInItsZone(t *testing.T) {
	st := openStore(t)
	srv := startSMTP(t, true, "", "")
	kathmandu, err := time.LoadLocation("Asia/Kathmandu")
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	due := clk.Now().Add(2 * time.Hour).Truncate(time.Minute)
	subscribe(t, st, Request{Email: "desk@example.org", DigestAt: due.In(kathmandu).Format("15:04") + " Asia/Kathmandu"})
	recordRebrand(t, st)
	w := newWorker(t, st, Options{Now: clk.Now, SMTP: smtpConfig(srv)})
	if pass := runOnce(t, w); pass.Attempts != 0 {
		t.Fatalf("a digest went out before its time: %+v", pass)
	}
	clk.Set(due.Add(-time.Second))
	if pass := runOnce(t, w); pass.Attempts != 0 {
		t.Fatalf("a digest went out a second before its time: %+v", pass)
	}
	clk.Set(due)
	if pass := runOnce(t, w); pass.Delivered != 1 || len(srv.messages()) != 1 {
		t.Fatalf("at its time: %+v, %d messages", pass, len(srv.messages()))
	}
	recordFile(t, st, "2024-05-16T06-39-10Z.md", "crawl")
	clk.Set(due.Add(23 * time.Hour))
	if pass := runOnce(t, w); pass.Attempts != 0 {
		t.Fatalf("a second digest within a day: %+v", pass)
	}
	clk.Set(due.Add(24 * time.Hour))
	if pass := runOnce(t, w); pass.Delivered != 1 || len(srv.messages()) != 2 {
		t.Fatalf("the next day: %+v, %d messages", pass, len(srv.messages()))
	}
}

// TestADigestTimeThatDoesNotReadFallsBackToMidnightUTC: subscribing
// refuses such a time, but a row edited by hand may hold one; its digest
// still goes out, at midnight UTC, and the worker says why.
func TestADigestTimeThatDoesNotReadFallsBackToMidnightUTC(t *testing.T) {
	daytest.AwayFromMidnight(t)
	st := openStore(t)
	srv := startSMTP(t, true, "", "")
	if err := st.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.AddSubscription(store.Subscription{Kind: store.KindEmail, Email: "desk@example.org", Digest: true, DigestAt: "25:00 Nowhere"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	recordRebrand(t, st)
	var logged bytes.Buffer
	clk := newClock()
	w := newWorker(t, st, Options{Now: clk.Now, SMTP: smtpConfig(srv), Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if pass := runOnce(t, w); pass.Attempts != 0 {
		t.Fatalf("a digest went out before the UTC day ended: %+v", pass)
	}
	if !strings.Contains(logged.String(), `digest_at="25:00 Nowhere"`) || !strings.Contains(logged.String(), "goes out at midnight UTC") {
		t.Errorf("the worker's log does not say why:\n%s", logged.String())
	}
	clk.Advance(24 * time.Hour)
	if pass := runOnce(t, w); pass.Delivered != 1 || len(srv.messages()) != 1 {
		t.Fatalf("the next UTC day: %+v, %d messages", pass, len(srv.messages()))
	}
}
