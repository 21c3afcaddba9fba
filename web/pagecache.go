package web

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/policywatch/policywatch/store"
)

// Pages that show only what the archive holds are rendered once per
// generation of the database (store.Generation: triggers move it in the
// transaction of every write of what pages show, whichever process makes
// it) and kept, whole, in a bounded cache: a page asked again costs one
// query of a one-row table and a copy. A page kept is served as it was
// rendered, with an ETag of its body, so that a reader who has it gets a
// 304; the ETag depends on the body only, so a write elsewhere in the
// archive does not change it.

// Generations is what a Reader offers when it can say how far the archive
// has come; archive.View does. A Reader without it is served uncached.
type Generations interface {
	Generation(ctx context.Context) (store.Generation, error)
}

// DefaultPageCacheBytes is how much memory the page cache may hold by
// default: some hundreds of pages.
const DefaultPageCacheBytes = 64 << 20

// pageUse says which counters of the generation a route's pages follow.
type pageUse int

const (
	// archivePages show services, documents, versions, changes and marks.
	archivePages pageUse = iota
	// withDeliveries pages show the alerts sent too (the document page),
	// which notify writes all the time.
	withDeliveries
)

// pageKey names a kept page: its URL and the generation it was rendered
// in. HEAD is answered from GET's page.
type pageKey struct {
	uri               string // path and query, as the request had them
	pages, deliveries int64
}

// keptPage is a rendered response: status 200, the headers its handler
// set (without those ServeContent sets), its body gzip-compressed
// (compress.go), and its Last-Modified when the handler set one (feeds do).
type keptPage struct {
	header   http.Header
	gzipped  []byte
	modified time.Time
}

// bytes is about how much memory the page holds: its compressed body, its
// headers, its key.
func (p *keptPage) bytes(key pageKey) int64 {
	n := cap(p.gzipped) + len(key.uri) + 256
	for k, vs := range p.header {
		n += len(k)
		for _, v := range vs {
			n += len(v) + 16
		}
	}
	return int64(n)
}

// pageCache keeps the most recently used pages within a memory budget.
// Concurrent requests for a page not kept yet render it once.
type pageCache struct {
	mu       sync.Mutex
	budget   int64
	largest  int64 // a page larger than this is not kept
	used     int64
	order    *list.List // of *pageEntry, most recently used first
	entries  map[pageKey]*list.Element
	inFlight map[pageKey]*pendingPage
	// renders counts the pages rendered to be kept; served, the requests
	// answered with a kept page (rendered by another request or not).
	renders, served atomic.Int64
}

type pageEntry struct {
	key   pageKey
	page  *keptPage
	bytes int64
}

type pendingPage struct {
	done chan struct{}
	page *keptPage // nil when what was rendered is not to be kept
}

func newPageCache(budget int64) *pageCache {
	return &pageCache{budget: budget, largest: budget / 8, order: list.New(),
		entries: map[pageKey]*list.Element{}, inFlight: map[pageKey]*pendingPage{}}
}

// lookup returns the page kept under key; or, when another request is
// rendering it, waits for that one and returns its page (nil if it was
// not to be kept, or ctx ended first); or else claims the rendering: the
// caller must then call finish with key and the claim.
func (c *pageCache) lookup(ctx context.Context, key pageKey) (page *keptPage, claim *pendingPage) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*pageEntry).page, nil
	}
	if p, ok := c.inFlight[key]; ok {
		c.mu.Unlock()
		select {
		case <-p.done:
			return p.page, nil
		case <-ctx.Done():
			return nil, nil
		}
	}
	p := &pendingPage{done: make(chan struct{})}
	c.inFlight[key] = p
	c.mu.Unlock()
	return nil, p
}

// finish ends a rendering claimed by lookup: page (nil when not to be
// kept) goes to the requests waiting for it and, if it fits, into the
// cache.
func (c *pageCache) finish(key pageKey, claim *pendingPage, page *keptPage) {
	c.mu.Lock()
	delete(c.inFlight, key)
	if page != nil {
		if size := page.bytes(key); size <= c.largest {
			c.entries[key] = c.order.PushFront(&pageEntry{key: key, page: page, bytes: size})
			c.used += size
			for c.used > c.budget {
				oldest := c.order.Back()
				e := oldest.Value.(*pageEntry)
				c.order.Remove(oldest)
				delete(c.entries, e.key)
				c.used -= e.bytes
			}
		}
	}
	c.mu.Unlock()
	claim.page = page
	close(claim.done)
}

// cached reports how many pages the cache holds and their size.
func (c *pageCache) cached() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.used
}

