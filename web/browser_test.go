package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policywatch/policywatch/internal/storetest"
)

// The browser tests drive Debian's headless Chromium. One browser serves
// the whole package (each test opens tabs in it): starting one costs more
// than most tests. TestMain closes it.

// findChromium returns the path of a Chromium-family browser, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "chrome-headless-shell", "headless-shell", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

var browser struct {
	once   sync.Once
	ctx    context.Context // the browser's first tab; new tabs are opened from it
	close  func()
	err    error
	shots  string // where screenshots go
	shotMu sync.Mutex
}

// closeBrowser ends the shared browser, if one was started.
func closeBrowser() {
	if browser.close != nil {
		browser.close()
	}
}

// browserTab opens a tab in the shared browser, closed with the test, and
// returns it with a deadline for the test's steps.
func browserTab(t *testing.T) context.Context {
	t.Helper()
	storetest.SkipSlowOnPostgres(t, "the browser tests check what pages look like; every page they load is read from PostgreSQL by the HTTP tests")
	path := findChromium()
	if path == "" {
		t.Skip("no Chromium binary found (looked for chromium, chromium-browser, chrome-headless-shell, headless-shell, google-chrome); install Debian's chromium to run this test")
	}
	browser.once.Do(func() {
		dir, err := os.MkdirTemp("", "policywatch-browser-")
		if err != nil {
			browser.err = err
			return
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.NoSandbox, // tests run as root in CI containers
			chromedp.Headless,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("hide-scrollbars", false),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1366, 900),
		)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		browser.ctx = ctx
		browser.close = func() {
			cancelCtx()
			cancelAlloc()
			os.RemoveAll(dir)
		}
		// Start the browser on a context without deadline; tests' deadlines
		// then only bound their steps.
		browser.err = chromedp.Do(ctx)
	})
	if browser.err != nil {
		t.Fatalf("starting %s: %v", path, browser.err)
	}
	tab, closeTab := chromedp.NewContext(browser.ctx)
	t.Cleanup(closeTab)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	// Generous: with -race on a machine shared by several builds, a page
	// of the largest diff takes seconds.
	ctx, cancel := context.WithTimeout(tab, 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// waitForLocation waits until the tab's address contains part: a query
// that waits for an element of the next page right after a click can run
// on the page being left and lose its node in the navigation (chromedp
// issues #168 and #1001), which made these tests fail now and then.
func waitForLocation(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	var location string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var err error
		if location, err = chromedp.Run(ctx, chromedp.Location()); err == nil && strings.Contains(location, part) {
			return
		}
	}
	t.Fatalf("the tab is at %s after a minute, want an address with %q", location, part)
}

// screenshot saves what the tab shows as name.png in the run's
// screenshot folder (POLICYWATCH_SCREENSHOTS, or a new temporary folder),
// for people to look at; the folder is logged and kept.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browser.shotMu.Lock()
	if browser.shots == "" {
		dir := os.Getenv("POLICYWATCH_SCREENSHOTS")
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp("", "policywatch-screenshots-"); err != nil {
				browser.shotMu.Unlock()
				t.Fatal(err)
			}
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			browser.shotMu.Unlock()
			t.Fatal(err)
		}
		browser.shots = dir
		fmt.Fprintf(os.Stderr, "browser tests: screenshots in %s\n", dir)
	}
	dir := browser.shots
	browser.shotMu.Unlock()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// screenHeight is the height of the tabs whose pages are photographed:
// the top of a 20,000-pixel diff shows what it looks like.
const screenHeight = 1600

// substitutionLayout is what the diff page's DOM says about the summary and
// the first edit.
type substitutionLayout struct {
	Found        bool     `json:"found"`
	Items        []string `json:"items"`
	SummaryFirst bool     `json:"summaryFirst"` // in document order
	SummaryTop   float64  `json:"summaryTop"`
	FirstEditTop float64  `json:"firstEditTop"`
	FirstEditTag string   `json:"firstEditTag"`
	EditVisible  bool     `json:"editVisible"`
}

