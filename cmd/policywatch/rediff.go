package main

import (
	"context"
	"fmt"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"rediff", "[--db FILE]", "recompute the changes an older release of the diff computed", runRediff})
}

func runRediff(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "rediff")
	dbPath := fs.String("db", "policywatch.db", "the database `FILE` to update")
	rest, err := parseFlags(env, fs, args, `
Each change (its class, summary, story and diff excerpt) is computed once,
when its version is recorded, and stamped with the release of the diff
that computed it. When the diff improves, this command computes again every
change stamped with an older release (this one is `+diff.Release+`), from
the stored versions, without extracting anything. 'policywatch reextract'
does it too for documents whose texts come out the same. Each document is
updated in one transaction; running it again is safe and does nothing more.`)
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
	bar := newProgress(env.stderr, "recomputing changes")
	done, updated := 0, 0
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		return err
	}
	_, err = archive.New(st).Rediff(ctx, func(r archive.RediffResult) {
		done++
		updated += r.Updated
		bar.update(done, len(docs))
		if r.Updated > 0 {
			fmt.Fprintf(env.stdout, "%s / %s: %d changes recomputed\n", r.Document.Service, r.Document.Type, r.Updated)
		}
	})
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d documents, %d changes recomputed with %s\n", done, updated, diff.Release)
	return nil
}
