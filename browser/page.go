package browser

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
)

//go:embed settle.js
var settleScript string

//go:embed capture.js
var captureScript string

// Render fetches one source in the browser: the page loaded with every
// request it makes going through the crawler c (robots.txt, pacing,
// User-Agent, private-address rule), settled, and its rendered DOM
// captured as an HTML page. With screenshot (or Config.Screenshots), the
// part holds a full-page PNG too. A failure is never a capture: a bot
// wall, an error status, a page that does not settle within the time
// limit, opens a popup, navigates away or crashes.
func (b *Browser) Render(ctx context.Context, c *crawler.Crawler, src crawler.Source, screenshot bool) (crawler.Part, *crawler.Failure) {
	fail := func(class capture.Class, format string, args ...any) *crawler.Failure {
		return &crawler.Failure{Class: class, Message: fmt.Sprintf(format, args...), URL: src.URL}
	}
	u, err := url.Parse(src.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return crawler.Part{}, fail(capture.Network, "invalid URL %q: only absolute http and https URLs are fetched", src.URL)
	}
	if f := c.Allowed(ctx, u); f != nil {
		return crawler.Part{}, f
	}
	// The host's turn first: waiting for it must not hold a tab that a
	// page of another host could use.
	release, err := c.HostTurn(ctx, u.Host)
	if err != nil {
		return crawler.Part{}, fail(capture.Network, "cancelled")
	}
	defer release()
	select {
	case b.tabs <- struct{}{}:
		defer func() { <-b.tabs }()
	case <-ctx.Done():
		return crawler.Part{}, fail(capture.Network, "cancelled")
	}
	b.mu.Lock()
	b.pages++
	b.mu.Unlock()
	p, err := b.running(ctx)
	if err != nil {
		return crawler.Part{}, fail(capture.Network, "%v", err)
	}
	r := &pageRun{b: b, cfg: b.cfg, pol: c, src: src, proc: p, failed: make(chan struct{}),
		inflight: map[fetch.RequestID]request{}, screenshot: screenshot || b.cfg.Screenshots}
	part, failure := r.render(ctx)
	if failure == nil && p.ctx.Err() != nil {
		failure = fail(capture.Script, "the browser process died while rendering %s; it is started again for the next page", src.URL)
	}
	b.notePeak(p.measure())
	if failure != nil {
		return crawler.Part{}, failure
	}
	return part, nil
}

// request is one request of the page being made from Go.
type request struct {
	url   string
	start time.Time
}

// pageRun is the state of one page being rendered.
type pageRun struct {
	b          *Browser
	cfg        Config
	pol        *crawler.Crawler
	src        crawler.Source
	proc       *process
	screenshot bool

	tgt       *chromedp.Target
	mainFrame cdp.FrameID
	ctx       context.Context // the page's: ends at its time limit
	handlers  sync.WaitGroup

	mu           sync.Mutex
	stage        string // what the page is waiting for, for a timeout's message
	inflight     map[fetch.RequestID]request
	lastActivity time.Time
	requests     int
	bytes        int64
	settling     bool // loaded and quiet: a navigation of the main frame now leaves the page
	redirects    int
	commits      int    // main documents received
	docURL       string // the main document as committed
	docStatus    int
	failure      *crawler.Failure
	failed       chan struct{}
}

func (r *pageRun) setStage(s string) {
	r.mu.Lock()
	r.stage = s
	r.mu.Unlock()
	r.cfg.Logger.Debug("page", "url", r.src.URL, "stage", s)
}

// fail records the page's failure; the first one stands.
func (r *pageRun) fail(f *crawler.Failure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failure == nil {
		if f.URL == "" {
			f.URL = r.src.URL
		}
		r.failure = f
		close(r.failed)
	}
}

func (r *pageRun) failf(class capture.Class, format string, args ...any) {
	r.fail(&crawler.Failure{Class: class, Message: fmt.Sprintf(format, args...)})
}

func (r *pageRun) recorded() *crawler.Failure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failure
}

