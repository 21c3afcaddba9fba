package store

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fillArchive writes a row into every table CopyArchive copies: a seed
// history, a chain of real captures compressed against each other, marks,
// a crawl state, a screenshot, a subscription with a delivery attempted.
func fillArchive(t *testing.T, s *Store) seed {
	t.Helper()
	ctx := context.Background()
	sd := writeSeed(t, s)
	for i, c := range otaCaptures(t, "ChristianMingle", "Privacy Policy")[:4] {
		record(t, s, "ChristianMingle", c, date("2026-06-12T00:00:00Z").Add(time.Duration(i)*12*time.Hour))
	}
	var shot bytes.Buffer
	if err := png.Encode(&shot, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		hash, err := tx.PutScreenshot(shot.Bytes())
		if err != nil {
			return err
		}
		if _, _, err := tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: sd.newAt.Add(time.Hour), Source: "crawl", URL: sd.doc.URL,
			Status: 200, SnapshotHash: sd.hashNew, Method: "browser", ScreenshotHash: hash, Headers: "Content-Type: text/plain\r\n"}); err != nil {
			return err
		}
		if _, err := tx.SetHistoryMarks(sd.doc.ID, map[int64]MarkRow{sd.v2: {NearChecked: sd.v1}}, "marks-test"); err != nil {
			return err
		}
		return tx.PutCrawlState(CrawlState{Service: "X", Type: "Cookies Policy", DueAt: sd.newAt.Add(12 * time.Hour),
			LastAt: sd.newAt, ValidatedURL: sd.doc.URL, ETag: `"v2"`})
	}); err != nil {
		t.Fatal(err)
	}
	addSubscription(t, s, webhook("https://hooks.example/"))
	queue(t, s, sd.change)
	now := time.Now().Add(time.Second)
	got := claimAll(t, s, ClaimOptions{Now: now, Lease: time.Minute, Owner: "w", Kinds: allKinds})
	if len(got) != 1 {
		t.Fatalf("claimed %d deliveries, want 1", len(got))
	}
	finish(t, s, AttemptResult{DeliveryID: got[0].ID, AttemptID: got[0].AttemptID, Owner: "w", FinishedAt: now,
		Duration: 3 * time.Millisecond, Status: 204, State: StateDelivered})
	return sd
}

// dumpArchive renders every row of the tables CopyArchive copies, each
// value with its Go type, in the order the copy reads them.
func dumpArchive(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	dump := map[string][]string{}
	err := s.read(ctx, func(tx *dbTx) error {
		for _, table := range copiedTables {
			cols, _, err := columnsOf(ctx, tx, table.name)
			if err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, "SELECT "+strings.Join(sorted(cols), ", ")+" FROM "+table.name+" ORDER BY "+table.order)
			if err != nil {
				return err
			}
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				dump[table.name] = append(dump[table.name], fmt.Sprintf("%#v", values))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dump
}

// TestCopyArchiveRoundTripIsByteIdentical: a SQLite archive copied into
// the pass's store (PostgreSQL on its pass) and back into a new SQLite
// file has every row of every table as it was, byte for byte; the store
// in the middle reads the captures and texts, and goes on numbering rows
// after the ids it was given.
func TestCopyArchiveRoundTripIsByteIdentical(t *testing.T) {
	ctx := context.Background()
	first, err := Open(ctx, filepath.Join(t.TempDir(), "first.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	sd := fillArchive(t, first)
	before := dumpArchive(t, first)
	for _, table := range copiedTables {
		if len(before[table.name]) == 0 && table.name != "import_cursors" && table.name != "host_turns" && table.name != "held_captures" {
			t.Errorf("the archive to copy has no row in %s: the round trip would not test it", table.name)
		}
	}

	middle, _ := openTestStore(t)
	stats, err := CopyArchive(ctx, first, middle)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Rows["versions"] != int64(len(before["versions"])) || stats.Replaced != 0 {
		t.Errorf("copy stats %+v", stats)
	}
	last, err := Open(ctx, filepath.Join(t.TempDir(), "last.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer last.Close()
	if _, err := CopyArchive(ctx, middle, last); err != nil {
		t.Fatal(err)
	}
	after := dumpArchive(t, last)
	for _, table := range copiedTables {
		b, a := before[table.name], after[table.name]
		if len(a) != len(b) {
			t.Errorf("%s: %d rows after the round trip, %d before", table.name, len(a), len(b))
			continue
		}
		for i := range b {
			if a[i] != b[i] {
				t.Errorf("%s row %d differs after the round trip:\n got %.300s\nwant %.300s", table.name, i, a[i], b[i])
				break
			}
		}
	}

	snap, err := middle.Snapshot(ctx, sd.hashNew)
	if err != nil || !bytes.Equal(snap.Content, sd.newContent) {
		t.Errorf("the capture read from the copy: %v, equal %v", err, bytes.Equal(snap.Content, sd.newContent))
	}
	v, err := middle.Version(ctx, sd.v2)
	if err != nil || v.Markdown != string(sd.newContent) {
		t.Errorf("the version text read from the copy: %v", err)
	}
	var next Document
	if err := middle.Write(ctx, func(tx *Tx) error {
		var err error
		next, err = tx.EnsureDocument("New", "Terms of Service", "")
		return err
	}); err != nil {
		t.Fatalf("a document added to the copy: %v", err)
	}
	if next.ID <= sd.doc.ID {
		t.Errorf("a document added to the copy got id %d, not after the copied ids", next.ID)
	}
}

// TestCopyArchiveRefusesATargetThatHoldsAnArchive: nothing is copied into
// a database that holds rows already, and they stay as they were.
func TestCopyArchiveRefusesATargetThatHoldsAnArchive(t *testing.T) {
	ctx := context.Background()
	source, _ := openTestStore(t)
	writeSeed(t, source)
	target, err := Open(ctx, filepath.Join(t.TempDir(), "target.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := target.Write(ctx, func(tx *Tx) error {
		_, err := tx.EnsureDocument("Kept", "Privacy Policy", "https://kept.example/")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := dumpArchive(t, target)
	_, err = CopyArchive(ctx, source, target)
	if err == nil || !strings.Contains(err.Error(), "already holds an archive") || !strings.Contains(err.Error(), "target.db") {
		t.Fatalf("CopyArchive into a database with rows: %v", err)
	}
	if after := dumpArchive(t, target); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the refused copy changed the target: %v, was %v", after, before)
	}
}
