package loadbench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/synth"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/web"
)

// Sizes of the benchmark: the archive of issue #11, 32 clients, 20 s a
// route. POLICYWATCH_LOAD_DOCUMENTS, _VERSIONS and _SECONDS change them
// for a quicker look.
const (
	loadDocuments = 10000
	loadVersions  = 200000
	loadClients   = 32
	loadSeconds   = 20
)

// BenchmarkLoad serves a synthetic archive of 10,000 documents and
// 200,000 versions over HTTP and sends each route 32 clients at once for
// 20 s: the home page, document pages, version pages, diff pages never
// asked before (cold) and asked again (cached), the site's feed, and the
// API's list of a document's versions. It reports p50 and p99 per route.
//
// It runs only when POLICYWATCH_LOAD_BENCH is set, with -benchtime 1x:
//
//	POLICYWATCH_LOAD_BENCH=1 go test ./internal/loadbench -run '^$' -bench Load -benchtime 1x -timeout 2h
//
// The archive is made in a temporary directory and deleted afterwards
// (about 2 GB); with POLICYWATCH_LOAD_DB=FILE it is made there once and
// kept, and a later run serves it again without making it.
//
// The server keeps rendered pages as serve does (web's page cache, 64 MB);
// kept-% says how many requests of a route it answered from it.
// POLICYWATCH_LOAD_PAGE_CACHE=off renders every page, as after a write.
func BenchmarkLoad(b *testing.B) {
	if os.Getenv("POLICYWATCH_LOAD_BENCH") == "" {
		b.Skip("set POLICYWATCH_LOAD_BENCH=1 to run the load benchmark (it makes a 200,000-version archive)")
	}
	documents, versions := envInt(b, "POLICYWATCH_LOAD_DOCUMENTS", loadDocuments), envInt(b, "POLICYWATCH_LOAD_VERSIONS", loadVersions)
	seconds := envInt(b, "POLICYWATCH_LOAD_SECONDS", loadSeconds)
	ctx := context.Background()
	path := os.Getenv("POLICYWATCH_LOAD_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "load.db")
	}
	if _, err := os.Stat(path); err != nil {
		makeArchive(b, path, documents, versions)
	} else {
		b.Logf("serving the archive already in %s", path)
	}

	st, err := store.OpenExisting(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	targets := pickTargets(b, st)
	view := archive.NewView(st, 0)
	var pageCache int64
	switch raw := os.Getenv("POLICYWATCH_LOAD_PAGE_CACHE"); raw {
	case "", "on":
	case "off":
		pageCache = -1
	default:
		b.Fatalf("POLICYWATCH_LOAD_PAGE_CACHE=%q: want on or off", raw)
	}
	renderSlots := -1 // POLICYWATCH_LOAD_RENDER_SLOTS=off: every request renders at once
	if os.Getenv("POLICYWATCH_LOAD_RENDER_SLOTS") != "off" {
		renderSlots = envInt(b, "POLICYWATCH_LOAD_RENDER_SLOTS", 0) // 0: web's default
	}
	server := web.New(view, web.Options{Logger: slog.New(slog.DiscardHandler), PageCacheBytes: pageCache, RenderSlots: renderSlots})
	srv := httptest.NewServer(server.Handler())
	defer srv.Close()
	// The clients ask for gzip as browsers do and, like a browser on its
	// own machine, do not spend this process's CPU decompressing: bytes
	// are counted as they travel.
	client := &http.Client{Transport: &gzipAsking{http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients, DisableCompression: true}}}

	cachedPairs := targets.pairs[:8]
	var next, nextAdjacent atomic.Int64 // cold diffs take pairs in turn: none is asked twice
	routes := []struct {
		name string
		path func(r *rand.Rand) string
	}{
		{"home", func(*rand.Rand) string { return "/" }},
		{"document", func(r *rand.Rand) string { return fmt.Sprintf("/documents/%d", targets.document(r)) }},
		{"version", func(r *rand.Rand) string {
			v := targets.versions[r.IntN(len(targets.versions))]
			return fmt.Sprintf("/documents/%d/versions/%d", v.doc, v.id)
		}},
		{"diff-cold", func(*rand.Rand) string {
			p := targets.pairs[8+int(next.Add(1))%(len(targets.pairs)-8)]
			return fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", p.doc, p.from, p.to)
		}},
		{"diff-adjacent", func(*rand.Rand) string {
			p := targets.adjacent[int(nextAdjacent.Add(1))%len(targets.adjacent)]
			return fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", p.doc, p.from, p.to)
		}},
		{"diff-cached", func(r *rand.Rand) string {
			p := cachedPairs[r.IntN(len(cachedPairs))]
			return fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", p.doc, p.from, p.to)
		}},
		{"feed", func(*rand.Rand) string { return "/feed.atom" }},
		{"api-versions", func(r *rand.Rand) string { return fmt.Sprintf("/api/documents/%d/versions", targets.document(r)) }},
	}
	for _, rt := range routes {
		b.Run(rt.name, func(b *testing.B) {
			if rt.name == "diff-cached" {
				for _, p := range cachedPairs { // the first request computes, the others find it cached
					get(b, client, srv.URL+fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", p.doc, p.from, p.to))
				}
			}
			cpu, kept := cpuTime(b), server.PageCacheStats().Served
			res := hammer(b, client, srv.URL, rt.path, time.Duration(seconds)*time.Second)
			perRequest := (cpuTime(b) - cpu) / time.Duration(max(res.count, 1))
			keptShare := float64(server.PageCacheStats().Served-kept) / float64(max(res.count, 1)) * 100
			b.ReportMetric(res.p50.Seconds()*1000, "p50-ms")
			b.ReportMetric(res.p99.Seconds()*1000, "p99-ms")
			b.ReportMetric(float64(res.count)/res.took.Seconds(), "req/s")
			b.ReportMetric(perRequest.Seconds()*1000, "cpu-ms/req")
			b.ReportMetric(keptShare, "kept-%")
			b.Logf("%-12s %6d requests in %v, %5.0f/s: p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms, %d KB a response as sent, %.2f ms of CPU a request (server and client), %.0f%% served kept; load average %s",
				rt.name, res.count, res.took.Round(time.Millisecond), float64(res.count)/res.took.Seconds(),
				res.p50.Seconds()*1000, res.p99.Seconds()*1000, res.max.Seconds()*1000, res.bytes/int64(max(res.count, 1))/1024,
				perRequest.Seconds()*1000, keptShare, loadAverage())
		})
	}
}

func envInt(b *testing.B, name string, def int) int {
	raw := os.Getenv(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, raw)
	}
	return n
}

