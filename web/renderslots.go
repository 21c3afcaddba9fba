package web

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
)

// Pages are rendered a few at a time, in the order they were asked for.
// Rendering is CPU work: with 32 requests rendering at once on 2 cores,
// each shares the cores with all the others and finishes only when most
// of them have, so a slow one waits behind the work of every request that
// arrived after it, and memory holds 32 pages being made. With a slot per
// core or two, a request waits for the ones before it and then renders
// alone: the same throughput, and on the version page of a large archive
// a worst request halved and a p99 some 10 ms lower (BENCHMARKS.md). Kept
// pages are answered without a slot.

// DefaultRenderSlots is how many pages render at once when Options says
// none: two per core the process may use, so that a render waiting on the
// database leaves the core to another.
func DefaultRenderSlots() int { return 2 * runtime.GOMAXPROCS(0) }

// maxRenderQueue bounds the requests waiting for a slot; more are answered
// 503 at once, with a Retry-After, rather than queued for seconds.
const maxRenderQueue = 4096

// renderSlots hands out the right to render.
type renderSlots struct {
	slots   chan struct{}
	waiting chan struct{} // one token per request waiting or rendering
}

func newRenderSlots(n, queue int) *renderSlots {
	return &renderSlots{slots: make(chan struct{}, n), waiting: make(chan struct{}, n+queue)}
}

// limited runs h once a slot is free. The slot is given back when h starts
// answering (its first write or header) or returns: pages are rendered
// into a buffer and written at the end, so that a slow client's reading
// never holds a slot.
func (s *Server) limited(h http.HandlerFunc) http.HandlerFunc {
	if s.renderSlots == nil {
		return h
	}
	rs := s.renderSlots
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case rs.waiting <- struct{}{}:
		default:
			w.Header().Set("Retry-After", "1")
			const busy = "The server has too many pages to render; try again in a moment."
			if strings.HasPrefix(r.URL.Path, "/api/") {
				s.apiError(w, r, http.StatusServiceUnavailable, busy)
			} else {
				s.pageError(w, r, http.StatusServiceUnavailable, busy)
			}
			return
		}
		defer func() { <-rs.waiting }()
		select {
		case rs.slots <- struct{}{}: // channels wake waiting senders in order
		case <-r.Context().Done():
			// The client left while waiting: nothing is rendered, and the
			// answer says so, so that the page cache, which may be the
			// writer here, does not keep an empty page.
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		sw := &slotWriter{ResponseWriter: w, slots: rs.slots}
		defer sw.free()
		h(sw, r)
	}
}

// slotWriter gives its slot back at the first byte or header written.
type slotWriter struct {
	http.ResponseWriter
	slots chan struct{}
	once  sync.Once
}

func (sw *slotWriter) free() { sw.once.Do(func() { <-sw.slots }) }

func (sw *slotWriter) WriteHeader(status int) {
	sw.free()
	sw.ResponseWriter.WriteHeader(status)
}

func (sw *slotWriter) Write(b []byte) (int, error) {
	sw.free()
	return sw.ResponseWriter.Write(b)
}

// Flush sends what was written so far, as the writer it wraps does.
func (sw *slotWriter) Flush() {
	sw.free()
	_ = http.NewResponseController(sw.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (sw *slotWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }
