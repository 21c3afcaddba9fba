// Package browser renders pages in headless Chromium, for the documents
// whose text exists only once the page's JavaScript has run (a
// declaration's executeClientScripts), and for pages a bot wall keeps from
// the plain HTTP fetch. It drives Debian's chromium through
// github.com/chromedp/chromedp: one browser process, restarted if it dies,
// a bounded pool of tabs, each page in a fresh browser context (no cookie
// or cache shared between pages), within a time limit.
//
// Every request a page makes is intercepted (the DevTools Fetch domain)
// and made by the crawler instead: the same robots.txt, User-Agent and
// private-address rule as the HTTP fetches, through the same transport, so
// neither a script nor a redirect nor a DNS answer leads the browser where
// the crawler may not go. Chromium itself is given a proxy that refuses
// everything (a tripwire), so a request that escaped interception goes
// nowhere, and DNS that resolves nothing. The page's host is paced as HTTP
// fetches are: one page or fetch at a time, the delay between two.
//
// A page is loaded as Open Terms Archive's engine loads it — the load
// event, the network quiet, then each declared selector present with text,
// bounded — and then given a moment for the DOM to stop changing; the
// rendered DOM, serialized, is the snapshot, with a full-page screenshot
// when asked. A page that never settles, opens popups, navigates away,
// crashes its tab or meets a bot wall is a failed fetch, never a capture.
//
// browser imports crawler (the words of fetching, and its politeness) and
// capture.
package browser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
)

// Config tunes a browser; zero fields take the defaults.
type Config struct {
	// ExecPath is the Chromium binary: by default /usr/bin/chromium, else
	// the first of chromium, chromium-browser, google-chrome,
	// headless-shell found in PATH.
	ExecPath string
	// Tabs is how many pages are rendered at once; default 2.
	Tabs int
	// PageTimeout bounds one page, from opening its tab to its captured
	// DOM; default 30 s.
	PageTimeout time.Duration
	// SelectorWait bounds the wait for the declared selectors to appear
	// (Open Terms Archive's waitForElementsTimeout); default 10 s. A
	// selector still missing then is not an error here: extraction says
	// selector-missing, or the page is a wall.
	SelectorWait time.Duration
	// IdleTime is how long the network must be quiet for the page to count
	// as loaded; default 500 ms (Puppeteer's networkidle). A request in
	// flight for more than LongRequest (default 5 s: a long poll, a
	// stream) no longer holds the page.
	IdleTime    time.Duration
	LongRequest time.Duration
	// QuietTime is how long the DOM must go unchanged before the capture;
	// defaults 500 ms. A page that keeps changing (a clock) is captured
	// SettleLimit (default 3 s) after the network went quiet and the
	// selectors appeared.
	QuietTime   time.Duration
	SettleLimit time.Duration
	// Screenshots takes a full-page screenshot of every page, not only of
	// the sources that ask for one; MaxScreenshotHeight bounds its height
	// in CSS pixels (default 16,384).
	Screenshots         bool
	MaxScreenshotHeight int
	// HeapMB bounds the memory a page's scripts may hold (its JavaScript
	// heap and array buffers), in MB; default 512. A page that allocates
	// past it is a failed fetch: its heap is watched, and its renderer
	// process stopped past HeapMB + 128 MB resident (a page too busy
	// allocating to answer the watch).
	HeapMB int
	// MaxRequests bounds the requests one page may make; default 1,000.
	MaxRequests int
	// HostRequests bounds the requests made at once to one host by all the
	// pages being rendered (the page's own host is paced as the crawler
	// paces it: one page at a time, the delay between two); default 4.
	HostRequests int
	// Width and Height are the window's size; default 1280×1024.
	Width, Height int
	// Logger, if set, is told when the browser starts, stops and restarts.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Tabs <= 0 {
		c.Tabs = 2
	}
	if c.PageTimeout <= 0 {
		c.PageTimeout = 30 * time.Second
	}
	if c.SelectorWait <= 0 {
		c.SelectorWait = 10 * time.Second
	}
	if c.IdleTime <= 0 {
		c.IdleTime = 500 * time.Millisecond
	}
	if c.LongRequest <= 0 {
		c.LongRequest = 5 * time.Second
	}
	if c.QuietTime <= 0 {
		c.QuietTime = 500 * time.Millisecond
	}
	if c.SettleLimit <= 0 {
		c.SettleLimit = 3 * time.Second
	}
	if c.MaxScreenshotHeight <= 0 {
		c.MaxScreenshotHeight = 16384
	}
	if c.HeapMB <= 0 {
		c.HeapMB = 512
	}
	if c.MaxRequests <= 0 {
		c.MaxRequests = 1000
	}
	if c.HostRequests <= 0 {
		c.HostRequests = 4
	}
	if c.Width <= 0 || c.Height <= 0 {
		c.Width, c.Height = 1280, 1024
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// FindChromium returns the path of the Chromium binary path names, or of
// the first one found when path is "": /usr/bin/chromium, then chromium,
// chromium-browser, google-chrome, headless-shell in PATH.
func FindChromium(path string) (string, error) {
	if path != "" {
		found, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("browser %q: %w", path, err)
		}
		return found, nil
	}
	if info, err := os.Stat("/usr/bin/chromium"); err == nil && !info.IsDir() {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome-headless-shell", "headless-shell"} {
		if found, err := exec.LookPath(name); err == nil {
			return found, nil
		}
	}
	return "", errors.New("no Chromium found (looked for /usr/bin/chromium, and chromium, chromium-browser, google-chrome, headless-shell in PATH): install Debian's chromium package or name the binary with --browser")
}

