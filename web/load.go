package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// This file loads what pages, feeds and the API show, and turns store
// misses into notFound errors that name what is missing.

// serviceDocuments is a service with its documents.
type serviceDocuments struct {
	Name      string
	Documents []store.Document
}

// changeItem is one change as lists and feeds show it.
type changeItem struct {
	store.ChangeEntry
	Substitutions []diff.Substitution
}

// DiffPath is the diff page of the change.
func (c changeItem) DiffPath() string {
	return diffPath(c.DocumentID, c.FromVersionID, c.ToVersionID)
}

// timelineEntry is one version in a document's timeline.
type timelineEntry struct {
	store.VersionSummary
	PreviousID    int64 // the version before it in time; 0 for the first
	Substitutions []diff.Substitution
}

func documentPath(id int64) string { return fmt.Sprintf("/documents/%d", id) }

func versionPath(docID, versionID int64) string {
	return fmt.Sprintf("/documents/%d/versions/%d", docID, versionID)
}

func diffPath(docID, fromID, toID int64) string {
	return fmt.Sprintf("/documents/%d/diff?from=%d&to=%d", docID, fromID, toID)
}

func servicePath(name string) string { return "/services/" + url.PathEscape(name) }

// decodeSubstitutions reads a change's stored substitutions. A malformed
// value is not worth failing a page for: it shows as none.
func decodeSubstitutions(raw []byte) []diff.Substitution {
	if len(raw) == 0 {
		return nil
	}
	var subs []diff.Substitution
	if err := json.Unmarshal(raw, &subs); err != nil {
		return nil
	}
	return subs
}