// render opens a tab, then loads the page, waits for it to settle and
// captures it within the page's time limit (opening the tab, the
// browser's work, is bounded apart).
func (r *pageRun) render(parent context.Context) (crawler.Part, *crawler.Failure) {
	tb, err := r.b.tab(parent, r.proc)
	if err != nil {
		if parent.Err() != nil {
			return crawler.Part{}, &crawler.Failure{Class: capture.Network, URL: r.src.URL, Message: "cancelled"}
		}
		return crawler.Part{}, &crawler.Failure{Class: capture.Network, URL: r.src.URL, Message: fmt.Sprintf("opening a browser tab: %v", err)}
	}
	defer func() {
		start := time.Now()
		tb.close()
		r.cfg.Logger.Debug("page", "url", r.src.URL, "stage", "tab closed", "closing", time.Since(start))
	}()
	tabCtx := tb.ctx
	deadline := time.Now().Add(r.cfg.PageTimeout)
	c := chromedp.FromContext(tabCtx)
	r.tgt = c.Target
	r.mainFrame = cdp.FrameID(c.Target.TargetID)
	ctx, cancel := context.WithDeadline(tabCtx, deadline)
	defer cancel()
	stopWithParent := context.AfterFunc(parent, cancel)
	defer stopWithParent()
	r.ctx = ctx

	var loops sync.WaitGroup
	r.listen(ctx, &loops, c.BrowserContextID)
	part, failure := r.visit(ctx)
	cancel()
	loops.Wait()      // no handler starts after this
	r.handlers.Wait() // nor runs
	if failure == nil {
		failure = r.recorded()
	}
	if failure != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil && r.recorded() == nil {
		failure = r.timeout()
	}
	if parent.Err() != nil {
		failure = &crawler.Failure{Class: capture.Network, URL: r.src.URL, Message: "cancelled"}
	}
	return part, failure
}

// timeout is the failure of a page that did not settle in time, saying
// what it was waiting for.
func (r *pageRun) timeout() *crawler.Failure {
	r.mu.Lock()
	defer r.mu.Unlock()
	msg := fmt.Sprintf("timed out: %s did not settle within %s (%s)", r.src.URL, r.cfg.PageTimeout, r.stage)
	if n := len(r.inflight); n > 0 {
		var urls []string
		for _, req := range r.inflight {
			urls = append(urls, req.url)
			if len(urls) == 3 {
				break
			}
		}
		msg += fmt.Sprintf("; %d requests in flight, such as %s", n, strings.Join(urls, ", "))
	}
	return &crawler.Failure{Class: capture.Network, URL: r.src.URL, Message: msg}
}

// listen starts the page's event loops: requests to make, dialogs to
// dismiss, a crashed tab, popups. They end with ctx.
func (r *pageRun) listen(ctx context.Context, loops *sync.WaitGroup, browserContext cdp.BrowserContextID) {
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	crashed := chromedp.Events(ctx, inspector.TargetCrashed)
	gone := chromedp.BrowserEvents(ctx, target.TargetCrashed)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	created := chromedp.BrowserEvents(ctx, target.TargetCreated)
	loops.Go(func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			r.handlers.Go(func() { r.handle(&ev) })
		}
	})
	crash := func() {
		if killed := r.proc.killedAt.Load(); killed != 0 && time.Since(time.Unix(0, killed)) < 5*time.Second {
			r.failf(capture.Script, "the page's renderer was stopped: it used more than the %d MB of memory a page's process may", r.proc.rendererLimit>>20)
		} else {
			r.failf(capture.Script, "the page crashed its browser tab (out of memory, or a renderer fault)")
		}
	}
	loops.Go(func() {
		for _, err := range crashed {
			if err != nil {
				return
			}
			crash()
		}
	})
	loops.Go(func() {
		// The browser tells of a renderer that died before the page's
		// document was committed, when the tab cannot.
		for ev, err := range gone {
			if err != nil {
				return
			}
			if ev.TargetID == r.tgt.TargetID {
				crash()
			}
		}
	})
	loops.Go(func() { r.watchHeap(ctx) })
	loops.Go(func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			// alert(), confirm() and beforeunload would stop the page's
			// scripts until answered.
			_, _ = cdp.Call(ctx, r.tgt, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	loops.Go(func() {
		for ev, err := range created {
			if err != nil {
				return
			}
			info := ev.TargetInfo
			if info == nil || (info.OpenerID != r.tgt.TargetID && info.BrowserContextID != browserContext) || info.TargetID == r.tgt.TargetID || info.Type != "page" {
				continue
			}
			r.failf(capture.Script, "the page opened a popup window (%s)", info.URL)
			_, _ = cdp.Call(ctx, r.proc.browser, target.CloseTarget, target.CloseTargetParams{TargetID: info.TargetID})
		}
	})
}

// watchHeap fails a page whose scripts hold more than HeapMB of memory,
// measured every 200 ms: V8's own limit (twice as high, the backstop)
// ends such a page only after long garbage collections.
func (r *pageRun) watchHeap(ctx context.Context) {
	limit := float64(r.cfg.HeapMB) * (1 << 20)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
		heap, err := cdp.Call(ctx, r.tgt, runtime.GetHeapUsage, cdp.Empty{})
		if err != nil {
			continue
		}
		if used := heap.UsedSize + heap.BackingStorageSize; used > limit {
			r.failf(capture.Script, "the page's scripts held %d MB of memory, more than the %d MB a page may", int64(used)>>20, r.cfg.HeapMB)
			return
		}
	}
}

