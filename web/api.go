package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// JSON API. Field names are snake_case; times are RFC 3339 in UTC; absent
// values are null rather than left out, so clients see the whole shape.

type apiService struct {
	Name      string        `json:"name"`
	Documents []apiDocument `json:"documents"`
}

type apiDocument struct {
	ID         int64   `json:"id"`
	Service    string  `json:"service"`
	Type       string  `json:"type"`
	URL        string  `json:"url"`
	Versions   int     `json:"versions"`
	LastChange *string `json:"last_change"`
}

type apiChange struct {
	Class         string              `json:"class"`
	Magnitude     string              `json:"magnitude,omitempty"`
	Summary       string              `json:"summary"`
	WordsAdded    int                 `json:"words_added"`
	WordsRemoved  int                 `json:"words_removed"`
	Substitutions []diff.Substitution `json:"substitutions"`
	// Story is the structured form of the summary, as stored when the
	// change was recorded; absent for changes of an older release.
	Story json.RawMessage `json:"story,omitempty"`
}

type apiVersion struct {
	ID         int64      `json:"id"`
	DocumentID int64      `json:"document_id"`
	CapturedAt string     `json:"captured_at"`
	Words      int        `json:"words"`
	Bytes      int        `json:"bytes"`
	Extractor  string     `json:"extractor"`
	Snapshot   string     `json:"snapshot"`
	Change     *apiChange `json:"change"`
	apiMark
}

// apiMark is what the history says of a version: reverts_to (an older
// version with the same text), returns_to (one with nearly the same text),
// flip_flop and flip_flop_with (the other version of the back-and-forth).
type apiMark struct {
	RevertsTo    *apiVersionRef `json:"reverts_to"`
	ReturnsTo    *apiVersionRef `json:"returns_to"`
	FlipFlop     bool           `json:"flip_flop"`
	FlipFlopWith *int64         `json:"flip_flop_with"`
}

type apiVersionRef struct {
	ID         int64  `json:"id"`
	CapturedAt string `json:"captured_at"`
}

func toAPIMark(m store.HistoryMark) apiMark {
	ref := func(v *store.VersionRef) *apiVersionRef {
		if v == nil {
			return nil
		}
		return &apiVersionRef{ID: v.ID, CapturedAt: rfc3339(v.CapturedAt)}
	}
	out := apiMark{RevertsTo: ref(m.RevertsTo), ReturnsTo: ref(m.ReturnsTo), FlipFlop: m.FlipFlop}
	if m.FlipFlopWith != 0 {
		with := m.FlipFlopWith
		out.FlipFlopWith = &with
	}
	return out
}

