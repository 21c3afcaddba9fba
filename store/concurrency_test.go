package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentReadersAndWriter reads through every read method while a
// writer keeps adding versions; with WAL, busy_timeout and one writer
// connection, no call may fail (SQLITE_BUSY included).
func TestConcurrentReadersAndWriter(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	page := readFixture(t, "twitter-dev-help-privacy.html")

	const writes = 40
	const readers = 6
	done := make(chan struct{})
	errs := make(chan error, writes+readers*4)
	var wg sync.WaitGroup

	wg.Go(func() {
		defer close(done)
		prev := sd.v2
		for i := range writes {
			err := s.Write(ctx, func(tx *Tx) error {
				content := fmt.Appendf(nil, "%s<!-- capture %d -->", page, i)
				hash, err := tx.PutSnapshot(content, "text/html")
				if err != nil {
					return err
				}
				at := sd.newAt.Add(time.Duration(i+1) * time.Hour)
				if _, _, err := tx.AddFetch(Fetch{DocumentID: sd.doc.ID, At: at, Source: "crawl", Status: 200, SnapshotHash: hash}); err != nil {
					return err
				}
				id, err := tx.AddVersion(Version{DocumentID: sd.doc.ID, CapturedAt: at, SnapshotHash: hash,
					Extractor: "t", Markdown: string(content), TextHash: hash, Words: i})
				if err != nil {
					return err
				}
				_, err = tx.AddChange(Change{DocumentID: sd.doc.ID, FromVersionID: prev, ToVersionID: id, Class: "substantive"})
				prev = id
				return err
			})
			if err != nil {
				errs <- fmt.Errorf("write %d: %w", i, err)
				return
			}
		}
	})

	for r := range readers {
		wg.Go(func() {
			for reads := 0; ; reads++ {
				select {
				case <-done:
					if reads == 0 {
						errs <- fmt.Errorf("reader %d never read", r)
					}
					return
				default:
				}
				versions, err := s.Versions(ctx, sd.doc.ID)
				if err != nil {
					errs <- fmt.Errorf("reader %d Versions: %w", r, err)
					return
				}
				// Each read transaction sees a consistent state: every version
				// but the first has its change.
				for i, v := range versions[:len(versions)-1] {
					if v.Change == nil {
						errs <- fmt.Errorf("reader %d: version %d (%d of %d) has no change", r, v.ID, i, len(versions))
						return
					}
				}
				if _, err := s.Version(ctx, versions[0].ID); err != nil {
					errs <- fmt.Errorf("reader %d Version: %w", r, err)
					return
				}
				if _, err := s.Snapshot(ctx, versions[0].SnapshotHash); err != nil {
					errs <- fmt.Errorf("reader %d Snapshot: %w", r, err)
					return
				}
				if _, err := s.Changes(ctx, ChangeFilter{Limit: 10}); err != nil {
					errs <- fmt.Errorf("reader %d Changes: %w", r, err)
					return
				}
				if _, err := s.Documents(ctx, DocumentFilter{}); err != nil {
					errs <- fmt.Errorf("reader %d Documents: %w", r, err)
					return
				}
				if _, err := s.Fetches(ctx, sd.doc.ID); err != nil {
					errs <- fmt.Errorf("reader %d Fetches: %w", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	versions, err := s.Versions(ctx, sd.doc.ID)
	if err != nil || len(versions) != 2+writes {
		t.Errorf("after concurrent writes: %d versions, %v; want %d", len(versions), err, 2+writes)
	}
}

// TestTwoStoresOnOneFile opens the same file twice, as two processes would,
// and writes from both; busy_timeout and BEGIN IMMEDIATE serialise them.
func TestTwoStoresOnOneFile(t *testing.T) {
	sqliteOnly(t, "two processes on one file")
	ctx := context.Background()
	a, path := openTestStore(t)
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, s := range []*Store{a, b} {
		wg.Go(func() {
			for j := range 25 {
				err := s.Write(ctx, func(tx *Tx) error {
					_, err := tx.EnsureDocument(fmt.Sprintf("service-%d-%d", i, j), "Privacy Policy", "")
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	services, err := b.Services(ctx)
	if err != nil || len(services) != 50 {
		t.Errorf("Services = %d, %v; want 50", len(services), err)
	}
}
