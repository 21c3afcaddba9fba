package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
)

// Full-text search across every version: /search?q= for people and
// /api/search?q= for programs, filtered by service, type and date. Each
// hit is a document, with the versions holding the match and when it
// appeared and went.

// searchHits is how many documents a page of results lists.
const searchHits = 20

// searchRequest is a search as a request asks for it.
type searchRequest struct {
	Q, Service, Type, From, To string
	Page                       int
	query                      store.SearchQuery
}

// searchRequestOf reads and checks a search request; a query that cannot
// be read is a badRequest saying why.
func searchRequestOf(r *http.Request) (searchRequest, error) {
	q := r.URL.Query()
	req := searchRequest{Q: strings.TrimSpace(q.Get("q")), Service: q.Get("service"), Type: q.Get("type"),
		From: q.Get("from"), To: q.Get("to"), Page: 1}
	if raw := q.Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 1000 {
			return req, badRequest{fmt.Sprintf("query parameter page %q: want a page number from 1 to 1000", raw)}
		}
		req.Page = n
	}
	req.query = store.SearchQuery{Service: req.Service, Type: req.Type, Limit: searchHits, Offset: (req.Page - 1) * searchHits}
	if canonical, ok := declaration.CanonicalType(req.Type); ok {
		req.query.Type = canonical // "Cookies Policy" finds the Trackers Policy
	}
	for _, d := range []struct {
		name, raw string
		into      *time.Time
		end       bool
	}{{"from", req.From, &req.query.From, false}, {"to", req.To, &req.query.To, true}} {
		if d.raw == "" {
			continue
		}
		day, err := time.Parse(time.DateOnly, d.raw)
		if err != nil {
			return req, badRequest{fmt.Sprintf("query parameter %s %q: want a date such as 2023-09-20", d.name, d.raw)}
		}
		if d.end {
			day = day.AddDate(0, 0, 1) // "to" takes in its whole day
		}
		*d.into = day
	}
	if req.Q == "" {
		return req, nil
	}
	match, err := store.ParseQuery(req.Q)
	if err != nil {
		return req, badRequest{fmt.Sprintf("query %q: %s", req.Q, strings.TrimPrefix(err.Error(), store.ErrBadQuery.Error()+": "))}
	}
	req.query.Match = match
	return req, nil
}

// search runs the request's search.
func (s *Server) search(r *http.Request, req searchRequest) ([]store.SearchHit, bool, error) {
	hits, more, err := s.archive.Search(r.Context(), req.query)
	if err != nil {
		return nil, false, fmt.Errorf("query %q: %w", req.Q, err)
	}
	return hits, more, nil
}

// searchBody is what the search page shows.
type searchBody struct {
	Request  searchRequest
	Services []serviceDocuments
	Types    []string
	Hits     []searchHit
	More     bool
	Error    string // what is wrong with the query, shown above the form
}

// searchHit is one document found, as the page shows it.
type searchHit struct {
	store.SearchHit
	Snippet template.HTML
}

// found is when a match first appeared, when it was last seen, and
// whether the newest version still holds it.
type found struct {
	First, Last store.SearchVersion
	Still       bool
}

// Found says when the match appeared and whether it went: "first
// appeared on 2023-08-23, still there".
func (h searchHit) Found() found {
	spans := h.Spans
	if len(spans) == 0 {
		return found{}
	}
	return found{spans[0].First, spans[len(spans)-1].Last, spans[len(spans)-1].Gone.IsZero()}
}

