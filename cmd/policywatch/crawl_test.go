package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/watch"
)

// crawlTestConfig fetches from 127.0.0.1 without delays and retries once,
// fast. The timeout leaves room for 20 MB under the race detector on a
// busy machine.
func crawlTestConfig() crawler.Config {
	return crawler.Config{Delay: -1, AllowPrivateNetworks: true, BackoffBase: 5 * time.Millisecond, Timeout: 4 * time.Second, Retries: 1}
}

// crawlFixture is a database, an archive and a declarations directory.
type crawlFixture struct {
	t       *testing.T
	st      *store.Store
	arch    *archive.Archive
	decls   string
	dbPath  string
	targets []crawler.Target
	cfg     crawler.Config
}

func newCrawlFixture(t *testing.T, declarations map[string]string) *crawlFixture {
	t.Helper()
	dir := t.TempDir()
	decls := filepath.Join(dir, "declarations")
	if err := os.Mkdir(decls, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range declarations {
		if err := os.WriteFile(filepath.Join(decls, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dbPath := filepath.Join(dir, "test.db")
	st, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	targets, _, err := loadCrawlTargets(decls, "", "", func(p declaration.Problem) { t.Errorf("unexpected problem: %s", p) })
	if err != nil {
		t.Fatal(err)
	}
	return &crawlFixture{t: t, st: st, arch: archive.New(st), decls: decls, dbPath: dbPath, targets: targets, cfg: crawlTestConfig()}
}

func (f *crawlFixture) crawl() watch.Summary {
	f.t.Helper()
	run := &watch.Run{Store: f.st, Archive: f.arch, Fetcher: crawler.New(f.cfg), Every: time.Hour}
	sum, err := run.Once(context.Background(), f.targets, false)
	if err != nil {
		f.t.Fatal(err)
	}
	return sum
}

// lines are the summary's lines, for messages.
func lines(sum watch.Summary) []string {
	var out []string
	for _, r := range sum.Results {
		out = append(out, r.Line)
	}
	return out
}

// document returns the only document's versions and fetches.
func (f *crawlFixture) document() (store.Document, []store.VersionSummary, []store.Fetch) {
	f.t.Helper()
	ctx := context.Background()
	docs, err := f.st.Documents(ctx, store.DocumentFilter{})
	if err != nil || len(docs) != 1 {
		f.t.Fatalf("%d documents, %v", len(docs), err)
	}
	versions, err := f.st.Versions(ctx, docs[0].ID)
	if err != nil {
		f.t.Fatal(err)
	}
	fetches, err := f.st.Fetches(ctx, docs[0].ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return docs[0], versions, fetches
}

func (f *crawlFixture) versionCount() int {
	_, versions, _ := f.document()
	return len(versions)
}

// lastFetch is the newest fetch of the only document.
func (f *crawlFixture) lastFetch() store.Fetch {
	_, _, fetches := f.document()
	last := fetches[0]
	for _, x := range fetches {
		if x.At.After(last.At) {
			last = x
		}
	}
	return last
}

func declarationOf(service, typ, url, selector string) string {
	sel := ""
	if selector != "" {
		sel = fmt.Sprintf(`, "select": %q`, selector)
	}
	return fmt.Sprintf(`{"name": %q, "terms": {%q: {"fetch": %q%s}}}`, service, typ, url, sel)
}

// withoutRobots serves a test site that has no robots.txt (404: no rules),
// and handle for every other path.
func withoutRobots(handle http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		handle(w, r)
	}
}

// policyBody is a policy long enough to be a real document.
func policyBody(edited bool) string {
	var b strings.Builder
	b.WriteString("<h1>Privacy Policy</h1>\n")
	for i := range 12 {
		fmt.Fprintf(&b, "<h2>Section %d</h2>\n<p>We collect the information you give us when you use service feature number %d, and we keep it for as long as your account exists.</p>\n", i+1, i+1)
	}
	if edited {
		b.WriteString("<h2>Section 13</h2>\n<p>We now share your location with advertising partners.</p>\n")
	}
	return b.String()
}

// noisyPage wraps the policy in everything that changes on every request
// of a real site.
func noisyPage(edited bool) string {
	token := fmt.Sprintf("%016x", rand.Uint64())
	banners := []string{
		`<div id="cookie-banner" class="cookie-banner"><p>We use cookies. <button>Accept all</button></p></div>`,
		`<div id="onetrust-banner-sdk" class="cookie-consent"><p>This site uses cookies to improve your experience. <button>OK</button> <button>Settings</button></p></div>`,
		`<div class="cc-window cookie-notice" role="dialog"><p>Cookies help us deliver our services.</p><a href="/cookies">Learn more</a></div>`,
	}
	ads := []string{"Buy shoes now", "Cheap flights to Lisbon", "Try our new app"}
	return fmt.Sprintf(`<!doctype html>
<html><head><title>Privacy Policy</title><meta name="csrf-token" content="%[1]s">
<script>window.__session = "%[1]s"; window.renderedAt = %[2]d;</script></head>
<body>
%[3]s
<header><nav><a href="/?sid=%[1]s">Home</a> <a href="/help?sid=%[1]s">Help</a></nav></header>
<aside class="ad" id="ad-slot-%[4]d"><p>%[5]s</p></aside>
<main>%[6]s</main>
<form action="/subscribe" method="post"><input type="hidden" name="csrf" value="%[1]s"><input type="email"><button>Subscribe</button></form>
<footer><p>Page generated at %[7]s in %[4]d ms</p><a href="/terms?sid=%[1]s">Terms</a></footer>
</body></html>`,
		token, time.Now().UnixNano(), banners[rand.N(len(banners))], rand.N(1000), ads[rand.N(len(ads))],
		policyBody(edited), time.Now().Format(time.RFC3339Nano))
}

func TestRotatingNoiseMakesOneVersionAndAnEditTheSecond(t *testing.T) {
	var edited atomic.Bool
	srv := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, noisyPage(edited.Load()))
	}))
	defer srv.Close()
	f := newCrawlFixture(t, map[string]string{"Example.json": declarationOf("Example", "Privacy Policy", srv.URL+"/privacy", "")})
	for i := range 10 {
		if sum := f.crawl(); sum.Failed != 0 {
			t.Fatalf("crawl %d: %v", i+1, lines(sum))
		}
	}
	if n := f.versionCount(); n != 1 {
		_, versions, _ := f.document()
		v1, _ := f.st.Version(context.Background(), versions[len(versions)-1].ID)
		v2, _ := f.st.Version(context.Background(), versions[0].ID)
		t.Fatalf("10 crawls of rotating noise made %d versions, want 1; first and last:\n%s\n---\n%s", n, v1.Markdown, v2.Markdown)
	}
	edited.Store(true)
	f.crawl()
	if n := f.versionCount(); n != 2 {
		t.Fatalf("after a real edit: %d versions, want 2", n)
	}
	_, versions, _ := f.document()
	if c := versions[0].Change; c == nil || c.WordsAdded == 0 {
		t.Errorf("the edit's change: %+v", c)
	}
}

