package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"time"
)

// The three encodings of a feedDoc. encoding/xml and encoding/json escape
// every string, so an entry's HTML travels as text: Atom type="html", RSS
// description entity-encoded, a JSON string. cleanText has already taken
// out what XML cannot carry at all.

// Atom 1.0, RFC 4287.

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName   xml.Name    `xml:"feed"`
	XMLNS     string      `xml:"xmlns,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Links     []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
	Href  string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Scheme string `xml:"scheme,attr"`
	Term   string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
}

const (
	classScheme     = "urn:policywatch:class"
	magnitudeScheme = "urn:policywatch:magnitude"
)

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func encodeAtom(doc feedDoc) ([]byte, error) {
	feed := atomFeed{
		XMLNS:     atomNS,
		ID:        doc.ID,
		Title:     doc.Title,
		Subtitle:  doc.Subtitle,
		Updated:   atomTime(doc.Updated),
		Author:    atomPerson{Name: doc.Author},
		Generator: "policywatch",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: doc.SelfURL},
			{Rel: "alternate", Type: "text/html", Href: doc.PageURL},
			{Rel: "alternate", Type: "application/rss+xml", Title: "RSS", Href: doc.Formats["rss"]},
			{Rel: "alternate", Type: "application/feed+json", Title: "JSON Feed", Href: doc.Formats["json"]},
		},
	}
	if doc.NextURL != "" { // RFC 5005 paged feed: the older entries
		feed.Links = append(feed.Links, atomLink{Rel: "next", Type: "application/atom+xml", Href: doc.NextURL})
	}
	for _, e := range doc.Entries {
		entry := atomEntry{
			ID:        e.ID,
			Title:     atomText{Type: "text", Body: e.Title},
			Published: atomTime(e.Published),
			Updated:   atomTime(e.Updated),
			Links: []atomLink{
				{Rel: "alternate", Type: "text/html", Href: e.URL},
				{Rel: "related", Type: "text/html", Title: e.Service + " " + e.DocumentType, Href: e.DocumentURL},
			},
			Categories: []atomCategory{{Scheme: classScheme, Term: e.Class}},
			Summary:    atomText{Type: "text", Body: e.Summary},
			Content:    atomText{Type: "html", Body: e.ContentHTML},
		}
		if e.Magnitude != "" {
			entry.Categories = append(entry.Categories, atomCategory{Scheme: magnitudeScheme, Term: e.Magnitude})
		}
		feed.Entries = append(feed.Entries, entry)
	}
	return marshalXML(feed)
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// RSS 2.0 (https://www.rssboard.org/rss-specification), with an atom:link
// to itself as the RSS Advisory Board recommends.

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Self          []rssSelf `xml:"atom:link"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator"`
	Docs          string    `xml:"docs"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr"`
	Value  string `xml:",chardata"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	Description string        `xml:"description"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Categories  []rssCategory `xml:"category"`
}

func rssTime(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

func encodeRSS(doc feedDoc) ([]byte, error) {
	rss := rssDoc{
		Version: "2.0",
		AtomNS:  atomNS,
		Channel: rssChannel{
			Title:         doc.Title,
			Link:          doc.PageURL,
			Description:   doc.Subtitle,
			Self:          []rssSelf{{Href: doc.SelfURL, Rel: "self", Type: "application/rss+xml"}},
			LastBuildDate: rssTime(doc.Updated),
			Generator:     "policywatch",
			Docs:          "https://www.rssboard.org/rss-specification",
		},
	}
	if doc.NextURL != "" {
		rss.Channel.Self = append(rss.Channel.Self, rssSelf{Href: doc.NextURL, Rel: "next", Type: "application/rss+xml"})
	}
	for _, e := range doc.Entries {
		item := rssItem{
			Title:       e.Title,
			Link:        e.URL,
			Description: e.ContentHTML,
			GUID:        rssGUID{IsPermaLink: "false", Value: e.ID},
			PubDate:     rssTime(e.Published),
			Categories:  []rssCategory{{Domain: classScheme, Value: e.Class}},
		}
		if e.Magnitude != "" {
			item.Categories = append(item.Categories, rssCategory{Domain: magnitudeScheme, Value: e.Magnitude})
		}
		rss.Channel.Items = append(rss.Channel.Items, item)
	}
	return marshalXML(rss)
}

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), with the change's
// facts for programs in the "_policywatch" extension.

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	NextURL     string       `json:"next_url,omitempty"`
	Description string       `json:"description"`
	Authors     []jsonAuthor `json:"authors"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string        `json:"id"`
	URL           string        `json:"url"`
	Title         string        `json:"title"`
	Summary       string        `json:"summary"`
	ContentHTML   string        `json:"content_html"`
	DatePublished string        `json:"date_published"`
	DateModified  string        `json:"date_modified"`
	Tags          []string      `json:"tags"`
	Policywatch   jsonExtension `json:"_policywatch"`
}

type jsonExtension struct {
	Service          string             `json:"service"`
	DocumentType     string             `json:"document_type"`
	DocumentURL      string             `json:"document_url"`
	Class            string             `json:"class"`
	Magnitude        string             `json:"magnitude,omitempty"`
	WordsAdded       int                `json:"words_added"`
	WordsRemoved     int                `json:"words_removed"`
	Substitutions    []jsonSubstitution `json:"substitutions"`
	FromVersion      int64              `json:"from_version"`
	ToVersion        int64              `json:"to_version"`
	ExcerptTruncated bool               `json:"excerpt_truncated"`
}

type jsonSubstitution struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

func encodeJSONFeed(doc feedDoc) ([]byte, error) {
	feed := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       doc.Title,
		HomePageURL: doc.PageURL,
		FeedURL:     doc.SelfURL,
		NextURL:     doc.NextURL,
		Description: doc.Subtitle,
		Authors:     []jsonAuthor{{Name: doc.Author}},
		Items:       []jsonItem{}, // an empty feed has "items": [], not null
	}
	for _, e := range doc.Entries {
		item := jsonItem{
			ID:            e.ID,
			URL:           e.URL,
			Title:         e.Title,
			Summary:       e.Summary,
			ContentHTML:   e.ContentHTML,
			DatePublished: atomTime(e.Published),
			DateModified:  atomTime(e.Updated),
			Tags:          []string{e.Class},
			Policywatch: jsonExtension{
				Service: e.Service, DocumentType: e.DocumentType, DocumentURL: e.DocumentURL,
				Class: e.Class, Magnitude: e.Magnitude,
				WordsAdded: e.WordsAdded, WordsRemoved: e.WordsRemoved,
				Substitutions: []jsonSubstitution{},
				FromVersion:   e.FromVersion, ToVersion: e.ToVersion,
				ExcerptTruncated: e.Truncated,
			},
		}
		if e.Magnitude != "" {
			item.Tags = append(item.Tags, e.Magnitude)
		}
		for _, s := range e.Subs {
			item.Policywatch.Substitutions = append(item.Policywatch.Substitutions, jsonSubstitution{From: s.From, To: s.To, Count: s.Count})
		}
		feed.Items = append(feed.Items, item)
	}
	// Not indented: programs read it, and indenting 50 excerpts costs a
	// quarter of the time.
	out, err := json.Marshal(feed)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
