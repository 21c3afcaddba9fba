package crawler

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
)

const page = `<!doctype html><html><head><title>Privacy</title></head><body><main><h1>Privacy Policy</h1><p>We collect your name.</p></main></body></html>`

// testConfig allows 127.0.0.1, waits briefly between retries and none
// between requests.
func testConfig() Config {
	return Config{Delay: -1, AllowPrivateNetworks: true, BackoffBase: 5 * time.Millisecond, Timeout: 5 * time.Second, Parallelism: 4}
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fetchOne(t *testing.T, cfg Config, url string) Result {
	t.Helper()
	return New(cfg).Fetch(context.Background(), Target{Service: "S", Type: "Privacy Policy", Sources: []Source{{URL: url}}})
}

func wantFailure(t *testing.T, r Result, class capture.Class) {
	t.Helper()
	if r.Failure == nil {
		t.Fatalf("fetch succeeded with %d parts, want a %s failure", len(r.Parts), class)
	}
	if r.Failure.Class != class {
		t.Fatalf("failure class %q (%s), want %q", r.Failure.Class, r.Failure.Message, class)
	}
	if r.Parts != nil {
		t.Errorf("a failed fetch carries %d parts", len(r.Parts))
	}
}

func TestRawBytesAreKeptAsSent(t *testing.T) {
	body := []byte("<html><head><meta charset=\"windows-1252\"><title>x</title></head><body><p>caf\xe9</p></body></html>")
	var userAgent atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		userAgent.Store(r.UserAgent())
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("ETag", `"v1"`)
		w.Write(body)
	})
	r := fetchOne(t, testConfig(), srv.URL+"/p")
	if r.Failure != nil {
		t.Fatal(r.Failure)
	}
	p := r.Parts[0]
	if !bytes.Equal(p.Content, body) {
		t.Errorf("content %q, want the server's bytes %q", p.Content, body)
	}
	if p.Status != 200 || p.ETag != `"v1"` || p.ContentType != "text/html" || p.FinalURL != srv.URL+"/p" {
		t.Errorf("part %+v", p)
	}
	if ua := userAgent.Load(); ua != DefaultUserAgent || !strings.Contains(DefaultUserAgent, "policywatch/"+Version) || !strings.Contains(DefaultUserAgent, "https://") {
		t.Errorf("User-Agent %q, want the tool, its version and a contact URL", ua)
	}
}

func TestGzipIsDecodedAndBombsStopAtTheLimit(t *testing.T) {
	huge := bytes.Repeat([]byte("a"), 50<<20)
	var small, bomb bytes.Buffer
	zw := gzip.NewWriter(&small)
	zw.Write([]byte(page))
	zw.Close()
	zw, _ = gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zw.Write(huge)
	zw.Close()
	var br, deflated bytes.Buffer
	bw := brotli.NewWriter(&br)
	bw.Write([]byte(page))
	bw.Close()
	fw, _ := flate.NewWriter(&deflated, flate.DefaultCompression)
	fw.Write([]byte(page))
	fw.Close()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/br":
			w.Header().Set("Content-Encoding", "br")
			w.Write(br.Bytes())
			return
		case "/deflate":
			w.Header().Set("Content-Encoding", "deflate")
			w.Write(deflated.Bytes())
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/bomb" {
			w.Write(bomb.Bytes())
			return
		}
		w.Write(small.Bytes())
	})
	cfg := testConfig()
	cfg.MaxBodyBytes = 1 << 20
	if r := fetchOne(t, cfg, srv.URL+"/ok"); r.Failure != nil || string(r.Parts[0].Content) != page {
		t.Fatalf("gzip page: %+v", r.Failure)
	}
	for _, path := range []string{"/br", "/deflate"} {
		if r := fetchOne(t, cfg, srv.URL+path); r.Failure != nil || string(r.Parts[0].Content) != page {
			t.Errorf("%s page: %+v", path, r.Failure)
		}
	}
	if int64(bomb.Len()) > cfg.MaxBodyBytes {
		t.Fatalf("the bomb is %d bytes compressed: it must be under the limit to test decompression", bomb.Len())
	}
	wantFailure(t, fetchOne(t, cfg, srv.URL+"/bomb"), capture.TooLarge)
}

