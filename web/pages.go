package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
)

type homeBody struct {
	Services []serviceDocuments
	Changes  changeList
	// After is the name the services listed follow ("" from the first);
	// More says others follow them.
	After string
	More  bool
}

// NextAfter is the cursor of the next page of services.
func (b homeBody) NextAfter() string { return b.Services[len(b.Services)-1].Name }

// changeList is a page of changes as lists show them: the newest first,
// each with a bar scaled to the largest, the filter in force, and where
// the older ones are.
type changeList struct {
	Items   []changeItem
	Largest int
	Filter  changeFilter
	// Path is the list's own page (the filter and cursor follow it);
	// Older is the cursor of the next page (0: none), Paged that this is
	// not the first page.
	Path  string
	Older int64
	Paged bool
	// AllPath, when set, is the page of every change beyond this list.
	AllPath string
}

// OlderPath is the page after this one.
func (l changeList) OlderPath() string {
	return l.Path + "?before=" + strconv.FormatInt(l.Older, 10) + l.Filter.Query()
}

// NewestPath is the first page, with the filter.
func (l changeList) NewestPath() string {
	if q := l.Filter.Query(); q != "" {
		return l.Path + "?" + q[1:]
	}
	return l.Path
}

// changeList loads a page of changes: f's filters, limit of them after
// the change before (0: the newest).
func (s *Server) changeList(r *http.Request, f store.ChangeFilter, filter changeFilter, limit int, before int64, path string) (changeList, error) {
	f.Classes, f.Magnitudes = filter.Classes, filter.Magnitudes
	f.Limit, f.Before = limit+1, before
	items, err := s.changes(r.Context(), f)
	if err != nil {
		return changeList{}, err
	}
	list := changeList{Filter: filter, Path: path, Paged: before != 0}
	if len(items) > limit {
		items = items[:limit]
		list.Older = items[limit-1].ID
	}
	list.Items, list.Largest = items, largestOf(items)
	return list, nil
}

// beforeOf reads the cursor of a page of changes: ?before={change id}.
func beforeOf(r *http.Request) (int64, error) {
	raw := r.URL.Query().Get("before")
	if raw == "" {
		return 0, nil
	}
	return parseID("query parameter before (a change id)", raw)
}

// handleHome shows the latest changes, then an index of the services,
// 100 a page by name; the pages after the first show only services.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	after := r.URL.Query().Get("after")
	services, more, err := s.servicesPage(r.Context(), after, homeServices)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filter, err := changeFilterOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var changes changeList
	if after == "" {
		if changes, err = s.changeList(r, store.ChangeFilter{}, filter, homeChanges, 0, "/"); err != nil {
			s.fail(w, r, err)
			return
		}
		changes.AllPath = "/changes"
		if q := filter.Query(); q != "" {
			changes.AllPath += "?" + q[1:]
		}
		changes.Older = 0 // the home page links the page of all changes instead
	}
	s.render(w, r, http.StatusOK, "home", page{
		Title:    s.title,
		FeedPath: "/feed",
		Body:     homeBody{Services: services, Changes: changes, After: after, More: more},
	})
}

// allChangesBody is the page of every change, newest first.
type allChangesBody struct {
	Changes changeList
	Service string // the service the list is limited to, if any
}

// allChanges is how many changes a page of all changes lists.
const allChanges = 50

func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) {
	filter, err := changeFilterOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	before, err := beforeOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes, err := s.changeList(r, store.ChangeFilter{}, filter, allChanges, before, "/changes")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "changes", page{
		Title:    "All changes",
		FeedPath: "/feed",
		Body:     allChangesBody{Changes: changes},
	})
}

type serviceBody struct {
	Service serviceDocuments
	Changes changeList
}

func (s *Server) handleService(w http.ResponseWriter, r *http.Request) {
	svc, err := s.service(r.Context(), r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filter, err := changeFilterOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	before, err := beforeOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes, err := s.changeList(r, store.ChangeFilter{Service: svc.Name}, filter, serviceChanges, before, servicePath(svc.Name))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service", page{
		Title:    svc.Name,
		FeedPath: servicePath(svc.Name) + "/feed",
		Body:     serviceBody{Service: svc, Changes: changes},
	})
}

// versionPicker is the form that diffs any two versions of a document.
type versionPicker struct {
	DocumentID int64
	Versions   []store.VersionTime // newest first
	FromID     int64
	ToID       int64
}

// FromOptions and ToOptions are the options of the form's two lists, the
// side's version selected. Written here, not in the template: a page of
// 100 versions has 200 options, five template calls each. They hold ids
// and dates only, nothing to escape.
func (p versionPicker) FromOptions() template.HTML { return p.options(p.FromID) }
func (p versionPicker) ToOptions() template.HTML   { return p.options(p.ToID) }

