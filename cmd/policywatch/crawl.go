package main

import (
	"context"
	"fmt"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/watch"
)

func init() {
	register(command{"crawl", "[--db DB] [--declarations DIR] [--service NAME] [--type TYPE]", "fetch every declared document once and record what changed", runCrawl})
}

// crawlFlags are the options crawl and serve share.
type crawlFlags struct {
	declarations   *string
	delay          *time.Duration
	parallelism    *int
	timeout        *time.Duration
	userAgent      *string
	ignoreRobots   *bool
	allowPrivate   *bool
	maxBodyMB      *int
	shrinkFraction *float64
	browser        browserFlags
}

func addCrawlFlags(fs interface {
	String(name, value, usage string) *string
	Duration(name string, value time.Duration, usage string) *time.Duration
	Int(name string, value int, usage string) *int
	Bool(name string, value bool, usage string) *bool
	Float64(name string, value float64, usage string) *float64
}) crawlFlags {
	return crawlFlags{
		declarations:   fs.String("declarations", "declarations", "the `DIR`ectory of declaration files (SERVICE.json, Open Terms Archive's format)"),
		delay:          fs.Duration("delay", 2*time.Second, "pause between two requests to the same host"),
		parallelism:    fs.Int("parallelism", 4, "documents fetched at once (one at a time per host)"),
		timeout:        fs.Duration("timeout", 30*time.Second, "time limit of one request"),
		userAgent:      fs.String("user-agent", crawler.DefaultUserAgent, "User-Agent header; name yourself and a contact URL"),
		ignoreRobots:   fs.Bool("ignore-robots", false, "fetch pages that robots.txt disallows"),
		allowPrivate:   fs.Bool("allow-private-networks", false, "fetch from loopback and private addresses (intranets, tests)"),
		maxBodyMB:      fs.Int("max-body-mb", capture.MaxBytes>>20, "largest page accepted, in MiB after decompression"),
		shrinkFraction: fs.Float64("shrink-threshold", archive.DefaultShrinkThreshold, "share of its text a document may lose in one fetch before the capture is held until the next fetch confirms it"),
		browser:        addBrowserFlags(fs),
	}
}

// archiveOn is the archive a crawl records into st through, with the
// --shrink-threshold asked for.
func (f crawlFlags) archiveOn(st *store.Store) (*archive.Archive, error) {
	arch := archive.New(st)
	if err := arch.SetShrinkThreshold(*f.shrinkFraction); err != nil {
		return nil, usagef("--shrink-threshold: %v", err)
	}
	return arch, nil
}

func (f crawlFlags) config() crawler.Config {
	delay := *f.delay
	if delay == 0 {
		delay = -1 // crawler.Config reads 0 as "default"
	}
	return crawler.Config{
		UserAgent: *f.userAgent, Delay: delay, Parallelism: *f.parallelism, Timeout: *f.timeout,
		MaxBodyBytes: int64(*f.maxBodyMB) << 20, IgnoreRobots: *f.ignoreRobots, AllowPrivateNetworks: *f.allowPrivate,
	}
}