// Browser is one Chromium process, started when the first page needs it
// and again whenever it died, rendering at most Tabs pages at once. Its
// methods may be called from several goroutines.
type Browser struct {
	cfg     Config
	tabs    chan struct{}
	spares  chan *tab      // tabs opened ahead (tabs.go)
	ahead   sync.WaitGroup // tabs being opened ahead
	closing sync.WaitGroup // pages' tabs being closed

	mu      sync.Mutex
	proc    *process // nil when no browser runs
	starts  int
	pages   int
	peak    Memory
	escaped []string // requests that reached the tripwire, of stopped processes
	opening int      // tabs being opened ahead
	closed  bool
	hosts   map[string]chan struct{} // requests in flight per host, HostRequests at most
}

// New returns a browser; nothing starts until a page is rendered.
func New(cfg Config) *Browser {
	cfg = cfg.withDefaults()
	return &Browser{cfg: cfg, tabs: make(chan struct{}, cfg.Tabs), spares: make(chan *tab, cfg.Tabs), hosts: map[string]chan struct{}{}}
}

// hostSlot waits until fewer than HostRequests requests to host are in
// flight, or for ctx; release ends the caller's.
func (b *Browser) hostSlot(ctx context.Context, host string) (release func(), err error) {
	b.mu.Lock()
	slots := b.hosts[host]
	if slots == nil {
		slots = make(chan struct{}, b.cfg.HostRequests)
		b.hosts[host] = slots
	}
	b.mu.Unlock()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Stats says what the browser did and holds.
type Stats struct {
	Starts int    // processes started: 1, plus one per restart
	Pages  int    // pages rendered, failed ones included
	Memory Memory // now (zero when no browser runs)
	Peak   Memory // the highest RSS seen since New, sampled every 250 ms (PSS every 2 s)
}

// Stats returns what the browser did and holds now.
func (b *Browser) Stats() Stats {
	b.mu.Lock()
	p := b.proc
	s := Stats{Starts: b.starts, Pages: b.pages}
	b.mu.Unlock()
	if p != nil && !p.dead() {
		s.Memory = p.measure()
		b.notePeak(s.Memory)
	}
	b.mu.Lock()
	s.Peak = b.peak
	b.mu.Unlock()
	return s
}

// TakeStats returns Stats and starts counting again: a server reports
// each crawl's.
func (b *Browser) TakeStats() Stats {
	s := b.Stats()
	b.mu.Lock()
	b.starts, b.pages, b.peak = 0, 0, Memory{}
	if b.proc != nil && !b.proc.dead() {
		b.starts = 1 // the running process belongs to the next count
	}
	b.mu.Unlock()
	return s
}

// Escaped lists the requests that escaped interception and reached the
// tripwire proxy (which refused them): none, unless Chromium sent a
// request around the page's interception.
func (b *Browser) Escaped() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := append([]string(nil), b.escaped...)
	if b.proc != nil {
		out = append(out, b.proc.tripwire.Escaped()...)
	}
	return out
}

