package wayback

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

const pageURL = "https://acme.example/privacy"

type fakeCapture struct {
	ts, digest, body string
	status           int
}

// fakeArchive is a Wayback Machine on loopback: a CDX API that honours
// from, to, filter=statuscode:200 and collapse=digest as the real one
// does (or, when ignoreParams, lists everything), and id_ captures. Some
// captures fail once: 503 with Retry-After, or an answer slower than the
// client's time limit.
type fakeArchive struct {
	*httptest.Server
	captures     []fakeCapture
	ignoreParams bool
	unavailable  map[string]bool // 503 once
	slow         map[string]bool // too slow once
	slowFor      time.Duration

	mu       sync.Mutex
	fetched  []string // timestamps fetched, in order, each attempt
	queries  []string // the CDX API's queries, as sent
	starts   []time.Time
	inFlight atomic.Int32
	maxIn    atomic.Int32
	cdx      func(w http.ResponseWriter) bool // replaces the CDX answer when it returns true
}

func newFakeArchive(t *testing.T, captures []fakeCapture) *fakeArchive {
	f := &fakeArchive{captures: captures, unavailable: map[string]bool{}, slow: map[string]bool{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeArchive) serve(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for m := f.maxIn.Load(); n > m && !f.maxIn.CompareAndSwap(m, n); m = f.maxIn.Load() {
	}
	f.mu.Lock()
	f.starts = append(f.starts, time.Now())
	f.mu.Unlock()
	if r.URL.Path == "/cdx/search/cdx" {
		f.mu.Lock()
		f.queries = append(f.queries, r.URL.RawQuery)
		f.mu.Unlock()
		if f.cdx != nil && f.cdx(w) {
			return
		}
		f.serveCDX(w, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/web/")
	ts, original, ok2 := strings.Cut(rest, "id_/")
	if !ok || !ok2 || original != pageURL {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	f.fetched = append(f.fetched, ts)
	failOnce, slowOnce := f.unavailable[ts], f.slow[ts]
	delete(f.unavailable, ts)
	delete(f.slow, ts)
	f.mu.Unlock()
	if failOnce {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if slowOnce {
		select {
		case <-time.After(f.slowFor):
		case <-r.Context().Done():
			return
		}
	}
	for _, c := range f.captures {
		if c.ts == ts {
			// The Archive replays the site's headers prefixed, beside its own.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Server", "Wayback Machine")
			w.Header().Set("X-Archive-Orig-Server", "Apache")
			w.Header().Set("X-Archive-Orig-Date", "Mon, 02 Mar 2020 00:00:00 GMT")
			w.Header().Set("X-Archive-Orig-Set-Cookie", "sid=1")
			fmt.Fprint(w, c.body)
			return
		}
	}
	http.NotFound(w, r)
}

func (f *fakeArchive) serveCDX(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("url") != pageURL || q.Get("output") != "json" {
		w.Write([]byte("[]"))
		return
	}
	rows := [][]string{{"urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"}}
	lastDigest := ""
	for _, c := range f.captures {
		status := c.status
		if status == 0 {
			status = 200
		}
		if !f.ignoreParams {
			if from := q.Get("from"); from != "" && c.ts < from || q.Get("to") != "" && c.ts > q.Get("to") {
				continue
			}
			if q.Get("filter") == "statuscode:200" && status != 200 {
				continue
			}
			if q.Get("collapse") == "digest" && c.digest == lastDigest {
				continue
			}
		}
		lastDigest = c.digest
		rows = append(rows, []string{"example,acme)/privacy", c.ts, pageURL, "text/html", fmt.Sprint(status), c.digest, "100"})
	}
	json.NewEncoder(w).Encode(rows)
}

func html(text string) string {
	return `<html><body><nav><a href="/">Home</a></nav><main><h1>Privacy</h1><p>` + text + `</p></main></body></html>`
}

var captures = []fakeCapture{
	{"20190101000000", "D1", html("Old text."), 0},               // before --from
	{"20200105000000", "D1", html("We collect your e-mail."), 0}, // same digest as the one before it: the CDX API collapses the run
	{"20200110000000", "D1", html("We collect your e-mail."), 0}, // a duplicate
	{"20200115000000", "DX", html("Not found"), 404},             // not a 200
	{"20200201000000", "D2", html("We collect your e-mail and phone."), 0},
	{"20200301000000", "D3", html("We collect your phone."), 0},
	{"20200302000000", "D2", html("We collect your e-mail and phone."), 0}, // back to D2: a real revert, kept
	{"20210101000000", "D4", html("Too late."), 0},                         // after --to
}

type env struct {
	st  *store.Store
	ar  *archive.Archive
	cli *Client
}

func newEnv(t *testing.T, base string) env {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cli, err := NewClient(base)
	if err != nil {
		t.Fatal(err)
	}
	cli.Interval, cli.Backoff, cli.Timeout, cli.Retries = 20*time.Millisecond, 50*time.Millisecond, 300*time.Millisecond, 3
	return env{st: st, ar: archive.New(st), cli: cli}
}

var target = Target{Service: "Acme", Type: "Privacy Policy", URL: pageURL,
	Rules: func(time.Time) extract.Options { return extract.Options{Select: []extract.Selector{{CSS: "main"}}} }}

var rangeOpts = Options{From: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 12, 31, 23, 59, 59, 0, time.UTC)}

func versions(t *testing.T, st *store.Store) ([]string, []store.Fetch) {
	t.Helper()
	ctx := context.Background()
	docs, err := st.Documents(ctx, store.DocumentFilter{Service: "Acme", Type: "Privacy Policy"})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents: %v, %d", err, len(docs))
	}
	vs, _ := st.Versions(ctx, docs[0].ID)
	var out []string
	for i := len(vs) - 1; i >= 0; i-- {
		v, _ := st.Version(ctx, vs[i].ID)
		out = append(out, v.CapturedAt.Format(time.RFC3339)+" "+strings.TrimSpace(strings.TrimPrefix(v.Markdown, "# Privacy")))
	}
	fetches, _ := st.Fetches(ctx, docs[0].ID)
	return out, fetches
}

func TestBackfillFromFakeArchive(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		t.Run(fmt.Sprintf("server ignores parameters %v", ignore), func(t *testing.T) {
			fake := newFakeArchive(t, captures)
			fake.ignoreParams = ignore
			fake.unavailable["20200201000000"] = true
			fake.slow["20200301000000"] = true
			fake.slowFor = 2 * time.Second
			e := newEnv(t, fake.URL)
			ctx := context.Background()
			results, err := Backfill(ctx, e.cli, e.st, e.ar, []Target{target}, rangeOpts)
			if err != nil || results[0].Err != nil {
				t.Fatalf("Backfill: %v, %v", err, results[0].Err)
			}
			r := results[0]
			if r.Listed != 4 || r.Recorded != 4 || r.NewVersions != 4 || r.Failed != 0 {
				t.Errorf("result = %+v; want 4 listed and recorded, 4 new versions", r)
			}
			got, fetches := versions(t, e.st)
			want := []string{
				"2020-01-05T00:00:00Z We collect your e-mail.",
				"2020-02-01T00:00:00Z We collect your e-mail and phone.",
				"2020-03-01T00:00:00Z We collect your phone.",
				"2020-03-02T00:00:00Z We collect your e-mail and phone.",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("versions:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, f := range fetches {
				if f.Source != "wayback" || f.URL != pageURL || f.ErrorClass != "" {
					t.Errorf("fetch %+v: want a wayback capture of %s", f, pageURL)
				}
				// The site's own headers, not the Archive's, and no cookie.
				if want := "Date: Mon, 02 Mar 2020 00:00:00 GMT\r\nServer: Apache\r\nContent-Type: text/html; charset=utf-8\r\n"; f.Headers != want || f.Status != 200 {
					t.Errorf("fetch headers %q, status %d; want %q, 200", f.Headers, f.Status, want)
				}
			}
			fake.mu.Lock()
			fetched := strings.Join(fake.fetched, " ")
			gap := time.Duration(0)
			for i := 1; i < len(fake.starts); i++ {
				if d := fake.starts[i].Sub(fake.starts[i-1]); d > gap {
					gap = d
				}
			}
			fake.mu.Unlock()
			// In order; the 503 and the slow answer were each asked again.
			if fetched != "20200105000000 20200201000000 20200201000000 20200301000000 20200301000000 20200302000000" {
				t.Errorf("fetched %s", fetched)
			}
			if gap < time.Second {
				t.Errorf("the longest pause between requests was %s: the 503's Retry-After: 1 was not honoured", gap)
			}
			if m := fake.maxIn.Load(); m != 1 {
				t.Errorf("%d requests at once; want one at a time", m)
			}

			// A second run lists again and records nothing: all done.
			again, err := Backfill(ctx, e.cli, e.st, e.ar, []Target{target}, rangeOpts)
			if err != nil || again[0].Recorded != 0 || again[0].Err != nil {
				t.Errorf("second run: %+v, %v", again[0], err)
			}
			if _, f2 := versions(t, e.st); len(f2) != len(fetches) {
				t.Errorf("second run: %d fetches, was %d", len(f2), len(fetches))
			}
			cursor, ok, _ := e.st.ImportCursor(ctx, CursorSource, "Acme/Privacy Policy")
			if !ok || cursor.Position != "20200302000000" {
				t.Errorf("cursor = %+v, want the last capture", cursor)
			}
		})
	}
}

func TestBackfillStopsAtAnOutageAndGoesOn(t *testing.T) {
	fake := newFakeArchive(t, captures)
	e := newEnv(t, fake.URL)
	// The capture of February fails, and the first run does not retry.
	fake.unavailable["20200201000000"] = true
	e.cli.Retries = 0
	results, err := Backfill(context.Background(), e.cli, e.st, e.ar, []Target{target}, rangeOpts)
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.Err == nil || !strings.Contains(r.Err.Error(), "503") || r.Recorded != 1 {
		t.Fatalf("first run = %+v; want it stopped at the 503 after one capture", r)
	}
	e.cli.Retries = 3
	results, err = Backfill(context.Background(), e.cli, e.st, e.ar, []Target{target}, rangeOpts)
	if err != nil || results[0].Err != nil || results[0].Recorded != 3 || results[0].Already != 1 {
		t.Fatalf("second run = %+v, %v; want the 3 left recorded, 1 already", results[0], err)
	}
	if got, _ := versions(t, e.st); len(got) != 4 {
		t.Errorf("%d versions, want 4", len(got))
	}
}

func TestSample(t *testing.T) {
	var snaps []Snapshot
	for _, ts := range []string{"20200101000000", "20200101120000", "20200102000000", "20200102235959", "20200105000000"} {
		at, _ := time.Parse(timestampLayout, ts)
		snaps = append(snaps, Snapshot{Timestamp: ts, At: at})
	}
	var got []string
	for _, s := range Sample(snaps, 24*time.Hour) {
		got = append(got, s.Timestamp)
	}
	if strings.Join(got, " ") != "20200101000000 20200102000000 20200105000000" {
		t.Errorf("Sample(1 day) = %v", got)
	}
	if len(Sample(snaps, 0)) != 5 {
		t.Error("Sample(0) dropped captures")
	}
}

func TestCDXAnswersThatAreNotTheAPIs(t *testing.T) {
	for name, body := range map[string]string{
		"an HTML page":        "<html><body>Wayback Machine is down</body></html>",
		"an object":           `{"error": "bad"}`,
		"rows of numbers":     `[[1, 2], [3, 4]]`,
		"no timestamp field":  `[["urlkey", "original"], ["k", "https://acme.example/privacy"]]`,
		"a bad timestamp":     `[["timestamp", "original"], ["2020-01-01", "https://acme.example/privacy"]]`,
		"a short row":         `[["timestamp", "original", "digest"], ["20200101000000", "https://acme.example/privacy"]]`,
		"a relative original": `[["timestamp", "original"], ["20200101000000", "/privacy"]]`,
	} {
		t.Run(name, func(t *testing.T) {
			fake := newFakeArchive(t, captures)
			fake.cdx = func(w http.ResponseWriter) bool { fmt.Fprint(w, body); return true }
			e := newEnv(t, fake.URL)
			results, err := Backfill(context.Background(), e.cli, e.st, e.ar, []Target{target}, rangeOpts)
			if err != nil {
				t.Fatal(err)
			}
			if r := results[0]; r.Err == nil || !strings.Contains(r.Err.Error(), "not what the CDX API returns") || r.Recorded != 0 {
				t.Errorf("result = %+v; want an error saying the answer is not the CDX API's", r)
			}
			if docs, _ := e.st.Documents(context.Background(), store.DocumentFilter{}); len(docs) != 0 {
				t.Errorf("recorded %d documents", len(docs))
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	if d := retryAfter("3"); d != 3*time.Second {
		t.Errorf("retryAfter(3) = %s", d)
	}
	if d := retryAfter(time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)); d < 58*time.Second || d > time.Minute {
		t.Errorf("retryAfter(a date in a minute) = %s", d)
	}
	if d := retryAfter("soon"); d != 0 {
		t.Errorf("retryAfter(soon) = %s", d)
	}
	if _, err := NewClient("ftp://example.org"); err == nil {
		t.Error("NewClient accepted an ftp URL")
	}
}

// The listing asks the CDX API for what it should, and every request
// starts at least the client's interval after the one before.
func TestCDXQueryAndTheGapBetweenRequests(t *testing.T) {
	fake := newFakeArchive(t, captures)
	e := newEnv(t, fake.URL)
	e.cli.Interval = 150 * time.Millisecond
	// The starts are taken as the client hands each request to its
	// transport: seen from the server, a busy machine may delay one arrival
	// and not the next.
	sent := &startRecorder{next: http.DefaultTransport}
	e.cli.HTTP = &http.Client{Transport: sent}
	results, err := Backfill(context.Background(), e.cli, e.st, e.ar, []Target{target}, rangeOpts)
	if err != nil || results[0].Err != nil || results[0].Recorded != 4 {
		t.Fatalf("Backfill: %+v, %v", results, err)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.queries) != 1 {
		t.Fatalf("%d CDX queries, want 1", len(fake.queries))
	}
	q, err := url.ParseQuery(fake.queries[0])
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"url": pageURL, "output": "json", "filter": "statuscode:200", "collapse": "digest",
		"from": "20200101000000", "to": "20201231235959"} {
		if got := q[key]; len(got) != 1 || got[0] != want {
			t.Errorf("CDX query %s = %q, want %q (query %s)", key, got, want, fake.queries[0])
		}
	}
	starts := sent.times()
	if len(fake.starts) != 5 || len(starts) != 5 {
		t.Fatalf("%d requests arrived, %d were sent; want the listing and 4 captures", len(fake.starts), len(starts))
	}
	// A request may reach the transport a little after the client took
	// its turn: each gap is allowed a third less, the whole span only one
	// such delay less.
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < e.cli.Interval*2/3 {
			t.Errorf("request %d started %s after the one before; the interval is %s", i+1, gap, e.cli.Interval)
		}
	}
	if span, least := starts[4].Sub(starts[0]), 4*e.cli.Interval-e.cli.Interval/3; span < least {
		t.Errorf("5 requests in %s, less than 4 intervals of %s", span, e.cli.Interval)
	}
}

// The default pace stays well below the Archive's limits: at least 5 s
// between two requests, 12 a minute at most.
func TestDefaultPace(t *testing.T) {
	c, err := NewClient("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Interval < 5*time.Second || DefaultInterval < 5*time.Second {
		t.Errorf("default interval %s, want at least 5 s", c.Interval)
	}
}

// startRecorder notes when each request is handed to the transport.
type startRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	starts []time.Time
}

func (r *startRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.starts = append(r.starts, time.Now())
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *startRecorder) times() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.starts...)
}