const layoutScript = `(() => {
  const subs = document.querySelector('.diff-summary ul.substitutions');
  const edit = document.querySelector('.diff ins, .diff del');
  if (!subs || !edit) return {found: false, items: []};
  const r = edit.getBoundingClientRect();
  return {
    found: true,
    items: [...subs.querySelectorAll('li')].map(li => li.textContent.replace(/\s+/g, ' ').trim()),
    summaryFirst: !!(subs.compareDocumentPosition(edit) & Node.DOCUMENT_POSITION_FOLLOWING),
    summaryTop: subs.getBoundingClientRect().top + window.scrollY,
    firstEditTop: r.top + window.scrollY,
    firstEditTag: edit.tagName.toLowerCase(),
    editVisible: r.width > 0 && r.height > 0,
  };
})()`

// TestBrowserFollowsLinksToTheRebrandDiff walks from the home page to the
// Twitter → X diff in headless Chromium, and checks that the substitutions
// are shown above the first edit.
func TestBrowserFollowsLinksToTheRebrandDiff(t *testing.T) {
	ctx := browserTab(t)
	site := newTestSite(t)

	docLink := fmt.Sprintf(`main a[href="%s"]`, documentPath(site.cookiesDoc))
	from, to := site.cookies["2022-11-23"], site.cookies["2023-09-20"]
	diffLink := fmt.Sprintf(`ol.timeline a[href="%s"]`, diffPath(site.cookiesDoc, from, to))
	if err := chromedp.Do(ctx,
		chromedp.Navigate(site.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(docLink)),
		chromedp.Click(chromedp.CSS(docLink)),
	); err != nil {
		t.Fatalf("following home → document: %v", err)
	}
	waitForLocation(t, ctx, documentPath(site.cookiesDoc))
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(diffLink)),
		chromedp.Click(chromedp.CSS(diffLink)),
	); err != nil {
		t.Fatalf("following document → diff: %v", err)
	}
	waitForLocation(t, ctx, "/diff?")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".diff-summary ul.substitutions"))); err != nil {
		t.Fatalf("the diff page: %v", err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if want := site.srv.URL + diffPath(site.cookiesDoc, from, to); location != want {
		t.Fatalf("ended at %s, want %s", location, want)
	}

	layout, err := chromedp.Run(ctx, chromedp.Evaluate[substitutionLayout](layoutScript))
	if err != nil {
		t.Fatalf("reading the diff page's layout: %v", err)
	}
	if !layout.Found {
		t.Fatal("the diff page has no substitution list or no <ins>/<del>")
	}
	hasTwitterToX := false
	for _, item := range layout.Items {
		hasTwitterToX = hasTwitterToX || strings.HasPrefix(item, "Twitter → X ×")
	}
	if !hasTwitterToX {
		t.Errorf("substitution list %q has no \"Twitter → X ×N\"", layout.Items)
	}
	if !layout.SummaryFirst || layout.SummaryTop >= layout.FirstEditTop {
		t.Errorf("substitutions (top %.0f px) are not above the first <%s> (top %.0f px); document order first: %v",
			layout.SummaryTop, layout.FirstEditTag, layout.FirstEditTop, layout.SummaryFirst)
	}
	if !layout.EditVisible {
		t.Errorf("the first <%s> is not rendered visibly", layout.FirstEditTag)
	}
}

// overflow is what sticks out of the page sideways, if anything.
type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Widest      []string `json:"widest"` // the elements reaching furthest right
}

const overflowScript = `(() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '') + ' right ' + Math.round(r.right));
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, widest: out.slice(0, 8)};
})()`