func (b *Browser) notePeak(m Memory) {
	b.mu.Lock()
	if m.RSS > b.peak.RSS {
		b.peak.RSS, b.peak.Processes = m.RSS, m.Processes
	}
	b.peak.PSS = max(b.peak.PSS, m.PSS)
	b.mu.Unlock()
}

// Stop ends the browser process, if one runs; the next page starts
// another. A server stops it between crawls, so that an idle browser
// holds no memory.
func (b *Browser) Stop() {
	b.mu.Lock()
	p := b.proc
	b.proc = nil
	b.mu.Unlock()
	b.closeSpares()
	b.closing.Wait()
	if p != nil {
		b.retire(p)
	}
}

// Close stops the browser for good.
func (b *Browser) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.Stop()
	return nil
}

// retire stops p and keeps what its tripwire saw.
func (b *Browser) retire(p *process) {
	p.stop()
	escaped := p.tripwire.Escaped()
	if len(escaped) > 0 {
		b.cfg.Logger.Warn("requests escaped the browser's interception; the proxy refused them", "count", len(escaped), "first", escaped[0])
	}
	b.mu.Lock()
	b.escaped = append(b.escaped, escaped...)
	b.mu.Unlock()
}

// running returns the live browser process, starting one when none runs
// or the last one died.
func (b *Browser) running(ctx context.Context) (*process, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("the browser was closed")
	}
	if b.proc != nil && !b.proc.dead() {
		return b.proc, nil
	}
	if b.proc != nil {
		b.cfg.Logger.Warn("the browser process died; starting another", "pid", b.proc.pid)
		dead := b.proc
		b.proc = nil
		go b.retire(dead)
	}
	p, err := startProcess(ctx, b.cfg, b.notePeak)
	if err != nil {
		return nil, err
	}
	b.proc = p
	b.starts++
	b.cfg.Logger.Info("browser started", "pid", p.pid, "path", p.path)
	return p, nil
}

// process is one running Chromium.
type process struct {
	path     string
	ctx      context.Context // the browser's root chromedp context
	cancel   context.CancelFunc
	cancelAl context.CancelFunc
	browser  *chromedp.Browser
	pid      int
	dataDir  string
	tripwire *tripwire
	sampling chan struct{}
	sampled  sync.WaitGroup
	// rendererLimit is the RSS past which a renderer is stopped; killedAt
	// when one last was (Unix nanoseconds), for the crash's message.
	rendererLimit int64
	killedAt      atomic.Int64
	logger        *slog.Logger
}

// dead reports whether the process is gone: its context ended, or the
// connection to it dropped, which chromedp may see before the context
// ends.
func (p *process) dead() bool {
	if p.ctx.Err() != nil {
		return true
	}
	if p.browser == nil {
		return false
	}
	select {
	case <-p.browser.LostConnection:
		return true
	default:
		return false
	}
}

// rendererBaseMB is what a renderer holds besides its pages' scripts:
// the DOM, layout, images, code.
const rendererBaseMB = 128

// startTimeout bounds starting Chromium.
const startTimeout = 30 * time.Second

