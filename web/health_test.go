package web

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/metrics"
	"github.com/policywatch/policywatch/store"
)

// TestHealthSeesADamagedDatabase: /healthz answered 200 on a malformed
// database while every page failed.
func TestHealthSeesADamagedDatabase(t *testing.T) {
	storetest.SQLiteOnly(t, "damages a page of a SQLite file")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "damaged.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ar := archive.New(st)
	for _, name := range cookieCaptures {
		content, err := os.ReadFile(cookiesHistory + name)
		if err != nil {
			t.Fatal(err)
		}
		at, _ := archive.DateFromName(name)
		if _, err := ar.Record(ctx, archive.DocumentRef{Service: "X", Type: "Cookies Policy"},
			archive.Capture{At: at, ContentType: "text/markdown", Content: content}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	// Damage the root page of the changes table only: services and
	// documents still read, as the old check did, while timelines fail.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var root, pageSize int64
	if err := db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = 'changes'").Scan(&root); err != nil {
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
	damaged, err := store.Open(ctx, path)
	if err != nil {
		t.Skipf("the damage is caught when opening, before any page: %v", err)
	}
	defer damaged.Close()
	srv := httptest.NewServer(New(archive.NewView(damaged, 0), Options{}).Handler())
	defer srv.Close()
	if _, err := damaged.Services(ctx); err != nil {
		t.Fatalf("the damage reaches the services table too: %v", err)
	}
	page, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	health, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	health.Body.Close()
	if page.StatusCode == http.StatusOK {
		t.Fatalf("the home page still works on this damage (status %d): the test damages too little", page.StatusCode)
	}
	if health.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz answered %d while the home page answered %d", health.StatusCode, page.StatusCode)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	site := newTestSite(t)
	m := metrics.New(site.st)
	srv := httptest.NewServer(New(archive.NewView(site.st, 0), Options{Metrics: m}).Handler())
	defer srv.Close()
	for _, p := range []string{"/", "/documents/" + fmt.Sprint(site.cookiesDoc), "/documents/999999", "/nowhere"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	// A request is counted once its handler has returned, which may be just
	// after the client has read the response: scrape until all are in.
	want := map[string]float64{"GET /{$} 200": 1, "GET /documents/{id} 200": 1, "GET /documents/{id} 404": 1, "/ 404": 1}
	var families map[string]*dto.MetricFamily
	var counts map[string]float64
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		res, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err = parser.TextToMetricFamilies(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("/metrics does not parse: %v", err)
		}
		counts = map[string]float64{}
		for _, mt := range families["policywatch_http_requests_total"].GetMetric() {
			var route, status string
			for _, l := range mt.Label {
				switch l.GetName() {
				case "route":
					route = l.GetValue()
				case "status":
					status = l.GetValue()
				}
			}
			counts[route+" "+status] = mt.Counter.GetValue()
		}
		complete := true
		for key, n := range want {
			complete = complete && counts[key] >= n
		}
		if complete || time.Now().After(deadline) {
			break
		}
	}
	for key, n := range want {
		if counts[key] != n {
			t.Errorf("requests %q = %v, want %v (all: %v)", key, counts[key], n, counts)
		}
	}
	if _, ok := families["policywatch_database_bytes"]; !ok {
		t.Error("no database size in /metrics")
	}
}

// TestDocumentPageListsTheAlertsSent: the delivery log shows on the
// document page, without the subscribers' addresses.
func TestDocumentPageListsTheAlertsSent(t *testing.T) {
	site := newTestSite(t)
	ctx := context.Background()
	const secretURL = "https://hooks.example.org/T0KEN-that-must-stay-private"
	versions, err := site.st.Versions(ctx, site.cookiesDoc)
	if err != nil || versions[0].Change == nil {
		t.Fatalf("versions: %v", err)
	}
	err = site.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddSubscription(store.Subscription{Kind: store.KindWebhook, URL: secretURL, Secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0"}); err != nil {
			return err
		}
		_, err := tx.QueueDeliveries(*versions[0].Change)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	body := site.mustGet(t, documentPath(site.cookiesDoc), http.StatusOK)
	assertContains(t, "document page", body, "<h2>Alerts</h2>", "#1", "webhook", "pending")
	assertNotContains(t, "document page", body, "hooks.example.org", "T0KEN", "whsec_")
}

// TestAHugeVersionIsReadInParts: a version of several megabytes was one
// page; it is now read in parts, and whole as a Markdown file.
func TestAHugeVersionIsReadInParts(t *testing.T) {
	storetest.SkipSlowOnPostgres(t, "its time goes to extracting 4,000 sections; a huge text's round trip is store's TestLargeVersionTextsRoundTrip, paging TestAHugeVersionWithoutHeadingsIsReadInParts")
	site := newTestSite(t)
	var md strings.Builder
	md.WriteString("# Huge policy\n\n")
	for i := range 4000 {
		fmt.Fprintf(&md, "## Section %d\n\n%s\n\n", i, strings.Repeat(fmt.Sprintf("We keep record %d for a year. ", i), 30))
	}
	out, err := archive.New(site.st).Record(context.Background(), archive.DocumentRef{Service: "Huge", Type: "Privacy Policy"},
		archive.Capture{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ContentType: "text/markdown", Content: []byte(md.String())})
	if err != nil {
		t.Fatal(err)
	}
	path := versionPath(out.DocumentID, out.VersionID)
	first := site.mustGet(t, path, http.StatusOK)
	if len(first) > 1<<20 || !strings.Contains(first, "Part 1 of ") || !strings.Contains(first, "Section 0") || strings.Contains(first, "Section 3999") {
		t.Fatalf("first part: %d bytes; want one part of the text, with its pager", len(first))
	}
	second := site.mustGet(t, path+"?page=2", http.StatusOK)
	if !strings.Contains(second, "Part 2 of ") || strings.Contains(second, "<h3>Section 0</h3>") {
		t.Errorf("second part does not go on from the first")
	}
	site.mustGet(t, path+"?page=none", http.StatusBadRequest)
	res, body := site.get(t, path+"/markdown")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(body, "Section 3999") {
		t.Errorf("the whole text: status %d, type %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(body))
	}
}
