package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
)

// File is one capture stored as a file, dated by its name or by the caller.
type File struct {
	FS   fs.FS
	Path string // path inside FS
	At   time.Time
}

// Name is the file's path as the user knows it, for messages.
func (f File) Name() string { return f.Path }

// captureNamePattern matches names that start with a date, optionally with a
// time: "2023-09-20T18-34-47Z.md" (Open Terms Archive's form, ":" written
// "-"), "2023-09-20T18:34:47Z.html", "2023-09-20.txt", "2023-09-20-privacy.html".
var captureNamePattern = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[T_ ](\d{2})[-:](\d{2})(?:[-:](\d{2}))?(?:\.\d+)?Z?)?`)

// DateFromName returns the capture time a file name starts with, in UTC.
func DateFromName(name string) (time.Time, bool) {
	m := captureNamePattern.FindStringSubmatch(path.Base(name))
	if m == nil {
		return time.Time{}, false
	}
	stamp := m[1] + "-" + m[2] + "-" + m[3]
	layout := "2006-01-02"
	if m[4] != "" {
		stamp += "T" + m[4] + ":" + m[5]
		layout += "T15:04"
		if m[6] != "" {
			stamp += ":" + m[6]
			layout += ":05"
		}
	}
	t, err := time.Parse(layout, stamp)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// dateLayouts are the forms ParseDate accepts, most precise first.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// ParseDate reads a capture time given by a user. A time without a zone is UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: use 2023-09-20, 2023-09-20T18:34:47Z or RFC 3339", s)
}

// CollectFiles lists the capture files at roots inside fsys, walking
// directories (skipping hidden entries), dated by date when it is not zero and
// else by their names. They come back in date order, then by path. A file
// that cannot be dated is an error naming it, returned before anything is
// recorded.
func CollectFiles(fsys fs.FS, roots []string, date time.Time) ([]File, error) {
	if len(roots) == 0 {
		return nil, errors.New("no files given")
	}
	var files []File
	for _, root := range roots {
		info, err := fs.Stat(fsys, root)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", root, unwrapPathError(err))
		}
		if !info.IsDir() {
			files = append(files, File{FS: fsys, Path: root})
			continue
		}
		err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("%s: %w", p, unwrapPathError(err))
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && !isReadme(d.Name()) {
				files = append(files, File{FS: fsys, Path: p})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no files found", strings.Join(roots, ", "))
	}
	if !date.IsZero() && len(files) > 1 {
		return nil, fmt.Errorf("--date gives one capture time, but %d files were given: name the files by their capture time (2023-09-20T18-34-47Z.html) instead", len(files))
	}
	for i := range files {
		if !date.IsZero() {
			files[i].At = date.UTC()
			continue
		}
		at, ok := DateFromName(files[i].Path)
		if !ok {
			return nil, fmt.Errorf("%s: cannot tell when it was captured: name it by its capture time (2023-09-20T18-34-47Z%s) or give --date", files[i].Path, path.Ext(files[i].Path))
		}
		files[i].At = at
	}
	sort.SliceStable(files, func(i, j int) bool {
		if !files[i].At.Equal(files[j].At) {
			return files[i].At.Before(files[j].At)
		}
		return files[i].Path < files[j].Path
	})
	return files, nil
}

// A README beside dated captures describes them; it is not one of them.
func isReadme(name string) bool {
	return strings.HasPrefix(strings.ToUpper(name), "README")
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// DefaultMaxCaptureBytes is the largest capture recorded from a file: the
// crawler's limit for a page (capture.MaxBytes), so that an import cannot
// make a capture a crawl would have refused.
const DefaultMaxCaptureBytes = capture.MaxBytes

// SetMaxCaptureBytes sets the largest capture RecordFiles reads from a
// file (after decompressing a .gz file); n <= 0 restores the default.
func (a *Archive) SetMaxCaptureBytes(n int64) {
	if n <= 0 {
		n = DefaultMaxCaptureBytes
	}
	a.maxCaptureBytes = n
}

// readCaptureFile reads one capture file, refusing one larger than limit
// before reading it whole. A file named *.gz that holds gzip data is
// decompressed (with the same limit), and typed by the name without ".gz".
func readCaptureFile(f File, limit int64) (content []byte, name string, err error) {
	name = f.Path
	fail := func(format string, args ...any) ([]byte, string, error) {
		return nil, "", fmt.Errorf("%s: "+format, append([]any{f.Path}, args...)...)
	}
	file, err := f.FS.Open(f.Path)
	if err != nil {
		return fail("%w", unwrapPathError(err))
	}
	defer file.Close()
	if info, err := file.Stat(); err == nil && info.Size() > limit {
		return fail("%d bytes, larger than the %d-byte limit for one capture (raise it with --max-size)", info.Size(), limit)
	}
	content, err = io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return fail("%w", unwrapPathError(err))
	}
	if int64(len(content)) > limit {
		return fail("larger than the %d-byte limit for one capture (raise it with --max-size)", limit)
	}
	if strings.EqualFold(path.Ext(name), ".gz") && bytes.HasPrefix(content, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(content))
		if err != nil {
			return fail("not a valid gzip file: %v", err)
		}
		defer zr.Close()
		content, err = io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return fail("decompressing: %v", err)
		}
		if int64(len(content)) > limit {
			return fail("decompresses to more than the %d-byte limit for one capture (raise it with --max-size)", limit)
		}
		name = strings.TrimSuffix(name, path.Ext(name))
	}
	return content, name, nil
}

// ImportSummary counts what RecordFiles did.
type ImportSummary struct {
	Files       int // captures recorded
	NewVersions int
	DocumentID  int64
}

// RecordFiles records files, in the order given, as captures of one document.
// progress, if not nil, is called after each file. It stops at the first
// error; what was recorded before stays recorded (each capture is its own
// transaction and history stays consistent after each).
func (a *Archive) RecordFiles(ctx context.Context, ref DocumentRef, files []File, source capture.Source, progress func(done int, f File, o Outcome)) (ImportSummary, error) {
	var sum ImportSummary
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		content, name, err := readCaptureFile(f, a.maxCaptureBytes)
		if err != nil {
			return sum, err
		}
		out, err := a.Record(ctx, ref, Capture{
			At:          f.At,
			Source:      source,
			URL:         ref.URL,
			ContentType: extract.ContentTypeForName(name),
			Content:     content,
		})
		if err != nil {
			return sum, fmt.Errorf("%s: %w", f.Path, err)
		}
		sum.Files++
		sum.DocumentID = out.DocumentID
		if out.NewVersion {
			sum.NewVersions++
		}
		if progress != nil {
			progress(i+1, f, out)
		}
	}
	return sum, nil
}