// visit loads the page and captures it.
func (r *pageRun) visit(ctx context.Context) (crawler.Part, *crawler.Failure) {
	r.setStage("setting up the tab")
	steps := []func() error{
		func() error {
			_, err := cdp.Call(ctx, r.proc.browser, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorDeny, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		},
		func() error {
			_, err := cdp.Call(ctx, r.tgt, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: r.pol.Config().UserAgent})
			return err
		},
		func() error {
			_, err := cdp.Call(ctx, r.tgt, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true})
			return err
		},
		func() error {
			_, err := cdp.Call(ctx, r.tgt, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return crawler.Part{}, r.broken("setting up the tab", err)
		}
	}

	r.setStage("waiting for the page's response")
	r.mu.Lock()
	r.lastActivity = time.Now()
	r.mu.Unlock()
	// Navigating returns once the page's document is committed; a tab
	// that crashes meanwhile may never answer.
	type navigated struct {
		res page.NavigateResult
		err error
	}
	answer := make(chan navigated, 1)
	go func() {
		res, err := cdp.Call(ctx, r.tgt, page.Navigate, page.NavigateParams{URL: r.src.URL})
		answer <- navigated{res, err}
	}()
	var nav navigated
	select {
	case nav = <-answer:
	case <-r.failed:
		return crawler.Part{}, r.recorded()
	}
	if f := r.recorded(); f != nil {
		return crawler.Part{}, f
	}
	if nav.err != nil {
		return crawler.Part{}, r.broken("loading the page", nav.err)
	}
	if nav.res.ErrorText != "" {
		return crawler.Part{}, &crawler.Failure{Class: capture.Network, URL: r.src.URL, Message: fmt.Sprintf("the browser could not load %s: %s", r.src.URL, nav.res.ErrorText)}
	}

	// Load; then wait, at once, for the network to go quiet (no request
	// started or ended for IdleTime), for the declared selectors (at most
	// SelectorWait from the load) and for the DOM to stop changing for
	// QuietTime (at most SettleLimit once the rest holds). A document
	// that replaced the page before the network went quiet (a redirect by
	// script or meta refresh) is loaded in turn; after, a navigation
	// leaves the page.
	selectors, _ := json.Marshal(waitedSelectors(r.src))
	var world runtime.ExecutionContextID
	for {
		r.mu.Lock()
		commits := r.commits
		r.mu.Unlock()
		replaced := func() bool {
			r.mu.Lock()
			defer r.mu.Unlock()
			return r.commits != commits
		}
		var err error
		if world, err = r.isolatedWorld(ctx); err != nil {
			return crawler.Part{}, r.broken("reaching the page", err)
		}
		r.setStage("waiting for the load event")
		if err := r.until(ctx, 100*time.Millisecond, func() (bool, error) {
			state, err := evaluate[string](ctx, r.tgt, world, "document.readyState", false)
			if err != nil {
				// A redirect by script replaced the document: reach the new one.
				if world, err = r.isolatedWorld(ctx); err != nil {
					return false, err
				}
				return false, nil
			}
			return state == "complete", nil
		}); err != nil {
			return crawler.Part{}, r.broken("waiting for the load event", err)
		}
		loadedAt := time.Now()
		if _, err := evaluate[bool](ctx, r.tgt, world, settleScript+"("+string(selectors)+")", false); err != nil && !replaced() {
			return crawler.Part{}, r.broken("watching the page", err)
		}
		var readyAt time.Time
		stage := ""
		if err := r.until(ctx, 100*time.Millisecond, func() (bool, error) {
			if replaced() {
				return true, nil
			}
			st, err := evaluate[settleState](ctx, r.tgt, world, "policywatchState()", false)
			if err != nil {
				return false, nil // the document is being replaced: the next look tells
			}
			now := time.Now()
			next := ""
			switch {
			case !r.networkIdle(now):
				next = "waiting for the network to be quiet"
			case len(st.Missing) > 0 && now.Sub(loadedAt) < r.cfg.SelectorWait:
				r.quiet(commits)
				next = "waiting for the declared selectors (" + strings.Join(st.Missing, ", ") + ")"
			default:
				r.quiet(commits)
				if readyAt.IsZero() {
					readyAt = now
				}
				if st.QuietFor >= float64(r.cfg.QuietTime.Milliseconds()) || now.Sub(readyAt) >= r.cfg.SettleLimit {
					return true, nil
				}
				next = "waiting for the page to stop changing"
			}
			if next != stage {
				stage = next
				r.setStage(stage)
			}
			return false, nil
		}); err != nil {
			return crawler.Part{}, r.broken(stage, err)
		}
		if !replaced() {
			break
		}
	}
	if f := r.recorded(); f != nil {
		return crawler.Part{}, f
	}

	r.setStage("capturing the rendered page")
	size, err := evaluate[int64](ctx, r.tgt, world, "(globalThis.policywatchCapture = "+captureScript+").length", false)
	if err != nil {
		return crawler.Part{}, r.broken("capturing the page", err)
	}
	// JavaScript counts UTF-16 units, and UTF-8 takes at least a byte for
	// each: a page longer than the limit in units is longer in bytes.
	if limit := r.pol.Config().MaxBodyBytes; size > limit {
		return crawler.Part{}, &crawler.Failure{Class: capture.TooLarge, URL: r.src.URL,
			Message: fmt.Sprintf("%s: the rendered page has %d characters, more than the %d bytes a page may have", r.src.URL, size, limit)}
	}
	dom, err := evaluate[string](ctx, r.tgt, world, "globalThis.policywatchCapture", false)
	if err != nil {
		return crawler.Part{}, r.broken("capturing the page", err)
	}
	content := []byte(dom)
	if limit := r.pol.Config().MaxBodyBytes; int64(len(content)) > limit {
		return crawler.Part{}, &crawler.Failure{Class: capture.TooLarge, URL: r.src.URL,
			Message: fmt.Sprintf("%s: the rendered page is %d bytes, more than the %d a page may have", r.src.URL, len(content), limit)}
	}
	if f := r.recorded(); f != nil {
		return crawler.Part{}, f
	}
	r.mu.Lock()
	finalURL, status := r.docURL, r.docStatus
	r.mu.Unlock()
	if reason := crawler.BlockedReason(status, nil, content); reason != "" {
		return crawler.Part{}, &crawler.Failure{Class: capture.Blocked, BotWall: true, URL: finalURL, Status: status,
			Message: fmt.Sprintf("%s rendered %s", finalURL, reason)}
	}
	const contentType = "text/html; charset=utf-8"
	if reason := crawler.WallReason(contentType, content, r.src.Rules); reason != "" {
		return crawler.Part{}, &crawler.Failure{Class: capture.Blocked, BotWall: true, URL: finalURL, Status: status,
			Message: fmt.Sprintf("%s rendered %s", finalURL, reason)}
	}
	part := crawler.Part{Source: r.src, URL: r.src.URL, FinalURL: finalURL, Status: status, ContentType: contentType,
		Content: content, Method: capture.Browser}
	if r.screenshot {
		r.setStage("taking a screenshot")
		shot, err := r.takeScreenshot(ctx)
		if err != nil {
			r.cfg.Logger.Warn("screenshot", "url", r.src.URL, "err", err)
		}
		part.Screenshot = shot
	}
	return part, nil
}

