package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/policywatch/policywatch/export"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"export", "--format ota|jsonl|warc [--db DB] [--service NAME] [--type TYPE] [--from TIME] [--to TIME] [--force] OUT", "write versions or raw captures for other tools", runExport})
}

func runExport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "export")
	dbPath := fs.String("db", "policywatch.db", "the database to read: a SQLite `FILE` or a postgres://… URL")
	format := fs.String("format", "", "ota (a dataset zip), jsonl (one version per line) or warc (the raw captures)")
	service := fs.String("service", "", "only documents of this service")
	docType := fs.String("type", "", "only documents of this type")
	from := fs.String("from", "", "only what was captured at or after this `TIME`: 2023-01-01, 2023-01-01T12:00:00Z")
	to := fs.String("to", "", "only what was captured at or before this `TIME` (a date alone means to the end of that day)")
	force := fs.Bool("force", false, "replace OUT if it exists")
	rest, err := parseFlags(env, fs, args, `
Writes what the database holds to OUT, in one of three formats:

  ota    Open Terms Archive's dataset layout: a zip of
         NAME/SERVICE/TYPE/2023-09-20T18-34-47Z.md, one file per version
         (NAME is OUT's name without .zip), and a README saying where the
         data came from and under which licence (Open Terms Archive's data
         is ODC-BY 1.0). 'policywatch import-ota --dataset OUT' reads it back.
  jsonl  JSON Lines, one version per line: service, type, url, captured_at,
         class, magnitude, summary (of the change that led to it), markdown,
         version_id, snapshot.
  warc   WARC 1.1 of the raw captures: a response record per capture that
         came over HTTP (crawled, or from the Wayback Machine), its HTTP
         head rebuilt from the status and the response headers kept with
         it (Date, Server, Content-Type, Last-Modified, ETag, …; from the
         Wayback Machine, the site's own), then the bytes received; a
         resource record per capture that did not (imports); a revisit
         record for a capture whose bytes were already written. WARC-Date
         is the capture time, digests SHA-256. An OUT ending in .gz is
         written gzipped, one member per record.

OUT is written to a temporary file beside it and renamed when complete, so
an interrupted export leaves nothing half-written; an OUT that exists is an
error unless --force.`)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("give one OUT file to write (got %d arguments)", len(rest))
	}
	out := rest[0]
	f := export.Filter{Service: *service, Type: *docType}
	if f.From, err = parseOptionalDate(*from, false); err != nil {
		return usagef("--from: %v", err)
	}
	if f.To, err = parseOptionalDate(*to, true); err != nil {
		return usagef("--to: %v", err)
	}
	var write func(st *store.Store, w *os.File) (int, error)
	what := "versions"
	switch *format {
	case "ota":
		base := strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))
		write = func(st *store.Store, w *os.File) (int, error) { return export.OTA(ctx, st, f, base, w) }
	case "jsonl":
		write = func(st *store.Store, w *os.File) (int, error) { return export.JSONL(ctx, st, f, w) }
	case "warc":
		what = "captures"
		opts := export.WARCOptions{Software: "policywatch " + versionLine(), Filename: filepath.Base(out), Gzip: strings.HasSuffix(out, ".gz")}
		write = func(st *store.Store, w *os.File) (int, error) { return export.WARC(ctx, st, f, opts, w) }
	case "":
		return usagef("--format is required: ota, jsonl or warc")
	default:
		return usagef("--format %q: use ota, jsonl or warc", *format)
	}
	if _, err := os.Lstat(out); err == nil && !*force {
		return fmt.Errorf("%s already exists: give --force to replace it", out)
	}
	st, err := openReadOnly(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	n := 0
	err = export.WriteFile(out, *force, func(w *os.File) error {
		var err error
		n, err = write(st, w)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s: %d %s from %s\n", out, n, what, *dbPath)
	return nil
}
