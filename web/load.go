package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"

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
	services, err := s.store.Services(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing services: %w", err)
	}
	docs, err := s.store.Documents(ctx, store.DocumentFilter{})
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

// service returns one service's documents; notFound when no such service.
func (s *Server) service(ctx context.Context, name string) (serviceDocuments, error) {
	services, err := s.store.Services(ctx)
	if err != nil {
		return serviceDocuments{}, fmt.Errorf("listing services: %w", err)
	}
	for _, svc := range services {
		if svc.Name != name {
			continue
		}
		docs, err := s.store.Documents(ctx, store.DocumentFilter{Service: name})
		if err != nil {
			return serviceDocuments{}, fmt.Errorf("listing documents of service %q: %w", name, err)
		}
		return serviceDocuments{Name: name, Documents: docs}, nil
	}
	return serviceDocuments{}, notFound{fmt.Sprintf("There is no service named %q.", name)}
}

// changes returns the newest changes selected by f, newest first.
func (s *Server) changes(ctx context.Context, f store.ChangeFilter) ([]changeItem, error) {
	entries, err := s.store.Changes(ctx, f)
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
	doc, err := s.store.Document(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return doc, notFound{fmt.Sprintf("There is no document with id %d.", id)}
	}
	if err != nil {
		return doc, fmt.Errorf("loading document %d: %w", id, err)
	}
	return doc, nil
}

// timeline returns a document's versions, newest first, with their stored
// marks.
func (s *Server) timeline(ctx context.Context, docID int64) ([]timelineEntry, error) {
	versions, err := s.store.Versions(ctx, docID)
	if err != nil {
		return nil, fmt.Errorf("listing versions of document %d: %w", docID, err)
	}
	sort.SliceStable(versions, func(i, j int) bool {
		if !versions[i].CapturedAt.Equal(versions[j].CapturedAt) {
			return versions[i].CapturedAt.Before(versions[j].CapturedAt)
		}
		return versions[i].ID < versions[j].ID
	})
	entries := make([]timelineEntry, len(versions))
	for i, v := range versions {
		e := timelineEntry{VersionSummary: v}
		if i > 0 {
			e.PreviousID = versions[i-1].ID
		}
		if v.Change != nil {
			e.Substitutions = decodeSubstitutions(v.Change.Substitutions)
		}
		// Newest first.
		entries[len(versions)-1-i] = e
	}
	return entries, nil
}

// versionOf loads a version and checks that it belongs to the document.
func (s *Server) versionOf(ctx context.Context, docID, versionID int64) (store.Version, error) {
	v, err := s.store.Version(ctx, versionID)
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
	var owners [2]int64
	for i, id := range []int64{fromID, toID} {
		v, err := s.store.Version(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, notFound{fmt.Sprintf("There is no version with id %d.", id)}
		}
		if err != nil {
			return nil, fmt.Errorf("loading version %d: %w", id, err)
		}
		if docID != 0 && v.DocumentID != docID {
			return nil, badRequest{fmt.Sprintf("version %d belongs to document %d, not to document %d", id, v.DocumentID, docID)}
		}
		owners[i] = v.DocumentID
	}
	if owners[0] != owners[1] {
		return nil, badRequest{fmt.Sprintf("versions %d and %d belong to different documents (%d and %d)", fromID, toID, owners[0], owners[1])}
	}
	cmp, err := s.archive.Compare(ctx, fromID, toID)
	if err != nil {
		return nil, fmt.Errorf("comparing versions %d and %d: %w", fromID, toID, err)
	}
	return cmp, nil
}
