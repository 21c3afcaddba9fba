package notify

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/store"
)

func TestWebhookEndToEndIsSignedAndTellsTheChange(t *testing.T) {
	st := openStore(t)
	rcv := newReceiver(t, nil)
	sub := subscribe(t, st, Request{WebhookURL: rcv.URL + "/hook", AllowPrivateNetworks: true})
	rcv.secret = sub.Secret
	if !strings.HasPrefix(sub.Secret, "whsec_") {
		t.Fatalf("generated secret %q", sub.Secret)
	}
	out := recordRebrand(t, st)

	clk := newClock()
	w := newWorker(t, st, Options{Now: clk.Now, BaseURL: "https://policywatch.example.org/"})
	pass := runOnce(t, w)
	if pass.Delivered != 1 || pass.Attempts != 1 {
		t.Fatalf("pass: %+v", pass)
	}
	got := rcv.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests", len(got))
	}
	r := got[0]
	if r.verified != nil {
		t.Fatalf("signature: %v", r.verified)
	}
	if ts := clk.Now().Unix(); r.timestamp != itoa(ts) {
		t.Errorf("webhook-timestamp %s, want %d", r.timestamp, ts)
	}
	var p Payload
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("body: %v\n%s", err, r.body)
	}
	d := p.Data
	if p.Type != EventType || d.ChangeID != out.Change.ID || d.Service != "X" || d.DocumentType != "Trackers Policy" ||
		d.From.ID != out.Change.FromVersionID || d.To.ID != out.VersionID || d.Class != out.Change.Class ||
		d.Summary != out.Change.Summary || d.Stats.WordsAdded != out.Change.WordsAdded {
		t.Errorf("payload: %+v\nchange: %+v", p, out.Change)
	}
	if !strings.Contains(d.Summary, "Twitter → X") || len(d.Substitutions) == 0 || d.Substitutions[0].From != "Twitter" {
		t.Errorf("the rebrand is not told: summary %q, substitutions %+v", d.Summary, d.Substitutions)
	}
	wantDiff := "https://policywatch.example.org/documents/" + itoa(out.DocumentID) + "/diff?from=" + itoa(out.Change.FromVersionID) + "&to=" + itoa(out.VersionID)
	if d.Links == nil || d.Links.Diff != wantDiff {
		t.Errorf("links %+v, want diff %s", d.Links, wantDiff)
	}
	for _, key := range []string{`"stats"`, `"substitutions"`, `"class"`, `"sections"`} {
		if !strings.Contains(string(r.body), key) {
			t.Errorf("body has no %s: %s", key, r.body)
		}
	}
	log := deliveriesOf(t, st, store.DeliveryFilter{})
	if len(log) != 1 || log[0].State != store.StateDelivered || log[0].WebhookID != r.id || len(log[0].Log) != 1 || log[0].Log[0].Status != 204 {
		t.Errorf("log: %+v", log)
	}
	if again := runOnce(t, w); again.Attempts != 0 {
		t.Errorf("a delivered webhook was sent again: %+v", again)
	}
}

func TestWithoutBaseURLLinksAreLeftOut(t *testing.T) {
	st := openStore(t)
	rcv := newReceiver(t, nil)
	rcv.secret = subscribe(t, st, Request{WebhookURL: rcv.URL, AllowPrivateNetworks: true}).Secret
	recordRebrand(t, st)
	runOnce(t, newWorker(t, st, Options{Now: newClock().Now}))
	got := rcv.requests()
	if len(got) != 1 || strings.Contains(string(got[0].body), `"links"`) {
		t.Fatalf("requests %d, body %s", len(got), got[0].body)
	}
}

