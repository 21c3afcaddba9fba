package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWriteRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	boom := errors.New("boom")
	var hash string
	err := s.Write(ctx, func(tx *Tx) error {
		doc, err := tx.EnsureDocument("X", "Cookies Policy", "https://x.com")
		if err != nil {
			return err
		}
		if hash, err = tx.PutSnapshot([]byte("capture"), "text/plain"); err != nil {
			return err
		}
		if _, err := tx.AddVersion(Version{DocumentID: doc.ID, CapturedAt: date("2023-01-01T00:00:00Z"),
			SnapshotHash: hash, Extractor: "t", Markdown: "capture", TextHash: hash, Words: 1}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write error = %v, want boom", err)
	}
	assertEmpty(t, s, hash)
}

func TestWriteRollsBackOnPanic(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	var hash string
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Errorf("recovered %v, want the panic re-raised", r)
			}
		}()
		_ = s.Write(ctx, func(tx *Tx) error {
			if _, err := tx.EnsureDocument("X", "Cookies Policy", ""); err != nil {
				return err
			}
			hash, _ = tx.PutSnapshot([]byte("capture"), "text/plain")
			panic("kaboom")
		})
	}()
	assertEmpty(t, s, hash)
	// The writer connection must be usable again after the panic.
	if err := s.Write(ctx, func(tx *Tx) error { _, err := tx.EnsureDocument("X", "Cookies Policy", ""); return err }); err != nil {
		t.Fatalf("Write after panic: %v", err)
	}
}

func assertEmpty(t *testing.T, s *Store, hash string) {
	t.Helper()
	ctx := context.Background()
	if services, err := s.Services(ctx); err != nil || len(services) != 0 {
		t.Errorf("after rollback Services = %+v, %v; want none", services, err)
	}
	if docs, err := s.Documents(ctx, DocumentFilter{}); err != nil || len(docs) != 0 {
		t.Errorf("after rollback Documents = %+v, %v; want none", docs, err)
	}
	if _, err := s.Snapshot(ctx, hash); !errors.Is(err, ErrNotFound) {
		t.Errorf("after rollback Snapshot error = %v, want ErrNotFound", err)
	}
}

func TestAddFetchIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	again := []Fetch{
		{DocumentID: sd.doc.ID, At: sd.newAt, Source: "import", URL: sd.doc.URL, Status: 200, SnapshotHash: sd.hashNew},
		// Failed fetches have no snapshot: NULL must not make them distinct.
		{DocumentID: sd.doc.ID, At: sd.failedAt, Source: "crawl", Status: 503, ErrorClass: "http"},
		// The same instant in another zone is the same capture.
		{DocumentID: sd.doc.ID, At: sd.newAt.In(time.FixedZone("CEST", 2*3600)), Source: "import", SnapshotHash: sd.hashNew},
	}
	wantIDs := []int64{sd.fetchOK, sd.fetchFailed, sd.fetchOK}
	err := s.Write(ctx, func(tx *Tx) error {
		for i, f := range again {
			id, added, err := tx.AddFetch(f)
			if err != nil {
				return err
			}
			if added || id != wantIDs[i] {
				t.Errorf("AddFetch(%+v) again = id %d added %v, want id %d not added", f, id, added, wantIDs[i])
			}
		}
		// Another source, time or snapshot is another fetch.
		_, added, err := tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: sd.newAt, Source: "demo", SnapshotHash: sd.hashNew})
		if err != nil || !added {
			t.Errorf("fetch from another source: added %v, %v; want added", added, err)
		}
		_, added, err = tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: sd.newAt, Source: "import", SnapshotHash: sd.hashOld})
		if err != nil || !added {
			t.Errorf("fetch with another snapshot: added %v, %v; want added", added, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fetches, err := s.Fetches(ctx, sd.doc.ID)
	if err != nil || len(fetches) != 4 {
		t.Errorf("Fetches = %d, %v; want 4", len(fetches), err)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	missingHash := HashContent([]byte("not stored"))
	cases := map[string]func(tx *Tx) error{
		"version of missing document": func(tx *Tx) error {
			_, err := tx.AddVersion(Version{DocumentID: 999, CapturedAt: sd.newAt, SnapshotHash: sd.hashNew, Extractor: "t"})
			return err
		},
		"version of missing snapshot": func(tx *Tx) error {
			_, err := tx.AddVersion(Version{DocumentID: sd.doc.ID, CapturedAt: sd.newAt, SnapshotHash: missingHash, Extractor: "t"})
			return err
		},
		"fetch of missing snapshot": func(tx *Tx) error {
			_, _, err := tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: sd.newAt, Source: "crawl", SnapshotHash: missingHash})
			return err
		},
		"fetch of missing document": func(tx *Tx) error {
			_, _, err := tx.AddFetch(Fetch{DocumentID: 999, At: sd.newAt, Source: "crawl"})
			return err
		},
	}
	for name, fn := range cases {
		err := s.Write(ctx, fn)
		if err == nil || !strings.Contains(strings.ToUpper(err.Error()), "FOREIGN KEY") {
			t.Errorf("%s: error = %v, want a FOREIGN KEY failure", name, err)
		}
	}
	// A change must link two versions of its own document.
	err := s.Write(ctx, func(tx *Tx) error {
		other, err := tx.EnsureDocument("X", "Privacy Policy", "")
		if err != nil {
			return err
		}
		_, err = tx.AddChange(Change{DocumentID: other.ID, FromVersionID: sd.v1, ToVersionID: sd.v2, Class: "x"})
		return err
	})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("change across documents: error = %v, want ErrNotFound", err)
	}
	// The same version cannot be reached by two changes.
	err = s.Write(ctx, func(tx *Tx) error {
		_, err := tx.AddChange(Change{DocumentID: sd.doc.ID, FromVersionID: sd.v1, ToVersionID: sd.v2, Class: "again"})
		return err
	})
	if err == nil || !strings.Contains(strings.ToUpper(err.Error()), "UNIQUE") {
		t.Errorf("second change into v2: error = %v, want UNIQUE failure", err)
	}
}