func TestStatusesAndRetries(t *testing.T) {
	var hits sync.Map
	count := func(path string) int {
		v, _ := hits.LoadOrStore(path, new(atomic.Int32))
		return int(v.(*atomic.Int32).Add(1))
	}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := count(r.URL.Path)
		switch r.URL.Path {
		case "/500":
			w.WriteHeader(500)
		case "/503-then-200":
			if n == 1 {
				w.WriteHeader(503)
				return
			}
			fmt.Fprint(w, page)
		case "/429":
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(429)
				return
			}
			fmt.Fprint(w, page)
		case "/404":
			w.WriteHeader(404)
		case "/204":
			w.WriteHeader(204)
		case "/empty":
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/final", http.StatusMovedPermanently)
		case "/final":
			fmt.Fprint(w, page)
		case "/challenge":
			w.WriteHeader(403)
			fmt.Fprint(w, `<html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>`)
		case "/challenge-200":
			fmt.Fprint(w, `<html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>`)
		case "/reset":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	})
	cfg := testConfig()
	r := fetchOne(t, cfg, srv.URL+"/500")
	wantFailure(t, r, capture.HTTPStatus)
	if r.Attempts != 4 || r.Failure.Status != 500 {
		t.Errorf("500: %d attempts, status %d; want 4 attempts (3 retries), status 500", r.Attempts, r.Failure.Status)
	}
	if r := fetchOne(t, cfg, srv.URL+"/503-then-200"); r.Failure != nil || r.Attempts != 2 {
		t.Errorf("503 then 200: failure %v after %d attempts; want success after 2", r.Failure, r.Attempts)
	}
	start := time.Now()
	if r := fetchOne(t, cfg, srv.URL+"/429"); r.Failure != nil || r.Attempts != 2 {
		t.Errorf("429: failure %v after %d attempts; want success after 2", r.Failure, r.Attempts)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("429 with Retry-After: 1 was retried after %s", waited)
	}
	r = fetchOne(t, cfg, srv.URL+"/404")
	wantFailure(t, r, capture.HTTPStatus)
	if r.Attempts != 1 {
		t.Errorf("404 was retried: %d attempts", r.Attempts)
	}
	wantFailure(t, fetchOne(t, cfg, srv.URL+"/204"), capture.Empty)
	wantFailure(t, fetchOne(t, cfg, srv.URL+"/empty"), capture.Empty)
	r = fetchOne(t, cfg, srv.URL+"/loop")
	wantFailure(t, r, capture.HTTPStatus)
	if !strings.Contains(r.Failure.Message, "10 redirects") {
		t.Errorf("redirect loop message %q", r.Failure.Message)
	}
	if r := fetchOne(t, cfg, srv.URL+"/moved"); r.Failure != nil || r.Parts[0].FinalURL != srv.URL+"/final" {
		t.Errorf("redirect: %+v", r)
	}
	wantFailure(t, fetchOne(t, cfg, srv.URL+"/challenge"), capture.Blocked)
	wantFailure(t, fetchOne(t, cfg, srv.URL+"/challenge-200"), capture.Blocked)
	r = fetchOne(t, cfg, srv.URL+"/reset")
	wantFailure(t, r, capture.Network)
	if r.Attempts != 4 {
		t.Errorf("connection reset: %d attempts, want 4", r.Attempts)
	}
}

func TestTimeoutAndTooLarge(t *testing.T) {
	release := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hang":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/stall":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body><main><h1>Privacy</h1><p>We collect")
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/big":
			chunk := bytes.Repeat([]byte("x"), 1<<20)
			for range 30 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	})
	defer close(release)
	cfg := testConfig()
	cfg.Timeout = 200 * time.Millisecond
	cfg.Retries = 1
	r := fetchOne(t, cfg, srv.URL+"/hang")
	wantFailure(t, r, capture.Network)
	if r.Attempts != 2 || !strings.Contains(r.Failure.Message, "timed out") {
		t.Errorf("hang: %d attempts, message %q", r.Attempts, r.Failure.Message)
	}
	r = fetchOne(t, cfg, srv.URL+"/stall")
	wantFailure(t, r, capture.Network)
	if msg := r.Failure.Message; strings.Contains(msg, "awaiting headers") || !strings.Contains(msg, "stalled") || !strings.Contains(msg, "timed out reading the body after 47 bytes") {
		t.Errorf("stalled body: message %q", msg)
	}
	cfg = testConfig()
	// Reading 20 MB may take a loaded machine under the race detector
	// more than the tests' 5 s: a timeout, retried, is not what is tested.
	cfg.Timeout = 2 * time.Minute
	r = fetchOne(t, cfg, srv.URL+"/big") // 30 MB against the default 20 MB
	wantFailure(t, r, capture.TooLarge)
	if r.Attempts != 1 {
		t.Errorf("too-large was retried: %d attempts", r.Attempts)
	}
}

