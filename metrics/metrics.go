// Package metrics holds policywatch's Prometheus metrics, on a registry of
// its own (not the global one, so that tests stay independent): fetches by
// outcome and class, fetch and record durations, versions recorded, the
// crawl queue, the database's size, HTTP requests by route and status, and
// alert deliveries. Other packages report through the methods here; web
// serves Handler at /metrics.
package metrics

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/policywatch/policywatch/store"
)

// Metrics are the collectors of one process.
type Metrics struct {
	registry      *prometheus.Registry
	fetches       *prometheus.CounterVec
	fetchSeconds  prometheus.Histogram
	recordSeconds prometheus.Histogram
	versions      prometheus.Counter
	httpRequests  *prometheus.CounterVec
	httpSeconds   *prometheus.HistogramVec
	deliveries    *prometheus.CounterVec
	browserPages  prometheus.Counter
	browserMemory *prometheus.GaugeVec
}

// New makes the collectors. When st is not nil, the crawl queue and the
// database size are read from it at each scrape.
func New(st *store.Store) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "policywatch_fetches_total",
			Help: "Fetches of declared documents, by outcome (new-version, unchanged, not-modified, held, failed) and failure class.",
		}, []string{"outcome", "class"}),
		fetchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "policywatch_fetch_duration_seconds", Help: "Time to fetch one document, retries and politeness pauses included.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
		}),
		recordSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "policywatch_record_duration_seconds", Help: "Time to extract, compare and store one fetched document.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		versions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "policywatch_versions_recorded_total", Help: "New versions recorded from fetches.",
		}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "policywatch_http_requests_total", Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "status"}),
		httpSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "policywatch_http_request_duration_seconds", Help: "Time to serve one HTTP request, by route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"route"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "policywatch_deliveries_total", Help: "Attempts to deliver a change alert, by channel (webhook, email) and outcome (delivered, retry, failed).",
		}, []string{"channel", "outcome"}),
	}
	m.browserPages = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "policywatch_browser_pages_total", Help: "Pages rendered in the headless browser.",
	})
	m.browserMemory = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "policywatch_browser_peak_memory_bytes",
		Help: "Peak memory of Chromium's process tree during the last crawl that used it: the sum of its processes' resident sets (rss) and of their proportional sets (pss, shared pages counted once).",
	}, []string{"kind"})
	m.registry.MustRegister(m.browserPages, m.browserMemory)
	m.registry.MustRegister(m.fetches, m.fetchSeconds, m.recordSeconds, m.versions, m.httpRequests, m.httpSeconds, m.deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if st != nil {
		m.registry.MustRegister(&storeCollector{st: st})
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Fetch is what one fetch of a declared document did.
type Fetch struct {
	Outcome        string // new-version, unchanged, not-modified, held or failed
	Class          string // the failure class, "" otherwise
	FetchDuration  time.Duration
	RecordDuration time.Duration
}

// ObserveFetch counts one fetch.
func (m *Metrics) ObserveFetch(f Fetch) {
	if m == nil {
		return
	}
	m.fetches.WithLabelValues(f.Outcome, f.Class).Inc()
	if f.FetchDuration > 0 {
		m.fetchSeconds.Observe(f.FetchDuration.Seconds())
	}
	if f.RecordDuration > 0 {
		m.recordSeconds.Observe(f.RecordDuration.Seconds())
	}
	if f.Outcome == "new-version" {
		m.versions.Inc()
	}
}

// ObserveRequest counts one HTTP request, by the pattern of the route that
// served it (never the raw path, whose values are unbounded).
func (m *Metrics) ObserveRequest(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.httpRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.httpSeconds.WithLabelValues(route).Observe(d.Seconds())
}

// ObserveDelivery counts one attempt to deliver an alert.
func (m *Metrics) ObserveDelivery(channel, outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(channel, outcome).Inc()
}

// ObserveBrowser records what the headless browser did in a crawl: the
// pages it rendered and its process tree's peak memory, in bytes.
func (m *Metrics) ObserveBrowser(pages int, peakRSS, peakPSS int64) {
	if m == nil || pages == 0 {
		return
	}
	m.browserPages.Add(float64(pages))
	m.browserMemory.WithLabelValues("rss").Set(float64(peakRSS))
	m.browserMemory.WithLabelValues("pss").Set(float64(peakPSS))
}

// PageCache is what a server's page cache did and holds (as web's
// Server.PageCacheStats says).
type PageCache struct {
	Served, Rendered int64
	Pages            int
	Bytes            int64
}

// WatchPageCache exports, at scrape time, what stats says of the page
// cache of the one server these metrics count the requests of.
func (m *Metrics) WatchPageCache(stats func() PageCache) {
	if m == nil {
		return
	}
	m.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "policywatch_page_cache_served_total",
			Help: "Requests answered with a page kept since an earlier request (the archive unchanged since)."},
			func() float64 { return float64(stats().Served) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "policywatch_page_cache_rendered_total",
			Help: "Pages rendered for the page cache, kept or not."},
			func() float64 { return float64(stats().Rendered) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "policywatch_page_cache_pages",
			Help: "Rendered pages the cache holds."},
			func() float64 { return float64(stats().Pages) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "policywatch_page_cache_bytes",
			Help: "Memory the kept pages take, in bytes."},
			func() float64 { return float64(stats().Bytes) }),
	)
}

// storeCollector reads what the database knows at scrape time: the crawl
// queue and the file's size.
type storeCollector struct{ st *store.Store }

var (
	queueDepth = prometheus.NewDesc("policywatch_crawl_queue_documents",
		"Documents of the crawl state due for a fetch now.", nil, nil)
	oldestDue = prometheus.NewDesc("policywatch_crawl_oldest_due_seconds",
		"How long the longest-waiting due document has been due (0 when none is).", nil, nil)
	databaseBytes = prometheus.NewDesc("policywatch_database_bytes",
		"Size of the database file and its write-ahead log.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepth
	ch <- oldestDue
	ch <- databaseBytes
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if states, err := c.st.CrawlStates(ctx); err == nil {
		now := time.Now()
		due, oldest := 0, time.Duration(0)
		for _, s := range states {
			if s.DueAt.IsZero() || !s.DueAt.After(now) {
				due++
				if !s.DueAt.IsZero() {
					oldest = max(oldest, now.Sub(s.DueAt))
				}
			}
		}
		ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(due))
		ch <- prometheus.MustNewConstMetric(oldestDue, prometheus.GaugeValue, oldest.Seconds())
	}
	var size int64
	for _, suffix := range []string{"", "-wal"} {
		if info, err := os.Stat(c.st.Path() + suffix); err == nil {
			size += info.Size()
		}
	}
	ch <- prometheus.MustNewConstMetric(databaseBytes, prometheus.GaugeValue, float64(size))
}
