package main

import (
	"context"
	"fmt"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"rediff", "[--db DB]", "recompute the changes and history marks an older release computed", runRediff})
}

func runRediff(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "rediff")
	dbPath := fs.String("db", "policywatch.db", "the database to update: a SQLite `FILE` or a postgres://… URL")
	rest, err := parseFlags(env, fs, args, `
Each change (its class, summary, story and diff excerpt) and each document's
history marks (reverts, near returns, flip-flops) are computed once, when a
version is recorded, and stamped with the release that computed them. When
the diff or the marks improve, this command computes again everything an
older release computed (this one is `+diff.Release+` and `+archive.MarksRelease()+`),
from the stored versions, without extracting anything. 'policywatch serve'
and 'policywatch reextract' do it too. Each document is updated in one
transaction; running it again is safe and does nothing more.`)
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
	bar := newProgress(env.stderr, "recomputing changes and marks")
	stale, err := st.Documents(ctx, store.DocumentFilter{StaleFor: archive.CurrentReleases()})
	if err != nil {
		return err
	}
	done, changes, marks := 0, 0, 0
	_, err = archive.New(st).Rediff(ctx, func(r archive.RediffResult) {
		done++
		changes += r.Updated
		marks += r.Marks
		bar.update(done, len(stale))
		if r.Updated > 0 || r.Marks > 0 {
			fmt.Fprintf(env.stdout, "%s / %s: %d changes recomputed, marks of %d versions written\n", r.Document.Service, r.Document.Type, r.Updated, r.Marks)
		}
	})
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d documents had older derived data: %d changes recomputed, marks of %d versions written\n", done, changes, marks)
	return nil
}
