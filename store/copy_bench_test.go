package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/pgtest"
	"github.com/policywatch/policywatch/internal/synth"
	"github.com/policywatch/policywatch/store"
)

// BenchmarkCopyArchive copies a synthetic archive of 400 documents and
// 4,000 versions (internal/synth: real policy texts with small edits,
// made once, outside the timing) from a SQLite file into an empty
// database, as 'policywatch migrate-db' does, without rebuilding the
// search index. The target is SQLite, or PostgreSQL with
// POLICYWATCH_TEST_STORE=postgres. Reports rows and stored megabytes per
// second.
func BenchmarkCopyArchive(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	source := filepath.Join(dir, "source.db")
	from, err := store.Open(ctx, source)
	if err != nil {
		b.Fatal(err)
	}
	defer from.Close()
	if _, err := synth.Generate(ctx, archive.New(from), synth.Options{Documents: 400, Versions: 4000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(source)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var rows int64
	for i := range b.N {
		b.StopTimer()
		target := filepath.Join(dir, "target.db")
		os.Remove(target)
		if pgtest.IsPostgres() {
			target = pgtest.EmptyDatabase(b)
		}
		to, err := store.Open(ctx, target)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		stats, err := store.CopyArchive(ctx, from, to)
		b.StopTimer()
		to.Close()
		if err != nil {
			b.Fatalf("copy %d: %v", i, err)
		}
		rows = 0
		for _, n := range stats.Rows {
			rows += n
		}
		b.StartTimer()
	}
	perCopy := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(rows)/perCopy, "rows/s")
	b.ReportMetric(float64(info.Size())/1e6/perCopy, "MB/s")
	b.ReportMetric(float64(rows), "rows")
}
