package browser

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// shared is the one browser the tests of this package render with:
// starting Chromium takes seconds, a tab a fraction of one.
var (
	shared        *Browser
	noChromium    string
	testPageLimit = 8 * time.Second
	// slack is what opening tabs and starting the browser may add to a
	// page's limit on a machine busy with other work.
	slack = 30 * time.Second
)

func TestMain(m *testing.M) {
	if _, err := FindChromium(""); err != nil {
		noChromium = err.Error()
	} else {
		shared = New(testBrowserConfig())
	}
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	os.Exit(code)
}

func testBrowserConfig() Config {
	cfg := Config{Tabs: 4, PageTimeout: testPageLimit, SelectorWait: 2 * time.Second, HeapMB: 128}
	if os.Getenv("POLICYWATCH_BROWSER_DEBUG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return cfg
}

// needBrowser skips a test when there is no Chromium to run it with.
func needBrowser(t *testing.T) *Browser {
	t.Helper()
	if shared == nil {
		t.Skipf("skipped: %s", noChromium)
	}
	t.Parallel() // the pages wait more than they work: the tests overlap
	return shared
}

const policyText = "We keep your name and your e-mail address for as long as you have an account."

// TestScriptInsertedTextIsRecorded: the policy is put into the page by a
// script, half a second after it runs; the browser waits for the declared
// selection to hold text. Without a declared selection, only the wait for
// the DOM to stop changing (half a second) guards the capture: a page
// filled sooner is recorded whole too.
func TestScriptInsertedTextIsRecorded(t *testing.T) {
	b := needBrowser(t)
	page := func(delay int) string {
		return `<!doctype html><html><head><title>Privacy</title></head><body><div id="app"><p class="spinner">Loading…</p></div>
<script>setTimeout(() => { document.querySelector('#app').innerHTML = '<main id="policy"><h1>Privacy Policy</h1><p>` + policyText + `</p></main>'; }, ` + fmt.Sprint(delay) + `);</script>
</body></html>`
	}
	s := newSite(t, map[string]string{"/privacy": page(500), "/privacy-plain": page(200)})
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(s), Browser: b})
	start := time.Now()
	results := a.crawl(t,
		doc("Selected", s.url("/privacy"), selectCSS("#policy"), true),
		doc("Whole page", s.url("/privacy-plain"), extract.Options{}, true),
		doc("Over HTTP", s.url("/privacy"), selectCSS("#policy"), false),
	)
	t.Logf("3 documents in %s", time.Since(start))
	for _, service := range []string{"Selected", "Whole page"} {
		if !results[service].NewVersion {
			t.Errorf("%s: %s", service, results[service].Line)
		}
		a.wantVersion(t, service, policyText, capture.Browser)
	}
	// Fetched as served, the page holds a spinner where the policy goes.
	a.wantFailed(t, "Over HTTP", capture.SelectorMissing)
	for _, r := range s.requests() {
		if r.agent != crawler.DefaultUserAgent {
			t.Errorf("%s was asked for with User-Agent %q", r.path, r.agent)
		}
	}
}

// consentShell is a page behind a consent manager's wall, as served: the
// policy is not in it; a script puts it in once it has run.
const consentShell = `<!doctype html><html><head><title>Privacy Policy</title></head><body>
<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" role="dialog"><p>We and our partners use cookies to give you the best experience.</p>
<button id="accept">Accept all</button><button>Settings</button></div></div>
<div id="root"></div><script src="/cmp.js"></script></body></html>`

// consentScript answers the wall for the reader and loads the policy.
const consentScript = `fetch('/policy-text.html').then((r) => r.text()).then((html) => {
  document.querySelector('#onetrust-consent-sdk').hidden = true;
  document.querySelector('#root').innerHTML = '<main id="policy">' + html + '</main>';
});`