// PagePath is the page n of the same search.
func (b searchBody) PagePath(n int) string {
	v := url.Values{}
	for _, p := range [][2]string{{"q", b.Request.Q}, {"service", b.Request.Service}, {"type", b.Request.Type}, {"from", b.Request.From}, {"to", b.Request.To}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return "/search?" + v.Encode()
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	services, err := s.servicesWithDocuments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := searchBody{Services: services, Types: documentTypes(services)}
	req, err := searchRequestOf(r)
	body.Request = req
	status := http.StatusOK
	if err == nil && req.Q != "" {
		var hits []store.SearchHit
		hits, body.More, err = s.search(r, req)
		for _, h := range hits {
			body.Hits = append(body.Hits, searchHit{SearchHit: h, Snippet: snippetHTML(h.Snippet)})
		}
	}
	if err != nil {
		// A query that cannot be read shows the form again, saying why.
		status, body.Error = s.statusOf(r, err)
		if status != http.StatusBadRequest {
			s.pageError(w, r, status, body.Error)
			return
		}
	}
	title := "Search"
	if req.Q != "" {
		title = "Search: " + req.Q
	}
	s.render(w, r, status, "search", page{Title: title, Body: body})
}

// documentTypes lists the types of the documents, once each, in order.
func documentTypes(services []serviceDocuments) []string {
	seen := map[string]bool{}
	var out []string
	for _, svc := range services {
		for _, d := range svc.Documents {
			if !seen[d.Type] {
				seen[d.Type] = true
				out = append(out, d.Type)
			}
		}
	}
	sort.Strings(out)
	return out
}

// snippetHTML escapes a snippet and marks its matches (FTS5 marked them
// with \x02 and \x03), and puts its lines on one.
func snippetHTML(snippet string) template.HTML {
	s := html.EscapeString(snippet)
	s = strings.NewReplacer("\x02", "<mark>", "\x03", "</mark>", "\n", " · ").Replace(s)
	return template.HTML(s)
}

// snippetText is a snippet without marks, on one line.
func snippetText(snippet string) string {
	return strings.NewReplacer("\x02", "", "\x03", "", "\n", " · ").Replace(snippet)
}

// apiSearch is the JSON of /api/search.
type apiSearch struct {
	Query string         `json:"query"`
	Hits  []apiSearchHit `json:"hits"`
	Next  *string        `json:"next"` // the next page's URL, null on the last
}

type apiSearchHit struct {
	Document apiDocument        `json:"document"`
	Versions []apiSearchVersion `json:"versions"` // holding the match, oldest first
	Of       int                `json:"of"`       // the document's versions (in the date range)
	// FirstAppeared and LastSeen are the capture times of the first and
	// the last version holding the match; StillThere says the newest
	// version holds it.
	FirstAppeared string          `json:"first_appeared"`
	LastSeen      string          `json:"last_seen"`
	StillThere    bool            `json:"still_there"`
	Spans         []apiSearchSpan `json:"spans"`
	Snippet       string          `json:"snippet"`
	SnippetHTML   string          `json:"snippet_html"` // escaped, matches in <mark>
}

type apiSearchVersion struct {
	ID         int64  `json:"id"`
	CapturedAt string `json:"captured_at"`
}

// apiSearchSpan is a run of consecutive versions holding the match, and
// the version that took it away (null while it is there).
type apiSearchSpan struct {
	First    apiSearchVersion  `json:"first"`
	Last     apiSearchVersion  `json:"last"`
	Versions int               `json:"versions"`
	Gone     *apiSearchVersion `json:"gone"`
}

func apiSearchVersionOf(v store.SearchVersion) apiSearchVersion {
	return apiSearchVersion{ID: v.ID, CapturedAt: rfc3339(v.CapturedAt)}
}

func (s *Server) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	req, err := searchRequestOf(r)
	if err == nil && req.Q == "" {
		err = badRequest{"missing query parameter q: the words to look for, such as q=biometric or q=\"biometric data\""}
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	hits, more, err := s.search(r, req)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiSearch{Query: req.Q, Hits: []apiSearchHit{}}
	for _, h := range hits {
		hit := searchHit{SearchHit: h}
		f := hit.Found()
		a := apiSearchHit{Document: toAPIDocument(h.Document), Of: h.Of, FirstAppeared: rfc3339(f.First.CapturedAt),
			LastSeen: rfc3339(f.Last.CapturedAt), StillThere: f.Still, Snippet: snippetText(h.Snippet), SnippetHTML: string(snippetHTML(h.Snippet))}
		for _, v := range h.Versions {
			a.Versions = append(a.Versions, apiSearchVersionOf(v))
		}
		for _, sp := range h.Spans {
			span := apiSearchSpan{First: apiSearchVersionOf(sp.First), Last: apiSearchVersionOf(sp.Last), Versions: sp.Versions}
			if !sp.Gone.IsZero() {
				gone := apiSearchVersionOf(store.SearchVersion{ID: sp.GoneID, CapturedAt: sp.Gone})
				span.Gone = &gone
			}
			a.Spans = append(a.Spans, span)
		}
		out.Hits = append(out.Hits, a)
	}
	if more {
		next := s.baseURL + "/api" + searchBody{Request: req}.PagePath(req.Page+1)
		out.Next = &next
	}
	s.writeJSON(w, http.StatusOK, out)
}
