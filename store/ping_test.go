package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damageRoot overwrites the root page of the named table or index of the
// closed database at path.
func damageRoot(t *testing.T, path, name string) {
	t.Helper()
	db := rawDB(t, path)
	var root, pageSize int64
	if err := db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = ?", name).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start := (root - 1) * pageSize
	copy(data[start:start+pageSize], bytes.Repeat([]byte{0xA5}, int(pageSize)))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Ping reads the root of every table and index: a damaged index, which
// the pages read through, shows as well as a damaged table.
func TestPingSeesADamagedIndexOrTable(t *testing.T) {
	sqliteOnly(t, "damages the pages of a SQLite file")
	ctx := context.Background()
	for _, name := range []string{"versions_captured", "fetches"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pw.db")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			writeSeed(t, s)
			if err := s.Ping(ctx); err != nil {
				t.Fatalf("Ping on a sound database: %v", err)
			}
			s.Close()
			// A reader that cannot write pings too.
			ro, err := OpenReadOnly(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if err := ro.Ping(ctx); err != nil {
				t.Errorf("Ping on a read-only store: %v", err)
			}
			ro.Close()

			damageRoot(t, path, name)
			s, err = Open(ctx, path)
			if err != nil {
				t.Skipf("the damage is caught when opening: %v", err)
			}
			defer s.Close()
			if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("Ping with the root of %s damaged: %v", name, err)
			}
		})
	}
}

// BenchmarkPing pings a database of 100,000 fetches: the cost is a few
// pages per table and index, whatever their sizes.
func BenchmarkPing(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b)
	sd := writeSeed(b, s)
	if err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
			INSERT INTO fetches (document_id, at, source, url, status, error_class, error)
			SELECT ?, strftime('%Y-%m-%d %H:%M:%f', '2020-01-01', '+' || i || ' minutes'), 'crawl', 'https://x.example/p', 503, 'http-status', 'unavailable'
			FROM n`, sd.doc.ID)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Ping(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