func TestFailsTwiceThenSucceeds(t *testing.T) {
	st := openStore(t)
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) {
		if n <= 2 {
			http.Error(w, "database\x1b[31m down", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	rcv.secret = subscribe(t, st, Request{WebhookURL: rcv.URL, AllowPrivateNetworks: true}).Secret
	recordRebrand(t, st)
	clk := newClock()
	w := newWorker(t, st, Options{Now: clk.Now, BackoffBase: time.Minute, BackoffMax: time.Hour})

	for attempt, wantState := range []string{store.StatePending, store.StatePending, store.StateDelivered} {
		pass := runOnce(t, w)
		if pass.Attempts != 1 {
			t.Fatalf("pass %d made %d attempts", attempt+1, pass.Attempts)
		}
		if n := len(rcv.requests()); n != attempt+1 {
			t.Fatalf("after pass %d the receiver got %d requests", attempt+1, n)
		}
		d := deliveriesOf(t, st, store.DeliveryFilter{})[0]
		if d.State != wantState {
			t.Fatalf("after attempt %d: state %s, want %s (%s)", attempt+1, d.State, wantState, d.LastError)
		}
		if wantState == store.StatePending {
			// Backoff: the nth wait is within [base·2ⁿ⁻¹/2, base·2ⁿ⁻¹].
			wait := d.NextAttemptAt.Sub(clk.Now())
			full := time.Minute << attempt
			if wait < full/2 || wait > full {
				t.Errorf("wait after attempt %d: %s, want %s to %s", attempt+1, wait, full/2, full)
			}
			if again := runOnce(t, w); again.Attempts != 0 {
				t.Fatalf("retried before the backoff ran out")
			}
			clk.Advance(full)
		}
	}
	got := rcv.requests()
	for _, r := range got {
		if r.id != got[0].id || r.verified != nil {
			t.Errorf("request %+v: the same webhook-id and a valid signature on every attempt", r)
		}
	}
	d := deliveriesOf(t, st, store.DeliveryFilter{})[0]
	if d.Attempts != 3 || len(d.Log) != 3 || d.Log[0].Status != 500 || d.Log[1].Status != 500 || d.Log[2].Status != 200 || d.Log[2].Error != "" {
		t.Fatalf("log: %+v", d)
	}
	if !strings.HasPrefix(d.Log[0].Error, "HTTP 500: database") || strings.ContainsRune(d.Log[0].Error, 0x1b) {
		t.Errorf("error of a failed attempt: %q", d.Log[0].Error)
	}
}

func TestAlwaysFailingEndsFailedAfterMaxAttempts(t *testing.T) {
	st := openStore(t)
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) })
	rcv.secret = subscribe(t, st, Request{WebhookURL: rcv.URL, AllowPrivateNetworks: true}).Secret
	recordRebrand(t, st)
	// A real clock and a tiny backoff: one pass retries until it gives up.
	w := newWorker(t, st, Options{MaxAttempts: 4, BackoffBase: time.Millisecond, BackoffMax: 4 * time.Millisecond})
	var pass Pass
	for deadline := time.Now().Add(10 * time.Second); pass.Failed == 0 && time.Now().Before(deadline); {
		q := runOnce(t, w)
		pass.add(q)
		time.Sleep(2 * time.Millisecond)
	}
	if pass.Failed != 1 || pass.Attempts != 4 || len(pass.FailedDeliveries) != 1 {
		t.Fatalf("passes: %+v", pass)
	}
	if n := len(rcv.requests()); n != 4 {
		t.Errorf("receiver got %d requests, want 4", n)
	}
	d := deliveriesOf(t, st, store.DeliveryFilter{State: store.StateFailed})
	if len(d) != 1 || d[0].Attempts != 4 || len(d[0].Log) != 4 || d[0].LastError != "HTTP 502" {
		t.Fatalf("failed delivery: %+v", d)
	}
	if q := runOnce(t, w); q.Attempts != 0 {
		t.Errorf("a failed delivery was tried again: %+v", q)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(now time.Time) string
		wait   time.Duration
	}{
		{"seconds", func(time.Time) string { return "120" }, 120 * time.Second},
		{"HTTP date", func(now time.Time) string { return now.Add(90 * time.Second).UTC().Format(http.TimeFormat) }, 90 * time.Second},
		{"bounded", func(time.Time) string { return "31536000" }, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			clk := newClock()
			rcv := newReceiver(t, func(n int, w http.ResponseWriter) {
				if n == 1 {
					w.Header().Set("Retry-After", tc.header(clk.Now()))
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.WriteHeader(http.StatusAccepted)
			})
			rcv.secret = subscribe(t, st, Request{WebhookURL: rcv.URL, AllowPrivateNetworks: true}).Secret
			recordRebrand(t, st)
			// HTTP dates have whole seconds; the clock starts after the
			// alert was queued.
			clk.Set(time.Now().Truncate(time.Second).Add(time.Second))
			w := newWorker(t, st, Options{Now: clk.Now, BackoffBase: time.Second, MaxRetryAfter: time.Hour})
			runOnce(t, w)
			d := deliveriesOf(t, st, store.DeliveryFilter{})[0]
			if got := d.NextAttemptAt.Sub(clk.Now()); got != tc.wait {
				t.Fatalf("next attempt in %s, want %s", got, tc.wait)
			}
			clk.Advance(tc.wait - time.Second)
			if q := runOnce(t, w); q.Attempts != 0 {
				t.Fatal("retried before Retry-After")
			}
			clk.Advance(time.Second)
			if q := runOnce(t, w); q.Delivered != 1 {
				t.Fatalf("after Retry-After: %+v", q)
			}
		})
	}
}