// servicesWithDocuments lists every service with its documents, keeping
// services that have no document yet.
func (s *Server) servicesWithDocuments(ctx context.Context) ([]serviceDocuments, error) {
	services, err := s.archive.Services(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing services: %w", err)
	}
	docs, err := s.archive.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		return nil, fmt.Errorf("listing documents: %w", err)
	}
	byService := make(map[string][]store.Document)
	for _, d := range docs {
		byService[d.Service] = append(byService[d.Service], d)
	}
	out := make([]serviceDocuments, 0, len(services))
	for _, svc := range services {
		out = append(out, serviceDocuments{Name: svc.Name, Documents: byService[svc.Name]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// servicesPage returns the limit services whose names sort after after,
// with their documents, and whether more follow.
func (s *Server) servicesPage(ctx context.Context, after string, limit int) ([]serviceDocuments, bool, error) {
	services, err := s.archive.ServicesAfter(ctx, after, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("listing services: %w", err)
	}
	more := len(services) > limit
	if more {
		services = services[:limit]
	}
	if len(services) == 0 {
		return nil, false, nil
	}
	names := make([]string, len(services))
	for i, svc := range services {
		names[i] = svc.Name
	}
	docs, err := s.archive.Documents(ctx, store.DocumentFilter{Services: names})
	if err != nil {
		return nil, false, fmt.Errorf("listing documents: %w", err)
	}
	byService := make(map[string][]store.Document)
	for _, d := range docs {
		byService[d.Service] = append(byService[d.Service], d)
	}
	out := make([]serviceDocuments, len(services))
	for i, svc := range services {
		out[i] = serviceDocuments{Name: svc.Name, Documents: byService[svc.Name]}
	}
	return out, more, nil
}

// service returns one service's documents; notFound when no such service.
func (s *Server) service(ctx context.Context, name string) (serviceDocuments, error) {
	services, err := s.archive.Services(ctx)
	if err != nil {
		return serviceDocuments{}, fmt.Errorf("listing services: %w", err)
	}
	for _, svc := range services {
		if svc.Name != name {
			continue
		}
		docs, err := s.archive.Documents(ctx, store.DocumentFilter{Service: name})
		if err != nil {
			return serviceDocuments{}, fmt.Errorf("listing documents of service %q: %w", name, err)
		}
		return serviceDocuments{Name: name, Documents: docs}, nil
	}
	return serviceDocuments{}, notFound{fmt.Sprintf("There is no service named %q.", name)}
}

// changes returns the newest changes selected by f, newest first.
func (s *Server) changes(ctx context.Context, f store.ChangeFilter) ([]changeItem, error) {
	entries, err := s.archive.Changes(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("listing changes: %w", err)
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].ToAt.Equal(entries[j].ToAt) {
			return entries[i].ToAt.After(entries[j].ToAt)
		}
		return entries[i].ID > entries[j].ID
	})
	if f.Limit > 0 && len(entries) > f.Limit {
		entries = entries[:f.Limit]
	}
	items := make([]changeItem, len(entries))
	for i, e := range entries {
		items[i] = changeItem{ChangeEntry: e, Substitutions: decodeSubstitutions(e.Substitutions)}
	}
	return items, nil
}

// documentAt loads the document named by the request's {id}.
func (s *Server) documentAt(r *http.Request) (store.Document, error) {
	id, err := parseID("document id", r.PathValue("id"))
	if err != nil {
		return store.Document{}, err
	}
	return s.document(r.Context(), id)
}

func (s *Server) document(ctx context.Context, id int64) (store.Document, error) {
	doc, err := s.archive.Document(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return doc, notFound{fmt.Sprintf("There is no document with id %d.", id)}
	}
	if err != nil {
		return doc, fmt.Errorf("loading document %d: %w", id, err)
	}
	return doc, nil
}

// timelinePage is one page of a document's timeline, newest first, and
// whether there are versions beyond it on either side.
type timelinePage struct {
	Entries      []timelineEntry
	Older, Newer bool
}

// OlderThan and NewerThan are the cursors of the pages after and before
// this one: the oldest and the newest version shown.
func (p timelinePage) OlderThan() int64 { return p.Entries[len(p.Entries)-1].ID }
func (p timelinePage) NewerThan() int64 { return p.Entries[0].ID }

// timeline returns the page of a document's versions r selects (r.Limit
// versions at most; 0 for all), newest first, with what was stored of
// their changes and marks. Versions of another document named by r are
// notFound.
func (s *Server) timeline(ctx context.Context, docID int64, r store.VersionRange) (timelinePage, error) {
	limit := r.Limit
	if limit > 0 {
		r.Limit++ // one more tells whether there is more, and the previous of the last
	}
	versions, err := s.archive.Versions(ctx, docID, r)
	if errors.Is(err, store.ErrNotFound) {
		return timelinePage{}, notFound{fmt.Sprintf("Document %d has no version %d.", docID, max(r.Before, r.After))}
	}
	if err != nil {
		return timelinePage{}, fmt.Errorf("listing versions of document %d: %w", docID, err)
	}
	var page timelinePage
	if limit > 0 && len(versions) > limit {
		if r.After != 0 && r.Before == 0 {
			// The page just above After: the extra one is the newest.
			versions, page.Newer = versions[1:], true
		} else {
			page.Older = true
		}
	}
	page.Newer = page.Newer || r.Before != 0
	page.Older = page.Older || r.After != 0 && r.Before == 0
	page.Entries = make([]timelineEntry, 0, len(versions))
	for i, v := range versions {
		if limit > 0 && i == limit {
			break
		}
		// The version before is the one the change came from: the next on
		// the page may be older still when a filter leaves some out.
		e := timelineEntry{VersionSummary: v}
		if v.Change != nil {
			e.PreviousID = v.Change.FromVersionID
		} else if i+1 < len(versions) && len(r.Classes)+len(r.Magnitudes) == 0 {
			e.PreviousID = versions[i+1].ID
		}
		if v.Change != nil {
			e.Substitutions = decodeSubstitutions(v.Change.Substitutions)
		}
		page.Entries = append(page.Entries, e)
	}
	return page, nil
}

// versionOf loads a version and checks that it belongs to the document.
func (s *Server) versionOf(ctx context.Context, docID, versionID int64) (store.Version, error) {
	v, err := s.archive.Version(ctx, versionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && v.DocumentID != docID) {
		return store.Version{}, notFound{fmt.Sprintf("Document %d has no version %d.", docID, versionID)}
	}
	if err != nil {
		return store.Version{}, fmt.Errorf("loading version %d: %w", versionID, err)
	}
	return v, nil
}

// compare diffs two versions. When docID is not 0 both must belong to that
// document; in any case they must belong to the same one. Unknown ids are
// notFound, versions of another document a badRequest.
func (s *Server) compare(ctx context.Context, docID, fromID, toID int64) (*archive.Comparison, error) {
	cmp, err := s.archive.Compare(ctx, fromID, toID)
	var missing *archive.NoVersionError
	var apart *archive.DifferentDocumentsError
	switch {
	case errors.As(err, &missing):
		return nil, notFound{fmt.Sprintf("There is no version with id %d.", missing.ID)}
	case errors.As(err, &apart) && docID != 0:
		v, owner := apart.From, apart.FromDocument
		if owner == docID {
			v, owner = apart.To, apart.ToDocument
		}
		return nil, badRequest{fmt.Sprintf("version %d belongs to document %d, not to document %d", v, owner, docID)}
	case errors.As(err, &apart):
		return nil, badRequest{fmt.Sprintf("versions %d and %d belong to different documents (%d and %d)", fromID, toID, apart.FromDocument, apart.ToDocument)}
	case err != nil:
		return nil, fmt.Errorf("comparing versions %d and %d: %w", fromID, toID, err)
	}
	for _, v := range []store.VersionSummary{cmp.From, cmp.To} {
		if docID != 0 && v.DocumentID != docID {
			return nil, badRequest{fmt.Sprintf("version %d belongs to document %d, not to document %d", v.ID, v.DocumentID, docID)}
		}
	}
	return cmp, nil
}

// Sizes of timeline pages: the document page's, and the API's default and
// largest.
const (
	timelineVersions    = 100
	apiVersionsDefault  = 100
	apiVersionsLargest  = 1000
	pickerVersionsShown = 200
)

// versionRangeOf reads a timeline page's query parameters: before or after
// (a version id; the page of older or of newer versions) and, where the
// caller allows it (largest > 0), limit.
func versionRangeOf(r *http.Request, limit, largest int) (store.VersionRange, error) {
	q := r.URL.Query()
	out := store.VersionRange{Limit: limit}
	for _, p := range []struct {
		name string
		into *int64
	}{{"before", &out.Before}, {"after", &out.After}} {
		if raw := q.Get(p.name); raw != "" {
			id, err := parseID("query parameter "+p.name+" (a version id)", raw)
			if err != nil {
				return out, err
			}
			*p.into = id
		}
	}
	if out.Before != 0 && out.After != 0 {
		return out, badRequest{"give before or after, not both"}
	}
	if raw := q.Get("limit"); raw != "" && largest > 0 {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > largest {
			return out, badRequest{fmt.Sprintf("query parameter limit %q: want a number of versions from 1 to %d", raw, largest)}
		}
		out.Limit = n
	}
	return out, nil
}
