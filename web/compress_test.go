package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawGet fetches path without the Go client's own handling of gzip, so
// that the bytes sent are the bytes read.
func rawGet(t *testing.T, site *testSite, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, site.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp, body
}

func varies(h http.Header) bool {
	return strings.Contains(strings.Join(h.Values("Vary"), ","), "Accept-Encoding")
}

// TestTextIsSentCompressedToClientsThatAcceptIt: pages, feeds and the API,
// kept or not, are sent gzip-compressed when the client accepts gzip, read
// back byte for byte what an uncompressed request gets, and answer a
// conditional request made with either representation's tag.
func TestTextIsSentCompressedToClientsThatAcceptIt(t *testing.T) {
	site := newTestSite(t)
	version := site.cookies["2023-09-20"]
	paths := []string{
		documentPath(site.cookiesDoc),
		versionPath(site.cookiesDoc, version),
		diffPath(site.cookiesDoc, site.cookies["2022-11-23"], version),
		"/feed.atom",
		fmt.Sprintf("/api/documents/%d/versions", site.cookiesDoc),
		"/search?q=cookies",     // not kept
		"/api/search?q=cookies", // not kept
		"/static/style.css",
	}
	for _, path := range paths {
		plainResp, plain := rawGet(t, site, path, nil)
		if plainResp.StatusCode != http.StatusOK || plainResp.Header.Get("Content-Encoding") != "" || !varies(plainResp.Header) {
			t.Fatalf("GET %s without Accept-Encoding: status %d, Content-Encoding %q, Vary %q; want 200, none, Accept-Encoding",
				path, plainResp.StatusCode, plainResp.Header.Get("Content-Encoding"), plainResp.Header.Values("Vary"))
		}
		gzResp, gz := rawGet(t, site, path, map[string]string{"Accept-Encoding": "br;q=1.0, gzip;q=0.8, *;q=0.1"})
		if gzResp.StatusCode != http.StatusOK || gzResp.Header.Get("Content-Encoding") != "gzip" || !varies(gzResp.Header) {
			t.Fatalf("GET %s accepting gzip: status %d, Content-Encoding %q, Vary %q; want 200, gzip, Accept-Encoding",
				path, gzResp.StatusCode, gzResp.Header.Get("Content-Encoding"), gzResp.Header.Values("Vary"))
		}
		unzipped, err := gunzipBytes(gz)
		if err != nil {
			t.Fatalf("GET %s: the gzip body does not read: %v", path, err)
		}
		if string(unzipped) != string(plain) {
			t.Errorf("GET %s: the gzip body reads %d bytes that differ from the %d sent uncompressed", path, len(unzipped), len(plain))
		}
		if len(plain) > 4000 && len(gz)*3 > len(plain) {
			t.Errorf("GET %s: %d bytes compressed to %d, want a third or less", path, len(plain), len(gz))
		}
		if length := gzResp.Header.Get("Content-Length"); length != "" && length != fmt.Sprint(len(gz)) {
			t.Errorf("GET %s: Content-Length %s for %d compressed bytes", path, length, len(gz))
		}

		plainTag, gzTag := plainResp.Header.Get("ETag"), gzResp.Header.Get("ETag")
		if plainTag == "" {
			continue // the search pages have none
		}
		if gzTag != "W/"+strings.TrimPrefix(plainTag, "W/") {
			t.Errorf("GET %s: ETag %q uncompressed, %q compressed; want the same tag, weak when compressed", path, plainTag, gzTag)
		}
		for _, c := range []struct {
			tag    string
			accept string
		}{{gzTag, "gzip"}, {plainTag, "gzip"}, {gzTag, ""}, {plainTag, ""}} {
			header := map[string]string{"If-None-Match": c.tag}
			if c.accept != "" {
				header["Accept-Encoding"] = c.accept
			}
			if resp, body := rawGet(t, site, path, header); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("GET %s with If-None-Match %s, Accept-Encoding %q: status %d, %d bytes; want 304, none",
					path, c.tag, c.accept, resp.StatusCode, len(body))
			}
		}
	}
}

// TestCompressionOnlyWhenAcceptedAndUseful: a client that refuses gzip,
// a range of a page and a HEAD get the bytes as they are.
func TestCompressionOnlyWhenAcceptedAndUseful(t *testing.T) {
	site := newTestSite(t)
	path := documentPath(site.cookiesDoc)
	for _, accept := range []string{"identity", "gzip;q=0", "deflate, br", "*;q=0", "gzip;q=0, *"} {
		if resp, _ := rawGet(t, site, path, map[string]string{"Accept-Encoding": accept}); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want none", accept, resp.Header.Get("Content-Encoding"))
		}
	}
	_, whole := rawGet(t, site, path, nil)
	resp, part := rawGet(t, site, path, map[string]string{"Range": "bytes=0-99"})
	if resp.StatusCode != http.StatusPartialContent || string(part) != string(whole[:100]) {
		t.Errorf("a range without Accept-Encoding: status %d, %q; want 206 and the page's first 100 bytes", resp.StatusCode, part)
	}
	resp, _ = rawGet(t, site, "/search?q=cookies", map[string]string{"Range": "bytes=0-99", "Accept-Encoding": "gzip"})
	if resp.StatusCode == http.StatusPartialContent && resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("a part of the search page was compressed: its offsets would not be the page's")
	}
	req, _ := http.NewRequest(http.MethodHead, site.srv.URL+"/search?q=cookies", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	head, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.Header.Get("Content-Encoding") != "" {
		t.Errorf("HEAD of the search page: Content-Encoding %q, want none", head.Header.Get("Content-Encoding"))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                       false,
		"gzip":                   true,
		"GZIP":                   true,
		"x-gzip":                 true,
		"gzip, deflate, br":      true,
		"br;q=1.0, gzip;q=0.8":   true,
		"gzip;q=0":               false,
		"gzip; q=0.000":          false,
		"*":                      true,
		"*;q=0":                  false,
		"gzip;q=0, *":            false, // named refuses, whatever * says
		"*;q=0, gzip":            true,
		"identity":               false,
		"deflate, br, identity":  false,
		"gzip;q=0.001, identity": true,
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("Accept-Encoding", header)
		}
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: acceptsGzip %v, want %v", header, got, want)
		}
	}
}
