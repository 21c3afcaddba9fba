// Package web serves policywatch to people and programs: server-rendered
// HTML pages that work without JavaScript, feeds (Atom, RSS, JSON Feed) and a
// JSON API. It reads the store and asks the archive for diffs; it never
// writes versions.
//
// Crawled text is hostile: it only ever reaches a page through html/template
// (or encoding/xml, encoding/json), which escape it.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/metrics"
	"github.com/policywatch/policywatch/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configures a Server.
type Options struct {
	Logger *slog.Logger // nil means slog.Default()
	Title  string       // site title; "policywatch" when empty
	// BaseURL is where readers reach the site, such as
	// https://policywatch.example or https://example.org/policywatch: feeds
	// link to it. It is never taken from a request, whose Host anyone can
	// set. Empty means DefaultBaseURL; see ParseBaseURL.
	BaseURL string
	// Metrics, if set, counts requests by route and status and is served
	// at /metrics for Prometheus.
	Metrics *metrics.Metrics
	// PageCacheBytes bounds the memory of rendered pages kept until the
	// archive changes (see Generations): 0 means DefaultPageCacheBytes,
	// a negative number keeps none.
	PageCacheBytes int64
	// RenderSlots bounds the pages and answers rendered at once, others
	// waiting their turn in order (renderslots.go): 0 means
	// DefaultRenderSlots, a negative number no bound.
	RenderSlots int
}

// DefaultBaseURL is the base URL of a Server given none.
const DefaultBaseURL = "http://localhost"

// ParseBaseURL checks that raw is an absolute http or https URL without
// query or fragment, and returns it without its trailing slash.
func ParseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("base URL %q: want an absolute http or https URL, such as https://policywatch.example", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("base URL %q: want no user, query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Reader is what the server reads: the archive's lists, versions with
// what was stored of their changes and marks, and diffs of any two
// versions. It has no way to record; archive.View is one.
type Reader interface {
	Services(ctx context.Context) ([]store.Service, error)
	ServicesAfter(ctx context.Context, after string, limit int) ([]store.Service, error)
	Documents(ctx context.Context, f store.DocumentFilter) ([]store.Document, error)
	Document(ctx context.Context, id int64) (store.Document, error)
	Versions(ctx context.Context, documentID int64, r store.VersionRange) ([]store.VersionSummary, error)
	// VersionPoints is every version of a document with what its chart
	// draws, newest first.
	VersionPoints(ctx context.Context, documentID int64) ([]store.VersionPoint, error)
	VersionSummary(ctx context.Context, id int64) (store.VersionSummary, error)
	Version(ctx context.Context, id int64) (store.Version, error)
	// VersionTimes is the newest versions of a document, ids and times.
	VersionTimes(ctx context.Context, documentID int64, limit int) ([]store.VersionTime, error)
	// VersionPage is a version with what its page shows beside it.
	VersionPage(ctx context.Context, id int64) (store.VersionPage, error)
	Changes(ctx context.Context, f store.ChangeFilter) ([]store.ChangeEntry, error)
	Deliveries(ctx context.Context, f store.DeliveryFilter) ([]store.DeliveryEntry, error)
	Ping(ctx context.Context) error
	// Compare diffs two versions of one document: a *archive.NoVersionError
	// for an unknown id, archive.ErrDifferentDocuments for versions of two.
	// The comparison may be shared with other requests: never change it.
	Compare(ctx context.Context, fromID, toID int64) (*archive.Comparison, error)
	// CompareAcross is Compare for any two versions, of two documents too.
	CompareAcross(ctx context.Context, fromID, toID int64) (*archive.Comparison, error)
	// VersionAt is the version of a document in effect at a time.
	VersionAt(ctx context.Context, documentID int64, at time.Time) (store.VersionSummary, error)
	// Snapshot is a raw capture, by its hash.
	Snapshot(ctx context.Context, hash string) (store.Snapshot, error)
	// Search finds the documents whose versions match a query; a query
	// that cannot be read wraps store.ErrBadQuery.
	Search(ctx context.Context, q store.SearchQuery) ([]store.SearchHit, bool, error)
}

var _ Reader = (*archive.View)(nil)

// Server serves the UI, feeds and API over one archive.
type Server struct {
	archive Reader
	log     *slog.Logger
	title   string
	pages   *pageTemplates
	baseURL string    // no trailing slash
	started time.Time // the date of feeds with no entry
	metrics *metrics.Metrics
	// pageCache keeps rendered pages under the archive's generation; nil
	// when the Reader cannot say it, or with a negative PageCacheBytes.
	pageCache   *pageCache
	generations Generations
	renderSlots *renderSlots
}

// Sizes of lists; the feed size is part of the feed's contract.
const (
	feedEntries     = 50
	homeChanges     = 20
	homeServices    = 100
	serviceChanges  = 30
	requestDeadline = 30 * time.Second
)

// New returns a Server reading the archive through ar.
func New(ar Reader, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Title == "" {
		opts.Title = "policywatch"
	}
	base, err := ParseBaseURL(opts.BaseURL)
	if opts.BaseURL == "" {
		base, err = DefaultBaseURL, nil
	}
	if err != nil {
		opts.Logger.Error("web: unusable base URL; feeds link to "+DefaultBaseURL, "err", err)
		base = DefaultBaseURL
	}
	s := &Server{
		archive: ar,
		log:     opts.Logger,
		title:   opts.Title,
		pages:   mustParseTemplates(),
		baseURL: base,
		started: time.Now().UTC().Truncate(time.Second),
		metrics: opts.Metrics,
	}
	if gens, ok := ar.(Generations); ok && opts.PageCacheBytes >= 0 {
		budget := opts.PageCacheBytes
		if budget == 0 {
			budget = DefaultPageCacheBytes
		}
		s.pageCache, s.generations = newPageCache(budget), gens
	}
	if opts.RenderSlots >= 0 {
		n := opts.RenderSlots
		if n == 0 {
			n = DefaultRenderSlots()
		}
		s.renderSlots = newRenderSlots(n, maxRenderQueue)
	}
	return s
}

// Handler returns the HTTP handler with every route and the security headers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Pages of the archive alone are kept until it changes (pagecache.go);
	// search, raw captures, screenshots and health are not.
	mux.HandleFunc("GET /{$}", s.kept(archivePages, s.handleHome))
	mux.HandleFunc("GET /services/{name}", s.kept(archivePages, s.handleService))
	mux.HandleFunc("GET /changes", s.kept(archivePages, s.handleChanges))
	mux.HandleFunc("GET /documents/{id}", s.kept(withDeliveries, s.handleDocument))
	mux.HandleFunc("GET /documents/{id}/versions/{vid}", s.kept(archivePages, s.handleVersion))
	mux.HandleFunc("GET /documents/{id}/versions/{vid}/markdown", s.kept(archivePages, s.handleVersionMarkdown))
	mux.HandleFunc("GET /documents/{id}/versions/{vid}/screenshot.png", s.handleScreenshot)
	mux.HandleFunc("GET /documents/{id}/diff", s.kept(archivePages, s.handleDiff))
	mux.HandleFunc("GET /diff.txt", s.kept(archivePages, s.handleUnifiedDiff))
	mux.HandleFunc("GET /snapshots/{hash}", s.handleSnapshot)
	mux.HandleFunc("GET /compare", s.kept(archivePages, s.handleCompare))
	mux.HandleFunc("GET /search", s.limited(s.handleSearch))

	s.registerFeeds(mux)

	mux.HandleFunc("GET /api/services", s.kept(archivePages, s.handleAPIServices))
	mux.HandleFunc("GET /api/documents/{id}/versions", s.kept(archivePages, s.handleAPIVersions))
	mux.HandleFunc("GET /api/diff", s.kept(archivePages, s.handleAPIDiff))
	mux.HandleFunc("GET /api/search", s.limited(s.handleAPISearch))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if status, msg := unrouted(w, r); status != 0 {
			s.apiError(w, r, status, msg)
			return
		}
		s.apiError(w, r, http.StatusNotFound, fmt.Sprintf("no API endpoint at %s", r.URL.Path))
	})

	mux.HandleFunc("GET /healthz", s.handleHealth)
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics.Handler())
	}

	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	mux.HandleFunc("GET /static/style.css", serveStylesheet)
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if status, msg := unrouted(w, r); status != 0 {
			s.pageError(w, r, status, msg)
			return
		}
		s.pageError(w, r, http.StatusNotFound, fmt.Sprintf("There is no page at %s.", r.URL.Path))
	})

	return s.logRequests(securityHeaders(compressResponses(mux)))
}

