package watch

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// BenchmarkCrawl1000Documents crawls 1,000 documents from a local server —
// each the 47 KB page demo/twitter-x/twitter-dev-help-privacy.html with its
// own sentence, so every one is a new snapshot and a first version — with
// no delay, and records them into a fresh database: fetch, robots.txt,
// extraction, snapshot, version and crawl state (written with each
// document's fetch, in its transaction), as 'policywatch crawl' does. One operation is the whole crawl. Reports documents per second and
// the process's peak RSS (VmHWM; the test server runs in the same process).
func BenchmarkCrawl1000Documents(b *testing.B) {
	page, err := os.ReadFile("../demo/twitter-x/twitter-dev-help-privacy.html")
	if err != nil {
		b.Fatal(err)
	}
	const documents = 1000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		marker := fmt.Sprintf("<p>This copy is document %s.</p></body>", strings.TrimPrefix(r.URL.Path, "/doc/"))
		w.Write(bytes.Replace(page, []byte("</body>"), []byte(marker), 1))
	}))
	defer srv.Close()
	var targets []crawler.Target
	for i := range documents {
		targets = append(targets, crawler.Target{Service: fmt.Sprintf("Service %04d", i), Type: "Privacy Policy",
			Sources: []crawler.Source{{URL: srv.URL + "/doc/" + strconv.Itoa(i)}}})
	}
	cfg := crawler.Config{Delay: -1, AllowPrivateNetworks: true, Parallelism: 4}
	ctx := context.Background()
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := store.Open(ctx, storetest.DB(b, fmt.Sprintf("bench%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		run := &Run{Store: st, Archive: archive.New(st), Fetcher: crawler.New(cfg), Every: time.Hour}
		sum, err := run.Once(ctx, targets, false)
		elapsed += time.Since(start)
		if err != nil || sum.NewVersions != documents {
			b.Fatalf("%d new versions of %d, %v: %v", sum.NewVersions, documents, err, sum.Results[:min(3, len(sum.Results))])
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(documents*b.N)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(peakRSSKB())/1024, "peak-RSS-MB")
}

// peakRSSKB reads the process's peak resident set size from /proc.
func peakRSSKB() int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}