func TestRedirectsAreFailuresAndNotFollowed(t *testing.T) {
	st := openStore(t)
	target := newReceiver(t, nil)
	rcv := newReceiver(t, func(n int, w http.ResponseWriter) {
		w.Header().Set("Location", target.URL)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	rcv.secret = subscribe(t, st, Request{WebhookURL: rcv.URL, AllowPrivateNetworks: true}).Secret
	recordRebrand(t, st)
	runOnce(t, newWorker(t, st, Options{Now: newClock().Now}))
	d := deliveriesOf(t, st, store.DeliveryFilter{})[0]
	if d.State != store.StatePending || !strings.Contains(d.LastError, "HTTP 307 redirect to") || len(target.requests()) != 0 {
		t.Fatalf("redirect: %+v; target got %d requests", d, len(target.requests()))
	}
}

func TestPrivateAddressesAreRefusedAtDialTime(t *testing.T) {
	st := openStore(t)
	rcv := newReceiver(t, nil)
	subscribe(t, st, Request{WebhookURL: rcv.URL, AllowPrivateNetworks: true})
	recordRebrand(t, st)
	w, err := NewWorker(st, Options{Now: newClock().Now}) // private networks not allowed
	if err != nil {
		t.Fatal(err)
	}
	runOnce(t, w)
	d := deliveriesOf(t, st, store.DeliveryFilter{})[0]
	if len(rcv.requests()) != 0 || !strings.Contains(d.LastError, "non-public address 127.0.0.1") {
		t.Fatalf("a loopback webhook without the setting: %d requests, error %q", len(rcv.requests()), d.LastError)
	}
}

func TestSlowAndHugeResponsesAreBounded(t *testing.T) {
	st := openStore(t)
	slow := newReceiver(t, func(n int, w http.ResponseWriter) { time.Sleep(2 * time.Second) })
	huge := newReceiver(t, func(n int, w http.ResponseWriter) {
		w.WriteHeader(http.StatusOK)
		chunk := []byte(strings.Repeat("x", 1<<16))
		for range 1 << 10 { // 64 MB, more than is read
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	for _, r := range []*receiver{slow, huge} {
		r.secret = subscribe(t, st, Request{WebhookURL: r.URL, AllowPrivateNetworks: true}).Secret
	}
	recordRebrand(t, st)
	start := time.Now()
	pass := runOnce(t, newWorker(t, st, Options{Now: newClock().Now, Timeout: 300 * time.Millisecond}))
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Errorf("the pass took %s", elapsed)
	}
	if pass.Delivered != 1 || pass.Retrying != 1 {
		t.Fatalf("pass: %+v", pass)
	}
	for _, d := range deliveriesOf(t, st, store.DeliveryFilter{State: store.StatePending}) {
		if !strings.Contains(d.LastError, "no response within 300ms") {
			t.Errorf("slow receiver: %q", d.LastError)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
