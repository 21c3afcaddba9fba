package crawler

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"
)

// A fetched page keeps the response headers that say what it was and when,
// for a WARC export; not cookies, nor the encoding of a body stored decoded.
func TestAPageKeepsItsResponseHeaders(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Server", "nginx/1.25")
		h.Set("ETag", `"abc"`)
		h.Set("Last-Modified", "Sun, 01 Jan 2023 00:00:00 GMT")
		h.Set("Set-Cookie", "session=secret")
		h.Set("Content-Encoding", "gzip")
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte("<html><body><main><h1>Privacy</h1><p>We keep your name.</p></main></body></html>"))
		zw.Close()
		w.Write(b.Bytes())
	})
	r := fetchOne(t, testConfig(), srv.URL+"/privacy")
	if r.Failure != nil {
		t.Fatal(r.Failure)
	}
	got := r.Parts[0].Headers
	for _, want := range []string{"Date: ", "Server: nginx/1.25\r\n", "Content-Type: text/html; charset=utf-8\r\n", "Last-Modified: Sun, 01 Jan 2023 00:00:00 GMT\r\n", "ETag: \"abc\"\r\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("headers %q lack %q", got, want)
		}
	}
	for _, never := range []string{"Set-Cookie", "secret", "Content-Encoding", "gzip"} {
		if strings.Contains(got, never) {
			t.Errorf("headers %q keep %q", got, never)
		}
	}
	if !bytes.Contains(r.Parts[0].Content, []byte("We keep your name.")) {
		t.Errorf("content %q: not decoded", r.Parts[0].Content)
	}
}
