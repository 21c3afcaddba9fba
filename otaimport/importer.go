package otaimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
)

// Importer records OTA histories into an archive.
type Importer struct {
	Store   *store.Store
	Archive *archive.Archive
	// Declarations are the collection's declarations: snapshots are
	// extracted with the rules in force at their capture time, and files
	// name services by their IDs, recorded under the services' names.
	// Without them, snapshots are extracted whole (noise removal only).
	Declarations []declaration.Service
	// MaxCaptureBytes bounds one capture; 0 means archive.DefaultMaxCaptureBytes.
	MaxCaptureBytes int64
	// Progress, if set, is told how many commits (dataset files) are done
	// out of how many, after each one.
	Progress func(done, total int)
}

// Summary counts what an import did.
type Summary struct {
	Source      string // the cursor's source: "ota-snapshots:ROOT", …
	Resumed     bool   // it went on from where an earlier run stopped
	Commits     int    // commits (dataset files) read
	Captures    int    // captures recorded, as versions or failed fetches
	NewVersions int
	Failed      int // captures recorded as failed fetches: their text could not be extracted
	// Skipped counts the files not recorded, by reason.
	Skipped map[string]int
	// Undeclared are the documents recorded without a declaration, hence
	// without its rules: "SERVICE/TYPE".
	Undeclared []string
}

func (s *Summary) skip(reason string) {
	if s.Skipped == nil {
		s.Skipped = map[string]int{}
	}
	s.Skipped[reason]++
}

// Reasons files are skipped.
const (
	SkipNotDocument = "not a SERVICE/TYPE file"
	SkipCombined    = "one source of a combined document (import the versions for those)"
	SkipEmpty       = "empty"
	SkipTooLarge    = "larger than the size limit"
	SkipDone        = "recorded by an earlier run"
)

func (im *Importer) limit() int64 {
	if im.MaxCaptureBytes > 0 {
		return im.MaxCaptureBytes
	}
	return archive.DefaultMaxCaptureBytes
}

// Snapshots imports an OTA snapshots repository: each commit's file is a
// raw capture, dated by the commit and extracted with the declaration's
// rules in force at that date.
func (im *Importer) Snapshots(ctx context.Context, dir string) (Summary, error) {
	r, err := openRepo(ctx, dir)
	if err != nil {
		return Summary{}, err
	}
	if err := checkShape(ctx, r, "snapshots"); err != nil {
		return Summary{}, err
	}
	decl := declarations(im.Declarations)
	return im.walk(ctx, r, "ota-snapshots:"+r.root, func(c commit, f docFile, d declared, content []byte, sum *Summary) (*archive.Capture, time.Time) {
		if f.PartID != "" {
			sum.skip(SkipCombined)
			return nil, time.Time{}
		}
		c0 := &archive.Capture{Source: capture.OTA, ContentType: f.contentType(), Content: content, URL: d.url()}
		if src, ok := d.sourceAt(c.Date); ok {
			c0.URL = src.URL
			c0.Rules = src.OptionsAt(c.Date)
		}
		return c0, c.Date
	}, decl)
}

// VersionsOptions say how a versions repository is dated.
type VersionsOptions struct {
	// SnapshotsDir, when set, is a clone of the snapshots repository:
	// each version is then dated by the commit of the snapshot it cites
	// (a version that applied a declaration upgrade years later is dated
	// by its snapshot), and by its own commit when the citation is not found.
	SnapshotsDir string
}

// Versions imports an OTA versions repository: each commit's Markdown file
// is a capture of the document's text, dated by its commit (or its
// snapshot's, see VersionsOptions).
func (im *Importer) Versions(ctx context.Context, dir string, opts VersionsOptions) (Summary, error) {
	r, err := openRepo(ctx, dir)
	if err != nil {
		return Summary{}, err
	}
	if err := checkShape(ctx, r, "versions"); err != nil {
		return Summary{}, err
	}
	source := "ota-versions:" + r.root
	var dates *snapshotDates
	if opts.SnapshotsDir != "" {
		sr, err := openRepo(ctx, opts.SnapshotsDir)
		if err != nil {
			return Summary{}, err
		}
		byHash := map[string]time.Time{}
		if err := sr.log(ctx, "", func(c commit) error { byHash[c.Hash] = c.Date; return nil }); err != nil {
			return Summary{}, err
		}
		dates = newSnapshotDates(byHash)
		source = "ota-versions-by-snapshot:" + r.root
	}
	decl := declarations(im.Declarations)
	return im.walk(ctx, r, source, func(c commit, f docFile, d declared, content []byte, sum *Summary) (*archive.Capture, time.Time) {
		if f.Ext != ".md" {
			sum.skip(SkipNotDocument)
			return nil, time.Time{}
		}
		at := c.Date
		if dates != nil {
			if t, ok := dates.versionDate(c.Message); ok {
				at = t
			}
		}
		return &archive.Capture{Source: capture.OTA, ContentType: "text/markdown", Content: content, URL: d.url()}, at
	}, decl)
}

