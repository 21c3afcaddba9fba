package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
)

// maxRedirects bounds the hops of the main document: HTTP redirects, and
// navigations by script or meta refresh while the page loads, alike.
const maxRedirects = 10

// handle answers one request the page made: refused, or made by the
// crawler and its response handed to the page. Requests of the main
// frame's document are the page itself: their failures are the page's.
func (r *pageRun) handle(ev *fetch.EventRequestPaused) {
	ctx := r.ctx
	rawURL := ev.Request.URL
	main := ev.ResourceType == network.ResourceTypeDocument && ev.FrameID == r.mainFrame
	r.begin(ev.RequestID, rawURL)
	defer r.end(ev.RequestID)
	refuse := func(reason network.ErrorReason) {
		_, _ = cdp.Call(ctx, r.tgt, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: reason})
	}

	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		if main {
			r.failf(capture.Network, "the page led to %q: only http and https URLs are fetched", rawURL)
		}
		refuse(network.ErrorReasonBlockedByClient)
		return
	}
	if main {
		r.mu.Lock()
		settling := r.settling
		r.redirects++
		hops := r.redirects - 1
		r.mu.Unlock()
		switch {
		case settling:
			// Reloading, or going to another page once this one loaded:
			// what is captured would not be the page declared.
			r.failf(capture.Script, "the page navigated away from %s to %s once loaded (not followed)", r.src.URL, rawURL)
			refuse(network.ErrorReasonAborted)
			return
		case hops > maxRedirects:
			r.failf(capture.HTTPStatus, "%s: stopped after %d redirects (redirect loop?)", r.src.URL, maxRedirects)
			refuse(network.ErrorReasonAborted)
			return
		}
	}
	if !r.count() {
		refuse(network.ErrorReasonBlockedByClient)
		return
	}
	// A failure of the main document is recorded before the browser
	// hears of it, so that the page's failure is this one, not the
	// browser's "could not load".
	if f := r.pol.Allowed(ctx, u); f != nil {
		if main {
			if rawURL != r.src.URL {
				f.Message = fmt.Sprintf("%s led to %s, and %s", r.src.URL, rawURL, f.Message)
			}
			r.fail(f)
		}
		refuse(network.ErrorReasonBlockedByClient)
		return
	}
	req, err := r.request(ctx, ev)
	if err != nil {
		if main {
			r.failf(capture.Network, "%s: %v", rawURL, err)
		}
		refuse(network.ErrorReasonFailed)
		return
	}
	if !main {
		// The page's own document is made under its host's turn; the
		// resources of all pages share a bound per host.
		release, err := r.b.hostSlot(ctx, u.Host)
		if err != nil {
			refuse(network.ErrorReasonAborted)
			return
		}
		defer release()
	}
	res, err := r.pol.RoundTrip(req)
	if err != nil {
		// A request cut short by the page's own end is not the page's
		// failure: render says what the page was waiting for instead.
		if main && ctx.Err() == nil {
			f := requestFailure(rawURL, err)
			if rawURL != r.src.URL {
				f.Message = fmt.Sprintf("%s led to %s: %s", r.src.URL, rawURL, f.Message)
			}
			r.fail(f)
		}
		refuse(errorReason(err))
		return
	}
	if !r.received(len(res.Body)) {
		r.failf(capture.TooLarge, "%s: the page's requests brought more than the %d bytes a page may load", r.src.URL, r.maxPageBytes())
		refuse(network.ErrorReasonBlockedByClient)
		return
	}
	if main {
		if reason := crawler.BlockedReason(res.Status, res.Header, res.Body); reason != "" {
			r.fail(&crawler.Failure{Class: capture.Blocked, BotWall: true, URL: rawURL, Status: res.Status,
				Message: fmt.Sprintf("%s answered %d with %s", rawURL, res.Status, reason)})
			refuse(network.ErrorReasonBlockedByClient)
			return
		}
		redirect := res.Status >= 300 && res.Status < 400 && res.Header.Get("Location") != ""
		if !redirect && (res.Status < 200 || res.Status > 299) {
			r.fail(&crawler.Failure{Class: capture.HTTPStatus, URL: rawURL, Status: res.Status,
				Message: fmt.Sprintf("%s answered %d %s", rawURL, res.Status, http.StatusText(res.Status))})
			refuse(network.ErrorReasonAborted)
			return
		}
		if !redirect {
			r.mu.Lock()
			r.docURL, r.docStatus = rawURL, res.Status
			r.commits++
			r.mu.Unlock()
		}
	}
	r.answer(ctx, ev.RequestID, res)
}