func (p versionPicker) options(selected int64) template.HTML {
	b := make([]byte, 0, len(p.Versions)*56)
	for _, v := range p.Versions {
		b = append(b, `<option value="`...)
		b = strconv.AppendInt(b, v.ID, 10)
		b = append(b, '"')
		if v.ID == selected {
			b = append(b, ` selected`...)
		}
		b = append(b, '>')
		b = append(b, formatDateTime(v.CapturedAt)...)
		b = append(b, `</option>`...)
	}
	return template.HTML(b)
}

// versionTimes are a timeline's entries as a picker lists them.
func versionTimes(entries []timelineEntry) []store.VersionTime {
	out := make([]store.VersionTime, len(entries))
	for i, e := range entries {
		out[i] = store.VersionTime{ID: e.ID, CapturedAt: e.CapturedAt}
	}
	return out
}

type documentBody struct {
	Document   store.Document
	Timeline   timelinePage
	Rows       []timelineRow // the timeline's entries, runs of flip-flops folded
	Largest    int           // the most words a change on the page changed
	Filter     changeFilter
	Picker     versionPicker
	Deliveries []deliveryRow
	// SameURL are the other documents fetched from the same URL (one page
	// kept as two documents: X's cookie policy and its page-text capture).
	SameURL []store.Document
	// Chart draws the words of every version over time; Newest is the
	// newest version, whose reading time and grade the page states.
	Chart  template.HTML
	Newest *store.VersionSummary
}

// TimelineRows is the timeline's rows as HTML (timelineRowsHTML).
func (b documentBody) TimelineRows() template.HTML {
	return timelineRowsHTML(b.Document.ID, b.Rows, b.Largest)
}

// deliveryRow is one alert sent about a change of the document, as the
// page shows it: never its target (webhook URLs carry secrets, addresses
// are personal), only which subscription, how, and how it went.
type deliveryRow struct {
	Subscription int64
	Kind         string
	State        string
	Attempts     int
	LastStatus   int
	LastAt       time.Time
	LastError    string
	ChangeTo     time.Time // the capture time of the version announced
}

// documentDeliveries is how many alerts a document page lists.
const documentDeliveries = 20

func deliveryRows(entries []store.DeliveryEntry) []deliveryRow {
	rows := make([]deliveryRow, 0, len(entries))
	for _, e := range entries {
		row := deliveryRow{Subscription: e.SubscriptionID, Kind: e.Kind, State: e.State, Attempts: e.Attempts,
			LastError: e.LastError, ChangeTo: e.Alert.Change.ToAt, LastAt: e.CreatedAt}
		if n := len(e.Log); n > 0 {
			last := e.Log[n-1]
			row.LastStatus, row.LastAt = last.Status, last.At
		}
		rows = append(rows, row)
	}
	return rows
}

