package watch

import (
	"context"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// aheadBy is a machine clock running d ahead of the real time.
func aheadBy(d time.Duration) func() time.Time {
	return func() time.Time { return time.Now().Add(d) }
}

func TestDatabaseClockCorrectsAMachineClockThatIsOff(t *testing.T) {
	st := storetest.Open(t)
	for _, off := range []time.Duration{time.Hour, -10 * time.Minute} {
		clock := &DatabaseClock{Store: st, Local: aheadBy(off), Refresh: time.Hour}
		offset, err := clock.Sync(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if d := offset + off; d.Abs() > time.Second {
			t.Errorf("a machine %s ahead: the database is %s ahead of it, want %s", off, offset, -off)
		}
		if d := time.Until(clock.Now()); d.Abs() > time.Second {
			t.Errorf("a machine %s ahead: Now is %s off the real time", off, d)
		}
	}

	// Read before its first Sync, and again once a reading is stale.
	clock := &DatabaseClock{Store: st, Local: aheadBy(time.Hour), Refresh: time.Millisecond}
	for range 3 {
		if d := time.Until(clock.Now()); d.Abs() > time.Second {
			t.Fatalf("Now is %s off the real time", d)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestAWorkerWhoseClockIsAheadLeavesOthersLeasesAlone: worker B leases a
// document for ten minutes; worker A, on a machine whose clock runs an
// hour ahead, would see that lease as run out by its own clock and fetch
// the document too. By the database's clock it leaves it to B, fetches
// the rest, and takes it only once B gives it back.
func TestAWorkerWhoseClockIsAheadLeavesOthersLeasesAlone(t *testing.T) {
	const docs = 6
	ctx := context.Background()
	f := newFarm(t, docs, 2)
	db := storetest.DB(t, "clocks.db")
	targets := farmTargets(f.urls(), docs)
	b := storetest.OpenAt(t, db)
	entries := make([]store.QueueEntry, 0, docs)
	for _, tg := range targets {
		entries = append(entries, store.QueueEntry{Service: tg.Service, Type: tg.Type, Host: hostOf(tg)})
	}
	if err := b.Enqueue(ctx, entries); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	held, err := b.Lease(ctx, "B", now, now.Add(10*time.Minute), 1)
	if err != nil || len(held) != 1 {
		t.Fatalf("B's lease: %v, %v", held, err)
	}
	heldDoc := -1
	for n, tg := range targets {
		if tg.Service == held[0].Service && tg.Type == held[0].Type {
			heldDoc = n
		}
	}

	a := clockedWorker(t, db, "A", targets, 0, time.Minute, func(st *store.Store) func() time.Time {
		return (&DatabaseClock{Store: st, Local: aheadBy(time.Hour)}).Now
	})
	done := make(chan error, 1)
	go func() {
		_, err := a.Work(ctx)
		done <- err
	}()
	for deadline := time.Now().Add(30 * time.Second); len(f.since(0)) < docs-1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("A fetched %d documents in 30 s, want %d", len(f.since(0)), docs-1)
		}
	}
	time.Sleep(300 * time.Millisecond) // A polls the queue meanwhile
	for _, r := range f.since(0) {
		if r.doc == heldDoc {
			t.Fatalf("A fetched document %d, which B holds a lease on", heldDoc)
		}
	}
	if err := b.ReleaseLease(ctx, "B", held[0].Service, held[0].Type, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	requests := f.since(0)
	if len(requests) != docs || requests[docs-1].doc != heldDoc {
		t.Fatalf("requests %+v: want every document once, B's last", requests)
	}
}
