package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkWriteVersion measures one transaction that stores a ~50 KB
// snapshot, its fetch, a version and the change into it.
func BenchmarkWriteVersion(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b)
	page := readFixture(b, "twitter-dev-help-privacy.html") // 47 KB
	var doc Document
	if err := s.Write(ctx, func(tx *Tx) error {
		var err error
		doc, err = tx.EnsureDocument("Twitter", "Privacy Policy", "https://dev.twitter.com/rest/reference/get/help/privacy")
		return err
	}); err != nil {
		b.Fatal(err)
	}
	start := date("2016-01-01T00:00:00Z")
	var prev int64
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		content := fmt.Appendf(nil, "%s<!-- %d -->", page, i)
		at := start.Add(time.Duration(i) * time.Minute)
		err := s.Write(ctx, func(tx *Tx) error {
			hash, err := tx.PutSnapshot(content, "text/html")
			if err != nil {
				return err
			}
			if _, _, err := tx.AddFetch(Fetch{DocumentID: doc.ID, At: at, Source: "crawl", Status: 200, SnapshotHash: hash}); err != nil {
				return err
			}
			id, err := tx.AddVersion(Version{DocumentID: doc.ID, CapturedAt: at, SnapshotHash: hash, Extractor: "bench",
				Markdown: string(content), Sections: []byte(`{"title":"Privacy Policy"}`), TextHash: hash, Words: 7000})
			if err != nil {
				return err
			}
			if prev != 0 {
				if _, err := tx.AddChange(Change{DocumentID: doc.ID, FromVersionID: prev, ToVersionID: id, Class: "substantive"}); err != nil {
					return err
				}
			}
			prev = id
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSnapshotRead measures reading back and verifying a ~47 KB snapshot.
func BenchmarkSnapshotRead(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b)
	page := readFixture(b, "twitter-dev-help-privacy.html")
	var hash string
	if err := s.Write(ctx, func(tx *Tx) error {
		var err error
		hash, err = tx.PutSnapshot(page, "text/html")
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Snapshot(ctx, hash); err != nil {
			b.Fatal(err)
		}
	}
}