// faultServer serves a good policy, or the fault named by mode.
type faultServer struct {
	mode atomic.Value // string
	hits atomic.Int32
}

func (s *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	n := s.hits.Add(1)
	good := "<html><head><title>Privacy</title></head><body><main>" + policyBody(false) + "</main></body></html>"
	switch s.mode.Load().(string) {
	case "500":
		w.WriteHeader(500)
		fmt.Fprint(w, "<html><body><h1>Internal Server Error</h1></body></html>")
		return
	case "503-then-200":
		if n%2 == 1 {
			w.WriteHeader(503)
			return
		}
	case "429":
		if n%2 == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
	case "reset":
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
		return
	case "hang":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	case "30MB":
		chunk := bytes.Repeat([]byte("<p>padding</p>"), 1<<16)
		for written := 0; written < 30<<20; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		return
	case "gzip-bomb":
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipBomb())
		return
	case "redirect-loop":
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
		return
	case "empty":
		return
	case "challenge":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="challenge-running">Checking your browser before accessing the site.</div><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=1"></script></body></html>`)
		return
	case "no-selector":
		fmt.Fprint(w, "<html><body><div class=\"redesigned\">"+policyBody(false)+"</div></body></html>")
		return
	case "cut":
		full := policyBody(false)
		fmt.Fprint(w, "<html><body><main>"+full[:len(full)/10]+"</main></body></html>")
		return
	}
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, good)
}

