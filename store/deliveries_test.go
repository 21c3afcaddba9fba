package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/daytest"
)

func addSubscription(t testing.TB, s *Store, sub Subscription) int64 {
	t.Helper()
	var id int64
	if err := s.Write(context.Background(), func(tx *Tx) error {
		var err error
		id, err = tx.AddSubscription(sub)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func webhook(url string) Subscription {
	return Subscription{Kind: KindWebhook, URL: url, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
}

func queue(t testing.TB, s *Store, changeID int64) int {
	t.Helper()
	var n int
	if err := s.Write(context.Background(), func(tx *Tx) error {
		var err error
		n, err = tx.QueueDeliveries(Change{ID: changeID})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func claimAll(t testing.TB, s *Store, o ClaimOptions) []ClaimedDelivery {
	t.Helper()
	var got []ClaimedDelivery
	if err := s.Write(context.Background(), func(tx *Tx) error {
		var err error
		got, err = tx.ClaimDeliveries(o)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func finish(t testing.TB, s *Store, r AttemptResult) bool {
	t.Helper()
	var ok bool
	if err := s.Write(context.Background(), func(tx *Tx) error {
		var err error
		ok, err = tx.FinishAttempt(r)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return ok
}

var allKinds = []string{KindWebhook, KindEmail}

func TestQueueDeliveriesMatchesFilters(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s) // X / Cookies Policy, class rebrand, no magnitude
	if n := queue(t, s, sd.change); n != 0 {
		t.Fatalf("no subscriptions: queued %d", n)
	}
	match := []int64{
		addSubscription(t, s, webhook("https://a.example/all")),
		addSubscription(t, s, Subscription{Kind: KindWebhook, URL: "https://b.example/", Secret: "whsec_x",
			Services: []string{"Google", "X"}, Types: []string{"Cookies Policy"}, Classes: []string{"rebrand", "substantive"}}),
		addSubscription(t, s, Subscription{Kind: KindEmail, Email: "a@example.org", Digest: true}),
	}
	for _, sub := range []Subscription{
		{Kind: KindWebhook, URL: "https://c.example/", Secret: "whsec_x", Services: []string{"Google"}},
		{Kind: KindWebhook, URL: "https://d.example/", Secret: "whsec_x", Types: []string{"Privacy Policy"}},
		{Kind: KindWebhook, URL: "https://e.example/", Secret: "whsec_x", Classes: []string{"substantive"}},
		{Kind: KindWebhook, URL: "https://f.example/", Secret: "whsec_x", Magnitudes: []string{"minor", "major"}},
	} {
		addSubscription(t, s, sub)
	}
	removed := addSubscription(t, s, webhook("https://removed.example/"))
	if err := s.Write(ctx, func(tx *Tx) error { return tx.RemoveSubscription(removed, time.Now()) }); err != nil {
		t.Fatal(err)
	}

	if n := queue(t, s, sd.change); n != len(match) {
		t.Fatalf("queued %d deliveries, want %d", n, len(match))
	}
	list, err := s.Deliveries(ctx, DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	ids := map[string]bool{}
	for _, d := range list {
		seen[d.SubscriptionID] = true
		ids[d.WebhookID] = true
		if d.State != StatePending || d.Attempts != 0 || len(d.WebhookID) != 36 {
			t.Errorf("new delivery %+v", d.Delivery)
		}
		c := d.Alert.Change
		if c.ID != sd.change || c.Service != "X" || c.DocumentType != "Cookies Policy" || c.Summary != "Twitter → X ×37" ||
			c.FromVersionID != sd.v1 || c.ToVersionID != sd.v2 || !c.ToAt.Equal(sd.newAt) {
			t.Errorf("alert of delivery %d: %+v", d.ID, c)
		}
	}
	for _, id := range match {
		if !seen[id] {
			t.Errorf("subscription %d matches but got no delivery", id)
		}
	}
	if len(ids) != len(list) {
		t.Errorf("webhook ids are not unique: %v", ids)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.QueueDeliveries(Change{ID: 9999})
		return err
	}); !errors.Is(err, ErrNotFound) {
		t.Errorf("queueing a change never stored: %v, want ErrNotFound", err)
	}
}

func TestDeletingHistoryKeepsAlertsAndTheirLog(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	addSubscription(t, s, webhook("https://a.example/"))
	queue(t, s, sd.change)
	// Re-extraction deletes a document's changes and versions.
	if err := s.Write(ctx, func(tx *Tx) error { return tx.DeleteHistory(sd.doc.ID) }); err != nil {
		t.Fatalf("DeleteHistory with a queued alert: %v", err)
	}
	list, err := s.Deliveries(ctx, DeliveryFilter{DocumentID: sd.doc.ID})
	if err != nil || len(list) != 1 || list[0].Alert.Change.Summary != "Twitter → X ×37" {
		t.Fatalf("deliveries after DeleteHistory: %+v, %v", list, err)
	}
}

func TestClaimLeaseFinishAndTakeOver(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	sub := addSubscription(t, s, webhook("https://a.example/"))
	queue(t, s, sd.change)
	now := time.Now().Add(time.Second)
	a := ClaimOptions{Now: now, Lease: time.Minute, Owner: "worker-a", Kinds: allKinds}
	got := claimAll(t, s, a)
	if len(got) != 1 || got[0].Attempts != 1 || got[0].Subscription.ID != sub || got[0].Subscription.Secret == "" ||
		got[0].Alert.Change.Summary != "Twitter → X ×37" {
		t.Fatalf("claim: %+v", got)
	}
	b := a
	b.Owner = "worker-b"
	if again := claimAll(t, s, b); len(again) != 0 {
		t.Fatalf("a leased delivery was claimed again: %+v", again)
	}
	// Worker a dies; once the lease runs out, b takes the delivery over.
	b.Now = now.Add(2 * time.Minute)
	taken := claimAll(t, s, b)
	if len(taken) != 1 || taken[0].Attempts != 2 || taken[0].WebhookID != got[0].WebhookID {
		t.Fatalf("take-over: %+v", taken)
	}
	if ok := finish(t, s, AttemptResult{DeliveryID: got[0].ID, AttemptID: got[0].AttemptID, Owner: "worker-a",
		FinishedAt: b.Now, Status: 500, Error: "late", State: StateFailed}); ok {
		t.Error("a worker whose lease ran out still moved the delivery")
	}
	if ok := finish(t, s, AttemptResult{DeliveryID: taken[0].ID, AttemptID: taken[0].AttemptID, Owner: "worker-b",
		FinishedAt: b.Now, Duration: 12 * time.Millisecond, Status: 204, State: StateDelivered}); !ok {
		t.Error("the lease holder could not finish")
	}
	list, err := s.Deliveries(ctx, DeliveryFilter{SubscriptionID: sub, State: StateDelivered})
	if err != nil || len(list) != 1 {
		t.Fatalf("delivered: %+v, %v", list, err)
	}
	d := list[0]
	if d.Attempts != 2 || d.DeliveredAt.IsZero() || d.Kind != KindWebhook || d.Target != "https://a.example/" {
		t.Errorf("delivered entry: %+v", d)
	}
	if len(d.Log) != 2 || d.Log[0].Status != 500 || d.Log[1].Status != 204 || d.Log[1].Duration != 12*time.Millisecond {
		t.Errorf("attempt log: %+v", d.Log)
	}
	if n := len(claimAll(t, s, ClaimOptions{Now: b.Now.Add(time.Hour), Lease: time.Minute, Owner: "c", Kinds: allKinds})); n != 0 {
		t.Errorf("a delivered delivery was claimed: %d", n)
	}
}

func TestAnUnfinishedAttemptIsMarkedInterrupted(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	addSubscription(t, s, webhook("https://a.example/"))
	queue(t, s, sd.change)
	now := time.Now().Add(time.Second)
	first := claimAll(t, s, ClaimOptions{Now: now, Lease: time.Second, Owner: "dead", Kinds: allKinds})
	second := claimAll(t, s, ClaimOptions{Now: now.Add(2 * time.Second), Lease: time.Minute, Owner: "alive", Kinds: allKinds})
	if len(first) != 1 || len(second) != 1 {
		t.Fatalf("claims: %d, %d", len(first), len(second))
	}
	finish(t, s, AttemptResult{DeliveryID: second[0].ID, AttemptID: second[0].AttemptID, Owner: "alive",
		FinishedAt: now.Add(3 * time.Second), Status: 200, State: StateDelivered})
	list, _ := s.Deliveries(ctx, DeliveryFilter{})
	if len(list) != 1 || len(list[0].Log) != 2 || list[0].Log[0].Error != interruptedError || list[0].Log[1].Error != "" {
		t.Fatalf("log: %+v", list)
	}
}

func TestRetryAndKinds(t *testing.T) {
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	addSubscription(t, s, Subscription{Kind: KindEmail, Email: "a@example.org"})
	queue(t, s, sd.change)
	now := time.Now().Add(time.Second)
	if got := claimAll(t, s, ClaimOptions{Now: now, Lease: time.Minute, Owner: "w", Kinds: []string{KindWebhook}}); len(got) != 0 {
		t.Fatalf("a webhook-only worker claimed e-mail: %+v", got)
	}
	got := claimAll(t, s, ClaimOptions{Now: now, Lease: time.Minute, Owner: "w", Kinds: allKinds})
	if len(got) != 1 {
		t.Fatalf("claimed %d", len(got))
	}
	finish(t, s, AttemptResult{DeliveryID: got[0].ID, AttemptID: got[0].AttemptID, Owner: "w", FinishedAt: now,
		Status: 451, Error: "451 try later", State: StatePending, NextAttemptAt: now.Add(time.Hour)})
	if again := claimAll(t, s, ClaimOptions{Now: now.Add(59 * time.Minute), Lease: time.Minute, Owner: "w", Kinds: allKinds}); len(again) != 0 {
		t.Fatal("claimed before its next attempt time")
	}
	if again := claimAll(t, s, ClaimOptions{Now: now.Add(time.Hour), Lease: time.Minute, Owner: "w", Kinds: allKinds}); len(again) != 1 || again[0].LastError != "451 try later" {
		t.Fatalf("retry: %+v", again)
	}
}

func TestClaimDigestOncePerDay(t *testing.T) {
	ctx := context.Background()
	daytest.AwayFromMidnight(t)
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	sub := addSubscription(t, s, Subscription{Kind: KindEmail, Email: "a@example.org", Digest: true})
	queue(t, s, sd.change)
	claimDigest := func(now time.Time) []ClaimedDelivery {
		var got []ClaimedDelivery
		err := s.Write(ctx, func(tx *Tx) error {
			var err error
			got, err = tx.ClaimDigest(ClaimOptions{Now: now, Lease: time.Minute, Owner: "w", Kinds: allKinds}, midnightUTC(now))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	now := time.Now()
	if got := claimDigest(now); len(got) != 0 {
		t.Fatalf("a digest of today's changes was claimed today: %+v", got)
	}
	if got := claimAll(t, s, ClaimOptions{Now: now, Lease: time.Minute, Owner: "w", Kinds: allKinds}); len(got) != 0 {
		t.Fatalf("a digest delivery was claimed alone: %+v", got)
	}
	tomorrow := now.Add(24 * time.Hour)
	got := claimDigest(tomorrow)
	if len(got) != 1 || got[0].Subscription.ID != sub {
		t.Fatalf("digest: %+v", got)
	}
	finish(t, s, AttemptResult{DeliveryID: got[0].ID, AttemptID: got[0].AttemptID, Owner: "w", FinishedAt: tomorrow, Status: 250, State: StateDelivered})
	if err := s.Write(ctx, func(tx *Tx) error { return tx.SetLastDigest(sub, tomorrow) }); err != nil {
		t.Fatal(err)
	}
	// A change queued now is due by tomorrow, but tomorrow's digest is sent.
	queueAgain(t, s, sd)
	if got := claimDigest(daytest.LaterTheSameDay(tomorrow)); len(got) != 0 {
		t.Fatalf("a second digest on one day: %+v", got)
	}
	if got := claimDigest(tomorrow.Add(24 * time.Hour)); len(got) != 1 {
		t.Fatalf("next day's digest: %+v", got)
	}
}

// TestClaimDigestByEachSubscriptionsPeriod: each digest subscription's
// period starts when periodStart says for its own DigestAt, stored as
// given; a change queued after that start waits for the next period.
func TestClaimDigestByEachSubscriptionsPeriod(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	queuedBefore := addSubscription(t, s, Subscription{Kind: KindEmail, Email: "paris@example.org", Digest: true, DigestAt: "08:00 Europe/Paris"})
	queuedAfter := addSubscription(t, s, Subscription{Kind: KindEmail, Email: "tokyo@example.org", Digest: true, DigestAt: "07:30 Asia/Tokyo"})
	queued := time.Now()
	queue(t, s, sd.change)
	subs, err := s.Subscriptions(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 2 || subs[0].DigestAt != "08:00 Europe/Paris" || subs[1].DigestAt != "07:30 Asia/Tokyo" {
		t.Fatalf("subscriptions read back: %+v", subs)
	}
	now := queued.Add(2 * time.Second)
	starts := map[string]time.Time{
		"08:00 Europe/Paris": queued.Add(time.Second),  // the change was queued before it began
		"07:30 Asia/Tokyo":   queued.Add(-time.Second), // after
	}
	var got []ClaimedDelivery
	err = s.Write(ctx, func(tx *Tx) error {
		got, err = tx.ClaimDigest(ClaimOptions{Now: now, Lease: time.Minute, Owner: "w", Kinds: allKinds}, func(at string) time.Time { return starts[at] })
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Subscription.ID != queuedBefore {
		t.Fatalf("claimed %+v, want the delivery of subscription %d (not %d)", got, queuedBefore, queuedAfter)
	}
	err = s.Write(ctx, func(tx *Tx) error {
		got, err = tx.ClaimDigest(ClaimOptions{Now: now, Lease: time.Minute, Owner: "w", Kinds: allKinds}, func(at string) time.Time { return starts[at] })
		return err
	})
	if err != nil || len(got) != 0 {
		t.Fatalf("a second claim: %+v, %v; want none (one leased, the other not due)", got, err)
	}
}

// midnightUTC is a digest period that begins each UTC midnight, whatever
// the subscription's digest time.
func midnightUTC(now time.Time) func(string) time.Time {
	return func(string) time.Time { return now.Truncate(24 * time.Hour) }
}

// queueAgain queues the seed's change once more, as a new alert (an alert
// is per placement; the UNIQUE constraint is per alert and subscription).
func queueAgain(t testing.TB, s *Store, sd seed) {
	t.Helper()
	if n := queue(t, s, sd.change); n != 1 {
		t.Fatalf("queued %d", n)
	}
}

// TestTwoStoresClaimEachDeliveryOnce is two processes on one database: each
// delivery is claimed by exactly one of them.
func TestTwoStoresClaimEachDeliveryOnce(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	sd := writeSeed(t, s)
	for i := range 40 {
		addSubscription(t, s, webhook(fmt.Sprintf("https://h%d.example/", i)))
	}
	queue(t, s, sd.change)
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	now := time.Now().Add(time.Second)
	var mu sync.Mutex
	claimedBy := map[int64]string{}
	var wg sync.WaitGroup
	for _, w := range []struct {
		st    *Store
		owner string
	}{{s, "a"}, {other, "b"}} {
		wg.Go(func() {
			for {
				var got []ClaimedDelivery
				err := w.st.Write(ctx, func(tx *Tx) error {
					var err error
					got, err = tx.ClaimDeliveries(ClaimOptions{Now: now, Lease: time.Minute, Owner: w.owner, Limit: 3, Kinds: allKinds})
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, c := range got {
					if prev, dup := claimedBy[c.ID]; dup {
						t.Errorf("delivery %d claimed by %s and %s", c.ID, prev, w.owner)
					}
					claimedBy[c.ID] = w.owner
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimedBy) != 40 {
		t.Errorf("claimed %d of 40 deliveries", len(claimedBy))
	}
}

func TestRemoveSubscriptionFailsItsPendingDeliveries(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	id := addSubscription(t, s, webhook("https://a.example/"))
	queue(t, s, sd.change)
	if err := s.Write(ctx, func(tx *Tx) error { return tx.RemoveSubscription(id, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.RemoveSubscription(id, time.Now()) }); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}
	sub, err := s.Subscription(ctx, id)
	if err != nil || sub.RemovedAt.IsZero() || sub.Secret != "" {
		t.Errorf("removed subscription: %+v, %v", sub, err)
	}
	active, _ := s.Subscriptions(ctx, false)
	all, _ := s.Subscriptions(ctx, true)
	if len(active) != 0 || len(all) != 1 {
		t.Errorf("subscriptions: %d active, %d in all", len(active), len(all))
	}
	list, _ := s.Deliveries(ctx, DeliveryFilter{})
	if len(list) != 1 || list[0].State != StateFailed || list[0].LastError != "subscription removed" {
		t.Errorf("deliveries: %+v", list)
	}
}

// BenchmarkQueueDeliveries queues the alerts of one change (X's rebrand)
// for 10,000 subscriptions, every one of which matches it through a
// filter, so that it measures 10,000 deliveries and the filters' matching.
func BenchmarkQueueDeliveries(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b)
	sd := writeSeed(b, s)
	if err := s.Write(ctx, func(tx *Tx) error {
		for i := range 10000 {
			sub := webhook(fmt.Sprintf("https://h%d.example/hook", i))
			if i%2 == 1 {
				sub.Services = []string{"Google", "X"}
			} else {
				sub.Classes = []string{"rebrand", "substantive"}
			}
			if _, err := tx.AddSubscription(sub); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if n := queue(b, s, sd.change); n != 10000 {
			b.Fatalf("queued %d, want 10,000", n)
		}
		// Each run queues into the same outbox, not one grown by the
		// runs before it.
		b.StopTimer()
		if err := s.Write(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, "DELETE FROM deliveries"); err != nil {
				return err
			}
			_, err := tx.tx.ExecContext(ctx, "DELETE FROM alerts")
			return err
		}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// The document page lists the deliveries of one document's alerts on every
// render: it must read them through the document's alerts, by index, not
// scan every delivery ever made.
func TestDeliveriesOfADocumentAreReadByIndex(t *testing.T) {
	s, _ := openTestStore(t)
	if s.d.postgres {
		t.Skip("reads SQLite's query plan")
	}
	query, args := deliveriesQuery(DeliveryFilter{DocumentID: 7}, 20)
	text := queryPlan(t, s, query, args...)
	if !strings.Contains(text, "alerts_document") || strings.Contains(text, "SCAN d") {
		t.Fatalf("the plan of a document's deliveries:\n%s\nwant alerts read by alerts_document and no scan of deliveries", text)
	}
}
