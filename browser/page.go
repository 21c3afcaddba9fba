package browser

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/inspector"
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
	if failure == nil && p.dead() {
		failure = fail(capture.Script, "the browser process died while rendering %s; it is started again for the next page", src.URL)
	}
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
	// Closing the tab (its browser context disposed, the target gone)
	// takes the browser a few hundred milliseconds: done while the next
	// page starts.
	defer r.b.closeLater(tb)
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
// measured every 200 ms: V8's own limit (four times as high, the
// backstop) ends such a page only after long garbage collections.
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
