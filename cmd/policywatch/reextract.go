package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/policywatch/policywatch/declaration"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"reextract", "[--db DB] [--declarations DIR]", "regenerate every version from the stored captures with this extractor", runReextract})
}

func runReextract(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "reextract")
	dbPath := fs.String("db", "policywatch.db", "the database to update: a SQLite `FILE` or a postgres://… URL")
	declarations := fs.String("declarations", "declarations", "the `DIR`ectory of declarations whose rules crawled documents were captured with")
	rest, err := parseFlags(env, fs, args, `
Extracts the text of every stored capture again with this version of
policywatch's extractor (`+extract.Release+`), and brings each document's
history up to date: a document whose texts come out the same keeps its
versions and changes as they are; one whose texts differ has its versions
and changes recorded again from its captures. Each document is updated in
one transaction, so an interrupted run leaves every document either as it
was or fully updated; running it again is safe.

Documents captured by crawling are extracted with the rules of their
declaration in --declarations that were in force when each capture was made
(SERVICE.history.json keeps past rules); a crawled document without a
declaration there is left alone, as is one whose declaration has errors
(they are printed on stderr, and the command then exits with status 1).`)
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

	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		return err
	}
	bar := newProgress(env.stderr, "re-extracting")
	done := 0
	services, declared, broken, err := optionalDeclarations(*declarations, fs, func(p declaration.Problem) { fmt.Fprintln(env.stderr, p) })
	if err != nil {
		return err
	}
	opts := archive.ReextractOptions{Progress: func(archive.ReextractResult) { done++; bar.update(done, len(docs)) }}
	if declared {
		// A document whose declaration has errors has no rules: it is left alone.
		opts.Rules = func(d store.Document, at time.Time) (extract.Options, bool) {
			return declaration.Rules(services, d.Service, d.Type, at)
		}
	}
	results, err := archive.New(st).Reextract(ctx, opts)
	bar.done()
	for _, r := range results {
		name := r.Document.Service + " / " + r.Document.Type
		switch {
		case r.Skipped != "":
			fmt.Fprintf(env.stdout, "%s: skipped: %s\n", name, r.Skipped)
		case r.Rewritten:
			fmt.Fprintf(env.stdout, "%s: rewritten, %d versions (was %d)\n", name, r.After, r.Before)
		default:
			fmt.Fprintf(env.stdout, "%s: unchanged, %d versions\n", name, r.After)
		}
		if r.Unreadable > 0 {
			fmt.Fprintf(env.stdout, "%s: %d captures could not be read and are left out\n", name, r.Unreadable)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d documents re-extracted with %s\n", len(results), extract.Release)
	if broken > 0 {
		return brokenDeclarations(*declarations, broken)
	}
	return nil
}

// optionalDeclarations reads the declarations in dir, for commands that
// need them only for some documents: a missing directory is fine unless it
// was named explicitly (read is then false). Each problem goes to report;
// broken counts the files with errors, for the command to fail at the end.
func optionalDeclarations(dir string, fs *flag.FlagSet, report func(declaration.Problem)) (services []declaration.Service, read bool, broken int, err error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) && !explicitFlag(fs, "declarations") {
		return nil, false, 0, nil
	}
	services, problems, err := loadDeclarations(dir)
	if err != nil {
		return nil, false, 0, err
	}
	return services, true, reportProblems(problems, report), nil
}
