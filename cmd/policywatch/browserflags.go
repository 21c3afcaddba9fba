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

// fetcher is the crawl's fetcher: HTTP, with a browser that starts only if
// a page needs it. The caller closes the browser.
func (f browserFlags) fetcher(c *crawler.Crawler, logger *slog.Logger) (*browser.Fetcher, *browser.Browser) {
	if *f.tabs < 1 {
		*f.tabs = 1
	}
	b := browser.New(browser.Config{ExecPath: *f.path, Tabs: *f.tabs, PageTimeout: *f.timeout, Screenshots: *f.screenshots, Logger: logger})
	return &browser.Fetcher{HTTP: c, Browser: b, Fallback: *f.fallback}, b
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
