package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"diff", "[--format text|html|json] [--all] [--side-by-side] [--db DB] OLD NEW", "explain what changed between two files or two versions", runDiff})
}

func runDiff(ctx context.Context, env *environment, args []string) error {
	flags := newFlagSet(env, "diff")
	format := flags.String("format", "text", "output `FORMAT`: text, html or json")
	all := flags.Bool("all", false, "show every edit, also the substitutions and style changes folded away by default")
	sideBySide := flags.Bool("side-by-side", false, "with --format html, put the old and new text side by side")
	dbPath := flags.String("db", "", "compare two version ids of this database (a SQLite `FILE` or a postgres://… URL) instead of two files")
	rest, err := parseFlags(env, flags, args, `
Compares two versions of a document and explains the change: its class
(cosmetic, rebrand, editorial or substantive) with the reasons, the words
replaced throughout ("Twitter" → "X" ×37), and the other edits section by
section.

OLD and NEW are two files of any kind 'import' reads (HTML, Markdown, plain
text; the kind is told by the file name, else sniffed), or, with --db, two
version ids as 'policywatch log' lists them (two numbers with --db are
version ids; anything else names files).

By default, substitutions and changes of style are folded away so that the
remaining edits stand out; --all shows them too. Text output is coloured
only when it goes to a terminal (and NO_COLOR is not set).`)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usagef("diff needs two arguments, OLD and NEW; got %d", len(rest))
	}
	if *format != "text" && *format != "html" && *format != "json" {
		return usagef("--format %q: use text, html or json", *format)
	}
	var result *diff.Result
	oldName, newName := rest[0], rest[1]
	// Two numbers with a database are version ids; anything else names
	// files, so that POLICYWATCH_DB set in the environment does not get in
	// the way of comparing files.
	if *dbPath != "" && isVersionID(rest[0]) && isVersionID(rest[1]) {
		result, oldName, newName, err = diffVersions(ctx, *dbPath, rest[0], rest[1])
	} else {
		result, err = diffFiles(rest[0], rest[1])
		if errors.Is(err, fs.ErrNotExist) && isVersionID(rest[0]) && isVersionID(rest[1]) {
			err = fmt.Errorf("%w (to compare version ids, give --db FILE)", err)
		}
	}
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return result.WriteJSON(env.stdout)
	case "html":
		return result.WriteHTML(env.stdout, diff.HTMLOptions{
			All: *all, SideBySide: *sideBySide, Title: oldName + " → " + newName,
		})
	default:
		color := isTerminal(env.stdout) && env.getenv("NO_COLOR") == ""
		return result.WriteText(env.stdout, diff.TextOptions{All: *all, Color: color, Old: oldName, New: newName})
	}
}

func isVersionID(s string) bool {
	id, err := strconv.ParseInt(s, 10, 64)
	return err == nil && id > 0
}

// diffFiles extracts two files and compares them.
func diffFiles(oldPath, newPath string) (*diff.Result, error) {
	var docs [2]*extract.Document
	for i, path := range []string{oldPath, newPath} {
		content, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		doc, err := extract.Extract(content, extract.ContentTypeForName(path), extract.Options{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		docs[i] = doc
	}
	return diff.Compare(docs[0], docs[1]), nil
}

// diffVersions compares two versions of a database, named by their ids,
// and names them by document and date.
func diffVersions(ctx context.Context, dbPath, oldArg, newArg string) (*diff.Result, string, string, error) {
	var ids [2]int64
	for i, arg := range []string{oldArg, newArg} {
		ids[i], _ = strconv.ParseInt(arg, 10, 64)
	}
	st, err := openReadOnly(ctx, dbPath)
	if err != nil {
		return nil, "", "", err
	}
	defer st.Close()
	cmp, err := archive.New(st).Compare(ctx, ids[0], ids[1])
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, "", "", fmt.Errorf("%s: %w (see 'policywatch log --db %s' for version ids)", dbPath, err, dbPath)
	case errors.Is(err, archive.ErrDifferentDocuments):
		return nil, "", "", fmt.Errorf("%s: versions %d and %d belong to different documents", dbPath, ids[0], ids[1])
	case err != nil:
		return nil, "", "", err
	}
	name := func(v store.VersionSummary) string {
		return fmt.Sprintf("%s · %s, version %d of %s", cmp.Document.Service, cmp.Document.Type, v.ID, v.CapturedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return cmp.Result, name(cmp.From), name(cmp.To), nil
}