// gzipBomb is 64 MB of zeros, gzipped to about 64 KB.
var gzipBomb = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(make([]byte, 64<<20))
	zw.Close()
	return buf.Bytes()
})

func TestEachFaultLeavesTheVersionsAloneAndIsClassified(t *testing.T) {
	gzipBomb()
	srv := &faultServer{}
	srv.mode.Store("good")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	f := newCrawlFixture(t, map[string]string{"Example.json": declarationOf("Example", "Privacy Policy", ts.URL+"/privacy", "main")})
	f.crawl()
	if n := f.versionCount(); n != 1 {
		t.Fatalf("first good crawl: %d versions", n)
	}
	for _, fault := range []struct {
		mode  string
		class capture.Class
	}{
		{"500", capture.HTTPStatus},
		{"503-then-200", ""}, // retried: a normal fetch
		{"429", ""},          // retried after Retry-After: a normal fetch
		{"reset", capture.Network},
		{"hang", capture.Network},
		{"30MB", capture.TooLarge},
		{"gzip-bomb", capture.TooLarge},
		{"redirect-loop", capture.HTTPStatus},
		{"empty", capture.Empty},
		{"challenge", capture.Blocked},
		{"no-selector", capture.SelectorMissing},
		{"cut", capture.Suspect},
	} {
		t.Run(fault.mode, func(t *testing.T) {
			srv.mode.Store(fault.mode)
			srv.hits.Store(0)
			if fault.mode == "hang" {
				f.cfg.Timeout = 500 * time.Millisecond // the others need room for 20 MB under -race
				defer func() { f.cfg = crawlTestConfig() }()
			}
			sum := f.crawl()
			if got := f.lastFetch(); got.ErrorClass != string(fault.class) {
				t.Errorf("fetch class %q (%s), want %q", got.ErrorClass, got.Error, fault.class)
			}
			if n := f.versionCount(); n != 1 {
				t.Errorf("%d versions after the fault, want 1", n)
			}
			wantFailed := 0
			if fault.class != "" && fault.class != capture.Suspect {
				wantFailed = 1
			}
			if sum.Failed != wantFailed {
				t.Errorf("summary counts %d failed, want %d: %v", sum.Failed, wantFailed, lines(sum))
			}
			srv.mode.Store("good")
			f.crawl()
			if got := f.lastFetch(); got.ErrorClass != "" || got.SnapshotHash == "" {
				t.Errorf("next good fetch: class %q (%s), snapshot %q", got.ErrorClass, got.Error, got.SnapshotHash)
			}
			if n := f.versionCount(); n != 1 {
				t.Errorf("%d versions after the good fetch, want 1", n)
			}
		})
	}
	logs := logJSON(t, f.dbPath)
	classes := map[string]bool{}
	for _, fl := range logs[0].Failures {
		classes[fl.Class] = true
	}
	for _, c := range []string{"network", "http-status", "blocked", "selector-missing", "empty", "too-large", "suspect"} {
		if !classes[c] {
			t.Errorf("policywatch log does not show a %s failure: %v", c, classes)
		}
	}
}

func TestShrunkCaptureBecomesAVersionWhenConfirmed(t *testing.T) {
	srv := &faultServer{}
	srv.mode.Store("good")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	f := newCrawlFixture(t, map[string]string{"Example.json": declarationOf("Example", "Privacy Policy", ts.URL+"/privacy", "main")})
	f.crawl()
	srv.mode.Store("cut")
	if sum := f.crawl(); sum.Held != 1 || f.versionCount() != 1 {
		t.Fatalf("first short fetch: %v, %d versions", lines(sum), f.versionCount())
	}
	if sum := f.crawl(); sum.NewVersions != 1 || f.versionCount() != 2 {
		t.Fatalf("confirming fetch: %v, %d versions; want the short text as version 2", lines(sum), f.versionCount())
	}
}

