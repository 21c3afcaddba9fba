package web

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// Responses of text (pages, feeds, the API's JSON, raw captures) are sent
// gzip-compressed to clients that accept it: a document page of 83 KB
// travels as about 12 KB. Kept pages are kept compressed (pagecache.go),
// so a page asked again is not compressed again, and the cache holds
// several times more of them.

// gzipWriters keeps writers at gzip's fastest level: pages are compressed
// each time they are rendered, and the default level, a few times slower,
// makes them about a tenth smaller only.
var gzipWriters sync.Pool

func getGzipWriter(w io.Writer) *gzip.Writer {
	if z, ok := gzipWriters.Get().(*gzip.Writer); ok {
		z.Reset(w)
		return z
	}
	z, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		panic(err) // a valid level
	}
	return z
}

// acceptsGzip says whether the request's Accept-Encoding takes gzip: named
// with a quality above zero, or, when not named, "*" with one.
func acceptsGzip(r *http.Request) bool {
	named, star := 0, 0 // 0 unsaid, 1 refused, 2 accepted
	for _, field := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(field, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			verdict := 2
			if zeroQuality(params) {
				verdict = 1
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				named = max(named, verdict)
			case "*":
				star = max(star, verdict)
			}
		}
	}
	if named != 0 {
		return named == 2
	}
	return star == 2
}

// zeroQuality says whether parameters like " q=0" or "q=0.000" refuse
// the coding.
func zeroQuality(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(name), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			return err == nil && q <= 0
		}
	}
	return false
}

// compressible says whether a response of this Content-Type gains from
// compression: text, and the JSON and XML of the API and the feeds.
func compressible(contentType string) bool {
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(media, "text/"):
		return true
	case media == "application/json", media == "application/xml", media == "image/svg+xml",
		strings.HasSuffix(media, "+json"), strings.HasSuffix(media, "+xml"):
		return true
	}
	return false
}

// addVary adds Accept-Encoding to the response's Vary, once.
func addVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for part := range strings.SplitSeq(v, ",") {
			if name := strings.TrimSpace(part); strings.EqualFold(name, "Accept-Encoding") || name == "*" {
				return
			}
		}
	}
	h.Add("Vary", "Accept-Encoding")
}

// weakETag turns a strong ETag into a weak one: the compressed bytes are
// another representation, equal in meaning only. If-None-Match compares
// weakly, so either form of the tag still gets a 304.
func weakETag(h http.Header) {
	if tag := h.Get("ETag"); tag != "" && !strings.HasPrefix(tag, "W/") {
		h.Set("ETag", "W/"+tag)
	}
}

// compressResponses compresses what handlers write when the client accepts
// gzip and the response is text with a body of its own: not a part of a
// range (its offsets count uncompressed bytes), not a response already
// encoded (a kept page), not a HEAD.
func compressResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &compressWriter{ResponseWriter: w, accepts: acceptsGzip(r) && r.Method != http.MethodHead}
		defer cw.close()
		next.ServeHTTP(cw, r)
	})
}

type compressWriter struct {
	http.ResponseWriter
	accepts bool
	decided bool
	gz      *gzip.Writer
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

func (cw *compressWriter) WriteHeader(status int) {
	if !cw.decided {
		cw.decide(status)
	}
	cw.ResponseWriter.WriteHeader(status)
}

func (cw *compressWriter) Write(p []byte) (int, error) {
	if !cw.decided {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.gz != nil {
		return cw.gz.Write(p)
	}
	return cw.ResponseWriter.Write(p)
}

// Flush sends what is compressed so far.
func (cw *compressWriter) Flush() {
	if cw.gz != nil {
		_ = cw.gz.Flush()
	}
	if f, ok := cw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (cw *compressWriter) decide(status int) {
	cw.decided = true
	h := cw.Header()
	if !compressible(h.Get("Content-Type")) {
		return
	}
	addVary(h)
	if !cw.accepts || h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" ||
		status < 200 || status == http.StatusNoContent || status == http.StatusPartialContent || status == http.StatusNotModified {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	weakETag(h)
	cw.gz = getGzipWriter(cw.ResponseWriter)
}

func (cw *compressWriter) close() {
	if cw.gz != nil {
		_ = cw.gz.Close()
		gzipWriters.Put(cw.gz)
		cw.gz = nil
	}
}

// gzipBytes compresses a kept page's body.
func gzipBytes(body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(body)/4 + 64)
	z := getGzipWriter(&b)
	_, _ = z.Write(body) // a bytes.Buffer does not fail
	_ = z.Close()
	gzipWriters.Put(z)
	return bytes.Clone(b.Bytes()) // no spare capacity kept in the cache
}

// gunzipBytes reads a kept page back for a client that does not accept
// gzip.
func gunzipBytes(gz []byte) ([]byte, error) {
	z, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	defer z.Close()
	return io.ReadAll(z)
}
