package archive

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

func subscribe(t *testing.T, st *store.Store, sub store.Subscription) {
	t.Helper()
	if err := st.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.AddSubscription(sub)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func deliveries(t *testing.T, st *store.Store) []store.DeliveryEntry {
	t.Helper()
	list, err := st.Deliveries(context.Background(), store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// crawledFile is a crawl capture of a file of the demo's cookie history,
// captured at the time at (the form of the files' names).
func crawledFile(t *testing.T, at, file string) Capture {
	t.Helper()
	when, err := time.Parse("2006-01-02T15-04-05Z", at)
	if err != nil {
		t.Fatal(err)
	}
	return crawlCapture(when, string(readBundle(t, cookiesDir+"/"+file)))
}

func TestOnlyACrawledChangeAtTheHeadQueuesAlerts(t *testing.T) {
	a, st := newArchive(t)
	subscribe(t, st, store.Subscription{Kind: store.KindWebhook, URL: "https://hooks.example/", Secret: "whsec_x"})
	subscribe(t, st, store.Subscription{Kind: store.KindEmail, Email: "desk@example.org", Classes: []string{"substantive"}})
	subscribe(t, st, store.Subscription{Kind: store.KindEmail, Email: "x@example.org", Services: []string{"X"}, Types: []string{"Trackers Policy"}})

	// History imported: no alerts, however many changes it holds.
	for _, f := range []string{"2022-07-11T15-00-43Z.md", "2022-09-07T00-33-22Z.md", "2022-11-23T00-34-28Z.md"} {
		c := crawledFile(t, strings.TrimSuffix(f, ".md"), f)
		c.Source = "import"
		record(t, a, cookiesRef, c)
	}
	demo := crawledFile(t, "2024-05-16T06-39-10Z", "2024-05-16T06-39-10Z.md")
	demo.Source = "demo"
	record(t, a, cookiesRef, demo)
	if n := len(deliveries(t, st)); n != 0 {
		t.Fatalf("imports and the demo queued %d deliveries", n)
	}

	// A crawl of a text older than the head (an old capture arriving late)
	// changes the history but alerts no one.
	late := record(t, a, cookiesRef, crawledFile(t, "2023-09-20T18-34-47Z", "2023-09-20T18-34-47Z.md"))
	if !late.NewVersion || late.Change == nil {
		t.Fatalf("late crawl: %+v", late)
	}
	if n := len(deliveries(t, st)); n != 0 {
		t.Fatalf("a change behind the head queued %d deliveries", n)
	}

	// The live page changes: the head moves, matching subscriptions hear.
	out := record(t, a, cookiesRef, crawledFile(t, "2024-05-17T00-38-40Z", "2024-05-17T00-38-40Z.md"))
	if !out.NewVersion || out.Change == nil {
		t.Fatalf("crawl: %+v", out)
	}
	// The webhook and the X / Trackers Policy address hear; the desk that
	// asked for substantive changes only does not hear of this rebrand.
	list := deliveries(t, st)
	const want = 2
	if out.Change.Class != "rebrand" || len(list) != want {
		t.Fatalf("crawl of a change (class %s) queued %d deliveries, want %d", out.Change.Class, len(list), want)
	}
	for _, d := range list {
		if d.Alert.Change.ID != out.Change.ID || d.Alert.Change.Summary != out.Change.Summary || d.State != store.StatePending {
			t.Errorf("delivery %+v, want one for change %d", d, out.Change.ID)
		}
	}

	// The same text crawled again is no change and no alert.
	again := crawledFile(t, "2024-05-17T18-36-34Z", "2024-05-17T00-38-40Z.md")
	if o := record(t, a, cookiesRef, again); o.NewVersion || len(deliveries(t, st)) != want {
		t.Errorf("same text again: %+v, %d deliveries", o, len(deliveries(t, st)))
	}
}

// TestAVersionNotStoredQueuesNothing breaks the transaction after the
// outbox row is written: the version, its change and its alert go
// together.
func TestAVersionNotStoredQueuesNothing(t *testing.T) {
	a, st := newArchive(t)
	subscribe(t, st, store.Subscription{Kind: store.KindWebhook, URL: "https://hooks.example/", Secret: "whsec_x"})
	record(t, a, cookiesRef, crawledFile(t, "2022-11-23T00-34-28Z", "2022-11-23T00-34-28Z.md"))

	db := storetest.RawDB(t, st)
	if _, err := db.Exec(storetest.Pick(`CREATE TRIGGER fail_after_queueing AFTER INSERT ON deliveries
		BEGIN SELECT RAISE(ABORT, 'the disk is full'); END`, `
		CREATE FUNCTION fail_after_queueing() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'the disk is full'; END $$;
		CREATE TRIGGER fail_after_queueing AFTER INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION fail_after_queueing()`)); err != nil {
		t.Fatal(err)
	}
	_, err := a.Record(context.Background(), cookiesRef, crawledFile(t, "2023-09-20T18-34-47Z", "2023-09-20T18-34-47Z.md"))
	if err == nil || !strings.Contains(err.Error(), "the disk is full") {
		t.Fatalf("Record with a failing outbox: %v", err)
	}
	var versions, alerts, rows int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM versions), (SELECT count(*) FROM alerts), (SELECT count(*) FROM deliveries)`).
		Scan(&versions, &alerts, &rows); err != nil {
		t.Fatal(err)
	}
	if versions != 1 || alerts != 0 || rows != 0 {
		t.Errorf("after the rollback: %d versions, %d alerts, %d deliveries; want 1, 0, 0", versions, alerts, rows)
	}
}
