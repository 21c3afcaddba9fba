package store

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/pgtest"
)

// TestGenerationMovesWithWhatPagesShow writes what a crawl, an import and
// notify write, through one store, and reads the generation through a
// second one, as another process would: it moves with versions, changes,
// documents, screenshots a version page shows and alerts, each on its own
// counter, and not with fetches or crawl state.
func TestGenerationMovesWithWhatPagesShow(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	reader := secondStore(t, path)
	generation := func() Generation {
		t.Helper()
		g, err := reader.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	write := func(f func(tx *Tx) error) {
		t.Helper()
		if err := s.Write(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	step := func(what string, before Generation, pages, rewritten, deliveries bool) Generation {
		t.Helper()
		after := generation()
		for _, c := range []struct {
			name          string
			before, after int64
			want          bool
		}{
			{"pages", before.Pages, after.Pages, pages},
			{"versions rewritten", before.VersionsRewritten, after.VersionsRewritten, rewritten},
			{"deliveries", before.Deliveries, after.Deliveries, deliveries},
		} {
			if moved := c.after != c.before; moved != c.want {
				t.Errorf("%s: %s went from %d to %d; want moved = %v", what, c.name, c.before, c.after, c.want)
			}
			if c.after < c.before {
				t.Errorf("%s: %s went back from %d to %d", what, c.name, c.before, c.after)
			}
		}
		return after
	}

	g := generation()
	sd := writeSeed(t, s)
	g = step("a document with two versions and a change", g, true, false, false)

	write(func(tx *Tx) error {
		_, err := tx.EnsureDocument(sd.doc.Service, sd.doc.Type, sd.doc.URL) // as every crawl does
		return err
	})
	g = step("the same document ensured again", g, false, false, false)

	write(func(tx *Tx) error {
		if _, _, err := tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: sd.newAt.Add(time.Hour), Source: "crawl",
			URL: sd.doc.URL, Status: 200, SnapshotHash: sd.hashNew, Method: "http"}); err != nil {
			return err
		}
		return tx.PutCrawlState(CrawlState{Service: sd.doc.Service, Type: sd.doc.Type, DueAt: sd.newAt.Add(13 * time.Hour),
			LastAt: sd.newAt.Add(time.Hour)})
	})
	g = step("a fetch of unchanged bytes and the crawl state", g, false, false, false)

	var shot bytes.Buffer
	if err := png.Encode(&shot, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	fetchWithScreenshot := func(at time.Time) {
		t.Helper()
		write(func(tx *Tx) error {
			hash, err := tx.PutScreenshot(shot.Bytes())
			if err != nil {
				return err
			}
			_, _, err = tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: at, Source: "crawl", URL: sd.doc.URL, Status: 200,
				SnapshotHash: sd.hashNew, Method: "browser", ScreenshotHash: hash})
			return err
		})
	}
	fetchWithScreenshot(sd.newAt.Add(2 * time.Hour))
	g = step("the first screenshot of the newest version's capture", g, true, false, false)
	fetchWithScreenshot(sd.newAt.Add(3 * time.Hour))
	g = step("a second screenshot of it", g, false, false, false)

	addSubscription(t, s, webhook("https://hooks.example/policy"))
	g = step("a subscription", g, false, false, true)
	if n := queue(t, s, sd.change); n != 1 {
		t.Fatalf("queued %d deliveries, want 1", n)
	}
	g = step("an alert queued", g, false, false, true)
	now := time.Now().Add(time.Minute) // deliveries are due from when they were queued
	claimed := claimAll(t, s, ClaimOptions{Now: now, Lease: time.Minute, Owner: "test", Kinds: allKinds})
	if len(claimed) != 1 {
		t.Fatalf("claimed %d deliveries, want 1", len(claimed))
	}
	g = step("a delivery claimed", g, false, false, true)
	finish(t, s, AttemptResult{DeliveryID: claimed[0].ID, AttemptID: claimed[0].AttemptID, Owner: "test",
		FinishedAt: now.Add(time.Second), Status: 204, State: StateDelivered})
	g = step("a delivery attempt finished", g, false, false, true)

	write(func(tx *Tx) error { return tx.SetVersionCapturedAt(sd.v1, sd.oldAt.Add(-time.Hour)) })
	step("a version moved to an earlier capture time", g, true, true, false)
}

// TestGenerationTriggersOnEveryTableListed checks that each table of
// PageTables and DeliveryTables has its triggers for inserts, updates and
// deletes, so a table added to the lists without them fails here.
func TestGenerationTriggersOnEveryTableListed(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	query := `SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? AND name LIKE '%generation%'
		AND sql LIKE '% ' || ? || ' ON %'`
	if pgtest.IsPostgres() {
		query = `SELECT count(*) FROM information_schema.triggers WHERE event_object_schema = current_schema()
			AND event_object_table = ? AND trigger_name LIKE '%generation%' AND event_manipulation = ?`
	}
	for _, table := range append(append([]string{}, PageTables...), DeliveryTables...) {
		for _, event := range []string{"INSERT", "UPDATE", "DELETE"} {
			var n int
			rows, err := s.queryReaders(ctx, query, table, event)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			rows.Close()
			if n != 1 {
				t.Errorf("table %s has %d generation triggers on %s, want 1", table, n, event)
			}
		}
	}
}
