package otaimport

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
)

// benchCommits is the size of the generated snapshots repository.
const benchCommits = 100_000

// generateSnapshots writes a snapshots repository of n commits: 100
// services' privacy policies, one capture per commit in turn, each a
// ~2 KB page whose changing paragraph makes a new version every time
// (OTA commits a snapshot only when its bytes changed), a minute apart.
func generateSnapshots(tb testing.TB, dir string, n int) {
	tb.Helper()
	var stream bytes.Buffer
	start := day("2020-01-01T00:00:00Z")
	filler := strings.Repeat("We process personal data only as this policy describes, and keep it no longer than needed. ", 15)
	for i := 0; i < n; i++ {
		service := fmt.Sprintf("Service %02d", i%100)
		html := fmt.Sprintf("<html><body><nav>Menu</nav><main><h1>Privacy Policy</h1><h2>Data</h2><p>%s</p><h2>Retention</h2><p>We keep logs for %d days.</p></main></body></html>", filler, i/100+1)
		writeCommit(&stream, fakeCommit{
			Date:    start.Add(time.Duration(i) * time.Minute),
			Message: "Record new changes of " + service + " Privacy Policy",
			Files:   map[string]string{service + "/Privacy Policy.html": html},
		})
	}
	importStream(tb, dir, &stream)
}

// BenchmarkImportOTASnapshots imports a 100,000-commit snapshots
// repository into a fresh database and reports commits per second. Run:
//
//	go test ./otaimport -run '^$' -bench ImportOTASnapshots -benchtime 1x -timeout 60m
func BenchmarkImportOTASnapshots(b *testing.B) {
	repoDir := filepath.Join(b.TempDir(), "snapshots")
	began := time.Now()
	generateSnapshots(b, repoDir, benchCommits)
	b.Logf("generated %d commits with git fast-import in %s", benchCommits, time.Since(began).Round(time.Millisecond))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprintf("pw%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		im := &Importer{Store: st, Archive: archive.New(st)}
		b.StartTimer()
		sum, err := im.Snapshots(context.Background(), repoDir)
		b.StopTimer()
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Commits != benchCommits || sum.NewVersions != benchCommits {
			b.Fatalf("imported %d commits, %d new versions; want %d each", sum.Commits, sum.NewVersions, benchCommits)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(benchCommits*b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkReadSnapshotsLog reads the same repository's history and
// contents without recording: what the git program costs of the import.
func BenchmarkReadSnapshotsLog(b *testing.B) {
	repoDir := filepath.Join(b.TempDir(), "snapshots")
	generateSnapshots(b, repoDir, benchCommits)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := openRepo(ctx, repoDir)
		if err != nil {
			b.Fatal(err)
		}
		blobs, err := r.blobs(ctx, 1<<20)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		err = r.log(ctx, "", func(c commit) error {
			for _, f := range c.Files {
				if _, err := blobs.read(f.Blob); err != nil {
					return err
				}
			}
			n++
			return nil
		})
		blobs.close()
		if err != nil || n != benchCommits {
			b.Fatalf("read %d commits: %v", n, err)
		}
	}
	b.ReportMetric(float64(benchCommits*b.N)/b.Elapsed().Seconds(), "commits/s")
}