// TestConsentWall: over HTTP the page is a cookie wall (blocked, not a
// version); in the browser the script puts the policy into the DOM and it
// is recorded; with the fallback, the blocked HTTP fetch is rendered.
func TestConsentWall(t *testing.T) {
	b := needBrowser(t)
	pages := map[string]string{"/privacy": consentShell, "/cmp.js": consentScript,
		"/policy-text.html": "<h1>Privacy Policy</h1><p>" + policyText + "</p>"}
	httpOnly, rendered, fallback := newSite(t, pages), newSite(t, pages), newSite(t, pages)
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(httpOnly, rendered, fallback), Browser: b})
	a.crawl(t,
		doc("HTTP", httpOnly.url("/privacy"), selectCSS("#policy"), false),
		doc("Browser", rendered.url("/privacy"), selectCSS("#policy"), true),
	)
	a.wantFailed(t, "HTTP", capture.Blocked, "cookie wall of OneTrust")
	a.wantVersion(t, "Browser", policyText, capture.Browser)

	withFallback := newArchive(t, &Fetcher{HTTP: crawlerFor(fallback), Browser: b, Fallback: true})
	results := withFallback.crawl(t, doc("Fallback", fallback.url("/privacy"), selectCSS("#policy"), false))
	if !results["Fallback"].NewVersion {
		t.Errorf("fallback: %s", results["Fallback"].Line)
	}
	withFallback.wantVersion(t, "Fallback", policyText, capture.Browser)
	if n := fallback.hits("/privacy"); n != 2 {
		t.Errorf("the page was asked for %d times, want 2 (over HTTP, then in the browser)", n)
	}
}

// TestPageThatLoadsForever: a script of the page never arrives, the page
// itself never does, or the page keeps asking for more; each fetch fails
// within the page's time limit, saying what it waited for.
func TestPageThatLoadsForever(t *testing.T) {
	b := needBrowser(t)
	body := `<main><h1>Privacy</h1><p>` + policyText + `</p></main>`
	script, page, polling := newSite(t, nil), newSite(t, nil), newSite(t, nil)
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	script.html("/privacy", `<!doctype html><html><head><script src="/forever.js"></script></head><body>`+body+`</body></html>`)
	script.handle("/forever.js", hang)
	page.handle("/privacy", hang)
	// A request always in flight: each poll is answered after a second
	// and the next sent at once. Polls every 100 ms answered at once left
	// the network quiet whenever a loaded machine delayed the timer by
	// the idle time (500 ms), and the page was then recorded.
	polling.html("/privacy", `<!doctype html><html><body>`+body+`<script>(function poll() { fetch('/poll').finally(poll); })();</script></body></html>`)
	polling.handle("/poll", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "{}")
	})
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(script, page, polling), Browser: b})
	start := time.Now()
	a.crawl(t,
		doc("Script", script.url("/privacy"), extract.Options{}, true),
		doc("Page", page.url("/privacy"), extract.Options{}, true),
		doc("Polling", polling.url("/privacy"), extract.Options{}, true),
	)
	if took := time.Since(start); took > testPageLimit+slack {
		t.Errorf("took %s, with a page limit of %s", took, testPageLimit)
	}
	limit := fmt.Sprintf("within %s", testPageLimit)
	a.wantFailed(t, "Script", capture.Network, "timed out", limit, "waiting for the load event", "/forever.js")
	a.wantFailed(t, "Page", capture.Network, "timed out", limit, "waiting for the page's response")
	a.wantFailed(t, "Polling", capture.Network, "timed out", limit, "waiting for the network to be quiet")
}