func TestPrivateAddressesAreRefusedUnlessAllowed(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, page) })
	cfg := testConfig()
	cfg.AllowPrivateNetworks = false
	cfg.IgnoreRobots = true
	r := fetchOne(t, cfg, srv.URL+"/")
	wantFailure(t, r, capture.Network)
	if !strings.Contains(r.Failure.Message, "non-public address") || r.Attempts != 1 {
		t.Errorf("message %q after %d attempts", r.Failure.Message, r.Attempts)
	}
	wantFailure(t, fetchOne(t, testConfig(), "file:///etc/passwd"), capture.Network)
}

// TestPrivateTargetsAreRefusedThroughAProxy: with HTTP_PROXY set the dial
// goes to the proxy, so the dialer alone would let any target through.
func TestPrivateTargetsAreRefusedThroughAProxy(t *testing.T) {
	var proxied atomic.Int32
	proxy := serve(t, func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1) // a forward proxy sees the absolute target URL
		if r.URL.Host == "93.184.216.34" {
			fmt.Fprint(w, page)
			return
		}
		http.Error(w, "this test proxy only knows 93.184.216.34", http.StatusBadGateway)
	})
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "")
	cfg := testConfig()
	cfg.AllowPrivateNetworks = false
	cfg.IgnoreRobots = true
	cfg.Retries = -1
	for _, target := range []string{"http://10.1.2.3/privacy", "http://100.100.100.200/latest/meta-data", "http://[fd00::1]/"} {
		r := fetchOne(t, cfg, target)
		wantFailure(t, r, capture.Network)
		if !strings.Contains(r.Failure.Message, "non-public address") {
			t.Errorf("%s: message %q", target, r.Failure.Message)
		}
	}
	if n := proxied.Load(); n != 0 {
		t.Fatalf("%d private targets were handed to the proxy", n)
	}
	// A public target goes through the proxy, on the LAN as proxies are.
	if r := fetchOne(t, cfg, "http://93.184.216.34/privacy"); r.Failure != nil || proxied.Load() != 1 {
		t.Errorf("public target through the proxy: %+v, %d proxied", r.Failure, proxied.Load())
	}
}

// TestRobotsTxtOnEveryHop: a redirect may lead into a disallowed path or
// to another host; each hop is checked against its own host's rules.
func TestRobotsTxtOnEveryHop(t *testing.T) {
	var secretHits, otherRobots atomic.Int32
	other := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			otherRobots.Add(1)
			fmt.Fprint(w, "User-agent: *\nDisallow: /secret\n")
		case "/secret":
			secretHits.Add(1)
			fmt.Fprint(w, page)
		default:
			fmt.Fprint(w, page)
		}
	})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
		case "/start":
			http.Redirect(w, r, "/private/policy", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/secret", http.StatusMovedPermanently)
		case "/fine":
			http.Redirect(w, r, other.URL+"/policy", http.StatusFound)
		case "/private/policy":
			secretHits.Add(1)
			fmt.Fprint(w, page)
		}
	})
	cfg := testConfig()
	for _, path := range []string{"/start", "/away"} {
		r := fetchOne(t, cfg, srv.URL+path)
		wantFailure(t, r, capture.Blocked)
		if !strings.Contains(r.Failure.Message, "redirected to") || !strings.Contains(r.Failure.Message, "disallows") {
			t.Errorf("%s: message %q", path, r.Failure.Message)
		}
		if r.Failure.BotWall {
			t.Errorf("%s: a robots.txt refusal is marked as a bot wall, which the browser would try to pass", path)
		}
	}
	if n := secretHits.Load(); n != 0 {
		t.Errorf("disallowed pages were fetched %d times", n)
	}
	if otherRobots.Load() != 1 {
		t.Errorf("the second host's robots.txt was read %d times, want once", otherRobots.Load())
	}
	if r := fetchOne(t, cfg, srv.URL+"/fine"); r.Failure != nil {
		t.Errorf("an allowed redirect to another host failed: %+v", r.Failure)
	}
}

