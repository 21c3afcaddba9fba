package web

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

type homeBody struct {
	Services []serviceDocuments
	Changes  []changeItem
	// After is the name the services listed follow ("" from the first);
	// More says others follow them.
	After string
	More  bool
}

// NextAfter is the cursor of the next page of services.
func (b homeBody) NextAfter() string { return b.Services[len(b.Services)-1].Name }

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	after := r.URL.Query().Get("after")
	services, more, err := s.servicesPage(r.Context(), after, homeServices)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes, err := s.changes(r.Context(), store.ChangeFilter{Limit: homeChanges})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", page{
		Title:    s.title,
		FeedPath: "/feed",
		Body:     homeBody{Services: services, Changes: changes, After: after, More: more},
	})
}

type serviceBody struct {
	Service serviceDocuments
	Changes []changeItem
}

func (s *Server) handleService(w http.ResponseWriter, r *http.Request) {
	svc, err := s.service(r.Context(), r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes, err := s.changes(r.Context(), store.ChangeFilter{Service: svc.Name, Limit: serviceChanges})
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
	Versions   []timelineEntry // newest first
	FromID     int64
	ToID       int64
}

type documentBody struct {
	Document   store.Document
	Timeline   timelinePage
	Picker     versionPicker
	Deliveries []deliveryRow
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
	timeline, err := s.timeline(r.Context(), id, rng)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	picker := versionPicker{DocumentID: id, Versions: timeline.Entries}
	if len(timeline.Entries) > 0 {
		picker.ToID = timeline.Entries[0].ID
		picker.FromID = timeline.Entries[0].PreviousID
	}
	deliveries, err := s.archive.Deliveries(r.Context(), store.DeliveryFilter{DocumentID: id, Limit: documentDeliveries})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "document", page{
		Title:    doc.Service + " · " + doc.Type,
		FeedPath: documentPath(id) + "/feed",
		Body:     documentBody{Document: doc, Timeline: timeline, Picker: picker, Deliveries: deliveryRows(deliveries)},
	})
}

type versionBody struct {
	Document   store.Document
	Version    store.Version
	Title      string // the extracted title, when it is not the first heading
	Sections   []contentSection
	Previous   *timelineEntry
	Next       *timelineEntry
	PreviousID int64 // the version before this one, 0 for the first
	// Page and Pages number the parts of a long version, each about
	// versionPageBytes of text; Pages is 1 for most documents.
	Page, Pages int
	// Capture says how the version's capture was fetched, and whether a
	// screenshot was taken with it.
	Capture versionCapture
}

// versionPageBytes is how much text one page of a version shows: a huge
// document is read in parts, never sent as one page of many megabytes.
const versionPageBytes = 256 << 10

// pageSections cuts the sections into pages of about versionPageBytes of
// text, at section boundaries, and returns page (1-based) and the count.
func pageSections(doc extract.Document, page int) ([]extract.Section, int) {
	var pages [][2]int
	start, size := 0, 0
	for i, s := range doc.Sections {
		n := len(s.Heading())
		for _, b := range s.Blocks {
			n += len(b.Text)
			for _, c := range b.Cells {
				n += len(c)
			}
		}
		if size > 0 && size+n > versionPageBytes {
			pages = append(pages, [2]int{start, i})
			start, size = i, 0
		}
		size += n
	}
	pages = append(pages, [2]int{start, len(doc.Sections)})
	page = min(max(page, 1), len(pages))
	return doc.Sections[pages[page-1][0]:pages[page-1][1]], len(pages)
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
	version, err := s.versionOf(r.Context(), id, vid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var content extract.Document
	if err := json.Unmarshal(version.Sections, &content); err != nil {
		s.fail(w, r, fmt.Errorf("decoding the sections of version %d: %w", vid, err))
		return
	}
	// The version, the one before it (and the one before that, which is
	// the previous one's own previous), and the one after.
	older, err := s.timeline(r.Context(), id, store.VersionRange{Before: vid, Limit: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	newer, err := s.timeline(r.Context(), id, store.VersionRange{After: vid, Limit: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	part := 1
	if raw := r.URL.Query().Get("page"); raw != "" {
		if part, err = strconv.Atoi(raw); err != nil || part < 1 {
			s.fail(w, r, badRequest{fmt.Sprintf("page %q: want a page number, 1 or more", raw)})
			return
		}
	}
	capture, err := s.captureOf(r.Context(), vid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := versionBody{Document: doc, Version: version, Capture: capture}
	if content.Title != "" && (len(content.Sections) == 0 || content.Sections[0].Heading() != content.Title) {
		body.Title = content.Title
	}
	whole := content
	content.Sections, body.Pages = pageSections(whole, part)
	body.Page = min(part, body.Pages)
	body.Sections = contentSections(content)
	if len(older.Entries) > 0 {
		body.Previous = &older.Entries[0]
		body.PreviousID = body.Previous.ID
	}
	if len(newer.Entries) > 0 {
		body.Next = &newer.Entries[len(newer.Entries)-1]
	}
	s.render(w, r, http.StatusOK, "version", page{
		Title:    fmt.Sprintf("%s · %s, %s", doc.Service, doc.Type, formatDate(version.CapturedAt)),
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