type apiDiff struct {
	Stats         diff.Stats          `json:"stats"`
	Substitutions []diff.Substitution `json:"substitutions"`
	CaseChanges   int                 `json:"case_changes"`
	Class         diff.Class          `json:"class"`
	Summary       string              `json:"summary"`
	Reasons       []string            `json:"reasons"`
	Magnitude     diff.Magnitude      `json:"magnitude,omitempty"`
	Story         diff.Story          `json:"story"`
	Sections      []diff.Section      `json:"sections"`
	From          apiVersion          `json:"from"`
	To            apiVersion          `json:"to"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func toAPIDocument(d store.Document) apiDocument {
	doc := apiDocument{ID: d.ID, Service: d.Service, Type: d.Type, URL: d.URL, Versions: d.Versions}
	if !d.LastChange.IsZero() {
		last := rfc3339(d.LastChange)
		doc.LastChange = &last
	}
	return doc
}

func (s *Server) handleAPIServices(w http.ResponseWriter, r *http.Request) {
	services, err := s.servicesWithDocuments(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := make([]apiService, len(services))
	for i, svc := range services {
		out[i] = apiService{Name: svc.Name, Documents: make([]apiDocument, len(svc.Documents))}
		for j, d := range svc.Documents {
			out[i].Documents[j] = toAPIDocument(d)
		}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"services": out})
}

func (s *Server) handleAPIVersions(w http.ResponseWriter, r *http.Request) {
	doc, err := s.documentAt(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	rng, err := versionRangeOf(r, apiVersionsDefault, apiVersionsLargest)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	page, err := s.timeline(r.Context(), doc.ID, rng)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	versions := make([]apiVersion, len(page.Entries))
	for i, e := range page.Entries {
		v := apiVersion{
			ID: e.ID, DocumentID: e.DocumentID, CapturedAt: rfc3339(e.CapturedAt),
			Words: e.Words, Bytes: e.Bytes, Extractor: e.Extractor, Snapshot: e.SnapshotHash,
			apiMark: toAPIMark(e.Mark),
		}
		if c := e.Change; c != nil {
			v.Change = &apiChange{
				Class: c.Class, Magnitude: c.Magnitude, Summary: c.Summary, WordsAdded: c.WordsAdded, WordsRemoved: c.WordsRemoved,
				Substitutions: nonNil(e.Substitutions),
			}
			if len(c.Story) > 0 && json.Valid(c.Story) {
				v.Change.Story = json.RawMessage(c.Story)
			}
		}
		versions[i] = v
	}
	out := apiVersionPage{Document: toAPIDocument(doc), Versions: versions}
	if len(page.Entries) > 0 {
		base := fmt.Sprintf("%s/api/documents/%d/versions?limit=%d", s.baseURL, doc.ID, rng.Limit)
		if page.Older {
			older := fmt.Sprintf("%s&before=%d", base, page.OlderThan())
			out.Older = &older
		}
		if page.Newer {
			newer := fmt.Sprintf("%s&after=%d", base, page.NewerThan())
			out.Newer = &newer
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// apiVersionPage is a page of a document's versions, newest first, with
// the URLs of the pages of older and newer versions when there are any.
type apiVersionPage struct {
	Document apiDocument  `json:"document"`
	Versions []apiVersion `json:"versions"`
	Older    *string      `json:"older"`
	Newer    *string      `json:"newer"`
}

func (s *Server) handleAPIDiff(w http.ResponseWriter, r *http.Request) {
	fromID, toID, err := diffParams(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// Any two versions: of one document, or of two (as /compare shows them).
	cmp, err := s.archive.CompareAcross(r.Context(), fromID, toID)
	if err != nil {
		s.apiFail(w, r, comparisonError(err, fromID, toID))
		return
	}
	res := cmp.Result
	sections := res.Sections
	if sections == nil {
		sections = []diff.Section{}
	}
	from, to := versionInfo(cmp.From), versionInfo(cmp.To)
	for _, v := range []*apiVersion{&from, &to} {
		summary, err := s.archive.VersionSummary(r.Context(), v.ID)
		if err != nil {
			s.apiFail(w, r, fmt.Errorf("loading the marks of version %d: %w", v.ID, err))
			return
		}
		v.apiMark = toAPIMark(summary.Mark)
	}
	story := res.Story()
	s.writeJSON(w, http.StatusOK, apiDiff{
		Magnitude:     story.Magnitude,
		Story:         story,
		Stats:         res.Stats,
		Substitutions: nonNil(res.Substitutions),
		CaseChanges:   res.CaseChanges,
		Class:         res.Class,
		Summary:       res.Summary(),
		Reasons:       res.Reasons(),
		Sections:      sections,
		From:          from,
		To:            to,
	})
}

func versionInfo(v store.VersionSummary) apiVersion {
	return apiVersion{
		ID: v.ID, DocumentID: v.DocumentID, CapturedAt: rfc3339(v.CapturedAt), Words: v.Words,
		Bytes: v.Bytes, Extractor: v.Extractor, Snapshot: v.SnapshotHash,
	}
}

func nonNil(subs []diff.Substitution) []diff.Substitution {
	if subs == nil {
		return []diff.Substitution{}
	}
	return subs
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encoding JSON response", "err", err)
		status = http.StatusInternalServerError
		body = []byte(`{"error":"internal error encoding the response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func (s *Server) apiError(w http.ResponseWriter, _ *http.Request, status int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, status, map[string]string{"error": msg})
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.statusOf(r, err)
	s.apiError(w, r, status, msg)
}