// TestPrivateAddresses: the crawler may reach the test site's address and
// no other non-public one. A page's script that fetches from, or sends the
// page to, another loopback server (the intranet) and a redirect there
// reach nothing: the intranet server sees no request. The page whose
// script only read from it is recorded without what it would have read.
func TestPrivateAddresses(t *testing.T) {
	b := needBrowser(t)
	intranet := newSite(t, map[string]string{"/secret": "<p>the intranet's secret</p>", "/": "<p>the intranet's home</p>"})
	in := intranet.url("")
	s := newSite(t, map[string]string{
		"/reads": `<!doctype html><html><body><main id="policy"><h1>Privacy</h1><p>` + policyText + `</p></main>
<script>fetch('` + in + `/secret').then((r) => r.text()).then((t) => { document.querySelector('#policy').insertAdjacentHTML('beforeend', t); });
const img = new Image(); img.src = '` + in + `/pixel.gif'; document.body.append(img);</script></body></html>`,
		"/sends-now": `<!doctype html><html><head><script>location.href = '` + in + `/';</script></head><body><p>` + policyText + `</p></body></html>`,
		// A clock keeps the page changing, so that policywatch is still
		// waiting for it to settle when it leaves.
		"/sends-later": `<!doctype html><html><body><main><p>` + policyText + `</p><p id="clock"></p></main><script>
setInterval(() => { document.querySelector('#clock').textContent = Date.now(); }, 50);
addEventListener('load', () => setTimeout(() => { location.href = '` + in + `/'; }, 1500));</script></body></html>`,
	})
	s.handle("/redirects", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, in+"/secret", http.StatusFound) })
	escapedBefore := len(b.Escaped())
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(s), Browser: b})
	a.crawl(t,
		doc("Reads", s.url("/reads"), selectCSS("#policy"), true),
		doc("Sends now", s.url("/sends-now"), extract.Options{}, true),
		doc("Sends later", s.url("/sends-later"), extract.Options{}, true),
		doc("Redirects", s.url("/redirects"), extract.Options{}, true),
	)
	a.wantVersion(t, "Reads", policyText, capture.Browser)
	if texts, _ := a.history(t, "Reads"); len(texts) == 1 && strings.Contains(texts[0], "secret") {
		t.Errorf("the intranet's answer was recorded: %q", texts[0])
	}
	a.wantFailed(t, "Sends now", capture.Network, "non-public address", intranet.addr())
	// Once the page is loaded and quiet, leaving it is not followed; on a
	// machine too busy for the page to be quiet before its script runs,
	// the navigation is a redirect, refused at the connection. Either
	// way the intranet hears nothing (below).
	_, later := a.history(t, "Sends later")
	if len(later) == 1 && later[0].ErrorClass == string(capture.Network) {
		a.wantFailed(t, "Sends later", capture.Network, "non-public address", intranet.addr())
	} else {
		a.wantFailed(t, "Sends later", capture.Script, "navigated away", in+"/")
	}
	a.wantFailed(t, "Redirects", capture.Network, "non-public address", intranet.addr())
	if got := intranet.requests(); len(got) != 0 {
		t.Errorf("the intranet server got %d requests: %+v", len(got), got)
	}
	if escaped := b.Escaped()[escapedBefore:]; len(escaped) != 0 {
		t.Errorf("requests escaped the interception: %q", escaped)
	}
}

// cloudflareChallenge answers as Cloudflare's managed challenge does.
func cloudflareChallenge(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=UTF-8")
	h.Set("Server", "cloudflare")
	h.Set("CF-RAY", "8f2b3c4d5e6f7a8b-FRA")
	h.Set("cf-mitigated", "challenge")
	h.Set("Server-Timing", `chlray;desc="8f2b3c4d5e6f7a8b"`)
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprint(w, `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>
<div class="main-wrapper"><h1>Verifying you are human. This may take a few seconds.</h1></div>
<script>(function(){window._cf_chl_opt={cvId:'3',cZone:'example.com',cType:'managed'};var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f2b3c4d5e6f7a8b';document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>`)
}

