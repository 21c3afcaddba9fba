package loadbench

// Benchmarks of one request at a time on an archive BenchmarkLoad made:
// what a page costs, without the queueing of 32 clients.

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/web"
)

// BenchmarkRender renders each route's pages one at a time through the
// handler, without the network or other clients and with no page kept:
// the CPU a page costs the server on the 200,000-version archive, which
// a profile (-cpuprofile) breaks down. It needs the archive of
// BenchmarkLoad at POLICYWATCH_LOAD_DB.
//
//	POLICYWATCH_LOAD_BENCH=1 POLICYWATCH_LOAD_DB=/tmp/load200k.db go test ./internal/loadbench -run '^$' -bench Render -benchtime 400x
func BenchmarkRender(b *testing.B) {
	st := openMadeArchive(b)
	targets := pickTargets(b, st)
	handler := web.New(archive.NewView(st, 0), web.Options{Logger: slog.New(slog.DiscardHandler), PageCacheBytes: -1}).Handler()
	routes := []struct {
		name string
		path func(r *rand.Rand, i int) string
	}{
		{"home", func(*rand.Rand, int) string { return "/" }},
		{"document", func(r *rand.Rand, _ int) string { return fmt.Sprintf("/documents/%d", targets.document(r)) }},
		{"document-heavy", func(r *rand.Rand, _ int) string {
			return fmt.Sprintf("/documents/%d", targets.heavy[r.IntN(len(targets.heavy))])
		}},
		{"version", func(r *rand.Rand, _ int) string {
			v := targets.versions[r.IntN(len(targets.versions))]
			return fmt.Sprintf("/documents/%d/versions/%d", v.doc, v.id)
		}},
		{"diff-cold", func(_ *rand.Rand, i int) string {
			p := targets.pairs[8+i%(len(targets.pairs)-8)]
			return fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", p.doc, p.from, p.to)
		}},
		{"diff-adjacent", func(_ *rand.Rand, i int) string {
			p := targets.adjacent[i%len(targets.adjacent)]
			return fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", p.doc, p.from, p.to)
		}},
		{"feed", func(*rand.Rand, int) string { return "/feed.atom" }},
		{"api-versions", func(r *rand.Rand, _ int) string {
			return fmt.Sprintf("/api/documents/%d/versions", targets.document(r))
		}},
	}
	cold := 0 // diff pairs are never asked twice, across runs of the sub-benchmark too
	for _, rt := range routes {
		b.Run(rt.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 3))
			cpu := cpuTime(b)
			for b.Loop() {
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, rt.path(r, cold), nil))
				cold++
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", rt.name, rec.Code)
				}
			}
			// The process's CPU (the garbage collector's included), which
			// other work on the machine changes less than the time.
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// BenchmarkPageTimes renders version pages and cold diffs one at a time,
// drawn as BenchmarkLoad draws them, and reports how the time of one page
// spreads: what the load benchmark's p99 is made of, without the queueing.
// It reports the share of the time spent on the heavy documents' pages and
// logs the slowest pages with their sizes; a CPU profile labels each page
// heavy=true or heavy=false (go tool pprof -tagfocus heavy=true).
//
//	POLICYWATCH_LOAD_BENCH=1 POLICYWATCH_LOAD_DB=/tmp/load200k.db go test ./internal/loadbench -run '^$' -bench PageTimes -benchtime 20000x
func BenchmarkPageTimes(b *testing.B) {
	st := openMadeArchive(b)
	targets := pickTargets(b, st)
	handler := web.New(archive.NewView(st, 0), web.Options{Logger: slog.New(slog.DiscardHandler), PageCacheBytes: -1}).Handler()
	cold := 0 // diff pairs are never asked twice, across runs of the sub-benchmark too
	routes := []struct {
		name string
		draw func(r *rand.Rand) (doc int64, path string)
	}{
		{"version", func(r *rand.Rand) (int64, string) {
			v := targets.versions[r.IntN(len(targets.versions))]
			return v.doc, fmt.Sprintf("/documents/%d/versions/%d", v.doc, v.id)
		}},
		{"diff-cold", func(*rand.Rand) (int64, string) {
			p := targets.pairs[8+cold%(len(targets.pairs)-8)]
			cold++
			return p.doc, fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", p.doc, p.from, p.to)
		}},
	}
	for _, rt := range routes {
		b.Run(rt.name, func(b *testing.B) {
			type timed struct {
				took  time.Duration
				path  string
				bytes int
			}
			var pages []timed
			var all, heavy time.Duration
			r := rand.New(rand.NewPCG(3, 3))
			for b.Loop() {
				doc, path := rt.draw(r)
				isHeavy := slices.Contains(targets.heavy, doc)
				rec := httptest.NewRecorder()
				start := time.Now()
				pprof.Do(context.Background(), pprof.Labels("heavy", strconv.FormatBool(isHeavy)), func(context.Context) {
					handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				})
				took := time.Since(start)
				pages = append(pages, timed{took, path, rec.Body.Len()})
				all += took
				if isHeavy {
					heavy += took
				}
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", path, rec.Code)
				}
			}
			slices.SortFunc(pages, func(x, y timed) int { return int(x.took - y.took) })
			at := func(q float64) float64 { return pages[int(q*float64(len(pages)-1))].took.Seconds() * 1000 }
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.9), "p90-ms")
			b.ReportMetric(at(0.99), "p99-ms")
			b.ReportMetric(at(1), "max-ms")
			b.ReportMetric(100*heavy.Seconds()/all.Seconds(), "%heavy")
			for _, p := range pages[max(0, len(pages)-10):] {
				b.Logf("%8.2f ms  %s  %d KB", p.took.Seconds()*1000, p.path, p.bytes/1024)
			}
		})
	}
}

// BenchmarkStoreVersion reads versions drawn at random by id through
// Store.Version, each once (cold unless a base was decoded on the way to
// another): what a chain's layout costs a reader.
func BenchmarkStoreVersion(b *testing.B) {
	ctx := context.Background()
	st := openMadeArchive(b)
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for _, d := range docs {
		vs, err := st.VersionsIn(ctx, d.ID, store.VersionRange{})
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		if _, err := st.Version(ctx, ids[r.IntN(len(ids))]); err != nil {
			b.Fatal(err)
		}
	}
}

// openMadeArchive opens the archive BenchmarkLoad made, named by
// POLICYWATCH_LOAD_DB, for the benchmarks that only read one; it skips
// them without it. The store is closed when b ends.
func openMadeArchive(b *testing.B) *store.Store {
	path := os.Getenv("POLICYWATCH_LOAD_DB")
	if os.Getenv("POLICYWATCH_LOAD_BENCH") == "" || path == "" {
		b.Skip("set POLICYWATCH_LOAD_BENCH=1 and POLICYWATCH_LOAD_DB to an archive BenchmarkLoad made")
	}
	st, err := store.OpenExisting(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}
