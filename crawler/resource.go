package crawler

import (
	"fmt"
	"io"
	"net/http"
)

// Response is one HTTP response with its body read whole: decoded, and
// bounded by the crawler's size limit.
type Response struct {
	Status int
	Header http.Header // Content-Encoding and Content-Length removed: Body is decoded
	Body   []byte
}

// RoundTrip makes one request as the crawler makes its own: through its
// transport, so the private-address rule holds on every connection and the
// body is bounded, with the crawler's User-Agent, and following no
// redirect. The browser sends every request a page makes through it,
// after asking Allowed, and follows redirects itself, hop by hop.
func (c *Crawler) RoundTrip(req *http.Request) (*Response, error) {
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	res, err := c.transport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body) // already read by the transport: this copies no network data
	if err != nil {
		return nil, fmt.Errorf("%s: %w", req.URL, err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: body}, nil
}
