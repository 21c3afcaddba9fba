package store

import (
	"context"
	"testing"
	"time"
)

func TestCrawlStatesRoundTripAndReplace(t *testing.T) {
	s, path := openTestStore(t)
	ctx := context.Background()
	if states, err := s.CrawlStates(ctx); err != nil || len(states) != 0 {
		t.Fatalf("fresh store: %v, %v", states, err)
	}
	due := time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
	a := CrawlState{Service: "X", Type: "Privacy Policy", DueAt: due, LastAt: due.Add(-6 * time.Hour),
		ValidatedURL: "https://x.com/en/privacy", ETag: `"abc"`, LastModified: "Mon, 23 Nov 2026 12:00:00 GMT"}
	b := CrawlState{Service: "X", Type: "Trackers Policy", LastClass: "network"} // never due, never fetched
	if err := s.PutCrawlStates(ctx, []CrawlState{a, b}); err != nil {
		t.Fatal(err)
	}
	a.LastClass, a.ETag = "http-status", `"def"`
	if err := s.PutCrawlState(ctx, a); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path) // survives reopening
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	states, err := s2.CrawlStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 2 {
		t.Fatalf("%d states, want 2: %+v", len(states), states)
	}
	if got := states[0]; got != a {
		t.Errorf("state a: %+v, want %+v", got, a)
	}
	if got := states[1]; got != b || !got.DueAt.IsZero() || !got.LastAt.IsZero() {
		t.Errorf("state b: %+v, want %+v with zero times", got, b)
	}
	if err := s2.PutCrawlState(ctx, CrawlState{Service: "", Type: "T"}); err == nil {
		t.Error("a crawl state without a service was accepted")
	}
}

func TestHeldCaptureHoldReplaceRelease(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx *Tx) error {
		d, err := tx.EnsureDocument("X", "Privacy Policy", "")
		if err != nil {
			return err
		}
		if h, err := tx.HeldCapture(d.ID); err != nil || h != nil {
			t.Errorf("nothing held yet: %+v, %v", h, err)
		}
		f1, _, err := tx.AddFetch(Fetch{DocumentID: d.ID, At: at, Source: "crawl", ErrorClass: "suspect"})
		if err != nil {
			return err
		}
		f2, _, err := tx.AddFetch(Fetch{DocumentID: d.ID, At: at.Add(time.Hour), Source: "crawl", ErrorClass: "suspect"})
		if err != nil {
			return err
		}
		if err := tx.HoldCapture(HeldCapture{DocumentID: d.ID, FetchID: f1, CapturedAt: at, TextHash: "one"}); err != nil {
			return err
		}
		if err := tx.HoldCapture(HeldCapture{DocumentID: d.ID, FetchID: f2, CapturedAt: at.Add(time.Hour), TextHash: "two"}); err != nil {
			return err
		}
		h, err := tx.HeldCapture(d.ID)
		if err != nil {
			return err
		}
		if want := (HeldCapture{DocumentID: d.ID, FetchID: f2, CapturedAt: at.Add(time.Hour), TextHash: "two"}); h == nil || *h != want {
			t.Errorf("held %+v, want the second capture %+v", h, want)
		}
		if err := tx.ReleaseHeldCapture(d.ID); err != nil {
			return err
		}
		if h, err := tx.HeldCapture(d.ID); err != nil || h != nil {
			t.Errorf("after release: %+v, %v", h, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