func runCrawl(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "crawl")
	dbPath := fs.String("db", "policywatch.db", "the database to record into: a SQLite `FILE` (created if missing) or a postgres://… URL")
	service := fs.String("service", "", "only documents of this service")
	docType := fs.String("type", "", "only documents of this type")
	flags := addCrawlFlags(fs)
	rest, err := parseFlags(env, fs, args, `
Fetches every declared document once, politely (robots.txt, one request at
a time per host, a pause between requests), and records each capture whose
text changed as a new version. Error pages, bot challenges, truncated and
empty pages are recorded as failed fetches, never as versions; see them
with 'policywatch log'. Documents not fetched for the longest time go first,
so an interrupted crawl is picked up by the next one.

Documents declaring "executeClientScripts": true are rendered in headless
Chromium (--browser): their scripts run, every request they make obeys the
same robots.txt, pacing and private-address rules, and the rendered page
is the capture; with --browser-fallback, so is a page whose HTTP fetch met
a bot challenge, a login or a cookie wall. A page that does not settle
within --browser-timeout, opens a popup, navigates away or uses too much
memory is a failed fetch. Chromium's peak memory is printed at the end.

Prints one line per document. A declaration file with errors is reported
on stderr and left out, and the other services are crawled. Exits with
status 0 when every document was fetched, 1 when any fetch failed or any
declaration file had errors. Made for cron or systemd timers; for a
schedule in a running server, see 'policywatch serve --every'.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	targets, broken, err := loadCrawlTargets(*flags.declarations, *service, *docType, func(p declaration.Problem) {
		fmt.Fprintln(env.stderr, p)
	})
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	arch, err := flags.archiveOn(st)
	if err != nil {
		return err
	}
	if problem := flags.browser.missing(targets); problem != "" {
		fmt.Fprintln(env.stderr, "warning:", problem)
	}
	br := flags.browser.newBrowser(nil)
	defer br.Close()
	fetcher := flags.browser.fetcher(crawler.New(flags.config()), br)
	progress := newProgress(env.stderr, "crawling")
	run := &watch.Run{Store: st, Archive: arch, Fetcher: fetcher, Progress: progress.update}
	sum, err := run.Once(ctx, targets, false)
	progress.done()
	for _, r := range sum.Results {
		fmt.Fprintln(env.stdout, r.Line)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d documents: %d new versions, %d unchanged, %d held, %d failed\n",
		sum.Documents, sum.NewVersions, sum.Unchanged, sum.Held, sum.Failed)
	if line := browserLine(br.Stats()); line != "" {
		fmt.Fprintln(env.stdout, line)
	}
	switch {
	case sum.Failed > 0 && broken > 0:
		return fmt.Errorf("%d of %d documents could not be fetched, and %v", sum.Failed, sum.Documents, brokenDeclarations(*flags.declarations, broken))
	case sum.Failed > 0:
		return fmt.Errorf("%d of %d documents could not be fetched", sum.Failed, sum.Documents)
	case broken > 0:
		return brokenDeclarations(*flags.declarations, broken)
	}
	return nil
}

// loadCrawlTargets reads the declarations in dir (Open Terms Archive's
// format, see package declaration) and returns the current documents
// matching service and docType ("" for all) as crawl targets. Every
// problem, error or warning, goes to report; what has an error is left out
// and everything else is returned, so one broken file does not stop the
// other services. broken counts the files with errors, for the caller to
// fail at the end; err is for a directory that cannot be read or a filter
// that matches nothing.
func loadCrawlTargets(dir, service, docType string, report func(declaration.Problem)) (targets []crawler.Target, broken int, err error) {
	services, problems, err := loadDeclarations(dir)
	if err != nil {
		return nil, 0, err
	}
	broken = reportProblems(problems, report)
	targets, err = watch.Targets(services, service, docType)
	if err != nil {
		if broken > 0 {
			return nil, broken, fmt.Errorf("%s: %w (%s with errors left out, see above)", dir, err, countOf(broken, "file"))
		}
		return nil, 0, fmt.Errorf("%s: %w", dir, err)
	}
	return targets, broken, nil
}

// reportProblems passes each problem to report and returns how many files
// have errors.
func reportProblems(problems []declaration.Problem, report func(declaration.Problem)) int {
	files := map[string]bool{}
	for _, p := range problems {
		report(p)
		if p.Severity == declaration.Error {
			files[p.File] = true
		}
	}
	return len(files)
}

// brokenDeclarations is the error of a command that did its work with the
// valid declarations of dir but not with the files that have errors.
func brokenDeclarations(dir string, files int) error {
	return fmt.Errorf("errors in %s of %s: the documents they concern were left out (see above, or run 'policywatch check --declarations %s')",
		countOf(files, "declaration file"), dir, dir)
}
