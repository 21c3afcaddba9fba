// Package export writes what a policywatch database holds in formats
// other tools read: Open Terms Archive's dataset layout (a zip of
// SERVICE/TYPE/DATE.md), JSON Lines of the versions, and WARC 1.1 of the
// raw captures. Each is written to a temporary file beside its
// destination and renamed at the end: an interrupted export leaves
// nothing half-written.
package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
)

// Filter selects what is exported; zero fields select everything.
type Filter struct {
	Service string
	Type    string // a terms type or alias: "Cookies Policy" is the "Trackers Policy"
	// From and To bound the capture time of versions and captures,
	// inclusive.
	From, To time.Time
}

func (f Filter) includes(t time.Time) bool {
	return (f.From.IsZero() || !t.Before(f.From)) && (f.To.IsZero() || !t.After(f.To))
}

// ErrNothing is an export that would hold nothing.
var ErrNothing = errors.New("nothing to export")

// documents returns the documents f selects.
func documents(ctx context.Context, st *store.Store, f Filter) ([]store.Document, error) {
	ref := archive.DocumentRef{Service: f.Service, Type: f.Type}.Canonical()
	docs, err := st.Documents(ctx, store.DocumentFilter{Service: ref.Service, Type: ref.Type})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w: no documents%s", ErrNothing, describe(f))
	}
	return docs, nil
}

func describe(f Filter) string {
	var parts []string
	if f.Service != "" {
		parts = append(parts, "of service "+f.Service)
	}
	if f.Type != "" {
		parts = append(parts, "of type "+f.Type)
	}
	if !f.From.IsZero() {
		parts = append(parts, "from "+f.From.Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		parts = append(parts, "to "+f.To.Format(time.RFC3339))
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// version is one version to export, with what led to it.
type version struct {
	doc     store.Document
	summary store.VersionSummary
	full    store.Version
	sources []string // where its snapshot came from (fetch sources)
}

// versions returns the selected versions, by document then time, with
// their content read one document at a time.
func versions(ctx context.Context, st *store.Store, f Filter, each func(version) error) (int, error) {
	docs, err := documents(ctx, st, f)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range docs {
		summaries, err := st.Versions(ctx, d.ID)
		if err != nil {
			return n, err
		}
		fetches, err := st.Fetches(ctx, d.ID)
		if err != nil {
			return n, err
		}
		sourcesOf := map[string][]string{}
		for _, fe := range fetches {
			if fe.SnapshotHash != "" && !contains(sourcesOf[fe.SnapshotHash], fe.Source) {
				sourcesOf[fe.SnapshotHash] = append(sourcesOf[fe.SnapshotHash], fe.Source)
			}
		}
		sort.SliceStable(summaries, func(i, j int) bool { return summaries[i].CapturedAt.Before(summaries[j].CapturedAt) })
		for _, s := range summaries {
			if !f.includes(s.CapturedAt) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return n, err
			}
			full, err := st.Version(ctx, s.ID)
			if err != nil {
				return n, err
			}
			if err := each(version{doc: d, summary: s, full: full, sources: sourcesOf[s.SnapshotHash]}); err != nil {
				return n, err
			}
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("%w: no versions%s", ErrNothing, describe(f))
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// WriteFile writes path through write, atomically: into a temporary file
// in the same directory, synced and renamed over path at the end. An
// existing path is an error unless force; on any error nothing is left.
func WriteFile(path string, force bool, write func(f *os.File) error) (err error) {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists: give --force to replace it", path)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("export to %s: %w", path, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if !force {
		// A link fails if path appeared meanwhile: never replace what
		// another process just wrote.
		if err := os.Link(tmp.Name(), path); err == nil {
			return os.Remove(tmp.Name())
		} else if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: give --force to replace it", path)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
