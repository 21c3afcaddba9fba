package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/demo"
	"github.com/policywatch/policywatch/metrics"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/web"
)

const defaultListen = "127.0.0.1:8080"

func init() {
	register(command{"serve", "[--db DB] [--declarations DIR] [--listen ADDR] [--base-url URL] [--every DURATION]", "serve the UI, feeds and JSON API of a database, crawling on a schedule", runServe})
}

func runServe(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "serve")
	dbPath := fs.String("db", "policywatch.db", "the database to serve: a SQLite `FILE` or a postgres://… URL")
	listen := fs.String("listen", defaultListen, "`ADDR`ess to listen on, host:port; port 0 picks a free port")
	baseURL := addBaseURLFlag(fs)
	every := fs.Duration("every", 0, "crawl the declared documents at this interval, e.g. 6h (0: do not crawl)")
	pageCacheMB := fs.Int("page-cache-mb", web.DefaultPageCacheBytes>>20, "memory for rendered pages, kept gzip-compressed until the archive changes, in MiB (0: keep none)")
	flags := addCrawlFlags(fs)
	alerts := addNotifyFlags(fs) // after the flags it shares (--allow-private-networks)
	logFormat := addLogFormatFlag(fs)
	rest, err := parseFlags(env, fs, args, `
Serves the web UI, the feeds (Atom, RSS, JSON Feed) and the JSON API of a
database. Prints the URL it serves on and runs until interrupted (Ctrl-C or
SIGTERM).

Feeds link with absolute URLs: set --base-url to the address readers use
(behind a proxy, for example) or the links point at --listen.

With --every, it also crawls the documents declared in --declarations in the
background: at start, then each document again after the interval (spread
by ±10 % so they do not all go at once), one crawl at a time. When each
document is next due is kept in the database, so a restart does not crawl
everything again. The crawling options are those of 'policywatch crawl'.

It also delivers the alerts of subscriptions in the background, as
'policywatch notify' does once; the options are the same.

Logs go to stderr (--log-format json for log collectors), one event per
fetch; Prometheus metrics are served at /metrics and the health of the
database at /healthz. Without --every, --db must name a database: a missing
or empty file is refused, never made one. A database that cannot be
written (a read-only directory or file) is served read-only: no crawling,
no deliveries.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *every < 0 {
		return usagef("--every %s: the interval must be positive", *every)
	}
	if *pageCacheMB < 0 {
		return usagef("--page-cache-mb %d: give a size in MiB, or 0 to keep no page", *pageCacheMB)
	}
	base, err := parseBaseURLFlag(*baseURL)
	if err != nil {
		return err
	}
	if _, err := alerts.options(); err != nil {
		return err
	}
	logger, err := newLogger(env.stderr, *logFormat)
	if err != nil {
		return err
	}
	var st *store.Store
	readOnly := false
	if *every > 0 {
		st, err = store.Open(ctx, *dbPath) // crawling fills a new database
	} else if st, err = explainMissing(store.OpenDatabase(ctx, *dbPath)); err != nil {
		// Without crawling nothing fills a database: a 0-byte file is
		// refused, not made one.
		// A database nobody may write can still be read and served.
		if ro, roErr := store.OpenReadOnly(ctx, *dbPath); roErr == nil {
			logger.Warn("serving read-only: no crawling, no alert deliveries", "db", *dbPath, "reason", err)
			st, err, readOnly = ro, nil, true
		}
	}
	if err != nil {
		return err
	}
	defer st.Close()
	m := metrics.New(st)
	// Listen first: without --base-url, the listening address is the base
	// URL of the feeds and of the alerts' links alike.
	ln, base, err := listenAt(*listen, base)
	if err != nil {
		return err
	}
	defer ln.Close()
	crawlCtx, stopCrawling := context.WithCancel(ctx)
	defer stopCrawling()
	waitNotifying, waitRefreshing := func() {}, func() {}
	if !readOnly {
		if waitNotifying, err = startNotifier(crawlCtx, st, alerts, base, logger, m); err != nil {
			return err
		}
		waitRefreshing = startRefresh(crawlCtx, st, logger)
	}
	waitCrawling, err := startScheduler(crawlCtx, st, flags, *every, logger, m)
	if err != nil {
		stopCrawling()
		waitNotifying()
		return err
	}
	err = serveOn(ctx, env, st, ln, base, logger, m, pageCacheBytes(*pageCacheMB))
	stopCrawling()
	waitCrawling()   // the store must outlive the crawl
	waitNotifying()  // and the attempts in flight
	waitRefreshing() // and the document being brought up to date
	return err
}

// startRefresh brings derived data an older release computed (changes,
// history marks, the search index and readability) up to date in the
// background, a document per transaction, so that a database from an
// older policywatch shows the current marks and summaries, and is
// searchable, without a separate 'rediff' or 'search-index'.
func startRefresh(ctx context.Context, st *store.Store, logger *slog.Logger) (wait func()) {
	var wg sync.WaitGroup
	wg.Go(func() {
		results, err := archive.New(st).Rediff(ctx, nil)
		if err != nil && ctx.Err() == nil {
			logger.Error("bringing changes and history marks up to date", "err", err)
		}
		changes, marks := 0, 0
		for _, r := range results {
			changes, marks = changes+r.Updated, marks+r.Marks
		}
		if len(results) > 0 {
			logger.Info("brought derived data up to date", "documents", len(results), "changes", changes, "marks", marks)
		}
		// Versions recorded before search existed become findable.
		indexed, err := archive.New(st).RefreshTextFacts(ctx, false, nil)
		if err != nil && ctx.Err() == nil {
			logger.Error("indexing versions for search", "err", err)
		}
		if len(indexed) > 0 {
			logger.Info("indexed versions for search", "documents", len(indexed))
		}
	})
	return wg.Wait
}

func init() {
	register(command{"demo", "[--listen ADDR] [--base-url URL] [--db DB]", "load the bundled Twitter/X history into a database and serve the UI", runDemo})
}

func runDemo(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "demo")
	dbPath := fs.String("db", "", "keep the demo database in `FILE` (default: a temporary file, removed on exit)")
	listen := fs.String("listen", defaultListen, "`ADDR`ess to listen on, host:port; port 0 picks a free port")
	baseURL := addBaseURLFlag(fs)
	rest, err := parseFlags(env, fs, args, `
Loads the bundled archive — 39 captures of X's cookie policy and 25 of its
privacy policy from 2022 to 2026 (37 and 23 versions: distinct texts), across
the Twitter to X rebrand, and five
captures of Twitter/X documents in other forms — into a fresh database, then
serves the web UI on it. Open the printed URL in a browser.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	base, err := parseBaseURLFlag(*baseURL)
	if err != nil {
		return err
	}
	path := *dbPath
	if path == "" {
		dir, err := os.MkdirTemp("", "policywatch-demo-")
		if err != nil {
			return fmt.Errorf("creating a temporary directory for the demo database: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "demo.db")
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()

	progress := newProgress(env.stderr, "loading the demo archive")
	sum, err := demo.Load(ctx, archive.New(st), progress.update)
	progress.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "loaded %d captures of %d documents: %d versions, in %s\n", sum.Captures, sum.Documents, sum.Versions, path)
	return serveHTTP(ctx, env, st, *listen, base, slog.New(slog.NewTextHandler(env.stderr, nil)), metrics.New(st))
}

func addBaseURLFlag(fs *flag.FlagSet) *string {
	return fs.String("base-url", "", "the `URL` readers reach the site at, e.g. https://policywatch.example; feeds link to it (default: the listening address)")
}

// parseBaseURLFlag checks --base-url before anything is loaded; "" stays
// "" (serveHTTP then uses the listening address).
func parseBaseURLFlag(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	base, err := web.ParseBaseURL(raw)
	if err != nil {
		return "", usagef("--base-url: %v", err)
	}
	return base, nil
}

// serveHTTP serves the UI of st on addr until ctx is cancelled, then shuts
// down gracefully. Feeds link to baseURL, or to the listening address when
// it is "".
func serveHTTP(ctx context.Context, env *environment, st *store.Store, addr, baseURL string, logger *slog.Logger, m *metrics.Metrics) error {
	ln, baseURL, err := listenAt(addr, baseURL)
	if err != nil {
		return err
	}
	defer ln.Close()
	return serveOn(ctx, env, st, ln, baseURL, logger, m, 0)
}

// listenAt listens on addr and returns the base URL links are built
// from: baseURL, or the listening address when it is "".
func listenAt(addr, baseURL string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listening on %s: %w", addr, err)
	}
	if baseURL == "" {
		baseURL = browsableURL(ln.Addr())
	}
	return ln, baseURL, nil
}

// pageCacheBytes is --page-cache-mb as web.Options reads it (0 there is
// the default; negative keeps none).
func pageCacheBytes(mb int) int64 {
	if mb == 0 {
		return -1
	}
	return int64(mb) << 20
}

// serveOn serves the UI of st on ln, as serveHTTP does; cacheBytes is
// web.Options.PageCacheBytes.
func serveOn(ctx context.Context, env *environment, st *store.Store, ln net.Listener, baseURL string, logger *slog.Logger, m *metrics.Metrics, cacheBytes int64) error {
	addr := ln.Addr().String()
	ui := web.New(archive.NewView(st, 0), web.Options{Logger: logger, BaseURL: baseURL, Metrics: m, PageCacheBytes: cacheBytes})
	m.WatchPageCache(func() metrics.PageCache {
		s := ui.PageCacheStats()
		return metrics.PageCache{Served: s.Served, Rendered: s.Rendered, Pages: s.Pages, Bytes: s.Bytes}
	})
	server := &http.Server{
		Handler:           ui.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(env.stdout, "serving on %s\n", browsableURL(ln.Addr()))
	if env.onListen != nil {
		env.onListen(ln.Addr().String())
	}
	failed := make(chan error, 1)
	go func() { failed <- server.Serve(ln) }()
	select {
	case err := <-failed:
		return fmt.Errorf("serving on %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

// browsableURL turns a listening address into a URL a browser can open:
// an unspecified host (":8080", "0.0.0.0") becomes localhost.
func browsableURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}
