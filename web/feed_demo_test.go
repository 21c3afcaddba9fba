package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/demo"
	"github.com/policywatch/policywatch/internal/pgtest"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// demoSite is the whole demo archive, loaded as `policywatch demo` loads it.
type demoSite struct {
	*testSite
	ar *archive.Archive
}

func newDemoSite(t testing.TB) *demoSite {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.DB(t, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ar := archive.New(st)
	if _, err := demo.Load(ctx, ar, nil); err != nil {
		t.Fatalf("loading the demo archive: %v", err)
	}
	return &demoSite{testSite: &testSite{srv: serveSite(t, st), st: st}, ar: ar}
}

// The demo archive takes seconds to load (half a minute with -race), so
// tests that only read it share one, loaded by the first that needs it;
// each test gets its own server on it. TestMain removes it.
var (
	sharedDemoOnce sync.Once
	sharedDemoDir  string
	sharedDemoDB   *store.Store
	sharedDemoErr  error
)

// readDemoSite serves the shared demo archive. Tests given it must not
// write to its store.
func readDemoSite(t testing.TB) *demoSite {
	t.Helper()
	sharedDemoOnce.Do(func() {
		ctx := context.Background()
		db := ""
		if storetest.IsPostgres() {
			db, sharedDemoErr = pgtest.SharedDatabase()
		} else if sharedDemoDir, sharedDemoErr = os.MkdirTemp("", "policywatch-web-demo-"); sharedDemoErr == nil {
			db = filepath.Join(sharedDemoDir, "demo.db")
		}
		if sharedDemoErr != nil {
			return
		}
		if sharedDemoDB, sharedDemoErr = store.Open(ctx, db); sharedDemoErr != nil {
			return
		}
		_, sharedDemoErr = demo.Load(ctx, archive.New(sharedDemoDB), nil)
	})
	if sharedDemoErr != nil {
		t.Fatalf("loading the demo archive: %v", sharedDemoErr)
	}
	return &demoSite{testSite: &testSite{srv: serveSite(t, sharedDemoDB), st: sharedDemoDB}}
}

func TestMain(m *testing.M) {
	// Each pass (SQLite, PostgreSQL) loads its own demo archive.
	pgtest.AfterEachPass(func() {
		if sharedDemoDB != nil {
			sharedDemoDB.Close()
		}
		if sharedDemoDir != "" {
			os.RemoveAll(sharedDemoDir)
		}
		sharedDemoOnce, sharedDemoDir, sharedDemoDB, sharedDemoErr = sync.Once{}, "", nil, nil
	})
	code := storetest.Main(m)
	closeBrowser()
	os.Exit(code)
}

// change finds the change of service/type into the version captured on day.
func (d *demoSite) change(t testing.TB, service, docType, fromDay, toDay string) store.ChangeEntry {
	t.Helper()
	docs, err := d.st.Documents(context.Background(), store.DocumentFilter{Service: service, Type: docType})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %s / %s: %v, %v", service, docType, docs, err)
	}
	changes, err := d.st.Changes(context.Background(), store.ChangeFilter{DocumentID: docs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.FromAt.Format(time.DateOnly) == fromDay && c.ToAt.Format(time.DateOnly) == toDay {
			return c
		}
	}
	t.Fatalf("%s / %s has no change from %s to %s among %d", service, docType, fromDay, toDay, len(changes))
	return store.ChangeEntry{}
}

func TestFeedQuotesTheEffectiveDate(t *testing.T) {
	site := readDemoSite(t)
	c := site.change(t, "X", "Privacy Policy", "2023-05-18", "2023-08-23")
	for _, ext := range feedExts {
		p := documentPath(c.DocumentID) + "/feed." + ext
		item := itemByID(t, getFeed(t, site.testSite, p), changeURN(c.Change))
		content := itemText(item)
		assertContains(t, p, content, "<h3>When it takes effect</h3>", "will go into effect on September 22, 2023",
			"<li>‘X Privacy Policy’ rewritten (+28 −4 words), formerly ‘Twitter Privacy Policy’</li>",
			"<li>‘Seriously — what happens with my data?’ added</li>", // a heading alone
			"<li>and 28 more sections: see the full diff</li>")        // 40 sections touched
		assertOrder(t, p, content, "When it takes effect", "will go into effect on September 22, 2023", "The changed text")
	}
}

// BenchmarkFeed50 builds the site's feed — 50 entries with their stories
// and diffs, of the demo's two histories — per request, without the
// network.
func BenchmarkFeed50(b *testing.B) {
	site := newDemoSite(b)
	handler := New(archive.NewView(site.st, 0), Options{Logger: discardLogger(), BaseURL: "https://policywatch.example", PageCacheBytes: -1}).Handler()
	for _, ext := range feedExts {
		b.Run(ext, func(b *testing.B) {
			rec := serveRecorded(handler, "/feed."+ext)
			f, err := parseFeedBody(ext, rec.Body.String())
			if rec.Code != http.StatusOK || err != nil || f != feedEntries {
				b.Fatalf("/feed.%s: status %d, %d entries (%v), want 50", ext, rec.Code, f, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if rec := serveRecorded(handler, "/feed."+ext); rec.Code != http.StatusOK {
					b.Fatalf("/feed.%s: status %d", ext, rec.Code)
				}
			}
			b.ReportMetric(float64(rec.Body.Len()), "feed-bytes")
		})
	}
}

// parseFeedBody counts the entries of a feed as gofeed reads it.
func parseFeedBody(ext, body string) (int, error) {
	f, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		return 0, err
	}
	if f.FeedType != ext {
		return 0, fmt.Errorf("read as %s", f.FeedType)
	}
	return len(f.Items), nil
}
