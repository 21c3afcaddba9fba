package metrics

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/policywatch/policywatch/store"
)

func TestScrapeParses(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.PutCrawlStates(ctx, []store.CrawlState{
		{Service: "A", Type: "Privacy Policy", DueAt: now.Add(-time.Hour)},
		{Service: "B", Type: "Privacy Policy", DueAt: now.Add(time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	m := New(st)
	m.ObserveFetch(Fetch{Outcome: "new-version", FetchDuration: 300 * time.Millisecond, RecordDuration: 20 * time.Millisecond})
	m.ObserveFetch(Fetch{Outcome: "failed", Class: "blocked", FetchDuration: time.Second})
	m.ObserveRequest("GET /documents/{id}", 200, 5*time.Millisecond)
	m.ObserveRequest("GET /documents/{id}", 404, time.Millisecond)
	m.ObserveDelivery("webhook", "delivered")
	m.ObserveBrowser(3, 900<<20, 400<<20)

	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("the scrape does not parse: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := families[name]
		if !ok {
			t.Fatalf("no %s in the scrape", name)
		}
	metric:
		for _, mt := range f.Metric {
			for _, l := range mt.Label {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue metric
				}
			}
			switch {
			case mt.Counter != nil:
				return mt.Counter.GetValue()
			case mt.Gauge != nil:
				return mt.Gauge.GetValue()
			case mt.Histogram != nil:
				return float64(mt.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s%v in the scrape", name, labels)
		return 0
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"policywatch_fetches_total", map[string]string{"outcome": "failed", "class": "blocked"}, 1},
		{"policywatch_browser_pages_total", nil, 3},
		{"policywatch_browser_peak_memory_bytes", map[string]string{"kind": "rss"}, 900 << 20},
		{"policywatch_browser_peak_memory_bytes", map[string]string{"kind": "pss"}, 400 << 20},
		{"policywatch_fetches_total", map[string]string{"outcome": "new-version"}, 1},
		{"policywatch_versions_recorded_total", nil, 1},
		{"policywatch_fetch_duration_seconds", nil, 2},
		{"policywatch_record_duration_seconds", nil, 1},
		{"policywatch_http_requests_total", map[string]string{"route": "GET /documents/{id}", "status": "404"}, 1},
		{"policywatch_deliveries_total", map[string]string{"channel": "webhook", "outcome": "delivered"}, 1},
		{"policywatch_crawl_queue_documents", nil, 1},
	} {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if oldest := value("policywatch_crawl_oldest_due_seconds", nil); oldest < 3500 || oldest > 3700 {
		t.Errorf("oldest due %v s, want about an hour", oldest)
	}
	if size := value("policywatch_database_bytes", nil); size < 4096 {
		t.Errorf("database size %v bytes", size)
	}
}
