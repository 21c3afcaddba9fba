package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/policywatch/policywatch/browser"
	"github.com/policywatch/policywatch/crawler"
)

// browserFlags are the options of the headless browser, shared by crawl
// and serve.
type browserFlags struct {
	path        *string
	tabs        *int
	timeout     *time.Duration
	fallback    *bool
	screenshots *bool
}

func addBrowserFlags(fs interface {
	String(name, value, usage string) *string
	Duration(name string, value time.Duration, usage string) *time.Duration
	Int(name string, value int, usage string) *int
	Bool(name string, value bool, usage string) *bool
}) browserFlags {
	return browserFlags{
		path:        fs.String("browser", "", "the Chromium `PATH` that renders pages declaring executeClientScripts (default /usr/bin/chromium, or chromium in PATH)"),
		tabs:        fs.Int("browser-tabs", 2, "pages rendered in the browser at once"),
		timeout:     fs.Duration("browser-timeout", 30*time.Second, "time limit of one page in the browser, from its first request to its captured DOM"),
		fallback:    fs.Bool("browser-fallback", false, "fetch a page in the browser when the HTTP fetch meets a bot challenge, a login or a cookie wall"),
		screenshots: fs.Bool("screenshots", false, "keep a full-page screenshot of every page rendered in the browser (a declaration asks for one with \"screenshot\": true)"),
	}
}

// newBrowser is the browser of a crawl, or of a server's crawls; its
// process starts only when a page needs it. The caller closes it.
func (f browserFlags) newBrowser(logger *slog.Logger) *browser.Browser {
	return browser.New(browser.Config{ExecPath: *f.path, Tabs: max(*f.tabs, 1), PageTimeout: *f.timeout, Screenshots: *f.screenshots, Logger: logger})
}

// fetcher is a crawl's fetcher: HTTP with c, the browser b for the pages
// that need it.
func (f browserFlags) fetcher(c *crawler.Crawler, b *browser.Browser) *browser.Fetcher {
	return &browser.Fetcher{HTTP: c, Browser: b, Fallback: *f.fallback}
}

// missing says, before a crawl, what fails for want of a browser: "" when
// no document needs one, or there is one to run.
func (f browserFlags) missing(targets []crawler.Target) string {
	n := 0
	for _, t := range targets {
		if browser.NeedsBrowser(t) {
			n++
		}
	}
	if n == 0 && !*f.fallback {
		return ""
	}
	_, err := browser.FindChromium(*f.path)
	if err == nil {
		return ""
	}
	if n == 0 {
		return fmt.Sprintf("--browser-fallback will not help: %v", err)
	}
	return fmt.Sprintf("%s declaring executeClientScripts will fail: %v", countOf(n, "document"), err)
}

// browserLine sums up what the browser did, or "" when it rendered nothing.
func browserLine(s browser.Stats) string {
	if s.Pages == 0 {
		return ""
	}
	processes := fmt.Sprintf("%d processes", s.Peak.Processes)
	if s.Peak.Processes == 1 {
		processes = "1 process"
	}
	line := fmt.Sprintf("browser: %s rendered; peak memory of Chromium's %s: %d MB resident (%d MB proportional)",
		countOf(s.Pages, "page"), processes, s.Peak.RSS>>20, s.Peak.PSS>>20)
	if s.Starts > 1 {
		line += fmt.Sprintf("; restarted %s", countOf(s.Starts-1, "time"))
	}
	return line
}