func startProcess(ctx context.Context, cfg Config, observe func(Memory)) (*process, error) {
	path, err := FindChromium(cfg.ExecPath)
	if err != nil {
		return nil, err
	}
	dataDir, err := os.MkdirTemp("", "policywatch-chromium-")
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	tw, err := newTripwire()
	if err != nil {
		os.RemoveAll(dataDir)
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.UserDataDir(dataDir),
		chromedp.WindowSize(cfg.Width, cfg.Height),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-hang-monitor", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("dns-prefetch-disable", true),
		// A popup must open for the page to be caught opening it.
		chromedp.Flag("disable-popup-blocking", true),
		// One process per page: the frames of other sites render in the
		// page's process, whose requests the page's interception sees
		// (each page has a browser context of its own all the same).
		chromedp.Flag("disable-features", "site-per-process,IsolateOrigins,Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater"),
		chromedp.Flag("disable-site-isolation-trials", true),
		// Nothing leaves Chromium but through the interception: the proxy
		// refuses what escapes it (loopback included, which Chromium
		// otherwise reaches without a proxy), DNS resolves nothing, and
		// WebRTC sends no UDP that is not proxied.
		chromedp.ProxyServer("http://" + tw.addr()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.Flag("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		chromedp.Flag("webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		// V8's own limit is the last resort: past it, a page is ended only
		// after long garbage collections, while the renderer's memory is
		// watched, and stopped, well before.
		chromedp.Flag("js-flags", fmt.Sprintf("--max-old-space-size=%d", 4*cfg.HeapMB)),
	}
	if os.Getuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium's sandbox refuses to run as root
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancel := chromedp.NewContext(allocCtx)
	p := &process{path: path, ctx: bctx, cancel: cancel, cancelAl: cancelAlloc, dataDir: dataDir, tripwire: tw, sampling: make(chan struct{}),
		rendererLimit: int64(cfg.HeapMB+rendererBaseMB) << 20, logger: cfg.Logger}
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }() // binds the browser to bctx, which has no deadline
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case err = <-started:
	case <-timer.C:
		err = fmt.Errorf("it did not answer within %s", startTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	c := chromedp.FromContext(bctx)
	p.browser = c.Browser
	if proc := c.Browser.Process(); proc != nil {
		p.pid = proc.Pid
	}
	p.sampled.Add(1)
	go p.sample(observe)
	return p, nil
}

// sample measures the process tree every 250 ms while it runs (its PSS
// every 2 s), and stops
// a renderer past rendererLimit bytes: a page whose scripts allocate
// without pause keeps its thread too busy to answer the heap watch, and
// V8's own limit ends it only after long garbage collections.
func (p *process) sample(observe func(Memory)) {
	defer p.sampled.Done()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	watch := treeWatch{root: p.pid}
	for {
		m, procs := watch.sample()
		for _, proc := range procs {
			if proc.renderer && proc.rss > p.rendererLimit {
				if err := syscall.Kill(proc.pid, syscall.SIGKILL); err == nil {
					p.logger.Warn("stopped a page's renderer: it used too much memory", "pid", proc.pid, "rss_mb", proc.rss>>20, "limit_mb", p.rendererLimit>>20)
					p.killedAt.Store(time.Now().UnixNano())
				}
			}
		}
		observe(m)
		select {
		case <-tick.C:
		case <-p.sampling:
			return
		case <-p.ctx.Done():
			return
		}
	}
}

func (p *process) measure() Memory {
	if p.pid == 0 {
		return Memory{}
	}
	return treeMemory(p.pid)
}

// stop ends the process and removes its profile.
func (p *process) stop() {
	select {
	case <-p.sampling:
	default:
		close(p.sampling)
	}
	p.cancel()
	p.cancelAl() // waits for the process to exit
	p.sampled.Wait()
	p.tripwire.close()
	os.RemoveAll(p.dataDir)
}
