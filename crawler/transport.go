package crawler

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/andybalholm/brotli"
	"golang.org/x/net/http/httpproxy"

	"github.com/policywatch/policywatch/netguard"
)

// rawCapture is what the transport saw of the last hop of one fetch: Colly
// converts bodies to UTF-8 before its callbacks run, so the snapshot is taken
// here, exactly as the server sent it (after removing Content-Encoding).
type rawCapture struct {
	url    string
	status int
	header http.Header
	body   []byte
	// tooLarge is set when the body passed the limit, bodyErr when reading
	// it failed otherwise: http.Client flattens these errors to a string,
	// saying "awaiting headers", when its timeout fires meanwhile.
	tooLarge *TooLargeError
	bodyErr  error
}

type captureKey struct{}

// withCapture returns a context whose requests report to c.
func withCapture(ctx context.Context, c *rawCapture) context.Context {
	return context.WithValue(ctx, captureKey{}, c)
}

// TooLargeError is returned when a body, once decompressed, exceeds the limit.
type TooLargeError struct {
	URL   string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: body larger than %d bytes after decompression", e.URL, e.Limit)
}

// PrivateAddressError is returned when a URL resolves to an address the
// crawler is not allowed to reach: one of netguard's special-purpose
// blocks (loopback, private, link-local, carrier-grade NAT, …).
type PrivateAddressError = netguard.BlockedAddressError

// rawTransport reads whole bodies itself, decompressing gzip, deflate and
// brotli with a limit on the decompressed size, so a truncated body is an
// error rather than a silently short capture.
type rawTransport struct {
	base    *http.Transport
	maxBody int64
}

func newRawTransport(cfg Config) *rawTransport {
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	proxies := httpproxy.FromEnvironment()
	proxyFor := proxies.ProxyFunc()
	proxy := func(req *http.Request) (*url.URL, error) { return proxyFor(req.URL) }
	dial := dialer.DialContext
	if !cfg.AllowPrivateNetworks {
		// Checked at dial time, on the resolved address, so neither a
		// redirect nor a DNS answer can lead the crawler into the LAN.
		guarded := *dialer
		guarded.Control = netguard.Control
		if len(cfg.AllowAddresses) > 0 {
			allowed := map[string]bool{}
			for _, a := range cfg.AllowAddresses {
				allowed[a] = true
			}
			guarded.Control = func(network, address string, conn syscall.RawConn) error {
				if allowed[address] {
					return nil
				}
				return netguard.Control(network, address, conn)
			}
		}
		// The proxies the operator configured may be on the LAN; through
		// them the target is checked before it is handed over, since the
		// dial then goes to the proxy and the dialer cannot see it.
		trusted := proxyAddresses(proxies)
		dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			if trusted[address] {
				return dialer.DialContext(ctx, network, address)
			}
			return guarded.DialContext(ctx, network, address)
		}
		proxy = func(req *http.Request) (*url.URL, error) {
			via, err := proxyFor(req.URL)
			if err != nil || via == nil {
				return via, err
			}
			if err := netguard.CheckHost(req.Context(), nil, req.URL.Hostname()); err != nil {
				return nil, err
			}
			return via, nil
		}
	}
	return &rawTransport{
		base: &http.Transport{
			Proxy:                 proxy,
			DialContext:           dial,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   cfg.Timeout,
			ResponseHeaderTimeout: cfg.Timeout,
			DisableCompression:    true, // we decompress, with a limit
		},
		maxBody: cfg.MaxBodyBytes,
	}
}

// proxyAddresses are the host:port addresses of the configured proxies.
func proxyAddresses(cfg *httpproxy.Config) map[string]bool {
	out := map[string]bool{}
	for _, raw := range []string{cfg.HTTPProxy, cfg.HTTPSProxy} {
		if raw == "" {
			continue
		}
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" {
			continue
		}
		port := u.Port()
		if port == "" {
			port = map[string]string{"https": "443", "socks5": "1080"}[u.Scheme]
			if port == "" {
				port = "80"
			}
		}
		out[net.JoinHostPort(u.Hostname(), port)] = true
	}
	return out
}

func (t *rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("%s: only http and https URLs are fetched", req.URL)
	}
	req = req.Clone(req.Context())
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := t.readBody(req.URL.String(), res)
	c, _ := req.Context().Value(captureKey{}).(*rawCapture)
	if err != nil {
		var tooLarge *TooLargeError
		switch {
		case c == nil:
		case errors.As(err, &tooLarge):
			c.tooLarge = tooLarge
		default:
			c.status, c.bodyErr = res.StatusCode, err
		}
		return nil, err
	}
	if c != nil {
		*c = rawCapture{url: req.URL.String(), status: res.StatusCode, header: res.Header.Clone(), body: body}
	}
	res.Header.Del("Content-Encoding")
	res.Header.Del("Content-Length")
	res.ContentLength = int64(len(body))
	res.Uncompressed = true
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

// readBody reads the body whole, decoded, failing with TooLargeError past
// the limit (compressed or not: a gzip bomb stops at the limit too).
func (t *rawTransport) readBody(url string, res *http.Response) ([]byte, error) {
	raw := io.Reader(io.LimitReader(res.Body, t.maxBody+1))
	var decoded io.Reader
	switch enc := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		decoded = raw
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip body: %w", url, err)
		}
		defer zr.Close()
		decoded = zr
	case "deflate":
		zr := flate.NewReader(raw)
		defer zr.Close()
		decoded = zr
	case "br":
		decoded = brotli.NewReader(raw)
	default:
		return nil, fmt.Errorf("%s: unsupported Content-Encoding %q", url, enc)
	}
	body, err := io.ReadAll(io.LimitReader(decoded, t.maxBody+1))
	if int64(len(body)) > t.maxBody {
		return nil, &TooLargeError{URL: url, Limit: t.maxBody}
	}
	if err != nil {
		reason := err.Error()
		// net/http reports its client timeout, mid-body, as "request canceled".
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || isTimeout(err) || strings.Contains(reason, "request canceled") {
			reason = "timed out"
		}
		return nil, fmt.Errorf("%s: the response stalled: headers received, then %s reading the body after %d bytes", url, reason, len(body))
	}
	return body, nil
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

var errTooManyRedirects = errors.New("stopped after 10 redirects")
