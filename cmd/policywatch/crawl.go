package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/policywatch/policywatch/declaration"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// defaultEvery is the interval a crawled document is next due after.
const defaultEvery = 6 * time.Hour

// crawlStateBatch is how many documents' crawl states are written at once.
const crawlStateBatch = 50

func init() {
	register(command{"crawl", "[--db FILE] [--declarations DIR] [--service NAME] [--type TYPE]", "fetch every declared document once and record what changed", runCrawl})
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
		maxBodyMB:      fs.Int("max-body-mb", 20, "largest page accepted, in MB after decompression"),
		shrinkFraction: fs.Float64("shrink-threshold", archive.DefaultShrinkThreshold, "share of its text a document may lose in one fetch before the capture is held until the next fetch confirms it"),
	}
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
	dbPath := fs.String("db", "policywatch.db", "the database `FILE` to record into (created if missing)")
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
	arch := archive.New(st)
	if err := arch.SetShrinkThreshold(*flags.shrinkFraction); err != nil {
		return usagef("--shrink-threshold: %v", err)
	}
	progress := newProgress(env.stderr, "crawling")
	sum, err := crawlOnce(ctx, st, arch, flags.config(), targets, crawlOptions{every: defaultEvery, progress: progress.update})
	progress.done()
	for _, line := range sum.lines {
		fmt.Fprintln(env.stdout, line)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d documents: %d new versions, %d unchanged, %d held, %d failed\n",
		sum.documents, sum.newVersions, sum.unchanged, sum.held, sum.failed)
	switch {
	case sum.failed > 0 && broken > 0:
		return fmt.Errorf("%d of %d documents could not be fetched, and %v", sum.failed, sum.documents, brokenDeclarations(*flags.declarations, broken))
	case sum.failed > 0:
		return fmt.Errorf("%d of %d documents could not be fetched", sum.failed, sum.documents)
	case broken > 0:
		return brokenDeclarations(*flags.declarations, broken)
	}
	return nil
}

// crawlOptions tune one crawl run.
type crawlOptions struct {
	every    time.Duration // when a fetched document is next due (with jitter)
	dueOnly  bool          // skip documents not yet due (the scheduler)
	now      func() time.Time
	progress func(done, total int)
}

// crawlSummary counts what one crawl run did.
type crawlSummary struct {
	documents, newVersions, unchanged, held, failed int
	lines                                           []string
}

// crawlOnce fetches the targets — never-fetched and longest-unfetched first
// — records each result through the archive and keeps their crawl state.
// It returns ctx's error when cancelled; what was recorded stays recorded.
func crawlOnce(ctx context.Context, st *store.Store, arch *archive.Archive, cfg crawler.Config, targets []crawler.Target, opt crawlOptions) (crawlSummary, error) {
	if opt.now == nil {
		opt.now = time.Now
	}
	states, err := st.CrawlStates(ctx)
	if err != nil {
		return crawlSummary{}, err
	}
	byKey := map[[2]string]store.CrawlState{}
	for _, s := range states {
		byKey[[2]string{s.Service, s.Type}] = s
	}
	now := opt.now()
	var todo []crawler.Target
	for _, t := range targets {
		s := byKey[[2]string{t.Service, t.Type}]
		if opt.dueOnly && !s.DueAt.IsZero() && s.DueAt.After(now) {
			continue
		}
		if len(t.Sources) == 1 && s.ValidatedURL == t.Sources[0].URL {
			t.ETag, t.LastModified = s.ETag, s.LastModified
		}
		todo = append(todo, t)
	}
	sort.SliceStable(todo, func(i, j int) bool {
		return byKey[[2]string{todo[i].Service, todo[i].Type}].LastAt.Before(byKey[[2]string{todo[j].Service, todo[j].Type}].LastAt)
	})

	var mu sync.Mutex
	var sum crawlSummary
	var recordErr error
	var pending []store.CrawlState // written in batches: one transaction per document would halve throughput
	err = crawler.New(cfg).Run(ctx, todo, func(r crawler.Result) {
		line, outcome, err := recordResult(ctx, arch, r)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if ctx.Err() == nil && recordErr == nil {
				recordErr = err
			}
			return
		}
		state := store.CrawlState{Service: r.Target.Service, Type: r.Target.Type, LastAt: r.At, LastClass: outcome.class,
			DueAt: opt.now().Add(jittered(opt.every))}
		if prev := byKey[[2]string{r.Target.Service, r.Target.Type}]; outcome.class != "" || r.NotModified {
			state.ValidatedURL, state.ETag, state.LastModified = prev.ValidatedURL, prev.ETag, prev.LastModified
		} else if len(r.Parts) == 1 {
			state.ValidatedURL, state.ETag, state.LastModified = r.Target.Sources[0].URL, r.Parts[0].ETag, r.Parts[0].LastModified
		}
		pending = append(pending, state)
		if len(pending) >= crawlStateBatch {
			if err := st.PutCrawlStates(ctx, pending); err != nil && ctx.Err() == nil && recordErr == nil {
				recordErr = err
			}
			pending = pending[:0]
		}
		sum.documents++
		switch {
		case outcome.held:
			sum.held++
		case outcome.class != "":
			sum.failed++
		case outcome.newVersion:
			sum.newVersions++
		default:
			sum.unchanged++
		}
		sum.lines = append(sum.lines, line)
		if opt.progress != nil {
			opt.progress(sum.documents, len(todo))
		}
	})
	// Saved even when interrupted, so the next crawl starts with what this
	// one did not reach; it is one short transaction.
	if err := st.PutCrawlStates(context.WithoutCancel(ctx), pending); err != nil && recordErr == nil {
		recordErr = err
	}
	if err != nil {
		return sum, fmt.Errorf("crawl interrupted after %d of %d documents: %w", sum.documents, len(todo), err)
	}
	return sum, recordErr
}