// TestCloudflareChallenge: a challenge with Cloudflare's headers is a
// blocked fetch over HTTP, in the browser, and over HTTP then in the
// browser with the fallback: never a version.
func TestCloudflareChallenge(t *testing.T) {
	b := needBrowser(t)
	s := newSite(t, nil)
	s.handle("/privacy", cloudflareChallenge)
	s.handle("/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1", func(w http.ResponseWriter, r *http.Request) {
		t.Error("the challenge's script was fetched")
	})
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(s), Browser: b, Fallback: true})
	results := a.crawl(t,
		doc("HTTP", s.url("/privacy"), extract.Options{}, false),
		doc("Browser", s.url("/privacy"), extract.Options{}, true),
	)
	a.wantFailed(t, "HTTP", capture.Blocked, "Cloudflare challenge (cf-mitigated)", "in the browser, after that")
	a.wantFailed(t, "Browser", capture.Blocked, "Cloudflare challenge (cf-mitigated)")
	for name, r := range results {
		if r.NewVersion || r.Class != capture.Blocked {
			t.Errorf("%s: %s", name, r.Line)
		}
	}
}

// TestMisbehavingPages: a page that replaces itself by a document of its
// own making (a blob: URL), one that opens a popup, one that never lets its
// scripts end, one that allocates without bound: each is a failed fetch
// within the page's time limit, and the browser renders the next page.
func TestMisbehavingPages(t *testing.T) {
	b := needBrowser(t)
	body := `<main><h1>Privacy</h1><p>` + policyText + `</p></main>`
	popup, busy, hog, after := newSite(t, nil), newSite(t, nil), newSite(t, nil), newSite(t, nil)
	popup.html("/privacy", `<!doctype html><html><body>`+body+`<script>window.open('/offer', 'offer', 'width=400,height=400');</script></body></html>`)
	popup.html("/offer", `<p>A special offer!</p>`)
	busy.html("/privacy", `<!doctype html><html><body>`+body+`<script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 10));</script></body></html>`)
	hog.html("/privacy", `<!doctype html><html><body>`+body+`<script>
const heap = [];
for (;;) heap.push(new Array(2000000).fill(heap.length));</script></body></html>`)
	after.html("/privacy", `<!doctype html><html><body>`+body+`</body></html>`)
	blob := newSite(t, nil)
	blob.html("/privacy", `<!doctype html><html><body>`+body+`<script>addEventListener('load', () => setTimeout(() => {
  location.href = URL.createObjectURL(new Blob(['<p>Something else entirely.</p>'], {type: 'text/html'}));
}, 50));</script></body></html>`)
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(popup, busy, hog, after, blob), Browser: b})
	start := time.Now()
	a.crawl(t,
		doc("Blob", blob.url("/privacy"), extract.Options{}, true),
		doc("Popup", popup.url("/privacy"), extract.Options{}, true),
		doc("Busy", busy.url("/privacy"), extract.Options{}, true),
		doc("Hog", hog.url("/privacy"), extract.Options{}, true),
	)
	if took := time.Since(start); took > testPageLimit+slack {
		t.Errorf("took %s, with a page limit of %s", took, testPageLimit)
	}
	a.wantFailed(t, "Popup", capture.Script, "popup")
	a.wantFailed(t, "Blob", capture.Script, "navigated away", "to a blob document")
	a.wantFailed(t, "Busy", capture.Network, "timed out")
	// The hog's renderer is stopped once it holds too much; on a machine
	// too busy to let it allocate that much within the page's limit, the
	// limit ends it. Either way it is a failed fetch, never a version.
	hogClass := capture.Script
	if _, fetches := a.history(t, "Hog"); len(fetches) == 1 && strings.HasPrefix(fetches[0].Error, "timed out") {
		hogClass = capture.Network
	}
	f := a.wantFailed(t, "Hog", hogClass)
	t.Logf("the hog: %s", f.Error)
	a.crawl(t, doc("After", after.url("/privacy"), extract.Options{}, true))
	a.wantVersion(t, "After", policyText, capture.Browser)
}

