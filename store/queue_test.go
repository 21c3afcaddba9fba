package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

var queueT0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func queueEntries(n int, hosts int) []QueueEntry {
	entries := make([]QueueEntry, n)
	for i := range entries {
		entries[i] = QueueEntry{Service: fmt.Sprintf("Service %04d", i), Type: "Privacy Policy", Host: fmt.Sprintf("host%d.example:443", i%hosts)}
	}
	return entries
}

func TestLeasesGoToOneWorkerAtATimeAndRunOut(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	if err := s.Enqueue(ctx, queueEntries(5, 5)); err != nil {
		t.Fatal(err)
	}
	// Enqueueing again keeps what the rows hold.
	if err := s.PutCrawlState(ctx, CrawlState{Service: "Service 0004", Type: "Privacy Policy", DueAt: queueT0.Add(time.Hour), LastAt: queueT0.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(ctx, queueEntries(5, 5)); err != nil {
		t.Fatal(err)
	}

	a, err := s.Lease(ctx, "worker-a", queueT0, queueT0.Add(time.Minute), 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Lease(ctx, "worker-b", queueT0, queueT0.Add(time.Minute), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 3 || len(b) != 1 {
		t.Fatalf("leased %d and %d of the 4 due documents, want 3 and 1", len(a), len(b))
	}
	seen := map[string]bool{}
	for _, st := range append(a, b...) {
		if seen[st.Service] || st.Service == "Service 0004" {
			t.Fatalf("%s leased twice or while not due: a=%v b=%v", st.Service, a, b)
		}
		seen[st.Service] = true
	}
	q, err := s.Queue(ctx, queueT0)
	if err != nil {
		t.Fatal(err)
	}
	if q.Due != 0 || q.Leased != 4 || !q.NextDue.Equal(queueT0.Add(time.Hour)) || !q.NextExpiry.Equal(queueT0.Add(time.Minute)) {
		t.Fatalf("queue = %+v, want nothing due, 4 leased, next due in an hour, next expiry in a minute", q)
	}

	// worker-a completes one lease; its other two run out and worker-c
	// takes them, so worker-a's late completion is refused.
	if err := s.Write(ctx, func(tx *Tx) error {
		return tx.CompleteLease(CrawlState{Service: a[0].Service, Type: a[0].Type, DueAt: queueT0.Add(6 * time.Hour), LastAt: queueT0, ETag: `"e1"`}, "worker-a")
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RenewLeases(ctx, "worker-b", queueT0.Add(3*time.Minute)); err != nil || n != 1 {
		t.Fatalf("worker-b renewed %d leases (%v), want 1", n, err)
	}
	later := queueT0.Add(2 * time.Minute)
	c, err := s.Lease(ctx, "worker-c", later, later.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 2 || c[0].Service != a[1].Service && c[0].Service != a[2].Service {
		t.Fatalf("worker-c leased %v, want worker-a's two run-out leases %s and %s", c, a[1].Service, a[2].Service)
	}
	err = s.Write(ctx, func(tx *Tx) error {
		return tx.CompleteLease(CrawlState{Service: a[1].Service, Type: a[1].Type, DueAt: later.Add(6 * time.Hour), LastAt: later}, "worker-a")
	})
	if !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("completing a lease taken over: %v, want ErrLeaseLost", err)
	}

	// Released unfetched, a document is due again (or when asked).
	if err := s.ReleaseLease(ctx, "worker-c", c[0].Service, c[0].Type, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseLease(ctx, "worker-a", c[1].Service, c[1].Type, time.Time{}); err != nil {
		t.Fatal(err) // not worker-a's: left alone
	}
	q, err = s.Queue(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if q.Due != 1 || q.Leased != 2 {
		t.Fatalf("queue after a release = %+v, want 1 due, 2 leased (worker-b's and worker-c's other)", q)
	}
	states, err := s.CrawlStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Service == a[0].Service && (st.ETag != `"e1"` || !st.DueAt.Equal(queueT0.Add(6*time.Hour))) {
			t.Fatalf("completed lease left %+v", st)
		}
	}
}

func TestConcurrentWorkersLeaseEachDocumentOnce(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	const docs = 120
	if err := s.Enqueue(ctx, queueEntries(docs, docs)); err != nil {
		t.Fatal(err)
	}
	stores := []*Store{s, secondStore(t, path)}
	var mu sync.Mutex
	leasedBy := map[string]string{}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			st := stores[w%2]
			owner := fmt.Sprintf("worker-%d", w)
			for {
				got, err := st.Lease(ctx, owner, queueT0, queueT0.Add(time.Hour), 3)
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, g := range got {
					if prev, ok := leasedBy[g.Service]; ok {
						errs <- fmt.Errorf("%s leased by %s and %s", g.Service, prev, owner)
					}
					leasedBy[g.Service] = owner
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(leasedBy) != docs {
		t.Fatalf("%d of %d documents leased", len(leasedBy), docs)
	}
}

func TestHostTurnsKeepOneRequestAtATimeAndARest(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	const host = "policies.example:443"
	took, _, err := s.TakeHostTurn(ctx, host, "a", queueT0, queueT0.Add(time.Minute))
	if err != nil || !took {
		t.Fatalf("first turn: %v, %v", took, err)
	}
	took, free, err := s.TakeHostTurn(ctx, host, "b", queueT0.Add(time.Second), queueT0.Add(time.Minute))
	if err != nil || took || !free.Equal(queueT0.Add(time.Minute)) {
		t.Fatalf("turn while held: took %v, free at %v (%v); want refused until %v at the latest", took, free, err, queueT0.Add(time.Minute))
	}
	// Leasing passes over the documents of a held host.
	if err := s.Enqueue(ctx, []QueueEntry{{Service: "Busy", Type: "Privacy Policy", Host: host}, {Service: "Idle", Type: "Privacy Policy", Host: "other.example:443"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Lease(ctx, "b", queueT0.Add(time.Second), queueT0.Add(time.Minute), 5)
	if err != nil || len(got) != 1 || got[0].Service != "Idle" {
		t.Fatalf("leased %v (%v), want only the idle host's document", got, err)
	}

	if err := s.GiveBackHostTurn(ctx, host, "b", queueT0); err != nil { // not b's: left alone
		t.Fatal(err)
	}
	if took, _, _ := s.TakeHostTurn(ctx, host, "b", queueT0.Add(2*time.Second), queueT0.Add(time.Minute)); took {
		t.Fatal("b took a turn a still holds")
	}
	rest := queueT0.Add(5 * time.Second)
	if err := s.GiveBackHostTurn(ctx, host, "a", rest); err != nil {
		t.Fatal(err)
	}
	took, free, err = s.TakeHostTurn(ctx, host, "b", queueT0.Add(3*time.Second), queueT0.Add(time.Minute))
	if err != nil || took || !free.Equal(rest) {
		t.Fatalf("turn during the rest: took %v, free at %v (%v); want refused until %v", took, free, err, rest)
	}
	if took, _, err := s.TakeHostTurn(ctx, host, "b", rest, rest.Add(time.Minute)); err != nil || !took {
		t.Fatalf("turn after the rest: %v, %v", took, err)
	}
	// A holder that died loses the turn when its time runs out.
	if took, _, err := s.TakeHostTurn(ctx, host, "c", rest.Add(time.Minute+time.Second), rest.Add(2*time.Minute)); err != nil || !took {
		t.Fatalf("turn after the holder's time ran out: %v, %v", took, err)
	}
}

// Idle workers ask the queue's state every few seconds per lane, and renew
// their leases by owner: on a million declared documents a scan of them
// all would be a core's work. Every part must read an index.
func TestTheQueueIsReadByIndex(t *testing.T) {
	s, _ := openTestStore(t)
	if s.d.postgres {
		t.Skip("reads SQLite's query plan")
	}
	at := queueT0.Format(time.RFC3339Nano)
	for name, plan := range map[string]string{
		"Queue":       queryPlan(t, s, queueQuery, at, dueCountLimit),
		"RenewLeases": queryPlan(t, s, renewLeasesSQLite, at, "worker"),
	} {
		for _, line := range strings.Split(plan, "\n") {
			if strings.Contains(line, "crawl_state") && !strings.Contains(line, "INDEX") {
				t.Errorf("%s reads the whole table:\n%s", name, plan)
			}
		}
	}
}

func TestDatabaseTimeIsTheDatabasesClock(t *testing.T) {
	s, _ := openTestStore(t)
	before := time.Now()
	at, err := s.DatabaseTime(context.Background())
	after := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	// The test's database runs on this machine: one clock, read to the
	// microsecond.
	if at.Before(before.Truncate(time.Millisecond)) || at.After(after.Add(time.Millisecond)) {
		t.Errorf("the database's time %s is not between %s and %s", at, before, after)
	}
	if at.Location() != time.UTC {
		t.Errorf("the database's time is in %s, want UTC", at.Location())
	}
}