// checkShape refuses a repository that is not OTA's kind: it must hold
// SERVICE/TYPE files at HEAD, Markdown for versions and not only Markdown
// for snapshots.
func checkShape(ctx context.Context, r *repo, kind string) error {
	files, err := r.files(ctx)
	if err != nil {
		return err
	}
	docs, markdown := 0, 0
	var others []string
	for _, p := range files {
		f, ok := parseDocPath(p)
		if !ok {
			if len(others) < 3 && !strings.HasPrefix(p, ".") {
				others = append(others, p)
			}
			continue
		}
		docs++
		if f.Ext == ".md" {
			markdown++
		}
	}
	found := ""
	if len(others) > 0 {
		found = " (found e.g. " + strings.Join(others, ", ") + ")"
	}
	switch {
	case docs == 0:
		return fmt.Errorf("%s: not an Open Terms Archive %s repository: no file is SERVICE/TYPE.EXT with an Open Terms Archive terms type, such as \"X/Privacy Policy.html\"%s", r.dir, kind, found)
	case kind == "versions" && markdown == 0:
		return fmt.Errorf("%s: not an Open Terms Archive versions repository: its documents are not Markdown (SERVICE/TYPE.md); is it a snapshots repository? (give it as --snapshots)", r.dir)
	case kind == "snapshots" && markdown == docs:
		return fmt.Errorf("%s: its documents are all Markdown (SERVICE/TYPE.md), as in a versions repository: give it as --versions", r.dir)
	}
	return nil
}

// captureOf makes the capture of one document file of a commit, and the
// date the source gives it; nil when the file is skipped (counted in sum).
type captureOf func(c commit, f docFile, d declared, content []byte, sum *Summary) (*archive.Capture, time.Time)

// walk records the commits of r after its cursor, oldest first.
func (im *Importer) walk(ctx context.Context, r *repo, source string, makeCapture captureOf, decl declarations) (Summary, error) {
	sum := Summary{Source: source}
	cursors, err := im.Store.ImportCursors(ctx, source)
	if err != nil {
		return sum, err
	}
	since := cursors[""].Position
	if since != "" && !r.isAncestor(ctx, since) {
		// History rewritten, or another repository with the same first
		// commit: start again (recording is idempotent) with fresh dating.
		since, cursors = "", map[string]store.ImportCursor{}
	}
	sum.Resumed = since != ""
	total, err := r.countCommits(ctx, since)
	if err != nil {
		return sum, err
	}
	blobs, err := r.blobs(ctx, im.limit())
	if err != nil {
		return sum, err
	}
	defer blobs.close()
	undeclared := map[string]bool{}
	if im.Progress != nil {
		im.Progress(0, total)
	}
	err = r.log(ctx, since, func(c commit) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		files := make([]docFile, len(c.Files))
		last := -1 // the last file of the commit that is a document
		for i, cf := range c.Files {
			f, ok := parseDocPath(cf.Path)
			if !ok {
				sum.skip(SkipNotDocument)
				continue
			}
			files[i], last = f, i
		}
		for i, cf := range c.Files {
			if files[i].ServiceID == "" {
				continue
			}
			if err := im.recordFile(ctx, source, c, cf, files[i], i == last, decl, makeCapture, cursors, undeclared, blobs, &sum); err != nil {
				return err
			}
		}
		sum.Commits++
		if im.Progress != nil {
			im.Progress(sum.Commits, total)
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	for key := range undeclared {
		sum.Undeclared = append(sum.Undeclared, key)
	}
	if len(decl) == 0 {
		sum.Undeclared = nil // nothing was declared: the caller says so once
	}
	// Commits after the last capture (a README, a workflow) are done too.
	return sum, im.Store.PutImportCursor(ctx, store.ImportCursor{Source: source, Position: r.head})
}

func (im *Importer) recordFile(ctx context.Context, source string, c commit, cf changedFile, f docFile, lastOfCommit bool,
	decl declarations, makeCapture captureOf, cursors map[string]store.ImportCursor, undeclared map[string]bool, blobs *blobReader, sum *Summary) error {
	d := decl.find(f.ServiceID, f.Type)
	ref := archive.DocumentRef{Service: d.service, Type: f.Type, URL: d.url()}.Canonical()
	key := ref.Service + "/" + ref.Type
	prev := cursors[key]
	if prev.Position == c.Hash {
		sum.skip(SkipDone) // recorded before this commit's other files stopped a run
		return nil
	}
	content, err := blobs.read(cf.Blob)
	switch {
	case errors.Is(err, errTooLarge):
		sum.skip(SkipTooLarge)
		return nil
	case err != nil:
		return err
	case len(content) == 0:
		sum.skip(SkipEmpty)
		return nil
	}
	capt, origin := makeCapture(c, f, d, content, sum)
	if capt == nil {
		return nil
	}
	if d.doc == nil {
		undeclared[key] = true
	}
	capt.At = captureTime(prev.OriginAt, prev.At, origin)
	next := store.ImportCursor{Source: source, Document: key, Position: c.Hash, At: capt.At, OriginAt: origin}
	capt.InTx = func(tx *store.Tx, _ capture.Class) error {
		if err := tx.PutImportCursor(next); err != nil {
			return err
		}
		if !lastOfCommit {
			return nil
		}
		return tx.PutImportCursor(store.ImportCursor{Source: source, Position: c.Hash})
	}
	out, err := im.Archive.Record(ctx, ref, *capt)
	if err != nil && archive.FailureClass(err) == "" {
		return fmt.Errorf("commit %s, %s: %w", c.Hash, cf.Path, err)
	}
	cursors[key] = next
	sum.Captures++
	if err != nil {
		sum.Failed++
	} else if out.NewVersion {
		sum.NewVersions++
	}
	return nil
}