// TestBrowserRestartsWhenItDies kills Chromium: the page in progress
// fails, the next one starts another browser.
func TestBrowserRestartsWhenItDies(t *testing.T) {
	needBrowser(t)
	b := New(testBrowserConfig())
	defer b.Close()
	s := newSite(t, map[string]string{"/privacy": `<!doctype html><html><body><main><p>` + policyText + `</p></main></body></html>`})
	slow := newSite(t, map[string]string{"/privacy": `<!doctype html><html><head><script src="/slow.js"></script></head><body><p>` + policyText + `</p></body></html>`})
	started := make(chan struct{})
	slow.handle("/slow.js", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	c := crawlerFor(s, slow)
	if _, f := b.Render(context.Background(), c, crawler.Source{URL: s.url("/privacy")}, false); f != nil {
		t.Fatal(f)
	}
	b.mu.Lock()
	pid := b.proc.pid
	b.mu.Unlock()
	go func() {
		<-started
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}()
	_, f := b.Render(context.Background(), c, crawler.Source{URL: slow.url("/privacy")}, false)
	if f == nil || f.Class != capture.Script || !strings.Contains(f.Message, "browser process died") {
		t.Errorf("the page rendered while the browser was killed: %+v, want a script failure saying the browser died", f)
	}
	part, f := b.Render(context.Background(), c, crawler.Source{URL: s.url("/privacy")}, false)
	if f != nil || !strings.Contains(string(part.Content), policyText) {
		t.Fatalf("the page after the browser died: %v", f)
	}
	if st := b.Stats(); st.Starts != 2 || st.Pages != 3 {
		t.Errorf("stats %+v: want 2 starts and 3 pages", st)
	}
}

// TestScreenshotsAreStoredOnce: a page rendered twice is one screenshot,
// named by both fetches, and the version says how it was fetched.
func TestScreenshotsAreStoredOnce(t *testing.T) {
	b := needBrowser(t)
	s := newSite(t, map[string]string{"/privacy": `<!doctype html><html><body style="margin:0;background:#fff">
<main style="font:16px sans-serif"><h1>Privacy Policy</h1><p>` + policyText + `</p><div style="height:3000px"></div><p>The end.</p></main></body></html>`})
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(s), Browser: b})
	target := doc("Shot", s.url("/privacy"), extract.Options{}, true)
	target.Sources[0].Screenshot = true
	a.crawl(t, target)
	a.crawl(t, target)
	_, fetches := a.history(t, "Shot")
	if len(fetches) != 2 || fetches[0].ScreenshotHash == "" || fetches[0].ScreenshotHash != fetches[1].ScreenshotHash {
		t.Fatalf("fetches %+v: want two naming one screenshot", fetches)
	}
	shot, err := a.st.Screenshot(context.Background(), fetches[0].ScreenshotHash)
	if err != nil {
		t.Fatal(err)
	}
	if shot.Width != 1280 || shot.Height < 3000 {
		t.Errorf("screenshot %d×%d, want the whole page, 1280 wide and over 3000 high", shot.Width, shot.Height)
	}
	docs, _ := a.st.Documents(context.Background(), store.DocumentFilter{Service: "Shot"})
	versions, _ := a.st.Versions(context.Background(), docs[0].ID)
	info, err := a.st.VersionCapture(context.Background(), versions[0].ID)
	if err != nil || info.Method != "browser" || info.ScreenshotHash != shot.Hash {
		t.Errorf("version capture %+v, %v", info, err)
	}
	if m := b.Stats().Peak; m.RSS <= 0 || m.Processes < 2 {
		t.Errorf("peak memory %+v: want Chromium's process tree measured", m)
	}
}