// jittered spreads due times by ±10 % so documents declared together do
// not stay in lockstep.
func jittered(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := d / 10
	return d - spread + rand.N(2*spread+1)
}

// recordOutcome is what recording one crawl result did.
type recordOutcome struct {
	class      string // failure class, "" when the capture was recorded
	newVersion bool
	held       bool // suspect: kept until the next fetch confirms it
}

// recordResult records one crawl result through the archive: a capture
// (combined when the document has several pages), a 304 or a failure. It
// returns the summary line; err is only for failures to record.
func recordResult(ctx context.Context, arch *archive.Archive, r crawler.Result) (string, recordOutcome, error) {
	t := r.Target
	name := t.Service + " / " + t.Type
	ref := archive.DocumentRef{Service: t.Service, Type: t.Type}
	if len(t.Sources) > 0 {
		ref.URL = t.Sources[0].URL
	}
	switch {
	case r.Failure != nil:
		err := arch.RecordAttempt(ctx, ref, archive.Attempt{At: r.At, Source: "crawl", URL: r.Failure.URL,
			Status: r.Failure.Status, Class: r.Failure.Class, Message: r.Failure.Message})
		return fmt.Sprintf("%-40s FAILED %s: %s", name, r.Failure.Class, r.Failure.Message), recordOutcome{class: r.Failure.Class}, err
	case r.NotModified:
		err := arch.RecordAttempt(ctx, ref, archive.Attempt{At: r.At, Source: "crawl", URL: ref.URL, Status: 304})
		return fmt.Sprintf("%-40s not modified", name), recordOutcome{}, err
	}
	c := archive.Capture{At: r.At, Source: "crawl", URL: r.Parts[0].FinalURL, Status: r.Parts[0].Status,
		ContentType: r.Parts[0].ContentType, Content: r.Parts[0].Content, Rules: r.Parts[0].Source.Rules}
	if len(r.Parts) > 1 {
		parts := make([]archive.Part, len(r.Parts))
		c.PartRules = make([]extract.Options, len(r.Parts))
		for i, p := range r.Parts {
			parts[i] = archive.Part{URL: p.FinalURL, ContentType: p.ContentType, Content: p.Content}
			c.PartRules[i] = p.Source.Rules
		}
		var err error
		if c.Content, c.ContentType, err = archive.CombineParts(parts); err != nil {
			return "", recordOutcome{}, err
		}
		c.Rules = extract.Options{}
	}
	out, err := arch.Record(ctx, ref, c)
	if class := archive.FailureClass(err); class != "" {
		var fe *archive.FailureError
		errors.As(err, &fe)
		if class == archive.ClassSuspect {
			return fmt.Sprintf("%-40s HELD %s", name, fe.Message), recordOutcome{class: class, held: true}, nil
		}
		return fmt.Sprintf("%-40s FAILED %s: %s", name, class, fe.Message), recordOutcome{class: class}, nil
	}
	if err != nil {
		return "", recordOutcome{}, err
	}
	if out.NewVersion {
		return fmt.Sprintf("%-40s new version %d", name, out.VersionID), recordOutcome{newVersion: true}, nil
	}
	return fmt.Sprintf("%-40s unchanged", name), recordOutcome{}, nil
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
	services, problems, err := declaration.LoadDir(dir)
	if err != nil {
		return nil, 0, err
	}
	broken = reportProblems(problems, report)
	docs, err := declaration.Find(services, service, docType)
	if err != nil {
		if broken > 0 {
			return nil, broken, fmt.Errorf("%s: %w (%s with errors left out, see above)", dir, err, countOf(broken, "file"))
		}
		return nil, 0, fmt.Errorf("%s: %w", dir, err)
	}
	targets = make([]crawler.Target, 0, len(docs))
	for _, d := range docs {
		t := crawler.Target{Service: d.Service, Type: d.Type}
		for _, src := range d.Sources {
			t.Sources = append(t.Sources, crawler.Source{URL: src.URL, Rules: src.Options()})
		}
		targets = append(targets, t)
	}
	sort.Slice(targets, func(i, j int) bool {
		if targets[i].Service != targets[j].Service {
			return targets[i].Service < targets[j].Service
		}
		return targets[i].Type < targets[j].Type
	})
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
