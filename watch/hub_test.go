package watch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/internal/hubtest"
)

// TestCrawlOfALegalHubRecordsEachDocumentsOwnChanges: X's privacy and
// cookie policies are declared on one legal hub page, without select.
// The crawl records a version of the cookie policy when its tab changes,
// and none of the privacy policy.
func TestCrawlOfALegalHubRecordsEachDocumentsOwnChanges(t *testing.T) {
	terms := hubtest.Doc{Label: "Terms of Service", ID: "terms", HTML: hubtest.Load(t, hubtest.BumbleTerms)}
	privacy := hubtest.Doc{Label: "Privacy Policy", ID: "privacy", HTML: hubtest.Load(t, hubtest.XPrivacy)}
	cookies := hubtest.Doc{Label: "Cookie Policy", ID: "cookies", HTML: hubtest.Load(t, hubtest.XCookies)}
	later := cookies
	later.HTML = hubtest.Load(t, hubtest.XCookiesLater)
	pages := [][]byte{hubtest.Tabs("Legal", []hubtest.Doc{terms, privacy, cookies}), hubtest.Tabs("Legal", []hubtest.Doc{terms, privacy, later})}
	var served atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/legal" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(pages[min(int(served.Load()), len(pages)-1)])
	}))
	defer ts.Close()

	dir := t.TempDir()
	declared := fmt.Sprintf(`{"name": "X", "terms": {"Privacy Policy": {"fetch": %q}, "Cookies Policy": {"fetch": %q}}}`, ts.URL+"/legal", ts.URL+"/legal")
	if err := os.WriteFile(filepath.Join(dir, "X.json"), []byte(declared), 0o644); err != nil {
		t.Fatal(err)
	}
	services, problems, err := declaration.LoadDir(dir)
	if err != nil || len(problems) > 0 {
		t.Fatalf("declarations: %v %v", problems, err)
	}
	targets, err := Targets(services, "", "")
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, filepath.Join(t.TempDir(), "hub.db"))
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	run := &Run{Store: st, Archive: archive.New(st), Fetcher: crawler.New(testConfig()), Every: time.Hour, Now: func() time.Time { return now }}
	newVersions := func() map[string]bool {
		results := map[string]bool{}
		var mu sync.Mutex
		run.Observe = func(r Result) { mu.Lock(); defer mu.Unlock(); results[r.Type] = r.NewVersion }
		if _, err := run.Once(context.Background(), targets, false); err != nil {
			t.Fatal(err)
		}
		return results
	}
	if got := newVersions(); !got["Privacy Policy"] || !got["Trackers Policy"] {
		t.Fatalf("first crawl: new versions %v, want both documents", got)
	}
	served.Store(1)
	now = now.Add(2 * time.Hour)
	if got := newVersions(); got["Privacy Policy"] || !got["Trackers Policy"] {
		t.Errorf("after the cookie policy changed: new versions %v, want the cookie policy's only", got)
	}
}