// TestPoliteness: robots.txt holds for the page's own requests, every
// request carries the crawler's User-Agent, the pages of one host are
// rendered one at a time with the delay between them, whatever the tabs,
// and no more than HostRequests of their resources are asked of a host at
// once.
func TestPoliteness(t *testing.T) {
	b := needBrowser(t)
	cdn := newSite(t, nil)
	var mu sync.Mutex
	inFlight, most := 0, 0
	cdn.handle("/img.png", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
	})
	var images strings.Builder
	for i := range 12 {
		fmt.Fprintf(&images, `<img src="%s/img.png?%d" width="1" height="1">`, cdn.srv.URL, i)
	}
	page := `<!doctype html><html><head><script src="/tracker.js"></script><script src="/app.js"></script></head><body><main><p>` + policyText + `</p></main>` + images.String() + `</body></html>`
	s := newSite(t, map[string]string{"/a": page, "/b": page, "/c": page, "/app.js": "document.title = 'ok';", "/tracker.js": "document.title = 'tracked';"})
	s.robots = "User-agent: *\nDisallow: /tracker.js\n"
	cfg := crawler.Config{Delay: 300 * time.Millisecond, Retries: -1, Timeout: 5 * time.Second, AllowAddresses: []string{s.addr(), cdn.addr()}}
	a := newArchive(t, &Fetcher{HTTP: crawler.New(cfg), Browser: b})
	a.crawl(t,
		doc("A", s.url("/a"), extract.Options{}, true),
		doc("B", s.url("/b"), extract.Options{}, true),
		doc("C", s.url("/c"), extract.Options{}, true),
	)
	for _, name := range []string{"A", "B", "C"} {
		a.wantVersion(t, name, policyText, capture.Browser)
	}
	if n := s.hits("/tracker.js"); n != 0 {
		t.Errorf("the script robots.txt disallows was fetched %d times", n)
	}
	// Each page's requests, in order: a page's document, then its script.
	var pages [][2]time.Time
	for _, r := range s.requests() {
		if r.agent != crawler.DefaultUserAgent {
			t.Errorf("%s was asked for with User-Agent %q", r.path, r.agent)
		}
		switch r.path {
		case "/a", "/b", "/c":
			pages = append(pages, [2]time.Time{r.at, r.at})
		case "/app.js":
			pages[len(pages)-1][1] = r.at
		}
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages requested, want 3", len(pages))
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("at most %d image requests at once", most)
	if most > testBrowserConfig().withDefaults().HostRequests || cdn.hits("/img.png") != 36 {
		t.Errorf("%d of the %d image requests at once, want at most %d", most, cdn.hits("/img.png"), testBrowserConfig().withDefaults().HostRequests)
	}
	for i := 1; i < len(pages); i++ {
		if gap := pages[i][0].Sub(pages[i-1][1]); gap < 300*time.Millisecond {
			t.Errorf("page %d started %s after the previous page's last request, want the 300 ms delay at least", i+1, gap)
		}
	}
}

// TestRenderedPageIsUTF8: a page served in windows-1252 is captured as the
// DOM, serialized in UTF-8 and labelled so; its accents survive, in this
// capture and in any extraction of it later.
func TestRenderedPageIsUTF8(t *testing.T) {
	b := needBrowser(t)
	s := newSite(t, nil)
	s.handle("/privacy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		w.Write([]byte("<!doctype html><html><head><meta charset=\"windows-1252\"></head><body><main><h1>Politique de confidentialit\xe9</h1><p>Nous gardons votre nom \x96 et rien d\x92autre.</p></main></body></html>"))
	})
	a := newArchive(t, &Fetcher{HTTP: crawlerFor(s), Browser: b})
	a.crawl(t, doc("Accents", s.url("/privacy"), extract.Options{}, true))
	a.wantVersion(t, "Accents", "Nous gardons votre nom – et rien d’autre.", capture.Browser)
	_, fetches := a.history(t, "Accents")
	snap, err := a.st.Snapshot(context.Background(), fetches[0].SnapshotHash)
	if err != nil || snap.ContentType != "text/html; charset=utf-8" || !strings.Contains(string(snap.Content), "confidentialité") {
		t.Errorf("snapshot %q of type %q (%v): want the DOM in UTF-8", snap.Content, snap.ContentType, err)
	}
}