func TestEnsureDocument(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	err := s.Write(ctx, func(tx *Tx) error {
		first, err := tx.EnsureDocument("X", "Cookies Policy", "https://help.twitter.com/cookies")
		if err != nil {
			return err
		}
		same, err := tx.EnsureDocument("X", "Cookies Policy", "")
		if err != nil {
			return err
		}
		if same.ID != first.ID || same.URL != "https://help.twitter.com/cookies" {
			t.Errorf("EnsureDocument with empty URL = %+v, want id %d and the old URL kept", same, first.ID)
		}
		moved, err := tx.EnsureDocument("X", "Cookies Policy", "https://help.x.com/cookies")
		if err != nil {
			return err
		}
		if moved.ID != first.ID || moved.URL != "https://help.x.com/cookies" {
			t.Errorf("EnsureDocument with new URL = %+v, want id %d and the new URL", moved, first.ID)
		}
		if _, err := tx.EnsureDocument("", "Cookies Policy", ""); err == nil {
			t.Error("EnsureDocument with an empty service succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVersionAtAndAfter(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s) // v1 at oldAt (2021), v2 at newAt (2023)
	err := s.Write(ctx, func(tx *Tx) error {
		check := func(what string, got *VersionSummary, err error, want int64) {
			t.Helper()
			switch {
			case err != nil:
				t.Errorf("%s: %v", what, err)
			case want == 0 && got != nil:
				t.Errorf("%s = version %d, want none", what, got.ID)
			case want != 0 && (got == nil || got.ID != want):
				t.Errorf("%s = %+v, want version %d", what, got, want)
			}
		}
		before := sd.oldAt.Add(-time.Hour)
		between := date("2022-01-01T00:00:00Z")
		later := date("2025-01-01T00:00:00Z")
		v, err := tx.VersionAt(sd.doc.ID, before)
		check("VersionAt(before all)", v, err, 0)
		v, err = tx.VersionAt(sd.doc.ID, sd.oldAt)
		check("VersionAt(exactly v1)", v, err, sd.v1)
		v, err = tx.VersionAt(sd.doc.ID, between)
		check("VersionAt(between)", v, err, sd.v1)
		v, err = tx.VersionAt(sd.doc.ID, later)
		check("VersionAt(later)", v, err, sd.v2)
		if v != nil && v.Bytes != len(sd.newContent) {
			t.Errorf("VersionAt says %d bytes of Markdown, want %d", v.Bytes, len(sd.newContent))
		}
		v, err = tx.VersionAfter(sd.doc.ID, before)
		check("VersionAfter(before all)", v, err, sd.v1)
		v, err = tx.VersionAfter(sd.doc.ID, sd.oldAt)
		check("VersionAfter(exactly v1)", v, err, sd.v2)
		v, err = tx.VersionAfter(sd.doc.ID, sd.newAt)
		check("VersionAfter(last)", v, err, 0)

		// An earlier capture of v1's text moves v1 back; VersionAt follows.
		if err := tx.SetVersionCapturedAt(sd.v1, before); err != nil {
			return err
		}
		v, err = tx.VersionAt(sd.doc.ID, before)
		check("VersionAt(before) after moving v1", v, err, sd.v1)

		// Inserting a version between v1 and v2 replaces the change into v2.
		if err := tx.DeleteChangeInto(sd.v2); err != nil {
			return err
		}
		mid, err := tx.AddVersion(Version{DocumentID: sd.doc.ID, CapturedAt: between, SnapshotHash: sd.hashOld,
			Extractor: "t", Markdown: "middle", TextHash: "m", Words: 1})
		if err != nil {
			return err
		}
		if _, err := tx.AddChange(Change{DocumentID: sd.doc.ID, FromVersionID: sd.v1, ToVersionID: mid, Class: "c"}); err != nil {
			return err
		}
		_, err = tx.AddChange(Change{DocumentID: sd.doc.ID, FromVersionID: mid, ToVersionID: sd.v2, Class: "c"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	versions, err := s.Versions(ctx, sd.doc.ID)
	if err != nil || len(versions) != 3 {
		t.Fatalf("Versions = %+v, %v", versions, err)
	}
	if versions[0].Change == nil || versions[0].Change.FromVersionID != versions[1].ID ||
		versions[1].Change == nil || versions[1].Change.FromVersionID != sd.v1 || versions[2].Change != nil {
		t.Errorf("chain after insertion is broken: %+v", versions)
	}
}

func TestRejectsZeroTimeAndBadJSON(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.AddVersion(Version{DocumentID: sd.doc.ID, SnapshotHash: sd.hashNew, Extractor: "t"})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "zero time") {
		t.Errorf("AddVersion without time: %v, want zero time error", err)
	}
	err = s.Write(ctx, func(tx *Tx) error {
		_, err := tx.AddVersion(Version{DocumentID: sd.doc.ID, CapturedAt: sd.newAt, SnapshotHash: sd.hashNew,
			Extractor: "t", Sections: []byte("{not json")})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("AddVersion with invalid sections JSON: %v, want it refused", err)
	}
}