// PageCacheStats says what the page cache did since the server started.
type PageCacheStats struct {
	// Served counts the requests answered from the cache, Rendered the
	// pages rendered for it (a page not kept included).
	Served, Rendered int64
	// Pages and Bytes are what it holds now.
	Pages int
	Bytes int64
}

// PageCacheStats says what the page cache did; all zero without one.
func (s *Server) PageCacheStats() PageCacheStats {
	if s.pageCache == nil {
		return PageCacheStats{}
	}
	n, used := s.pageCache.cached()
	return PageCacheStats{Served: s.pageCache.served.Load(), Rendered: s.pageCache.renders.Load(), Pages: n, Bytes: used}
}

// kept serves a route's pages from the cache, rendering them with h when
// the generation has moved since. Requests other than GET and HEAD, and
// servers without a cache, go to h directly.
func (s *Server) kept(use pageUse, h http.HandlerFunc) http.HandlerFunc {
	h = s.limited(h) // rendering waits its turn; a kept page does not
	if s.pageCache == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h(w, r)
			return
		}
		// The generation is read before rendering: a page rendered while
		// a write commits may show it, and is then kept under the older
		// generation, which no later request reads. Read after, it could
		// be kept under the newer one without the write: stale for good.
		gen, err := s.generations.Generation(r.Context())
		if err != nil {
			s.log.Warn("page cache: cannot read the generation; serving the page uncached", "path", r.URL.Path, "err", err)
			h(w, r)
			return
		}
		key := pageKey{uri: r.URL.RequestURI(), pages: gen.Pages}
		if use == withDeliveries {
			key.deliveries = gen.Deliveries
		}
		page, claim := s.pageCache.lookup(r.Context(), key)
		if claim != nil {
			var rec *recorder
			page, rec = s.renderToKeep(h, r)
			s.pageCache.finish(key, claim, page)
			if page == nil {
				rec.replay(w, r)
				return
			}
		}
		if page == nil { // the request that rendered it did not keep it
			h(w, r)
			return
		}
		if claim == nil {
			s.pageCache.served.Add(1)
		}
		servePage(w, r, page)
	}
}

// conditionalHeaders are the request headers that would make a handler
// answer something else than the whole page; the cache answers them.
var conditionalHeaders = []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "Range", "If-Range"}

// renderToKeep renders r's page with h as a GET without conditions. It
// returns the page when it may be kept (status 200, not marked no-store,
// no cookie), else nil and what h answered.
func (s *Server) renderToKeep(h http.HandlerFunc, r *http.Request) (*keptPage, *recorder) {
	get := r.Clone(r.Context())
	get.Method = http.MethodGet
	for _, name := range conditionalHeaders {
		get.Header.Del(name)
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	h(rec, get)
	s.pageCache.renders.Add(1)
	if rec.status != http.StatusOK || rec.header.Get("Set-Cookie") != "" ||
		strings.Contains(rec.header.Get("Cache-Control"), "no-store") {
		return nil, rec
	}
	body := rec.body.Bytes()
	page := &keptPage{header: rec.header.Clone(), gzipped: gzipBytes(body)}
	if lm := page.header.Get("Last-Modified"); lm != "" {
		if t, err := http.ParseTime(lm); err == nil {
			page.modified = t
		}
	}
	for _, name := range []string{"Last-Modified", "Content-Length", "Accept-Ranges"} { // ServeContent sets them
		page.header.Del(name)
	}
	if page.header.Get("ETag") == "" {
		sum := sha256.Sum256(body) // of the page as rendered, whatever its encoding
		page.header.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	}
	return page, rec
}

// servePage answers with a kept page: 304 when the reader has it (its
// ETag, or its Last-Modified when it has one), the part asked for by a
// Range, no body for HEAD; compressed when the client accepts gzip.
func servePage(w http.ResponseWriter, r *http.Request, page *keptPage) {
	h := w.Header()
	for k, vs := range page.header {
		h[k] = slices.Clone(vs) // later handlers may append: never to the kept slice
	}
	body := page.gzipped
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		weakETag(h)
	} else {
		plain, err := gunzipBytes(page.gzipped)
		if err != nil { // never expected: the cache compressed it itself
			http.Error(w, "the kept page cannot be read: "+err.Error(), http.StatusInternalServerError)
			return
		}
		body = plain
	}
	addVary(h)
	http.ServeContent(w, r, "", page.modified, bytes.NewReader(body))
}

// recorder is the ResponseWriter a page is rendered into.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if !rec.wroteHeader {
		rec.status, rec.wroteHeader = status, true
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.wroteHeader = true
	return rec.body.Write(b)
}

// replay sends what was recorded as it was, for a response not kept.
func (rec *recorder) replay(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, vs := range rec.header {
		h[k] = vs
	}
	w.WriteHeader(rec.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(rec.body.Bytes())
	}
}
