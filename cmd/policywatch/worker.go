package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/watch"
)

func init() {
	register(command{"worker", "--db postgres://… [--declarations DIR] [--name NAME] [--until-idle]", "crawl from the work queue that many worker processes share", runWorker})
}

func runWorker(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "worker")
	dbPath := fs.String("db", "policywatch.db", "the database the workers share: a postgres://… `URL` (or a SQLite file, for one machine)")
	name := fs.String("name", defaultWorkerName(), "what names this worker's leases in the database; unique among the workers")
	every := fs.Duration("every", watch.DefaultEvery, "when a fetched document is next due (spread by ±10 %)")
	lease := fs.Duration("lease", watch.DefaultLease, "how long a leased document waits for this worker before another may take it, if this one dies; renewed while it works")
	untilIdle := fs.Bool("until-idle", false, "exit when no document is due or leased by any worker, instead of waiting for the next")
	logFormat := addLogFormatFlag(fs)
	flags := addCrawlFlags(fs)
	rest, err := parseFlags(env, fs, args, `
Crawls as one of many processes, on one machine or many, that share a
database: each due document is leased by one worker (PostgreSQL's
SELECT … FOR UPDATE SKIP LOCKED), fetched, and recorded with the end of its
lease in one transaction. A worker that dies (killed, its machine lost)
loses its leases when they run out (--lease) and another worker takes the
documents over; a fetch is recorded only by the worker still holding the
lease, so no document is recorded twice. Politeness holds across all
workers: one request at a time per host and --delay between two, through
turns kept in the database.

Every worker is given the same declarations: each adds its documents to the
queue (due at once when new). A document a worker does not declare is put
off by one interval. Leases and host turns are timed by the database's
clock, so the workers' machines need not agree on the time; a worker warns
when its machine's clock is a second or more off the database's.

Logs one line per fetch on stderr. Stops cleanly on SIGINT or SIGTERM,
giving back the documents in flight. 'policywatch serve --db' on the same
database shows what the workers record and does no crawling without
--every. The crawling options are those of 'policywatch crawl'.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *lease < 3*time.Second {
		return usagef("--lease %s: a lease must last at least 3s (it is renewed every third of it)", *lease)
	}
	if *every <= 0 {
		return usagef("--every %s: the interval must be positive", *every)
	}
	if *name == "" {
		return usagef("--name: a worker needs a name")
	}
	logger, err := newLogger(env.stderr, *logFormat)
	if err != nil {
		return err
	}
	targets, broken, err := loadCrawlTargets(*flags.declarations, "", "", func(p declaration.Problem) {
		fmt.Fprintln(env.stderr, p)
	})
	if err != nil {
		return err
	}
	if broken > 0 {
		fmt.Fprintln(env.stderr, "warning:", brokenDeclarations(*flags.declarations, broken))
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
	br := flags.browser.newBrowser(logger)
	defer br.Close()
	// Leases and host turns are compared across machines: they are timed
	// by the database's clock, whatever this machine's says.
	clock := &watch.DatabaseClock{Store: st}
	offset, err := clock.Sync(ctx)
	if err != nil {
		return err
	}
	if offset.Abs() >= time.Second {
		logger.Warn("this machine's clock is off the database's; leases and host turns use the database's",
			"database_ahead_by", offset.Round(time.Millisecond))
	}
	cfg := flags.config()
	// A host's turn outlives the longest request (or rendered page) a
	// little, so that a worker that dies holding it blocks the host no
	// longer than that.
	cfg.Turns = &watch.SharedTurns{Store: st, Holder: *name, Delay: max(*flags.delay, 0),
		Hold: max(*flags.timeout, *flags.browser.timeout) + 5*time.Second, Now: clock.Now}
	w := &watch.Worker{
		Run:         &watch.Run{Store: st, Archive: arch, Every: *every, Logger: logger, Now: clock.Now},
		Targets:     targets,
		Name:        *name,
		Lease:       *lease,
		Parallelism: max(*flags.parallelism, 1),
		UntilIdle:   *untilIdle,
		NewFetcher:  func() watch.Fetcher { return flags.browser.fetcher(crawler.New(cfg), br) },
		Logger:      logger,
	}
	logger.Info("worker started", "name", *name, "documents", len(targets), "parallelism", w.Parallelism, "lease", *lease)
	sum, err := w.Work(ctx)
	logger.Info("worker stopped", "name", *name, "documents", sum.Documents, "new_versions", sum.NewVersions,
		"unchanged", sum.Unchanged, "held", sum.Held, "failed", sum.Failed, "leases_lost", sum.LeasesLost)
	fmt.Fprintf(env.stdout, "%s: %d documents: %d new versions, %d unchanged, %d held, %d failed, %d left to another worker\n",
		*name, sum.Documents, sum.NewVersions, sum.Unchanged, sum.Held, sum.Failed, sum.LeasesLost)
	if err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// defaultWorkerName is the machine's name and the process id: unique
// among the workers of a database unless two machines share a name.
func defaultWorkerName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "worker"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}
