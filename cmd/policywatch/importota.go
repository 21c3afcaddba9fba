package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/otaimport"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"import-ota", "[--db DB] [--declarations DIR] [--snapshots REPO] [--versions REPO [--text]] [--dataset ZIP]", "import an Open Terms Archive collection's history", runImportOTA})
}

func runImportOTA(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "import-ota")
	dbPath := fs.String("db", "policywatch.db", "the database: a SQLite `FILE` (created if missing) or a postgres://… URL")
	declDir := fs.String("declarations", "", "the collection's declarations: a clone of its -declarations repository, or its declarations/ `DIR`")
	snapshots := fs.String("snapshots", "", "a local clone of the collection's -snapshots `REPO`sitory")
	versions := fs.String("versions", "", "a local clone of the collection's -versions `REPO`sitory")
	text := fs.Bool("text", false, "with --snapshots and --versions: record the versions' Markdown, each dated by the snapshot it cites, instead of the snapshots")
	dataset := fs.String("dataset", "", "an Open Terms Archive dataset: its `ZIP` file, or the directory it unpacks to")
	maxSize := fs.String("max-size", defaultMaxSize, "the largest capture `SIZE`; larger files are skipped")
	rest, err := parseFlags(env, fs, args, `
Imports the history of an Open Terms Archive collection from local clones
of its repositories (no network):

  --snapshots REPO   each commit's file (SERVICE/TYPE.html, .pdf, …) is a raw
                     capture, dated by its commit and extracted with the rules
                     of --declarations in force at that date: policywatch
                     makes its own versions, and can make them again later.
  --versions REPO    without --snapshots: each commit's SERVICE/TYPE.md is
                     recorded as a Markdown capture, dated by its commit.
                     With --snapshots and --text: dated instead by the
                     snapshot its message cites (a declaration upgrade
                     committed years later is dated by its snapshot).
  --dataset ZIP      a dataset release (SERVICE/TYPE/2023-09-20T18-34-47Z.md),
                     or one written by 'policywatch export --format ota'.

Files name services by their declaration's ID; with --declarations they are
recorded under the services' names, as a crawl records them. Commits sharing
one date (older collections have many) keep their order, a nanosecond apart.

A cursor per repository and document is kept in the database, in the same
transaction as each capture: a run that stops is taken up where it stopped,
and a second run of a finished import has nothing to do. Recording a capture
twice changes nothing. Snapshots of documents made of several pages
(SERVICE/TYPE #ID.html) are skipped: import their versions.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	switch {
	case *snapshots == "" && *versions == "" && *dataset == "":
		return usagef("nothing to import: give --snapshots REPO, --versions REPO or --dataset ZIP")
	case *dataset != "" && (*snapshots != "" || *versions != ""):
		return usagef("--dataset is a collection's versions already: give it alone, without --snapshots or --versions")
	case *snapshots != "" && *versions != "" && !*text:
		return usagef("--snapshots and --versions would make two histories of each document (policywatch's text and Open Terms Archive's): give --snapshots alone to record the raw captures, or add --text to record the versions dated by their snapshots")
	case *text && (*snapshots == "" || *versions == ""):
		return usagef("--text dates the versions of --versions by the snapshots of --snapshots: give both")
	}
	limit, err := parseSize(*maxSize)
	if err != nil {
		return usagef("--max-size: %v", err)
	}
	var services []declaration.Service
	if *declDir != "" {
		dir := otaDeclarationsDir(*declDir)
		var problems []declaration.Problem
		if services, problems, err = loadDeclarations(dir); err != nil {
			return err
		}
		if broken := reportProblems(problems, func(p declaration.Problem) { fmt.Fprintln(env.stderr, p) }); broken > 0 {
			fmt.Fprintf(env.stderr, "policywatch import-ota: %s with errors in %s: their documents are imported without their rules\n", countOf(broken, "declaration file"), dir)
		}
	} else if *snapshots != "" && !*text {
		fmt.Fprintln(env.stderr, "policywatch import-ota: no --declarations: snapshots are extracted whole, without their documents' select and remove rules")
	}

	st, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	ar := archive.New(st)
	ar.SetMaxCaptureBytes(limit)
	im := &otaimport.Importer{Store: st, Archive: ar, Declarations: services, MaxCaptureBytes: limit}

	type job struct {
		what string
		run  func() (otaimport.Summary, error)
	}
	var jobs []job
	switch {
	case *dataset != "":
		jobs = append(jobs, job{*dataset, func() (otaimport.Summary, error) { return im.Dataset(ctx, *dataset) }})
	case *text:
		jobs = append(jobs, job{*versions, func() (otaimport.Summary, error) {
			return im.Versions(ctx, *versions, otaimport.VersionsOptions{SnapshotsDir: *snapshots})
		}})
	case *snapshots != "":
		jobs = append(jobs, job{*snapshots, func() (otaimport.Summary, error) { return im.Snapshots(ctx, *snapshots) }})
	default:
		jobs = append(jobs, job{*versions, func() (otaimport.Summary, error) { return im.Versions(ctx, *versions, otaimport.VersionsOptions{}) }})
	}
	for _, j := range jobs {
		bar := newProgress(env.stderr, "importing "+filepath.Base(filepath.Clean(j.what)))
		im.Progress = bar.update
		sum, err := j.run()
		bar.done()
		printImportSummary(env, j.what, sum)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: interrupted after %s; run the same command again to go on: %w", j.what, countOf(sum.Commits, "commit"), err)
			}
			return err
		}
	}
	return nil
}

func printImportSummary(env *environment, what string, sum otaimport.Summary) {
	resumed := ""
	if sum.Resumed {
		resumed = ", going on from the last run"
	}
	fmt.Fprintf(env.stdout, "%s: %s read%s: %s recorded, %d new versions, %d failed\n",
		what, countOf(sum.Commits, "commit"), resumed, countOf(sum.Captures, "capture"), sum.NewVersions, sum.Failed)
	reasons := make([]string, 0, len(sum.Skipped))
	for r := range sum.Skipped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(env.stdout, "  skipped %s: %s\n", countOf(sum.Skipped[r], "file"), r)
	}
	if len(sum.Undeclared) > 0 {
		sort.Strings(sum.Undeclared)
		fmt.Fprintf(env.stdout, "  recorded without a declaration (extracted whole): %s\n", strings.Join(sum.Undeclared, ", "))
	}
}

// otaDeclarationsDir accepts a clone of a declarations repository, whose
// files are in its declarations/ folder, as well as that folder.
func otaDeclarationsDir(dir string) string {
	sub := filepath.Join(dir, "declarations")
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(matches) == 0 {
		if info, err := os.Stat(sub); err == nil && info.IsDir() {
			return sub
		}
	}
	return dir
}