// makeArchive generates the archive into path, at zstd's better level
// (the pages read it as any other).
func makeArchive(b *testing.B, path string, documents, versions int) {
	ctx := context.Background()
	st, err := store.OpenWith(ctx, path, store.FasterCompression())
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	last := time.Now()
	sum, err := synth.Generate(ctx, archive.New(st), synth.Options{
		Documents: documents, Versions: versions, Seed: 11,
		Progress: func(done, total int) {
			if time.Since(last) > 30*time.Second {
				last = time.Now()
				// On stderr as it goes: benchmark logs show at the end.
				fmt.Fprintf(os.Stderr, "loadbench: %d of %d versions after %v\n", done, total, time.Since(start).Round(time.Second))
			}
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.Logf("made %d services, %d documents, %d versions in %v (%.0f versions/s), %d MB", sum.Services, sum.Documents, sum.Versions,
		took.Round(time.Second), float64(sum.Versions)/took.Seconds(), info.Size()>>20)
}

// loadTargets are what the clients ask for.
type loadTargets struct {
	documents []int64 // every document
	heavy     []int64 // the documents with the longest histories
	versions  []versionRef
	pairs     []diffPair // distinct pairs of versions of one document
	// adjacent are distinct pairs of consecutive versions: the diffs a
	// reader reaches from a timeline.
	adjacent []diffPair
}

type versionRef struct{ doc, id int64 }

type diffPair struct{ doc, from, to int64 }

// document picks a document: one in ten a heavy one, whose pages list the
// longest histories.
func (t loadTargets) document(r *rand.Rand) int64 {
	if len(t.heavy) > 0 && r.IntN(10) == 0 {
		return t.heavy[r.IntN(len(t.heavy))]
	}
	return t.documents[r.IntN(len(t.documents))]
}

// pickTargets reads the documents and samples versions and pairs of
// versions, a fifth of them in the heavy documents.
func pickTargets(b *testing.B, st *store.Store) loadTargets {
	ctx := context.Background()
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var t loadTargets
	for _, d := range docs {
		t.documents = append(t.documents, d.ID)
	}
	slices.SortFunc(docs, func(x, y store.Document) int { return y.Versions - x.Versions })
	for _, d := range docs[:min(5, len(docs))] {
		t.heavy = append(t.heavy, d.ID)
	}
	r := rand.New(rand.NewPCG(7, 7))
	seen, seenAdjacent := map[diffPair]bool{}, map[diffPair]bool{}
	for len(t.pairs) < 20000 && len(seen) < 40000 {
		id := t.document(r)
		vs, err := st.VersionsIn(ctx, id, store.VersionRange{})
		if err != nil {
			b.Fatal(err)
		}
		for range 4 {
			v := vs[r.IntN(len(vs))]
			t.versions = append(t.versions, versionRef{id, v.ID})
			if len(vs) < 2 {
				continue
			}
			i := r.IntN(len(vs))
			j := r.IntN(len(vs) - 1)
			if j >= i {
				j++
			}
			from, to := vs[max(i, j)], vs[min(i, j)] // newest first: the older is from
			p := diffPair{id, from.ID, to.ID}
			if !seen[p] {
				seen[p] = true
				t.pairs = append(t.pairs, p)
			}
			// Drawn from i without another draw, so that the other
			// targets are those of earlier runs.
			if i+1 < len(vs) {
				if a := (diffPair{id, vs[i+1].ID, vs[i].ID}); !seenAdjacent[a] {
					seenAdjacent[a] = true
					t.adjacent = append(t.adjacent, a)
				}
			}
		}
	}
	return t
}

// gzipAsking is a transport that asks for gzip and leaves the body as it
// comes.
type gzipAsking struct{ http.Transport }

func (g *gzipAsking) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept-Encoding", "gzip")
	return g.Transport.RoundTrip(r)
}

// loadResult is what one route's clients measured.
type loadResult struct {
	count         int
	bytes         int64
	took          time.Duration
	p50, p99, max time.Duration
}

// hammer sends loadClients clients at base+path for d, each request after
// the one before, and measures each request from sending to the last byte.
func hammer(b *testing.B, client *http.Client, base string, path func(*rand.Rand) string, d time.Duration) loadResult {
	var mu sync.Mutex
	var all []time.Duration
	var bytes atomic.Int64
	var failed atomic.Value
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for c := range loadClients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 11))
			var mine []time.Duration
			for time.Now().Before(deadline) {
				url := base + path(r)
				t0 := time.Now()
				resp, err := client.Get(url)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Store(fmt.Sprintf("GET %s: status %d, %v", url, resp.StatusCode, err))
					return
				}
				mine = append(mine, time.Since(t0))
				bytes.Add(n)
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		b.Fatal(msg)
	}
	slices.Sort(all)
	res := loadResult{count: len(all), bytes: bytes.Load(), took: time.Since(start)}
	if len(all) > 0 {
		res.p50, res.p99, res.max = all[len(all)/2], all[len(all)*99/100], all[len(all)-1]
	}
	return res
}

// get asks for url once and checks the answer.
func get(b *testing.B, client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: status %d, %v", url, resp.StatusCode, err)
	}
}

// cpuTime is the CPU time this process has used, server and clients.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the machine's load over the last minute, as Linux says;
// other work on the machine shares its two cores with the benchmark.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}
