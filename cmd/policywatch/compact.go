package main

import (
	"context"
	"fmt"
	"io"

	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/web"
)

func init() {
	register(command{"compact", "[--db DB] [--no-vacuum]", "pack what an older policywatch stored as the current release does, and shrink the file", runCompact})
}

func runCompact(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "compact")
	dbPath := fs.String("db", "policywatch.db", "the database to compact: a SQLite `FILE` or a postgres://… URL")
	noVacuum := fs.Bool("no-vacuum", false, "leave the freed space in the file for later writes instead of rewriting the file (which needs as much free disk as the file takes)")
	rest, err := parseFlags(env, fs, args, `
Stores every capture and version text that an older policywatch kept on
its own as a zstd frame compressed against an earlier capture (or text) of
the same document, as captures are stored now, then rewrites the file to
its new size (VACUUM). Prints the sizes before and after.

Version texts that an older release compressed in runs of sixteen, as
captures are, are compressed again against a nearer version, so that a
version page decodes a few frames instead of up to sixteen (a few hundred
bytes more a version).

Rows are packed a batch at a time, each batch in one short transaction:
other commands (serve, crawl) may run meanwhile, an interrupted or killed
run loses nothing, and running it again carries on. Each row is packed
from its content as read and checked against its SHA-256; a row that does
not check out is left as it is and reported, and the command then exits
with status 1.`)
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
	bar := newProgress(env.stderr, "compacting")
	stats, err := st.Compact(ctx, store.CompactOptions{Progress: bar.update, NoVacuum: *noVacuum})
	bar.done()
	printCompactStats(env.stdout, stats)
	for _, d := range stats.Damaged {
		fmt.Fprintf(env.stderr, "left as stored: %s\n", d)
	}
	if err != nil {
		return err
	}
	if n := len(stats.Damaged); n > 0 {
		return fmt.Errorf("%d rows of %s do not check out and were left as stored", n, *dbPath)
	}
	return nil
}

func printCompactStats(w io.Writer, s store.CompactStats) {
	fmt.Fprintf(w, "captures: %d packed, %s → %s\n", s.Snapshots, byteCount(s.SnapshotBytesBefore), byteCount(s.SnapshotBytesAfter))
	fmt.Fprintf(w, "version texts: %d packed, %s → %s\n", s.Versions, byteCount(s.VersionBytesBefore), byteCount(s.VersionBytesAfter))
	if s.TextsRelaid > 0 {
		fmt.Fprintf(w, "version texts: %d of %d compressed again against a nearer version (faster to read), %s → %s\n",
			s.TextsRelaid, s.TextsChecked, byteCount(s.RelaidBytesBefore), byteCount(s.RelaidBytesAfter))
	}
	if s.FileBytesAfter == 0 { // stopped before the end
		return
	}
	note := ""
	if !s.Vacuumed {
		note = " (not vacuumed: freed space stays in the file for later writes)"
	}
	fmt.Fprintf(w, "database file: %s → %s%s\n", byteCount(s.FileBytesBefore), byteCount(s.FileBytesAfter), note)
}

// byteCount is n in bytes, rounded to KB or MB with the exact count after.
func byteCount(n int64) string {
	if n < 1<<10 {
		return web.FormatSize(int(n))
	}
	return fmt.Sprintf("%s (%d bytes)", web.FormatSize(int(n)), n)
}
