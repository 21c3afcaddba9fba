package otaimport

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
)

// datasetName matches a dataset file's name, its version's time:
// 2023-09-20T18-34-47Z.md as OTA writes it (":" as "-", no fraction), with
// a fraction of a second when policywatch exports a time that has one.
var datasetName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})T(\d{2})[-:](\d{2})[-:](\d{2})(\.\d{1,9})?Z\.md$`)

// parseDatasetName returns the time a dataset file is named by.
func parseDatasetName(name string) (time.Time, bool) {
	m := datasetName.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999Z", m[1]+"T"+m[2]+":"+m[3]+":"+m[4]+m[5]+"Z")
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// datasetFile is one version of a dataset.
type datasetFile struct {
	path          string
	service, kind string
	at            time.Time
}

// Dataset imports an OTA dataset: a zip file (as OTA releases them, and as
// policywatch export --format ota writes them) or its unpacked directory,
// holding [BASE/]SERVICE/TYPE/DATE.md. Each file is a Markdown capture
// dated by its name. Recording is idempotent, so a run that stopped is
// simply run again.
func (im *Importer) Dataset(ctx context.Context, path string) (Summary, error) {
	sum := Summary{Source: "ota-dataset"}
	fsys, closeFS, err := openDataset(path)
	if err != nil {
		return sum, err
	}
	defer closeFS()
	var files []datasetFile
	var others []string
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %s: %w", path, p, unwrap(err))
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		parts := strings.Split(p, "/")
		n := len(parts)
		at, ok := parseDatasetName(parts[n-1])
		if !ok || n < 3 {
			if base := parts[n-1]; !strings.HasPrefix(strings.ToUpper(base), "README") && !strings.HasPrefix(strings.ToUpper(base), "LICENSE") {
				sum.skip(SkipNotDocument)
				if len(others) < 3 {
					others = append(others, p)
				}
			}
			return nil
		}
		files = append(files, datasetFile{path: p, service: parts[n-3], kind: parts[n-2], at: at})
		return nil
	})
	if err != nil {
		return sum, err
	}
	if len(files) == 0 {
		found := ""
		if len(others) > 0 {
			found = " (found e.g. " + strings.Join(others, ", ") + ")"
		}
		return sum, fmt.Errorf("%s: not an Open Terms Archive dataset: no file is SERVICE/TYPE/2023-09-20T18-34-47Z.md%s", path, found)
	}
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i], files[j]
		if a.service != b.service {
			return a.service < b.service
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.at.Before(b.at)
	})
	decl := declarations(im.Declarations)
	if im.Progress != nil {
		im.Progress(0, len(files))
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		content, err := readLimited(fsys, f.path, im.limit())
		if err != nil {
			return sum, fmt.Errorf("%s: %w", path, err)
		}
		sum.Commits++
		if len(content) == 0 {
			sum.skip(SkipEmpty)
			continue
		}
		d := decl.find(f.service, f.kind)
		ref := archive.DocumentRef{Service: d.service, Type: f.kind, URL: d.url()}
		out, err := im.Archive.Record(ctx, ref, archive.Capture{At: f.at, Source: capture.OTA, URL: d.url(), ContentType: "text/markdown", Content: content})
		if err != nil && archive.FailureClass(err) == "" {
			return sum, fmt.Errorf("%s: %s: %w", path, f.path, err)
		}
		sum.Captures++
		if err != nil {
			sum.Failed++
		} else if out.NewVersion {
			sum.NewVersions++
		}
		if im.Progress != nil {
			im.Progress(sum.Commits, len(files))
		}
	}
	return sum, nil
}

// openDataset opens a dataset zip file or directory as a file system.
func openDataset(path string) (fs.FS, func(), error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, unwrap(err))
	}
	if info.IsDir() {
		return os.DirFS(path), func() {}, nil
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a dataset zip file: %w", path, err)
	}
	return z, func() { z.Close() }, nil
}

func readLimited(fsys fs.FS, p string, limit int64) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, unwrap(err))
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if int64(len(content)) > limit {
		return nil, fmt.Errorf("%s: larger than the %d-byte limit of one capture", p, limit)
	}
	return content, nil
}