func (s *Server) handleDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := s.documentAt(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := doc.ID
	rng, err := versionRangeOf(r, timelineVersions, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filter, err := changeFilterOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rng.Classes, rng.Magnitudes = filter.Classes, filter.Magnitudes
	timeline, err := s.timeline(r.Context(), id, rng)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	picker := versionPicker{DocumentID: id, Versions: versionTimes(timeline.Entries)}
	if len(timeline.Entries) > 0 {
		picker.ToID = timeline.Entries[0].ID
		picker.FromID = timeline.Entries[0].PreviousID
	}
	if filter.Active() {
		// The picker offers versions to compare: all of them, not only the
		// filter's.
		all, err := s.archive.VersionTimes(r.Context(), id, pickerVersionsShown)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		picker.Versions = all
	}
	deliveries, err := s.archive.Deliveries(r.Context(), store.DeliveryFilter{DocumentID: id, Limit: documentDeliveries})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The chart is of the whole history, whatever the page and filter.
	history, err := s.archive.VersionPoints(r.Context(), id)
	if err != nil {
		s.fail(w, r, fmt.Errorf("listing the versions of document %d: %w", id, err))
		return
	}
	newest, err := s.newestVersion(r.Context(), id, rng, filter, timeline)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sameURL []store.Document
	if doc.URL != "" {
		docs, err := s.archive.Documents(r.Context(), store.DocumentFilter{URL: doc.URL})
		if err != nil {
			s.fail(w, r, fmt.Errorf("listing the documents of %s: %w", doc.URL, err))
			return
		}
		for _, d := range docs {
			if d.ID != id {
				sameURL = append(sameURL, d)
			}
		}
	}
	s.render(w, r, http.StatusOK, "document", page{
		Title:    doc.Service + " · " + typeName(doc.Type),
		FeedPath: documentPath(id) + "/feed",
		Body: documentBody{Document: doc, Timeline: timeline, Rows: timelineRows(timeline.Entries), Largest: largestChange(timeline.Entries),
			Filter: filter, Picker: picker, Deliveries: deliveryRows(deliveries), SameURL: sameURL,
			Chart: wordsChart(id, history), Newest: newest},
	})
}

// newestVersion is the newest version of a document, which the document
// page states the reading time of: the timeline's first entry when the
// page is the first and unfiltered, else read. Nil for no version.
func (s *Server) newestVersion(ctx context.Context, id int64, rng store.VersionRange, filter changeFilter, timeline timelinePage) (*store.VersionSummary, error) {
	if rng.Before == 0 && rng.After == 0 && !filter.Active() {
		if len(timeline.Entries) == 0 {
			return nil, nil
		}
		return &timeline.Entries[0].VersionSummary, nil
	}
	newest, err := s.archive.Versions(ctx, id, store.VersionRange{Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("reading the newest version of document %d: %w", id, err)
	}
	if len(newest) == 0 {
		return nil, nil
	}
	return &newest[0], nil
}

type versionBody struct {
	Document   store.Document
	Version    store.Version
	Title      string // the extracted title, when it is not the first heading
	Sections   []contentSection
	Previous   *store.VersionRef
	Next       *store.VersionRef
	PreviousID int64 // the version before this one, 0 for the first
	// Page and Pages number the parts of a long version, each about
	// versionPageBytes of text; Pages is 1 for most documents.
	Page, Pages int
	// Capture says how the version's capture was fetched, and whether a
	// screenshot was taken with it.
	Capture versionCapture
	// Readability is the version's reading time and grade, as stored when
	// it was placed (nil for a version not measured yet).
	Readability *store.Readability
}

func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) {
	id, err := parseID("document id", r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vid, err := parseID("version id", r.PathValue("vid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := s.document(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vp, err := s.archive.VersionPage(r.Context(), vid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && vp.DocumentID != id) {
		s.fail(w, r, notFound{fmt.Sprintf("Document %d has no version %d.", id, vid)})
		return
	}
	if err != nil {
		s.fail(w, r, fmt.Errorf("loading version %d: %w", vid, err))
		return
	}
	version := vp.Version
	part := 1
	if raw := r.URL.Query().Get("page"); raw != "" {
		if part, err = strconv.Atoi(raw); err != nil || part < 1 {
			s.fail(w, r, badRequest{fmt.Sprintf("page %q: want a page number, 1 or more", raw)})
			return
		}
	}
	content, err := archive.DecodeSections(version.Sections)
	if err != nil {
		s.fail(w, r, fmt.Errorf("decoding the sections of version %d: %w", vid, err))
		return
	}
	body := versionBody{Document: doc, Version: version, Capture: captureFrom(vp.Capture), Readability: vp.Readability,
		Previous: vp.Previous, Next: vp.Next}
	if vp.Previous != nil {
		body.PreviousID = vp.Previous.ID
	}
	if content.Title != "" && (len(content.Sections) == 0 || content.Sections[0].Heading() != content.Title) {
		body.Title = content.Title
	}
	pages := versionPages(content)
	body.Pages = len(pages)
	body.Page = min(part, body.Pages)
	body.Sections = pages[body.Page-1].sections(content)
	s.render(w, r, http.StatusOK, "version", page{
		Title:    fmt.Sprintf("%s · %s, %s", doc.Service, typeName(doc.Type), formatDate(version.CapturedAt)),
		FeedPath: documentPath(id) + "/feed",
		Body:     body,
	})
}

// handleVersionMarkdown serves a version's canonical Markdown as a file:
// the whole text, whatever its size, for reading elsewhere.
func (s *Server) handleVersionMarkdown(w http.ResponseWriter, r *http.Request) {
	id, err := parseID("document id", r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vid, err := parseID("version id", r.PathValue("vid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := s.document(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, err := s.versionOf(r.Context(), id, vid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("%s %s %s.md", doc.Service, doc.Type, version.CapturedAt.UTC().Format("2006-01-02T15-04-05Z"))
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "public, max-age=86400") // a version never changes
	_, _ = io.WriteString(w, version.Markdown)
}

// diffParams reads the from and to version ids of a diff request.
func diffParams(r *http.Request) (fromID, toID int64, err error) {
	q := r.URL.Query()
	if fromID, err = parseID("query parameter from (a version id)", q.Get("from")); err != nil {
		return 0, 0, err
	}
	if toID, err = parseID("query parameter to (a version id)", q.Get("to")); err != nil {
		return 0, 0, err
	}
	return fromID, toID, nil
}

func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request) {
	doc, err := s.documentAt(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := doc.ID
	fromID, toID, err := diffParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cmp, err := s.compare(r.Context(), id, fromID, toID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	around, err := s.diffSurroundings(r.Context(), id, cmp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "diff", page{
		Title: fmt.Sprintf("%s · %s: %s → %s", doc.Service, doc.Type,
			formatDate(cmp.From.CapturedAt), formatDate(cmp.To.CapturedAt)),
		FeedPath: documentPath(id) + "/feed",
		Body:     newDiffBody(doc, cmp, around, diffOptionsOf(r)),
	})
}
