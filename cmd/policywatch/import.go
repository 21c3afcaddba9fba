package main

import (
	"context"
	"fmt"
	"io/fs"
	neturl "net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"import", "--db DB --service NAME --type TYPE [--url URL] [--date TIME] FILE...", "record captures stored as files", runImport})
}

func runImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "import")
	dbPath := fs.String("db", "policywatch.db", "the database: a SQLite `FILE` (created if missing) or a postgres://… URL")
	service := fs.String("service", "", "the service the document belongs to, e.g. X (required)")
	docType := fs.String("type", "", "the document type, e.g. \"Privacy Policy\" (required)")
	url := fs.String("url", "", "the `URL` the document is published at")
	date := fs.String("date", "", "when the one FILE was captured: 2023-09-20, 2023-09-20T18:34:47Z or RFC 3339 (default: from each file's name)")
	maxSize := fs.String("max-size", defaultMaxSize, "the largest capture `SIZE` read from one file, after decompressing a .gz file (as the crawler's limit for a page); e.g. 50MiB")
	paths, err := parseFlags(env, fs, args, `
Records captures stored as files — HTML, Markdown or plain text — as the
history of one document. A new version is kept only when a file's text
differs from the version in effect at its capture time; importing the same
file again changes nothing.

Each file is dated by its name when --date is not given: names such as
2023-09-20T18-34-47Z.html (Open Terms Archive's form) or 2023-09-20.md.
Directories are walked; files are recorded in date order. A file named
*.gz that holds gzip data is decompressed first. A file larger than
--max-size is refused before it is read, and content that is not text (an
image, an archive, random bytes) is recorded as a failed capture, never as a
version. A type that Open Terms Archive knows by another name is stored by
its canonical name, so that imports and crawls meet: --type "Cookies
Policy" records a "Trackers Policy".
A type Open Terms Archive retired in 2023, such as "Community Guidelines -
Spam", is recorded as a document of its own under that name: its page is
only one of the pages of today's "Community Guidelines", which a crawl
captures whole.`)
	if err != nil {
		return err
	}
	if strings.TrimSpace(*service) == "" {
		return usagef("--service is required: the service the document belongs to, e.g. --service X")
	}
	if strings.TrimSpace(*docType) == "" {
		return usagef("--type is required: the document type, e.g. --type \"Privacy Policy\"")
	}
	if *url != "" {
		if u, err := neturl.Parse(*url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("--url %q is not an absolute http or https URL", *url)
		}
	}
	if len(paths) == 0 {
		return usagef("no FILE given: name the capture files or directories to import")
	}
	limit, err := parseSize(*maxSize)
	if err != nil {
		return usagef("--max-size: %v", err)
	}
	var at time.Time
	if *date != "" {
		if at, err = archive.ParseDate(*date); err != nil {
			return usagef("--date: %v", err)
		}
	}
	// Check every file before touching the database, so a typo stores nothing.
	files, err := archive.CollectFiles(osFiles{}, paths, at)
	if err != nil {
		return err
	}

	st, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	ref := archive.DocumentRef{Service: *service, Type: *docType, URL: *url}.Canonical()
	if current, retired := declaration.IsRetiredType(ref.Type); retired {
		fmt.Fprintf(env.stderr, "policywatch import: %q is a type Open Terms Archive retired in 2023: recorded as a document of its own, not as %q, of which its page is one part\n", ref.Type, current)
	}
	ar := archive.New(st)
	ar.SetMaxCaptureBytes(limit)
	sum, err := ar.RecordFiles(ctx, ref, files, capture.Import, func(_ int, f archive.File, o archive.Outcome) {
		what := fmt.Sprintf("same text as version %d", o.VersionID)
		if o.NewVersion {
			what = fmt.Sprintf("new version %d", o.VersionID)
		}
		fmt.Fprintf(env.stdout, "%s  %-28s %s\n", f.At.Format(time.RFC3339), what, f.Path)
	})
	if sum.Files > 0 || err == nil {
		fmt.Fprintf(env.stdout, "%s / %s: recorded %d of %d captures, %d new versions, in %s\n",
			ref.Service, ref.Type, sum.Files, len(files), sum.NewVersions, st.Path()) // a URL without its password
	}
	return err
}

// osFiles opens files by their operating-system path, relative or absolute,
// so that import's messages name files exactly as the user did.
type osFiles struct{}

func (osFiles) Open(name string) (fs.File, error) { return os.Open(name) }

// defaultMaxSize is the --max-size of the commands that record captures:
// capture.MaxBytes, the crawler's limit for a page, written as a size.
var defaultMaxSize = fmt.Sprintf("%dMiB", capture.MaxBytes>>20)

// parseSize reads a size such as 20MB, 512KiB or 1048576 (bytes).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	upper := strings.ToUpper(strings.TrimSpace(s))
	factor := int64(1)
	for _, u := range units {
		if strings.HasSuffix(upper, u.suffix) {
			upper, factor = strings.TrimSpace(strings.TrimSuffix(upper, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(upper, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/factor {
		return 0, fmt.Errorf("%q is not a size such as 20MB, 512KiB or 1048576", s)
	}
	return n * factor, nil
}
