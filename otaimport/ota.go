// Package otaimport imports the history of an Open Terms Archive (OTA)
// collection from local clones of its repositories — the snapshots (raw
// captures, one commit each), the versions (OTA's Markdown, one commit
// each, citing the snapshot it was extracted from) — or from one of its
// datasets (a zip of SERVICE/TYPE/DATE.md). Every capture goes through
// archive.Record, with source capture.OTA.
//
// A repository import keeps a cursor per repository and per document in
// the database, moved in the transaction that records each capture, so a
// run that stops (killed, interrupted) is taken up where it stopped by the
// next one; recording a capture twice changes nothing.
package otaimport

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/extract"
)

// docFile is a file of an OTA repository named SERVICE/TYPE.EXT, or
// SERVICE/TYPE #ID.EXT for one source of a document made of several.
type docFile struct {
	ServiceID string
	Type      string // as the file names it
	PartID    string // "" for a single-source document
	Ext       string // ".html", ".md", …
}

// parseDocPath reads a repository path as an OTA document file; ok is
// false for anything else (a README, CI files, a deeper path, a type OTA
// does not know).
func parseDocPath(p string) (docFile, bool) {
	dir, file := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" || strings.Contains(dir, "/") || strings.HasPrefix(dir, ".") || strings.HasPrefix(file, ".") {
		return docFile{}, false
	}
	ext := path.Ext(file)
	name := strings.TrimSuffix(file, ext)
	if ext == "" || name == "" {
		return docFile{}, false
	}
	d := docFile{ServiceID: dir, Type: name, Ext: strings.ToLower(ext)}
	if typ, part, ok := strings.Cut(name, " #"); ok {
		d.Type, d.PartID = typ, part
	}
	if _, known := declaration.CanonicalType(d.Type); !known {
		return docFile{}, false
	}
	return d, true
}

// contentType is the media type of a snapshot file, by its extension.
func (d docFile) contentType() string {
	if t := extract.ContentTypeForName("x" + d.Ext); t != "" {
		return t
	}
	return "" // let the extractor sniff it
}

// citedSnapshot matches what a version commit's message says it was
// extracted from: "This version was recorded after extracting from
// snapshot https://github.com/OpenTermsArchive/…-snapshots/commit/SHA",
// one "- URL" line per source of a combined document, or a bare SHA (OTA
// reads any 5 to 40 hexadecimal digits of the body as snapshot ids).
var citedSnapshot = regexp.MustCompile(`\b[0-9a-f]{7,40}\b`)

// citations returns the snapshot ids a version commit's message cites,
// from its body (the subject names the document, never a snapshot).
func citations(message string) []string {
	_, body, _ := strings.Cut(message, "\n")
	return citedSnapshot.FindAllString(body, -1)
}

// snapshotDates resolves snapshot ids, full or abbreviated, to the dates
// of their commits.
type snapshotDates struct {
	hashes []string // sorted
	dates  map[string]time.Time
}

func newSnapshotDates(dates map[string]time.Time) *snapshotDates {
	s := &snapshotDates{dates: dates}
	for h := range dates {
		s.hashes = append(s.hashes, h)
	}
	sort.Strings(s.hashes)
	return s
}

// lookup returns the date of the commit id names, when exactly one
// commit starts with id.
func (s *snapshotDates) lookup(id string) (time.Time, bool) {
	if t, ok := s.dates[id]; ok {
		return t, true
	}
	i := sort.SearchStrings(s.hashes, id)
	if i < len(s.hashes) && strings.HasPrefix(s.hashes[i], id) && (i+1 == len(s.hashes) || !strings.HasPrefix(s.hashes[i+1], id)) {
		return s.dates[s.hashes[i]], true
	}
	return time.Time{}, false
}

// versionDate dates a version by the snapshots it cites: the latest of
// them (a combined document is assembled when its last part was captured);
// ok is false when none of them is known.
func (s *snapshotDates) versionDate(message string) (time.Time, bool) {
	var latest time.Time
	for _, id := range citations(message) {
		if t, ok := s.lookup(id); ok && t.After(latest) {
			latest = t
		}
	}
	return latest, !latest.IsZero()
}

// declared is what the declarations say of one document of the archive.
type declared struct {
	service string // the service's name, as users and crawls know it
	doc     *declaration.Document
}

// declarations finds the declaration of a document of an OTA repository:
// the file names the service by its ID (the declaration's file name).
type declarations []declaration.Service

// find returns what the declarations say of the document a file names.
// A file of a retired type ("Community Guidelines - Spam", a document of
// its own until 2023) is one page of its current type's document today:
// its declaration is that page's part of it (declaration.Document.Part),
// never the whole, whose other pages it was not captured with.
func (ds declarations) find(serviceID, typ string) declared {
	canonical, _ := declaration.CanonicalType(typ)
	current, retired := declaration.IsRetiredType(typ)
	if retired {
		canonical = current
	}
	for _, byID := range []bool{true, false} {
		for i := range ds {
			s := &ds[i]
			if byID && s.ID != serviceID || !byID && !strings.EqualFold(s.ID, serviceID) && !strings.EqualFold(s.Name, serviceID) {
				continue
			}
			for _, list := range [][]declaration.Document{s.Documents, s.Retired} {
				for k := range list {
					if list[k].Type != canonical {
						continue
					}
					if !retired {
						return declared{service: s.Name, doc: &list[k]}
					}
					if part, ok := list[k].Part(declaration.StoredType(typ)); ok {
						return declared{service: s.Name, doc: &part}
					}
				}
			}
			return declared{service: s.Name}
		}
	}
	return declared{service: serviceID}
}

// url is the document's current URL, "" when it is not declared.
func (d declared) url() string {
	if d.doc == nil || len(d.doc.Sources) == 0 {
		return ""
	}
	return d.doc.Sources[0].URL
}

// sourceAt is the declared source in force at t, and whether there is one.
func (d declared) sourceAt(t time.Time) (declaration.Source, bool) {
	if d.doc == nil {
		return declaration.Source{}, false
	}
	sources := d.doc.At(t).Sources
	if len(sources) == 0 {
		return declaration.Source{}, false
	}
	return sources[0], true
}

// captureTime is the time a capture is recorded at: its source's date,
// except that captures sharing one date (older collections have many
// commits with the same one) are a nanosecond apart, in commit order, so
// that their versions keep that order. prevOrigin and prevAt are the
// date and recorded time of the document's previous capture.
func captureTime(prevOrigin, prevAt, origin time.Time) time.Time {
	if !prevAt.IsZero() && origin.Equal(prevOrigin) {
		return prevAt.Add(time.Nanosecond)
	}
	return origin
}