// broken is the failure of a step: the page's own failure when it has
// one (the step failed because of it), a timeout's when the time is up.
func (r *pageRun) broken(step string, err error) *crawler.Failure {
	if f := r.recorded(); f != nil {
		return f
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(r.ctx.Err(), context.DeadlineExceeded) {
		return r.timeout()
	}
	if r.proc.ctx.Err() != nil {
		return &crawler.Failure{Class: capture.Script, URL: r.src.URL, Message: fmt.Sprintf("the browser process died while %s %s", step, r.src.URL)}
	}
	return &crawler.Failure{Class: capture.Network, URL: r.src.URL, Message: fmt.Sprintf("%s %s in the browser: %v", step, r.src.URL, err)}
}

// until calls cond every interval until it holds, the page fails, or ctx
// ends.
func (r *pageRun) until(ctx context.Context, interval time.Duration, cond func() (bool, error)) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-tick.C:
		case <-r.failed:
			return errors.New("the page failed")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// networkIdle reports whether no request has started or ended for
// IdleTime, not counting requests in flight for longer than LongRequest.
func (r *pageRun) networkIdle(now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, req := range r.inflight {
		if now.Sub(req.start) < r.cfg.LongRequest {
			return false
		}
	}
	return now.Sub(r.lastActivity) >= r.cfg.IdleTime
}

// isolatedWorld makes a JavaScript world of policywatch's own in the
// page's main frame: it sees the page's DOM, not its globals.
func (r *pageRun) isolatedWorld(ctx context.Context) (runtime.ExecutionContextID, error) {
	res, err := cdp.Call(ctx, r.tgt, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: r.mainFrame, WorldName: "policywatch"})
	if err != nil {
		return 0, err
	}
	return res.ExecutionContextID, nil
}