// request is the crawler's form of the page's request: its method, body
// and headers, with the browser's cookies for the URL (the request as
// paused carries none: Chromium adds them later, and it is answered
// before).
func (r *pageRun) request(ctx context.Context, ev *fetch.EventRequestPaused) (*http.Request, error) {
	var body []byte
	for _, entry := range ev.Request.PostDataEntries {
		body = append(body, entry.Bytes...)
	}
	req, err := http.NewRequestWithContext(ctx, ev.Request.Method, ev.Request.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for name, value := range ev.Request.Headers {
		switch strings.ToLower(name) {
		case "host", "content-length", "connection", "accept-encoding", "user-agent", "proxy-connection", "keep-alive", "transfer-encoding":
			continue // the transport sets these
		}
		if s, ok := value.(string); ok {
			for line := range strings.SplitSeq(s, "\n") { // repeated headers arrive joined by newlines
				req.Header.Add(name, line)
			}
		}
	}
	if req.Header.Get("Cookie") == "" {
		if jar, err := cdp.Call(ctx, r.tgt, network.GetCookies, network.GetCookiesParams{URLs: []string{ev.Request.URL}}); err == nil && len(jar.Cookies) > 0 {
			pairs := make([]string, len(jar.Cookies))
			for i, c := range jar.Cookies {
				pairs[i] = c.Name + "=" + c.Value
			}
			req.Header.Set("Cookie", strings.Join(pairs, "; "))
		}
	}
	return req, nil
}

// answer hands a response to the page.
func (r *pageRun) answer(ctx context.Context, id fetch.RequestID, res *crawler.Response) {
	var headers []*fetch.HeaderEntry
	for name, values := range res.Header {
		switch strings.ToLower(name) {
		case "content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive":
			continue // the body is decoded, and whole
		}
		for _, v := range values {
			headers = append(headers, &fetch.HeaderEntry{Name: name, Value: v})
		}
	}
	_, err := cdp.Call(ctx, r.tgt, fetch.FulfillRequest, fetch.FulfillRequestParams{
		RequestID: id, ResponseCode: int64(res.Status), ResponseHeaders: headers, Body: res.Body})
	if err != nil && ctx.Err() == nil {
		// A header Chromium refuses (a value that is not UTF-8): without
		// an answer the page would wait until its time limit.
		_, _ = cdp.Call(ctx, r.tgt, fetch.FailRequest, fetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonFailed})
	}
}

// begin and end keep the requests in flight, for the network's quiet.
func (r *pageRun) begin(id fetch.RequestID, rawURL string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inflight[id] = request{url: rawURL, start: time.Now()}
	r.lastActivity = time.Now()
}

func (r *pageRun) end(id fetch.RequestID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx.Err() != nil {
		return // cut short by the page's end: in flight when it ended, as a timeout says
	}
	delete(r.inflight, id)
	r.lastActivity = time.Now()
}

// count counts a request, reporting whether the page may still make one.
func (r *pageRun) count() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	return r.requests <= r.cfg.MaxRequests
}

// maxPageBytes bounds what all of a page's requests may bring: four pages
// of the crawler's size limit.
func (r *pageRun) maxPageBytes() int64 { return 4 * r.pol.Config().MaxBodyBytes }

// received counts n bytes received, reporting whether the page is still
// within its bound.
func (r *pageRun) received(n int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bytes += int64(n)
	return r.bytes <= r.maxPageBytes()
}

// requestFailure classifies an error of the crawler's transport as the
// HTTP fetch would.
func requestFailure(rawURL string, err error) *crawler.Failure {
	var tooLarge *crawler.TooLargeError
	var private *crawler.PrivateAddressError
	var netErr net.Error
	switch {
	case errors.As(err, &tooLarge):
		return &crawler.Failure{Class: capture.TooLarge, URL: rawURL, Message: tooLarge.Error()}
	case errors.As(err, &private):
		return &crawler.Failure{Class: capture.Network, URL: rawURL, Message: private.Error()}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return &crawler.Failure{Class: capture.Network, URL: rawURL, Message: "timed out: " + err.Error()}
	}
	return &crawler.Failure{Class: capture.Network, URL: rawURL, Message: err.Error()}
}

// errorReason is what the page is told of a request the crawler could
// not make.
func errorReason(err error) network.ErrorReason {
	var private *crawler.PrivateAddressError
	var netErr net.Error
	switch {
	case errors.As(err, &private):
		return network.ErrorReasonAddressUnreachable
	case errors.As(err, &netErr) && netErr.Timeout():
		return network.ErrorReasonTimedOut
	}
	return network.ErrorReasonFailed
}