func TestRobotsTxt(t *testing.T) {
	var robotsStatus atomic.Int32
	robotsStatus.Store(200)
	var pageHits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.WriteHeader(int(robotsStatus.Load()))
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			return
		}
		pageHits.Add(1)
		fmt.Fprint(w, page)
	})
	cfg := testConfig()
	c := New(cfg)
	r := c.Fetch(context.Background(), Target{Service: "S", Type: "T", Sources: []Source{{URL: srv.URL + "/private/policy"}}})
	wantFailure(t, r, capture.Blocked)
	if pageHits.Load() != 0 {
		t.Errorf("a disallowed page was requested %d times", pageHits.Load())
	}
	if r := c.Fetch(context.Background(), Target{Service: "S", Type: "T", Sources: []Source{{URL: srv.URL + "/public"}}}); r.Failure != nil {
		t.Errorf("allowed page: %v", r.Failure)
	}
	cfg.IgnoreRobots = true
	if r := fetchOne(t, cfg, srv.URL+"/private/policy"); r.Failure != nil {
		t.Errorf("with robots.txt ignored: %v", r.Failure)
	}
	robotsStatus.Store(503)
	cfg.IgnoreRobots = false
	before := pageHits.Load()
	r = fetchOne(t, cfg, srv.URL+"/public")
	wantFailure(t, r, capture.Blocked)
	if !strings.Contains(r.Failure.Message, "answered 503") {
		t.Errorf("message %q does not name the 503", r.Failure.Message)
	}
	if pageHits.Load() != before {
		t.Error("a 503 robots.txt was taken as permission")
	}
}

func TestConditionalRequest(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, page)
	})
	c := New(testConfig())
	first := c.Fetch(context.Background(), Target{Service: "S", Type: "T", Sources: []Source{{URL: srv.URL}}})
	if first.Failure != nil || first.Parts[0].ETag != `"v1"` {
		t.Fatalf("first fetch: %+v", first)
	}
	second := c.Fetch(context.Background(), Target{Service: "S", Type: "T", Sources: []Source{{URL: srv.URL}}, ETag: first.Parts[0].ETag})
	if second.Failure != nil || !second.NotModified || second.Parts != nil {
		t.Errorf("conditional fetch: not modified %v, failure %v, %d parts", second.NotModified, second.Failure, len(second.Parts))
	}
}

func TestCombineIsAllOrNothing(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			w.WriteHeader(404)
			return
		}
		fmt.Fprint(w, page)
	})
	c := New(testConfig())
	ok := c.Fetch(context.Background(), Target{Service: "S", Type: "T", Sources: []Source{{URL: srv.URL + "/a"}, {URL: srv.URL + "/b"}}})
	if ok.Failure != nil || len(ok.Parts) != 2 {
		t.Fatalf("two good parts: %+v", ok.Failure)
	}
	bad := c.Fetch(context.Background(), Target{Service: "S", Type: "T", Sources: []Source{{URL: srv.URL + "/a"}, {URL: srv.URL + "/missing"}}})
	wantFailure(t, bad, capture.HTTPStatus)
}

// The declared URL is requested as it is: removeQueryParams applies to the
// links inside the page (extract.Options), not to the address fetched.
func TestFetchesTheDeclaredURLAsItIs(t *testing.T) {
	var got atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.URL.RawQuery)
		fmt.Fprint(w, page)
	})
	rules := extract.Options{RemoveQueryParams: []string{"utm_source"}}
	r := New(testConfig()).Fetch(context.Background(), Target{Service: "S", Type: "T",
		Sources: []Source{{URL: srv.URL + "/p?lang=en&utm_source=x", Rules: rules}}})
	if r.Failure != nil || got.Load() != "lang=en&utm_source=x" {
		t.Errorf("query sent %q, failure %v", got.Load(), r.Failure)
	}
	if len(r.Parts) != 1 || len(r.Parts[0].Source.Rules.RemoveQueryParams) != 1 {
		t.Errorf("the source's rules did not travel with the fetched part: %+v", r.Parts)
	}
}

// politenessServer records, per host, how many requests are in flight and
// when each started.
type politenessServer struct {
	mu          sync.Mutex
	inFlight    map[string]int
	maxInFlight map[string]int
	globalNow   int
	globalMax   int
	starts      map[string][]time.Time
	ends        map[string][]time.Time
}

func (p *politenessServer) handler(host string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.WriteHeader(404)
			return
		}
		p.mu.Lock()
		p.inFlight[host]++
		p.globalNow++
		p.maxInFlight[host] = max(p.maxInFlight[host], p.inFlight[host])
		p.globalMax = max(p.globalMax, p.globalNow)
		p.starts[host] = append(p.starts[host], time.Now())
		p.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		fmt.Fprint(w, page)
		p.mu.Lock()
		p.inFlight[host]--
		p.globalNow--
		p.ends[host] = append(p.ends[host], time.Now())
		p.mu.Unlock()
	}
}

