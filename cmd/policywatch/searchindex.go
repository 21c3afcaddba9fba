package main

import (
	"context"
	"fmt"

	"github.com/policywatch/policywatch/archive"
)

func init() {
	register(command{"search-index", "[--db DB] [--rebuild]", "index the versions that full-text search does not know yet, or all of them again", runSearchIndex})
}

func runSearchIndex(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "search-index")
	dbPath := fs.String("db", "policywatch.db", "the database to update: a SQLite `FILE` or a postgres://… URL")
	rebuild := fs.Bool("rebuild", false, "empty the index first and index every version again")
	rest, err := parseFlags(env, fs, args, `
Every version is indexed for full-text search (the web UI's /search and
/api/search) and measured (reading time, readability grade) when it is
recorded, in the same transaction. This command does it for versions that
were recorded before search existed, or by a release that indexed them
differently (this one is `+archive.TextFactsRelease()+`); 'policywatch
serve' does the same in the background when it starts, and 'policywatch
reextract' indexes every document it goes through again.

With --rebuild, the index and the measures are emptied first and made again
from every stored version. Each document is indexed in one transaction;
running it again is safe.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	st, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgress(env.stderr, "indexing")
	versions := 0
	results, err := archive.New(st).RefreshTextFacts(ctx, *rebuild, func(r archive.RefreshResult, done, total int) {
		versions += r.Versions
		bar.update(done, total)
	})
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s of %s indexed for search and measured\n", plural(versions, "version", "versions"), plural(len(results), "document", "documents"))
	return nil
}