// TestBrowserPagesNeverScrollSideways opens every kind of page at a
// laptop's width and a phone's, and checks that none is wider than the
// screen: long URLs wrap, side by side stacks, tables fit.
func TestBrowserPagesNeverScrollSideways(t *testing.T) {
	ctx := browserTab(t)
	site := readDemoSite(t)
	cookies := site.demoDocument(t, "X", "Trackers Policy")
	privacy := site.demoDocument(t, "X", "Privacy Policy")
	twitter := site.demoDocument(t, "Twitter", "Trackers Policy")
	xPage := site.demoDocument(t, "X", "Cookies Policy (page text capture)")
	// The privacy policy of 2023-08-23 held the coming policy beside the
	// current one: +4,659 words, one of the largest diffs of the demo.
	bigFrom, bigTo := site.demoVersion(t, privacy, "2023-05-18"), site.demoVersion(t, privacy, "2023-08-23")
	flipFrom, flipTo := site.demoVersion(t, cookies, "2024-05-16"), site.demoVersion(t, cookies, "2024-05-17")
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"changes", "/changes"},
		{"timeline", documentPath(cookies)},
		{"diff-inline", diffPath(privacy, bigFrom, bigTo)},
		{"diff-side", diffPath(privacy, bigFrom, bigTo) + "&view=side"},
		{"diff-links-side", diffPath(cookies, flipFrom, flipTo) + "&view=side&all=1"},
		{"version", versionPath(cookies, site.demoVersion(t, cookies, "2024-05-17"))},
		{"compare", comparePath(site.demoVersion(t, twitter, "2021-01-01"), site.demoVersion(t, xPage, "2023-09-20"))},
		{"search", "/search?q=" + `%22biometric+data%22`},
	}
	for _, width := range []int64{1366, 390} {
		opts := []chromedp.EmulateViewportOption{}
		if width < 800 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, screenHeight, opts...)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			start := time.Now()
			if err := chromedp.Do(ctx, chromedp.Navigate(site.srv.URL+p.path), chromedp.WaitReady("footer.site")); err != nil {
				t.Fatalf("%s at %d px: %v", p.path, width, err)
			}
			o, err := chromedp.Run(ctx, chromedp.Evaluate[overflow](overflowScript))
			if err != nil {
				t.Fatal(err)
			}
			if o.ScrollWidth > o.ClientWidth {
				t.Errorf("%s at %d px scrolls sideways: %d px wide in %d; sticking out: %q", p.name, width, o.ScrollWidth, o.ClientWidth, o.Widest)
			}
			loaded := time.Since(start)
			screenshot(t, ctx, fmt.Sprintf("%s-%d", p.name, width))
			t.Logf("%s at %d px: loaded and checked in %v, photographed in %v", p.name, width, loaded, time.Since(start)-loaded)
		}
	}
}

// editState is where the reader is among a diff's edits.
type editState struct {
	Hash    string `json:"hash"`
	InView  bool   `json:"inView"`
	Bar     string `json:"bar"`
	ScrollY int    `json:"scrollY"`
}

const editStateScript = `(() => {
  const el = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  const r = el ? el.getBoundingClientRect() : null;
  const bar = document.querySelector('.edit-bar .bar-count');
  return {hash: location.hash, inView: !!r && r.top >= 0 && r.bottom <= window.innerHeight + 1,
    bar: bar ? bar.textContent : '', scrollY: Math.round(window.scrollY)};
})()`

// TestBrowserNextEditMovesToTheNextChange moves through the edits of the
// large privacy diff by the links every edit has (no script needed), then
// by the keys the script adds.
func TestBrowserNextEditMovesToTheNextChange(t *testing.T) {
	ctx := browserTab(t)
	site := readDemoSite(t)
	privacy := site.demoDocument(t, "X", "Privacy Policy")
	path := diffPath(privacy, site.demoVersion(t, privacy, "2023-05-18"), site.demoVersion(t, privacy, "2023-08-23"))
	state := func() editState {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[editState](editStateScript))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// waitFor waits for the address to name an edit (navigation and
	// scrolling end after the click or key that starts them).
	waitFor := func(hash string) editState {
		t.Helper()
		var s editState
		for range 100 {
			if s = state(); s.Hash == hash && s.InView {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		return s
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(site.srv.URL+path),
		chromedp.WaitVisible(chromedp.CSS(".edit-bar")),
		chromedp.Click(chromedp.CSS(".first-edit")),
	); err != nil {
		t.Fatal(err)
	}
	if s := waitFor("#c1"); s.Hash != "#c1" || !s.InView {
		t.Fatalf("after 'first edit': %+v, want #c1 on screen", s)
	}
	// The ↓ of edit 1 leads to edit 2, lower on the page.
	before := state().ScrollY
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#c1 .next-edit`))); err != nil {
		t.Fatal(err)
	}
	s := waitFor("#c2")
	if s.Hash != "#c2" || !s.InView || s.ScrollY <= before {
		t.Errorf("after the next-edit link of edit 1: %+v (was at %d px), want #c2 on screen, further down", s, before)
	}
	// j goes on to edit 3, k back to 2; the bar says where the reader is.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("j")); err != nil {
		t.Fatal(err)
	}
	s = waitFor("#c3")
	if s.Hash != "#c3" || !s.InView || !strings.HasPrefix(s.Bar, "edit 3 of ") {
		t.Errorf("after j: %+v, want #c3 on screen and the bar at edit 3", s)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("k")); err != nil {
		t.Fatal(err)
	}
	if s = waitFor("#c2"); s.Hash != "#c2" || !s.InView {
		t.Errorf("after k: %+v, want #c2 on screen", s)
	}
	screenshot(t, ctx, "diff-at-edit-2")
}

