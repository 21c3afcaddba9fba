package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/watch"
)

// site is a test server of pages, answering robots.txt with robots (404
// when empty), and keeping each request it got.
type site struct {
	srv    *httptest.Server
	robots string
	mu     sync.Mutex
	pages  map[string]http.HandlerFunc
	log    []seen
}

type seen struct {
	path, agent string
	at          time.Time
}

func newSite(t testing.TB, pages map[string]string) *site {
	s := &site{pages: map[string]http.HandlerFunc{}}
	for path, body := range pages {
		s.html(path, body)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.log = append(s.log, seen{path: r.URL.Path, agent: r.UserAgent(), at: time.Now()})
		h := s.pages[r.URL.Path]
		robots := s.robots
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/robots.txt" && robots != "":
			fmt.Fprint(w, robots)
		case h != nil:
			h(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	if t != nil {
		t.Cleanup(s.srv.Close)
	}
	return s
}

// html serves body as an HTML page at path; a .js path as a script.
func (s *site) html(path, body string) {
	s.handle(path, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(path, ".js") {
			w.Header().Set("Content-Type", "text/javascript")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, body)
	})
}

func (s *site) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	s.pages[path] = h
	s.mu.Unlock()
}

func (s *site) url(path string) string { return s.srv.URL + path }

// addr is the server's ip:port, the one non-public address the crawler is
// allowed to reach.
func (s *site) addr() string { return strings.TrimPrefix(s.srv.URL, "http://") }

// requests lists the paths the site was asked for, in order.
func (s *site) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.log...)
}

func (s *site) hits(path string) int {
	n := 0
	for _, r := range s.requests() {
		if r.path == path {
			n++
		}
	}
	return n
}

// crawlerFor reaches the given servers only: private networks are not
// allowed, each test server's address is.
func crawlerFor(sites ...*site) *crawler.Crawler {
	// Requests may take longer than a page: the page's limit is what
	// is tested.
	cfg := crawler.Config{Delay: -1, Retries: -1, Timeout: 2 * testPageLimit}
	for _, s := range sites {
		cfg.AllowAddresses = append(cfg.AllowAddresses, s.addr())
	}
	return crawler.New(cfg)
}

// doc is a target of one source.
func doc(name, url string, rules extract.Options, inBrowser bool) crawler.Target {
	return crawler.Target{Service: name, Type: "Privacy Policy", Sources: []crawler.Source{{URL: url, Rules: rules, Browser: inBrowser}}}
}

func selectCSS(css string) extract.Options { return extract.Options{Select: extract.CSS(css)} }

// archiveDB is a real archive in a SQLite file of the test's.
type archiveDB struct {
	st  *store.Store
	run *watch.Run
}

func newArchive(t *testing.T, f *Fetcher) *archiveDB {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "policywatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &archiveDB{st: st, run: &watch.Run{Store: st, Archive: archive.New(st), Fetcher: f}}
}

// crawl fetches the targets once and records them; it returns each
// document's result by service.
func (a *archiveDB) crawl(t *testing.T, targets ...crawler.Target) map[string]watch.Result {
	t.Helper()
	sum, err := a.run.Once(context.Background(), targets, false)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]watch.Result{}
	for _, r := range sum.Results {
		out[r.Service] = r
	}
	if len(out) != len(targets) {
		t.Fatalf("%d results for %d targets: %+v", len(out), len(targets), sum.Results)
	}
	return out
}

// history is what the archive holds of a service's document: its
// versions' Markdown and its fetches, newest first.
func (a *archiveDB) history(t *testing.T, service string) ([]string, []store.Fetch) {
	t.Helper()
	ctx := context.Background()
	docs, err := a.st.Documents(ctx, store.DocumentFilter{Service: service})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents of %s: %v, %v", service, docs, err)
	}
	summaries, err := a.st.Versions(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, s := range summaries {
		v, err := a.st.Version(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, v.Markdown)
	}
	fetches, err := a.st.Fetches(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return texts, fetches
}

// wantVersion checks that the service's one version holds text, from a
// fetch made with method.
func (a *archiveDB) wantVersion(t *testing.T, service, text string, method capture.Method) {
	t.Helper()
	texts, fetches := a.history(t, service)
	if len(texts) != 1 || !strings.Contains(texts[0], text) {
		t.Errorf("%s: versions %q, want one holding %q", service, texts, text)
	}
	if len(fetches) == 0 || fetches[0].Method != string(method) || fetches[0].ErrorClass != "" {
		t.Errorf("%s: fetches %+v, want a %s fetch without error", service, fetches, method)
	}
}

// wantFailed checks that the service has no version, and a failed fetch of
// class whose message holds each of words.
func (a *archiveDB) wantFailed(t *testing.T, service string, class capture.Class, words ...string) store.Fetch {
	t.Helper()
	texts, fetches := a.history(t, service)
	if len(texts) != 0 {
		t.Errorf("%s: versions %q recorded, want none", service, texts)
	}
	if len(fetches) != 1 {
		t.Fatalf("%s: fetches %+v, want one", service, fetches)
	}
	f := fetches[0]
	if f.ErrorClass != string(class) {
		t.Errorf("%s: fetch failed with %q (%s), want %q", service, f.ErrorClass, f.Error, class)
	}
	for _, w := range words {
		if !strings.Contains(f.Error, w) {
			t.Errorf("%s: failure %q does not say %q", service, f.Error, w)
		}
	}
	return f
}
