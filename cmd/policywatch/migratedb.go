package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"migrate-db", "--from DB --to DB", "copy an archive into an empty database, SQLite or PostgreSQL", runMigrateDB})
}

func runMigrateDB(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "migrate-db")
	from := fs.String("from", "", "the database to copy: a SQLite `FILE` or a postgres:// URL")
	to := fs.String("to", "", "where to copy it: a postgres:// `URL` or a SQLite file, empty or missing")
	rest, err := parseFlags(env, fs, args, `
Copies every service, document, capture, fetch, version, change, history
mark, crawl state, subscription and delivery of an archive into a database
that holds none, in one transaction: ids, times, compressed captures and
texts are copied as they are, so that the archive reads the same from
either. The search index and the readability measures are then made again
on the target, each engine indexing its own way.

  policywatch migrate-db --from policywatch.db --to postgres://user@host/policywatch

A PostgreSQL database must exist (createdb) and be empty or policywatch's
without an archive; a file is created when missing. The source is not
changed, unless its schema is older than this policywatch's, which is
brought up to date first as any command does.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *from == "" || *to == "" {
		return usagef("both --from and --to are needed")
	}
	src, err := explainMissing(store.OpenDatabase(ctx, *from))
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	stats, err := store.CopyArchive(ctx, src, dst)
	if err != nil {
		return err
	}
	tables := make([]string, 0, len(stats.Rows))
	for t := range stats.Rows {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, t := range tables {
		fmt.Fprintf(env.stdout, "%s: %d rows\n", t, stats.Rows[t])
	}
	if stats.Replaced > 0 {
		fmt.Fprintf(env.stdout, "%d text values the target cannot hold as they were (invalid UTF-8 or NUL) were stored with U+FFFD in their place; the captures are exact\n", stats.Replaced)
	}
	bar := newProgress(env.stderr, "indexing")
	_, err = archive.New(dst).RefreshTextFacts(ctx, true, func(_ archive.RefreshResult, done, total int) { bar.update(done, total) })
	bar.done()
	if err != nil {
		return fmt.Errorf("the archive is copied, but indexing it for search failed (run 'policywatch search-index --db …' on the target): %w", err)
	}
	return nil
}
