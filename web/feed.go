package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// This file serves the feeds: one model of a feed (feedDoc), built from the
// stored changes, written as Atom, RSS or JSON Feed by feed_formats.go.
// Entries use only what the store computed when each change was recorded;
// nothing here diffs.

// feedFormat is one way of writing a feed.
type feedFormat struct {
	ext         string // "atom": served at feed.atom
	name        string // for titles of alternate links
	contentType string
	encode      func(feedDoc) ([]byte, error)
}

var feedFormats = []feedFormat{
	{"atom", "Atom", "application/atom+xml; charset=utf-8", encodeAtom},
	{"rss", "RSS", "application/rss+xml; charset=utf-8", encodeRSS},
	{"json", "JSON Feed", "application/feed+json; charset=utf-8", encodeJSONFeed},
}

// feedScope is what a feed covers: the whole site, a service or a document.
type feedScope struct {
	id     string // URN, the same whatever the base URL
	title  string
	page   string // path of the HTML page the feed follows
	prefix string // path the feed's file names follow: prefix+"/feed.atom"
	filter store.ChangeFilter
}

// feedDoc is a feed, whatever its format. URLs are absolute.
type feedDoc struct {
	ID       string
	Title    string
	Subtitle string
	Author   string
	PageURL  string
	SelfURL  string            // this format's own URL
	NextURL  string            // the page of older entries, "" for the last page
	Formats  map[string]string // URL of the same feed in each format, by ext
	Updated  time.Time
	Entries  []feedEntry
}

// feedEntry is one change in a feed. Texts are clean (see cleanText), and
// ContentHTML is markup we made with html/template: crawled text in it is
// escaped.
type feedEntry struct {
	ID           string
	Title        string
	Summary      string
	ContentHTML  string
	URL          string // the diff page
	DocumentURL  string
	Published    time.Time
	Updated      time.Time
	Service      string
	DocumentType string
	Class        string
	Magnitude    string
	WordsAdded   int
	WordsRemoved int
	FromVersion  int64
	ToVersion    int64
	Subs         []diff.Substitution
	Truncated    bool
}

// registerFeeds routes the three formats of the site's, a service's and a
// document's feed.
func (s *Server) registerFeeds(mux *http.ServeMux) {
	for _, f := range feedFormats {
		mux.HandleFunc("GET /feed."+f.ext, s.kept(archivePages, s.feedHandler(f, s.siteScope)))
		mux.HandleFunc("GET /services/{name}/feed."+f.ext, s.kept(archivePages, s.feedHandler(f, s.serviceScope)))
		mux.HandleFunc("GET /documents/{id}/feed."+f.ext, s.kept(archivePages, s.feedHandler(f, s.documentScope)))
	}
}

func (s *Server) siteScope(*http.Request) (feedScope, error) {
	return feedScope{id: "urn:policywatch:feed:all", title: s.title + ": all changes", page: "/", prefix: ""}, nil
}

func (s *Server) serviceScope(r *http.Request) (feedScope, error) {
	svc, err := s.service(r.Context(), r.PathValue("name"))
	if err != nil {
		return feedScope{}, err
	}
	path := servicePath(svc.Name)
	return feedScope{
		id:     "urn:policywatch:feed:service:" + url.PathEscape(svc.Name),
		title:  fmt.Sprintf("%s: changes of %s", s.title, svc.Name),
		page:   path,
		prefix: path,
		filter: store.ChangeFilter{Service: svc.Name},
	}, nil
}

func (s *Server) documentScope(r *http.Request) (feedScope, error) {
	doc, err := s.documentAt(r)
	if err != nil {
		return feedScope{}, err
	}
	path := documentPath(doc.ID)
	return feedScope{
		id:     fmt.Sprintf("urn:policywatch:feed:document:%d", doc.ID),
		title:  fmt.Sprintf("%s: %s %s", s.title, doc.Service, doc.Type),
		page:   path,
		prefix: path,
		filter: store.ChangeFilter{DocumentID: doc.ID},
	}, nil
}

func (s *Server) feedHandler(format feedFormat, scopeOf func(*http.Request) (feedScope, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// The query first: a bad filter is the same mistake on any scope.
		sel, err := parseFeedSelection(r.URL.Query())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		scope, err := scopeOf(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		scope.filter.Classes, scope.filter.Magnitudes = sel.classes, sel.magnitudes
		scope.filter.Before = sel.before
		scope.filter.Limit = feedEntries + 1 // one more tells there is a next page
		changes, err := s.changes(r.Context(), scope.filter)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		older := len(changes) > feedEntries
		if older {
			changes = changes[:feedEntries]
		}
		doc, err := s.feedDoc(scope, sel, format, changes, older)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body, err := format.encode(doc)
		if err != nil {
			s.fail(w, r, fmt.Errorf("encoding the %s feed %s: %w", format.name, doc.ID, err))
			return
		}
		serveFeed(w, r, format.contentType, doc.Updated, body)
	}
}

// serveFeed answers with body, or 304 when the reader has it already. The
// ETag is the body's hash, so it changes with anything in the feed (an
// entry refreshed by a newer diff release included); Last-Modified is the
// feed's updated date. http.ServeContent checks If-None-Match first, then
// If-Modified-Since, and answers HEAD.
func serveFeed(w http.ResponseWriter, r *http.Request, contentType string, updated time.Time, body []byte) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "public, max-age=300")
	http.ServeContent(w, r, "", updated, bytes.NewReader(body))
}

