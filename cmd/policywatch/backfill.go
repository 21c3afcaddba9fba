package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	neturl "net/url"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/wayback"
)

func init() {
	register(command{"backfill", "--wayback [--db DB] [--declarations DIR] [--service NAME] [--type TYPE] [--url URL] [--from TIME] [--to TIME] [--every 30d]", "record documents' past captures from the Wayback Machine", runBackfill})
}

func runBackfill(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "backfill")
	dbPath := fs.String("db", "policywatch.db", "the database: a SQLite `FILE` (created if missing) or a postgres://… URL")
	declDir := fs.String("declarations", "declarations", "the `DIR`ectory of declaration files whose documents are backfilled, with the rules in force at each capture's date")
	useWayback := fs.Bool("wayback", false, "take the captures from the Internet Archive's Wayback Machine (required: the only source today)")
	service := fs.String("service", "", "only documents of this service (with --url: the service it belongs to)")
	docType := fs.String("type", "", "only documents of this type (with --url: its type)")
	pageURL := fs.String("url", "", "backfill this page `URL` instead of the declared documents (needs --service and --type)")
	from := fs.String("from", "", "the earliest capture `TIME`: 2019-01-01, 2019-01-01T12:00:00Z")
	to := fs.String("to", "", "the latest capture `TIME` (a date alone means to the end of that day)")
	every := fs.String("every", "", "at most one capture per `PERIOD`, such as 30d, 1w, 12h (default: every distinct capture)")
	rate := fs.String("rate", fmt.Sprintf("1/%s", wayback.DefaultInterval), "at most this many requests per period, one at a time: `N/PERIOD`, such as 1/5s or 12/1m; the Archive allows about 60 a minute per address, shared with whoever else uses it")
	timeout := fs.Duration("timeout", wayback.DefaultTimeout, "time limit of one request, body included")
	retries := fs.Int("retries", wayback.DefaultRetries, "retries of a request answered 429 or 5xx, or that failed (with backoff; Retry-After is honoured)")
	maxSize := fs.String("max-size", defaultMaxSize, "the largest capture `SIZE`; larger ones are skipped")
	base := fs.String("wayback-url", wayback.DefaultBaseURL, "the Wayback Machine's base `URL` (a mirror, or a local one in tests)")
	rest, err := parseFlags(env, fs, args, `
Records the past of each declared document (or of --url) from the Internet
Archive's Wayback Machine: its CDX API lists the page's successful captures
(one per run of identical contents), and each is fetched as the site sent
it and recorded with its archive date, extracted with the declaration's
rules in force then. A new version is kept only where the text changed.

Politeness: one request at a time, at most --rate, retries with growing
pauses on 429 and 5xx answers (a Retry-After is waited for), a time limit
per request and a size limit per capture. Captures recorded by an earlier
run are not fetched again, and a cursor per document lets the next run
list only what is newer; a document whose captures cannot be fetched is
left where it stopped (the next run goes on) and the others carry on.
Exits with status 1 when any document could not be completed.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if !*useWayback {
		return usagef("give --wayback: the Wayback Machine is where backfill takes captures from")
	}
	opts := wayback.Options{}
	if opts.From, err = parseOptionalDate(*from, false); err != nil {
		return usagef("--from: %v", err)
	}
	if opts.To, err = parseOptionalDate(*to, true); err != nil {
		return usagef("--to: %v", err)
	}
	if !opts.From.IsZero() && !opts.To.IsZero() && opts.To.Before(opts.From) {
		return usagef("--to %s is before --from %s", *to, *from)
	}
	if *every != "" {
		if opts.Every, err = parsePeriod(*every); err != nil {
			return usagef("--every: %v", err)
		}
	}
	interval, err := parseRate(*rate)
	if err != nil {
		return usagef("--rate: %v", err)
	}
	limit, err := parseSize(*maxSize)
	if err != nil {
		return usagef("--max-size: %v", err)
	}
	client, err := wayback.NewClient(*base)
	if err != nil {
		return usagef("--wayback-url: %v", err)
	}
	client.Interval, client.Timeout, client.Retries, client.MaxBody = interval, *timeout, *retries, limit
	targets, err := backfillTargets(env, fs, *declDir, *service, *docType, *pageURL)
	if err != nil {
		return err
	}

	st, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	ar := archive.New(st)
	ar.SetMaxCaptureBytes(limit)
	var bar *progress
	opts.Progress = func(t wayback.Target, done, total int) {
		if done == 0 {
			bar = newProgress(env.stderr, t.Service+" / "+t.Type)
		}
		bar.update(done, total)
		if done == total {
			bar.done()
		}
	}
	results, err := wayback.Backfill(ctx, client, st, ar, targets, opts)
	incomplete := 0
	for _, r := range results {
		name := r.Target.Service + " / " + r.Target.Type
		fmt.Fprintf(env.stdout, "%s: %d captures listed, %d selected: %d recorded (%d new versions, %d failed), %d recorded before, %d unavailable\n",
			name, r.Listed, r.Selected, r.Recorded, r.NewVersions, r.Failed, r.Already, r.Unavailable)
		if r.Err != nil {
			incomplete++
			fmt.Fprintf(env.stderr, "policywatch backfill: %s: %v\n", name, r.Err)
		}
	}
	if err != nil {
		return err
	}
	if incomplete > 0 {
		return fmt.Errorf("%d of %d documents could not be completed; run the same command again to go on", incomplete, len(results))
	}
	return nil
}

// backfillTargets are the declared documents selected, or the one --url:
// the flags checked here, the targets made by wayback.
func backfillTargets(env *environment, fs *flag.FlagSet, dir, service, docType, pageURL string) ([]wayback.Target, error) {
	var services []declaration.Service
	if pageURL == "" || explicitFlag(fs, "declarations") {
		var problems []declaration.Problem
		var err error
		if services, problems, err = loadDeclarations(dir); err != nil {
			return nil, err
		}
		reportProblems(problems, func(p declaration.Problem) { fmt.Fprintln(env.stderr, p) })
	}
	if pageURL != "" {
		if u, err := neturl.Parse(pageURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, usagef("--url %q is not an absolute http or https URL", pageURL)
		}
		if strings.TrimSpace(service) == "" || strings.TrimSpace(docType) == "" {
			return nil, usagef("--url needs --service and --type: the document its captures belong to")
		}
		return []wayback.Target{wayback.PageTarget(services, service, docType, pageURL)}, nil
	}
	targets, combined, err := wayback.DeclaredTargets(services, service, docType)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	for _, d := range combined {
		fmt.Fprintf(env.stderr, "policywatch backfill: %s / %s is made of %d pages, captured apart in the archive: left out (backfill each page with --url)\n", d.Service, d.Type, len(d.Sources))
	}
	if len(targets) == 0 {
		return nil, errors.New("no single-page document to backfill")
	}
	return targets, nil
}

// explicitFlag says whether the command line set the flag name.
func explicitFlag(fs *flag.FlagSet, name string) bool {
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == name })
	return explicit
}

// parseOptionalDate reads --from or --to; a bare date as --to means the
// end of that day, so that --to 2020-12-31 includes it.
func parseOptionalDate(s string, endOfDay bool) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := archive.ParseDate(s)
	if err == nil && endOfDay && len(strings.TrimSpace(s)) == len("2006-01-02") {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, err
}

// parsePeriod reads a duration that may count days (30d) or weeks (2w).
func parsePeriod(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if v, err := strconv.ParseFloat(n, 64); err == nil && v > 0 {
				return time.Duration(v * float64(unit)), nil
			}
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a period such as 30d, 1w or 12h", s)
	}
	return d, nil
}

// parseRate reads N/PERIOD (or N, per second) and returns the pause
// between two requests.
func parseRate(s string) (time.Duration, error) {
	n, per, found := strings.Cut(strings.TrimSpace(s), "/")
	period := time.Second
	if found {
		if !strings.ContainsAny(per, "0123456789") {
			per = "1" + per // "15/m"
		}
		var err error
		if period, err = parsePeriod(per); err != nil {
			return 0, fmt.Errorf("%q is not a rate such as 1/5s or 12/1m", s)
		}
	}
	count, err := strconv.ParseFloat(n, 64)
	if err != nil || count <= 0 {
		return 0, fmt.Errorf("%q is not a rate such as 1/5s or 12/1m", s)
	}
	return time.Duration(float64(period) / count), nil
}
