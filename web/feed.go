package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/policywatch/policywatch/store"
)

// Atom 1.0 (RFC 4287) written with encoding/xml, which escapes every string.

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	XMLNS   string      `xml:"xmlns,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary atomText `xml:"summary"`
}

// changeURN names a change forever: it depends on nothing but the document
// and the two versions, so a reader never sees an entry twice.
func changeURN(c store.Change) string {
	return fmt.Sprintf("urn:policywatch:change:%d:%d:%d", c.DocumentID, c.FromVersionID, c.ToVersionID)
}

// baseURL is the scheme and host the request reached us at, for the
// absolute links a feed needs.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String()
}

func (s *Server) handleFeedAll(w http.ResponseWriter, r *http.Request) {
	s.writeFeed(w, r, "urn:policywatch:feed:all", s.title+": all changes", "/", "/feed.atom", store.ChangeFilter{})
}

func (s *Server) handleFeedService(w http.ResponseWriter, r *http.Request) {
	svc, err := s.service(r.Context(), r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	path := servicePath(svc.Name)
	s.writeFeed(w, r, "urn:policywatch:feed:service:"+url.PathEscape(svc.Name),
		fmt.Sprintf("%s: changes of %s", s.title, svc.Name), path, path+"/feed.atom",
		store.ChangeFilter{Service: svc.Name})
}

func (s *Server) handleFeedDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := s.documentAt(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := doc.ID
	path := documentPath(id)
	s.writeFeed(w, r, fmt.Sprintf("urn:policywatch:feed:document:%d", id),
		fmt.Sprintf("%s: %s %s", s.title, doc.Service, doc.Type), path, path+"/feed.atom",
		store.ChangeFilter{DocumentID: id})
}

func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, id, title, pagePath, selfPath string, f store.ChangeFilter) {
	f.Limit = feedEntries
	changes, err := s.changes(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := baseURL(r)
	feed := atomFeed{
		XMLNS:  atomNS,
		ID:     id,
		Title:  title,
		Author: atomPerson{Name: s.title},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + selfPath},
			{Rel: "alternate", Type: "text/html", Href: base + pagePath},
		},
		// An empty feed still needs a fixed updated date; the epoch keeps
		// it stable between requests.
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
	}
	for i, c := range changes {
		if i == 0 {
			feed.Updated = c.ToAt.UTC().Format(time.RFC3339)
		}
		feed.Entries = append(feed.Entries, atomEntry{
			ID:      changeURN(c.Change),
			Title:   fmt.Sprintf("%s %s: %s", c.Service, c.DocumentType, entrySummaryLine(c)),
			Updated: c.ToAt.UTC().Format(time.RFC3339),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: base + c.DiffPath()},
			Summary: atomText{Type: "text", Body: entrySummary(c)},
		})
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.fail(w, r, fmt.Errorf("encoding feed %s: %w", id, err))
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

func entrySummaryLine(c changeItem) string {
	if c.Summary != "" {
		return c.Summary
	}
	return fmt.Sprintf("%s change, +%d −%d words", c.Class, c.WordsAdded, c.WordsRemoved)
}

// entrySummary says the class, the word counts and every substitution.
func entrySummary(c changeItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s change from %s to %s: +%d −%d words.",
		c.Class, formatDateTime(c.FromAt), formatDateTime(c.ToAt), c.WordsAdded, c.WordsRemoved)
	if len(c.Substitutions) > 0 {
		b.WriteString(" Replaced throughout:")
		for i, sub := range c.Substitutions {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %q → %q ×%d", sub.From, sub.To, sub.Count)
		}
		b.WriteString(".")
	}
	return b.String()
}