func TestPerHostPolitenessMeasuredOnTheServer(t *testing.T) {
	p := &politenessServer{inFlight: map[string]int{}, maxInFlight: map[string]int{}, starts: map[string][]time.Time{}, ends: map[string][]time.Time{}}
	var targets []Target
	for h := range 3 {
		name := fmt.Sprint("host", h)
		srv := serve(t, p.handler(name))
		for i := range 4 {
			targets = append(targets, Target{Service: name, Type: fmt.Sprint(i), Sources: []Source{{URL: fmt.Sprintf("%s/doc%d", srv.URL, i)}}})
		}
	}
	cfg := testConfig()
	cfg.Delay = 150 * time.Millisecond
	cfg.Parallelism = 2
	var done atomic.Int32
	if err := New(cfg).Run(context.Background(), targets, func(r Result) {
		if r.Failure != nil {
			t.Error(r.Failure)
		}
		done.Add(1)
	}); err != nil {
		t.Fatal(err)
	}
	if done.Load() != 12 {
		t.Fatalf("%d results, want 12", done.Load())
	}
	if p.globalMax > 2 {
		t.Errorf("%d requests at once across hosts, want at most 2", p.globalMax)
	}
	for host, n := range p.maxInFlight {
		if n != 1 {
			t.Errorf("%s: %d requests at once, want 1", host, n)
		}
		starts, ends := p.starts[host], p.ends[host]
		for i := 1; i < len(starts); i++ {
			if gap := starts[i].Sub(ends[i-1]); gap < 140*time.Millisecond { // 10 ms slack for clock reads
				t.Errorf("%s: request %d started %s after the previous one ended, want ≥ 150ms", host, i, gap)
			}
		}
	}
}

func TestCancellationIsPromptAndGoroutinesBounded(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.WriteHeader(404)
			return
		}
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
		fmt.Fprint(w, page)
	})
	var targets []Target
	for i := range 2000 {
		targets = append(targets, Target{Service: "S", Type: fmt.Sprint(i), Sources: []Source{{URL: fmt.Sprintf("%s/%d", srv.URL, i)}}})
	}
	cfg := testConfig()
	cfg.Delay = 10 * time.Second // a pending delay must not hold up cancellation either
	cfg.Timeout = 30 * time.Second
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan error, 1)
	var results atomic.Int32
	go func() { finished <- New(cfg).Run(ctx, targets, func(Result) { results.Add(1) }) }()
	time.Sleep(300 * time.Millisecond)
	if n := runtime.NumGoroutine() - before; n > 60 {
		t.Errorf("%d goroutines for 2,000 targets, want a bounded pool", n)
	}
	cancel()
	start := time.Now()
	select {
	case err := <-finished:
		if err != context.Canceled {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Run did not return within a second of cancellation")
	}
	t.Logf("returned %s after cancel", time.Since(start))
	if results.Load() != 0 {
		t.Errorf("%d results reported for abandoned fetches", results.Load())
	}
}

func TestBlockedReasonLeavesPoliciesAlone(t *testing.T) {
	policy := []byte(`<html><head><title>Cookie Policy</title></head><body><p>We use Cloudflare and Akamai to protect the site; access denied requests are logged.</p></body></html>`)
	if r := BlockedReason(200, http.Header{}, policy); r != "" {
		t.Errorf("a policy naming its CDN was taken for %s", r)
	}
	h := http.Header{}
	h.Set("cf-mitigated", "challenge")
	if BlockedReason(403, h, nil) == "" {
		t.Error("cf-mitigated: challenge not detected")
	}
	for _, body := range []string{
		`<html><head><title>Just a moment...</title></head></html>`,
		`<script src="https://ct.captcha-delivery.com/c.js"></script>`,
		`<iframe src="/_Incapsula_Resource?SWUDNSAI=1"></iframe>`,
		`<div id="px-captcha"></div>`,
		`<html><head><title>Access Denied</title></head><body>Reference #18.1 https://errors.edgesuite.net/</body></html>`,
	} {
		if BlockedReason(200, http.Header{}, []byte(body)) == "" {
			t.Errorf("not detected: %s", body)
		}
	}
}