func TestNotModifiedStoresNoSnapshot(t *testing.T) {
	var conditional atomic.Int32
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"policy-1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"policy-1"`)
		fmt.Fprint(w, "<html><body>"+policyBody(false)+"</body></html>")
	}))
	defer ts.Close()
	f := newCrawlFixture(t, map[string]string{"Example.json": declarationOf("Example", "Privacy Policy", ts.URL+"/privacy", "")})
	f.crawl()
	sum := f.crawl()
	if conditional.Load() != 1 || sum.Failed != 0 {
		t.Fatalf("second crawl sent %d conditional requests, summary %v", conditional.Load(), lines(sum))
	}
	_, versions, fetches := f.document()
	if len(versions) != 1 || len(fetches) != 2 {
		t.Fatalf("%d versions, %d fetches; want 1 and 2", len(versions), len(fetches))
	}
	last := f.lastFetch()
	if last.Status != 304 || last.SnapshotHash != "" || last.ErrorClass != "" {
		t.Errorf("304 fetch recorded as %+v, want status 304, no snapshot, no error", last)
	}
}

func TestCombinedDocumentIsAllPartsOrNone(t *testing.T) {
	var failSecond atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/part1":
			fmt.Fprint(w, "<html><body><article><h1>Part one</h1><p>We collect names and email addresses.</p></article><nav>menu</nav></body></html>")
		case "/part2":
			if failSecond.Load() {
				w.WriteHeader(500)
				return
			}
			fmt.Fprint(w, "<html><body><section id=\"p2\"><h1>Part two</h1><p>We share data with payment processors.</p></section></body></html>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	decl := fmt.Sprintf(`{"name": "Example", "terms": {"Privacy Policy": {"combine": [
		{"fetch": %q, "select": "article"}, {"fetch": %q, "select": "#p2"}]}}}`, ts.URL+"/part1", ts.URL+"/part2")
	f := newCrawlFixture(t, map[string]string{"Example.json": decl})
	f.crawl()
	_, versions, _ := f.document()
	if len(versions) != 1 {
		t.Fatalf("%d versions", len(versions))
	}
	v, err := f.st.Version(context.Background(), versions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Markdown, "names and email") || !strings.Contains(v.Markdown, "payment processors") || strings.Contains(v.Markdown, "menu") {
		t.Errorf("combined version:\n%s", v.Markdown)
	}
	failSecond.Store(true)
	sum := f.crawl()
	if sum.Failed != 1 || f.versionCount() != 1 || f.lastFetch().ErrorClass != string(capture.HTTPStatus) {
		t.Errorf("with part 2 failing: %v, %d versions, last fetch %+v", lines(sum), f.versionCount(), f.lastFetch())
	}
}

func TestCrawlCommandSummaryAndExitStatus(t *testing.T) {
	var mu sync.Mutex
	broken := false
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /secret\n")
			return
		}
		if broken && r.URL.Path == "/cookies" {
			w.WriteHeader(404)
			return
		}
		fmt.Fprint(w, "<html><body>"+policyBody(false)+"</body></html>")
	}))
	defer ts.Close()
	f := newCrawlFixture(t, map[string]string{
		"Example.json": fmt.Sprintf(`{"name": "Example", "terms": {"Privacy Policy": {"fetch": %q}, "Cookies Policy": {"fetch": %q}}}`, ts.URL+"/privacy", ts.URL+"/cookies"),
		"Other.json":   declarationOf("Other", "Privacy Policy", ts.URL+"/secret", ""),
	})
	f.st.Close()
	args := []string{"crawl", "--db", f.dbPath, "--declarations", f.decls, "--delay", "0", "--allow-private-networks"}
	r := runCommand(t, nil, append(args, "--service", "Example")...)
	if r.code != exitOK || !strings.Contains(r.stdout, "Example / Privacy Policy") || !strings.Contains(r.stdout, "new version") {
		t.Fatalf("crawl: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mu.Lock()
	broken = true
	mu.Unlock()
	r = runCommand(t, nil, append(args, "--type", "Cookies Policy")...)
	if r.code != exitFailure || !strings.Contains(r.stdout, "FAILED http-status") || strings.Contains(r.stdout, "Example / Privacy Policy") {
		t.Errorf("crawl of a 404: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCommand(t, nil, append(args, "--service", "Other")...)
	if r.code != exitFailure || !strings.Contains(r.stdout, "robots.txt") {
		t.Errorf("crawl of a disallowed page: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCommand(t, nil, "log", "--db", f.dbPath, "--service", "Other")
	if !strings.Contains(r.stdout, "blocked") {
		t.Errorf("log does not show the blocked fetch:\n%s", r.stdout)
	}
	if r := runCommand(t, nil, append(args, "--service", "Nobody")...); r.code != exitFailure {
		t.Errorf("unknown service: exit %d", r.code)
	}
}