// feedDoc builds the feed of the changes, newest first; older says there
// are more after them, on a next page.
func (s *Server) feedDoc(scope feedScope, sel feedSelection, format feedFormat, changes []changeItem, older bool) (feedDoc, error) {
	query := sel.query()
	doc := feedDoc{
		ID:      scope.id + sel.urnSuffix(),
		Title:   cleanText(scope.title + sel.titleSuffix()),
		Author:  cleanText(s.title),
		PageURL: s.absolute(scope.page),
		Formats: make(map[string]string, len(feedFormats)),
		// An empty feed is as old as the server: a real date that does
		// not change between requests.
		Updated: s.started,
	}
	doc.Subtitle = "Changes to privacy policies and related documents, as " + doc.Author + " recorded them."
	for _, f := range feedFormats {
		doc.Formats[f.ext] = s.absolute(scope.prefix + "/feed." + f.ext + query)
	}
	doc.SelfURL = doc.Formats[format.ext]
	if older && len(changes) > 0 {
		next := sel
		next.before = changes[len(changes)-1].ID
		doc.NextURL = s.absolute(scope.prefix + "/feed." + format.ext + next.query())
	}
	for i, c := range changes {
		e, err := s.feedEntry(c)
		if err != nil {
			return feedDoc{}, err
		}
		if i == 0 {
			doc.Updated = e.Updated
		}
		doc.Entries = append(doc.Entries, e)
	}
	return doc, nil
}

// absolute is path on the configured base URL, never on the request's
// Host, which anyone can set.
func (s *Server) absolute(path string) string { return s.baseURL + path }

// changeURN names a change forever: it depends on nothing but the document
// and the two versions, so a reader never sees an entry twice.
func changeURN(c store.Change) string {
	return fmt.Sprintf("urn:policywatch:change:%d:%d:%d", c.DocumentID, c.FromVersionID, c.ToVersionID)
}

// feedSelection is what a feed's query keeps: classes and magnitudes,
// sorted and without repeats, so that equal selections are equal feeds,
// and the page (before: a change id; the entries older than it).
type feedSelection struct {
	classes, magnitudes []string
	before              int64
}

var (
	feedClasses    = []string{string(diff.Cosmetic), string(diff.Rebrand), string(diff.Editorial), string(diff.Substantive)}
	feedMagnitudes = []string{string(diff.Minor), string(diff.Major)}
)

// parseFeedSelection reads ?class= and ?magnitude=, each repeatable and
// comma-separated. Other parameters are ignored: readers add their own.
func parseFeedSelection(q url.Values) (feedSelection, error) {
	var sel feedSelection
	var err error
	if sel.classes, err = selectionValues(q, "class", feedClasses); err != nil {
		return sel, err
	}
	if sel.magnitudes, err = selectionValues(q, "magnitude", feedMagnitudes); err != nil {
		return sel, err
	}
	if raw := q.Get("before"); raw != "" {
		if sel.before, err = parseID("query parameter before (a change id)", raw); err != nil {
			return sel, err
		}
	}
	return sel, nil
}

func selectionValues(q url.Values, key string, known []string) ([]string, error) {
	var out []string
	for _, raw := range q[key] {
		for _, v := range strings.Split(raw, ",") {
			v = strings.ToLower(strings.TrimSpace(v))
			if v == "" {
				continue
			}
			if !slices.Contains(known, v) {
				return nil, badRequest{fmt.Sprintf("unknown %s %q in the query: a %s is one of %s",
					key, cleanText(v), key, strings.Join(known, ", "))}
			}
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// query is the selection as a query string, "" when it selects everything
// from the newest entry.
func (sel feedSelection) query() string {
	v := url.Values{}
	if len(sel.classes) > 0 {
		v.Set("class", strings.Join(sel.classes, ","))
	}
	if len(sel.magnitudes) > 0 {
		v.Set("magnitude", strings.Join(sel.magnitudes, ","))
	}
	if sel.before != 0 {
		v.Set("before", strconv.FormatInt(sel.before, 10))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// urnSuffix tells filtered feeds apart in their ids.
func (sel feedSelection) urnSuffix() string {
	var b strings.Builder
	if len(sel.classes) > 0 {
		b.WriteString(";class=" + strings.Join(sel.classes, ","))
	}
	if len(sel.magnitudes) > 0 {
		b.WriteString(";magnitude=" + strings.Join(sel.magnitudes, ","))
	}
	return b.String()
}

func (sel feedSelection) titleSuffix() string {
	var parts []string
	if len(sel.classes) > 0 {
		parts = append(parts, strings.Join(sel.classes, " or "))
	}
	if len(sel.magnitudes) > 0 {
		parts = append(parts, strings.Join(sel.magnitudes, " or "))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + " only)"
}
