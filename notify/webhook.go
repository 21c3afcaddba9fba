package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/policywatch/policywatch/netguard"
	"github.com/policywatch/policywatch/store"
)

// maxResponseBytes bounds what is read of a receiver's response: its body
// only matters in an error message.
const maxResponseBytes = 64 << 10

// userAgent names policywatch to receivers.
const userAgent = "policywatch-webhooks/1"

// outcome is how one attempt went.
type outcome struct {
	status     int    // HTTP status or SMTP reply code; 0 when none came
	err        string // empty on success
	retryAfter time.Duration
	hasRetry   bool // the receiver said when to come back
}

// newWebhookClient returns the client webhooks are sent with: every
// connection checked by netguard at dial time (unless private networks are
// allowed), no proxy (a proxy would hide the target from that check), no
// redirects, every request bounded by timeout.
func newWebhookClient(timeout time.Duration, allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = netguard.Control
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			MaxIdleConns:           16,
			MaxIdleConnsPerHost:    2,
			IdleConnTimeout:        90 * time.Second,
			TLSHandshakeTimeout:    timeout,
			ResponseHeaderTimeout:  timeout,
			MaxResponseHeaderBytes: maxResponseBytes,
		},
		// A redirect is a failure: the receiver's URL is what the user
		// subscribed, and following it could lead anywhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       timeout,
	}
}

// sendWebhook makes one attempt at a webhook delivery.
func (w *Worker) sendWebhook(ctx context.Context, d store.ClaimedDelivery) outcome {
	body, err := webhookBody(d.Alert, w.opts.BaseURL)
	if err != nil {
		return outcome{err: err.Error()}
	}
	now := w.opts.Now()
	timestamp := now.Unix()
	signature, err := Sign(d.Subscription.Secret, d.WebhookID, timestamp, body)
	if err != nil {
		return outcome{err: fmt.Sprintf("subscription %d: %v", d.SubscriptionID, err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Subscription.URL, bytes.NewReader(body))
	if err != nil {
		return outcome{err: fmt.Sprintf("webhook URL %q: %v", d.Subscription.URL, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("webhook-id", d.WebhookID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(timestamp, 10))
	req.Header.Set("webhook-signature", signature)
	resp, err := w.client.Do(req)
	if err != nil {
		return outcome{err: describeSendError(err, w.opts.Timeout)}
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes-int64(len(head))))
	o := outcome{status: resp.StatusCode}
	if after, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		o.retryAfter, o.hasRetry = after, true
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return outcome{status: resp.StatusCode}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		o.err = fmt.Sprintf("HTTP %d redirect to %q: webhooks do not follow redirects; subscribe the final URL",
			resp.StatusCode, printable(resp.Header.Get("Location"), 200))
	default:
		o.err = fmt.Sprintf("HTTP %d", resp.StatusCode)
		if text := printable(string(head), 200); text != "" {
			o.err += ": " + text
		}
	}
	return o
}

// describeSendError says why a request got no response, briefly.
func describeSendError(err error, timeout time.Duration) string {
	var blocked *netguard.BlockedAddressError
	switch {
	case errors.As(err, &blocked):
		return blocked.Error()
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("no response within %s: %v", timeout, err)
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// printable is s on one line, control characters dropped, at most n bytes:
// receivers' bodies end up in logs and terminals.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