// evaluate runs expression in world and decodes its value.
func evaluate[T any](ctx context.Context, tgt *chromedp.Target, world runtime.ExecutionContextID, expression string, await bool) (T, error) {
	var zero T
	yes := true
	res, err := cdp.Call(ctx, tgt, runtime.Evaluate, runtime.EvaluateParams{Expression: expression, ContextID: world,
		ReturnByValue: &yes, AwaitPromise: &await, Silent: &yes})
	if err != nil {
		return zero, err
	}
	if res.ExceptionDetails != nil {
		text := res.ExceptionDetails.Text
		if ex := res.ExceptionDetails.Exception; ex != nil && ex.Description != "" {
			text = ex.Description
		}
		return zero, errors.New(text)
	}
	var v T
	if res.Result == nil || len(res.Result.Value) == 0 {
		return zero, errors.New("no value")
	}
	if err := json.Unmarshal(res.Result.Value, &v); err != nil {
		return zero, err
	}
	return v, nil
}

// settleState is what policywatchState() tells: how long the DOM has gone
// unchanged, in milliseconds, and the selectors that do not match yet.
type settleState struct {
	QuietFor float64  `json:"quietFor"`
	Missing  []string `json:"missing"`
}

// quiet notes that the network went quiet on the document commits left:
// from now on, a navigation leaves the page.
func (r *pageRun) quiet(commits int) {
	r.mu.Lock()
	if r.commits == commits {
		r.settling = true
	}
	r.mu.Unlock()
}

// waitedSelector is a selector the settle script waits for; Text asks for
// an element holding text (a select rule), not only one present (the
// bounds of a range may be empty).
type waitedSelector struct {
	CSS  string `json:"css"`
	Text bool   `json:"text"`
}

func waitedSelectors(src crawler.Source) []waitedSelector {
	out := []waitedSelector{}
	for _, sel := range src.Rules.Select {
		if sel.Range == nil {
			out = append(out, waitedSelector{CSS: sel.CSS, Text: true})
			continue
		}
		out = append(out, waitedSelector{CSS: sel.Range.StartBefore + sel.Range.StartAfter},
			waitedSelector{CSS: sel.Range.EndBefore + sel.Range.EndAfter})
	}
	return out
}

// takeScreenshot captures the whole page, as high as MaxScreenshotHeight,
// as a PNG.
func (r *pageRun) takeScreenshot(ctx context.Context) ([]byte, error) {
	metrics, err := cdp.Call(ctx, r.tgt, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	width, height := float64(r.cfg.Width), float64(r.cfg.Height)
	if s := metrics.CSSContentSize; s != nil {
		width, height = max(s.Width, 1), max(s.Height, 1)
	}
	width = min(width, float64(4*r.cfg.Width))
	height = min(height, float64(r.cfg.MaxScreenshotHeight))
	yes := true
	res, err := cdp.Call(ctx, r.tgt, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes, FromSurface: &yes,
		Clip: &page.Viewport{X: 0, Y: 0, Width: width, Height: height, Scale: 1},
	})
	if err != nil {
		return nil, err
	}
	if _, err := png.DecodeConfig(bytes.NewReader(res.Data)); err != nil {
		return nil, fmt.Errorf("the browser's screenshot is not a PNG: %w", err)
	}
	return res.Data, nil
}
