package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
)

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
	// The steps are independent: sent at once, they cost one round trip.
	errs := make(chan error, len(steps))
	for _, step := range steps {
		go func() { errs <- step() }()
	}
	var setupErr error
	for range steps {
		if err := <-errs; err != nil && setupErr == nil {
			setupErr = err
		}
	}
	if setupErr != nil {
		return crawler.Part{}, r.broken("setting up the tab", setupErr)
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
		if _, err := evaluate[bool](ctx, r.tgt, world, settleScript+"("+string(selectors)+")", false); err != nil {
			if ctx.Err() != nil || r.recorded() != nil {
				return crawler.Part{}, r.broken("watching the page", err)
			}
			continue // the document was replaced as it loaded: load the new one
		}
		var readyAt time.Time
		stage, lost := "", false
		if err := r.until(ctx, 100*time.Millisecond, func() (bool, error) {
			if replaced() {
				return true, nil
			}
			st, err := evaluate[settleState](ctx, r.tgt, world, "policywatchState()", false)
			if err != nil {
				// The document was replaced, by a request of its own
				// (replaced() will say so at the next look) or by a script
				// alone (a blob: URL): start again with the new one.
				lost = true
				return true, nil
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
		if !replaced() && !lost {
			break
		}
	}
	if f := r.recorded(); f != nil {
		return crawler.Part{}, f
	}

	r.setStage("capturing the rendered page")
	// The DOM is serialized once, kept in policywatch's world, and sent
	// only when it is not too long.
	head, err := evaluate[capturedHead](ctx, r.tgt, world, "({length: (globalThis.policywatchCapture = "+captureScript+").length, protocol: location.protocol})", false)
	if err != nil {
		return crawler.Part{}, r.broken("capturing the page", err)
	}
	// A script may have replaced the document by one no request brought
	// (a blob: URL): that is leaving the page too.
	if head.Protocol != "http:" && head.Protocol != "https:" {
		return crawler.Part{}, &crawler.Failure{Class: capture.Script, URL: r.src.URL,
			Message: fmt.Sprintf("the page navigated away from %s to a %s document", r.src.URL, strings.TrimSuffix(head.Protocol, ":"))}
	}
	// JavaScript counts UTF-16 units, and UTF-8 takes at least a byte for
	// each: a page longer than the limit in units is longer in bytes.
	if limit := r.pol.Config().MaxBodyBytes; head.Length > limit {
		return crawler.Part{}, &crawler.Failure{Class: capture.TooLarge, URL: r.src.URL,
			Message: fmt.Sprintf("%s: the rendered page has %d characters, more than the %d bytes a page may have", r.src.URL, head.Length, limit)}
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
	if r.proc.dead() {
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

// capturedHead is what the capture learns before it reads the DOM: the
// serialized DOM's length in UTF-16 units, and the document's scheme.
type capturedHead struct {
	Length   int64  `json:"length"`
	Protocol string `json:"protocol"`
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