// TestBrowserFlipFlopRowExpands opens the row that folds the 2024 link
// flip-flops of the cookie policy.
func TestBrowserFlipFlopRowExpands(t *testing.T) {
	ctx := browserTab(t)
	site := readDemoSite(t)
	cookies := site.demoDocument(t, "X", "Trackers Policy")
	const visibleEntries = `[...document.querySelectorAll('li.run li.entry')].filter(e => e.checkVisibility()).length`
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, screenHeight, chromedp.EmulateMobile),
		chromedp.Navigate(site.srv.URL+documentPath(cookies)),
		chromedp.WaitVisible(chromedp.CSS("li.run summary")),
	); err != nil {
		t.Fatal(err)
	}
	closed, err := chromedp.Run(ctx, chromedp.Evaluate[int](visibleEntries))
	if err != nil || closed != 0 {
		t.Fatalf("before opening: %d entries of the run visible (%v), want none", closed, err)
	}
	const row = `//li[contains(@class, "run")]//summary[contains(., "15 link flip-flops between twitter.com and x.com, May–June 2024")]`
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(row)),
		chromedp.WaitVisible(chromedp.CSS("li.run li.entry")),
	); err != nil {
		t.Fatalf("opening the row of the 2024 flip-flops: %v", err)
	}
	open, err := chromedp.Run(ctx, chromedp.Evaluate[int](visibleEntries))
	if err != nil || open != 15 {
		t.Errorf("after opening: %d entries visible (%v), want 15", open, err)
	}
	screenshot(t, ctx, "timeline-flip-flops-open-390")
}

// TestBrowserComparesTheSeedCookiePolicies picks the seed Twitter cookie
// policy and the seed X one in the compare form, as a reader would, and
// finds Twitter → X on top of their diff.
func TestBrowserComparesTheSeedCookiePolicies(t *testing.T) {
	ctx := browserTab(t)
	site := readDemoSite(t)
	twitter := site.demoDocument(t, "Twitter", "Trackers Policy")
	xPage := site.demoDocument(t, "X", "Cookies Policy (page text capture)")
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, screenHeight),
		chromedp.Navigate(site.srv.URL+"/compare"),
		chromedp.WaitVisible(chromedp.CSS(`select[name="from_document"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="from_document"]`), fmt.Sprint(twitter)),
		chromedp.SetValue(chromedp.CSS(`select[name="to_document"]`), fmt.Sprint(xPage)),
		chromedp.Click(chromedp.CSS(`form.compare button[type="submit"]`)),
	); err != nil {
		t.Fatalf("comparing in the form: %v", err)
	}
	waitForLocation(t, ctx, "/compare?from=")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".diff-summary ul.substitutions"))); err != nil {
		t.Fatalf("the compare page: %v", err)
	}
	layout, err := chromedp.Run(ctx, chromedp.Evaluate[substitutionLayout](layoutScript))
	if err != nil || !layout.Found {
		t.Fatalf("the compare page's layout: %+v, %v", layout, err)
	}
	if len(layout.Items) == 0 || !strings.HasPrefix(layout.Items[0], "Twitter → X ×") {
		t.Errorf("substitutions %q: want Twitter → X first", layout.Items)
	}
	location, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(location, "/compare?from=") {
		t.Errorf("the form led to %s, want /compare?from=…&to=…", location)
	}
	screenshot(t, ctx, "compare-seed-cookie-policies-1366")
}
