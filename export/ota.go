package export

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/store"
)

// DatasetFileName is a version's file name in Open Terms Archive's dataset
// layout: its UTC capture time, ":" written "-" (2023-09-20T18-34-47Z.md).
// A time with a fraction of a second (two captures that shared one date
// are a nanosecond apart) keeps it, 2023-09-20T18-34-47.000000001Z.md, so
// that no two versions of a document share a name and a round trip
// keeps their order.
func DatasetFileName(t time.Time) string {
	t = t.UTC()
	name := t.Format("2006-01-02T15-04-05")
	if ns := t.Nanosecond(); ns != 0 {
		name += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return name + "Z.md"
}

// pathPart makes a service or type name a safe path element.
func pathPart(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '-'
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" || s == "." || s == ".." {
		return "_" + s
	}
	return s
}

// OTA writes a zip in Open Terms Archive's dataset layout: every selected
// version as BASE/SERVICE/TYPE/DATE.md, and BASE/README.md saying what the
// dataset holds, where its data came from and under which licence. base is
// the folder inside the zip (OTA names it after the zip file).
func OTA(ctx context.Context, st *store.Store, f Filter, base string, w io.Writer) (int, error) {
	zw := zip.NewWriter(w)
	stats := datasetStats{services: map[string]bool{}, bySource: map[string]int{}}
	names := map[string]bool{}
	n, err := versions(ctx, st, f, func(v version) error {
		name := path.Join(base, pathPart(v.doc.Service), pathPart(v.doc.Type), DatasetFileName(v.summary.CapturedAt))
		if names[name] {
			return fmt.Errorf("two versions of %s / %s are named %s", v.doc.Service, v.doc.Type, path.Base(name))
		}
		names[name] = true
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: v.summary.CapturedAt})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, v.full.Markdown); err != nil {
			return err
		}
		stats.add(v)
		return nil
	})
	if err != nil {
		return n, err
	}
	fw, err := zw.Create(path.Join(base, "README.md"))
	if err != nil {
		return n, err
	}
	if _, err := io.WriteString(fw, stats.readme(time.Now().UTC())); err != nil {
		return n, err
	}
	return n, zw.Close()
}

type datasetStats struct {
	versions    int
	services    map[string]bool
	first, last time.Time
	bySource    map[string]int // versions by where their capture came from
}

func (s *datasetStats) add(v version) {
	s.versions++
	s.services[v.doc.Service] = true
	at := v.summary.CapturedAt
	if s.first.IsZero() || at.Before(s.first) {
		s.first = at
	}
	if at.After(s.last) {
		s.last = at
	}
	// A version is OTA's data when its capture came from OTA, even if a
	// crawl later saw the same bytes.
	source := "policywatch"
	if contains(v.sources, string(capture.OTA)) {
		source = string(capture.OTA)
	} else if len(v.sources) == 1 && v.sources[0] == string(capture.Wayback) {
		source = string(capture.Wayback)
	}
	s.bySource[source]++
}

const readmeDay = "January 2, 2006"

func (s *datasetStats) readme(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# policywatch dataset — %s\n\n", now.Format(readmeDay))
	fmt.Fprintf(&b, "This dataset holds %d versions of the documents of %d services, captured between %s and %s, exported by [policywatch](https://github.com/policywatch/policywatch) on %s.\n\n",
		s.versions, len(s.services), s.first.Format(readmeDay), s.last.Format(readmeDay), now.Format(readmeDay))
	b.WriteString(`## Format

It follows Open Terms Archive's dataset layout: each version of a document is
a Markdown file, in a directory named after the document type, in a directory
named after the service, and named after the date and time, in UTC, at which
it was captured (ISO 8601, with "-" for ":"). A fraction of a second is kept
only where a time has one.

` + "```" + `
├ README.md
├┬ Service (e.g. Facebook)
│└┬ Document type (e.g. Privacy Policy)
│ ├ YYYY-MM-DDTHH-MM-SSZ.md (e.g. 2021-08-01T01-03-12Z.md)
┆ └ …
` + "```" + `

A version is recorded only when the text of its document changed: each file is
in force from its date until the date of the next one.

## Sources and licence

`)
	sources := make([]string, 0, len(s.bySource))
	for src := range s.bySource {
		sources = append(sources, src)
	}
	sort.Strings(sources)
	for _, src := range sources {
		n := s.bySource[src]
		switch src {
		case string(capture.OTA):
			fmt.Fprintf(&b, "- %d versions come from [Open Terms Archive](https://opentermsarchive.org) collections. Open Terms Archive publishes that data under the [Open Data Commons Attribution License (ODC-BY 1.0)](https://opendatacommons.org/licenses/by/1-0/): share and adapt it, with attribution to \"Open Terms Archive\" and the collection it comes from.\n", n)
		case string(capture.Wayback):
			fmt.Fprintf(&b, "- %d versions were extracted from captures of the [Internet Archive's Wayback Machine](https://web.archive.org); its [terms of use](https://archive.org/about/terms.php) apply to that material.\n", n)
		default:
			fmt.Fprintf(&b, "- %d versions were captured by the policywatch installation that exported this dataset. Their licence is for whoever runs it to state: add it here before publishing the dataset.\n", n)
		}
	}
	b.WriteString("\nThe documents' texts are those of the services that publish them.\n")
	return b.String()
}