// unrouted answers requests that reach a catch-all with a method other than
// GET: everything here is read-only. It returns status 0 for GET and HEAD.
func unrouted(w http.ResponseWriter, r *http.Request) (int, string) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return 0, ""
	}
	w.Header().Set("Allow", "GET, HEAD")
	return http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed: this site is read-only and answers GET only", r.Method)
}

// staticHandler serves embedded assets; they change only with the binary.
func staticHandler(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	})
}

// stylesheet is the site's styles followed by diff's: one file, one
// request, and the diff's styles written once, in the diff package.
var stylesheet = func() []byte {
	site, err := staticFS.ReadFile("static/style.css")
	if err != nil {
		panic(err) // embedded
	}
	return append(append(site, '\n'), diff.Stylesheet()...)
}()

func serveStylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, "style.css", time.Time{}, bytes.NewReader(stylesheet))
}

// contentSecurityPolicy allows nothing but our own origin: no inline scripts
// or styles, no other hosts, forms posting only to us, no framing.
const contentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy) // raw captures set a stricter one
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (rec *statusRecorder) WriteHeader(code int) {
	rec.status = code
	rec.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), requestDeadline)
		defer cancel()
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		req := r.WithContext(ctx)
		next.ServeHTTP(rec, req)
		elapsed := time.Since(start)
		s.metrics.ObserveRequest(req.Pattern, rec.status, elapsed) // the mux set the route's pattern
		s.log.Debug("http request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", elapsed)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.archive.Ping(r.Context()); err != nil {
		s.log.Error("health check: store does not answer", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "store unavailable")
		return
	}
	fmt.Fprintln(w, "ok")
}

// badRequest is an error caused by the request itself: its message is shown
// to the client as it is.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

// notFound is a missing document, version or service, with a message that
// names it.
type notFound struct{ msg string }

func (e notFound) Error() string { return e.msg }

// parseID reads a positive integer id from s; what names it in messages.
func parseID(what, s string) (int64, error) {
	if s == "" {
		return 0, badRequest{fmt.Sprintf("missing %s", what)}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest{fmt.Sprintf("%s %q is not a positive integer", what, s)}
	}
	return id, nil
}

// statusOf maps an error to the status and the message a client may see.
// Internal errors are logged and shown generically.
func (s *Server) statusOf(r *http.Request, err error) (int, string) {
	var bad badRequest
	var missing notFound
	switch {
	case errors.As(err, &bad):
		return http.StatusBadRequest, bad.msg
	case errors.As(err, &missing):
		return http.StatusNotFound, missing.msg
	case errors.Is(err, store.ErrBadQuery):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not found"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "the request took too long"
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		return http.StatusInternalServerError, "internal error; it has been logged"
	}
}
