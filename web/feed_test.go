package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"github.com/policywatch/policywatch/store"
)

// The feed tests read every feed with gofeed, as a feed reader would, and
// check each format's required fields with gofeed's parser of that format.

var feedExts = []string{"atom", "rss", "json"}

var wantContentType = map[string]string{
	"atom": "application/atom+xml",
	"rss":  "application/rss+xml",
	"json": "application/feed+json",
}

// fetched is one feed as served and as read.
type fetched struct {
	resp *http.Response
	body string
	feed *gofeed.Feed
}

// getFeed fetches a feed (path ends in feed.atom, feed.rss or feed.json,
// maybe with a query), checks its type and required fields, and parses it.
func getFeed(t *testing.T, site *testSite, path string) fetched {
	t.Helper()
	return getFeedWithHost(t, site, path, "")
}

func getFeedWithHost(t *testing.T, site *testSite, p, host string) fetched {
	t.Helper()
	resp, body := site.getWithHost(t, p, host)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d; body:\n%.1000s", p, resp.StatusCode, body)
	}
	return fetched{resp: resp, body: body, feed: parseFeed(t, p, resp.Header.Get("Content-Type"), body)}
}

func feedExt(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return strings.TrimPrefix(path.Ext(p), ".")
}

func parseFeed(t *testing.T, p, contentType, body string) *gofeed.Feed {
	t.Helper()
	ext := feedExt(p)
	if !strings.HasPrefix(contentType, wantContentType[ext]) {
		t.Fatalf("GET %s: content type %q, want %s", p, contentType, wantContentType[ext])
	}
	checkRequiredFields(t, p, ext, body)
	feed, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatalf("GET %s: gofeed cannot read it: %v\n%.1000s", p, err, body)
	}
	wantType := map[string]string{"atom": "atom 1.0", "rss": "rss 2.0", "json": "json https://jsonfeed.org/version/1.1"}[ext]
	if got := feed.FeedType + " " + feed.FeedVersion; got != wantType {
		t.Fatalf("GET %s: gofeed reads a %s feed, want %s", p, got, wantType)
	}
	return feed
}

// checkRequiredFields reads the feed with the parser of its format and
// checks what that format requires. XML feeds must also be well-formed to
// a strict XML decoder, which gofeed's lenient one does not check.
func checkRequiredFields(t *testing.T, p, ext, body string) {
	t.Helper()
	switch ext {
	case "atom":
		wellFormed(t, p, body)
		f, err := (&atom.Parser{}).Parse(strings.NewReader(body))
		if err != nil {
			t.Fatalf("GET %s: not Atom: %v", p, err)
		}
		if f.ID == "" || f.Title == "" || !isRFC3339(f.Updated) {
			t.Errorf("GET %s: Atom feed id %q, title %q, updated %q: all required", p, f.ID, f.Title, f.Updated)
		}
		for i, e := range f.Entries {
			if e.ID == "" || e.Title == "" || !isRFC3339(e.Updated) {
				t.Errorf("GET %s: Atom entry %d id %q, title %q, updated %q: all required", p, i, e.ID, e.Title, e.Updated)
			}
		}
	case "rss":
		wellFormed(t, p, body)
		f, err := (&rss.Parser{}).Parse(strings.NewReader(body))
		if err != nil {
			t.Fatalf("GET %s: not RSS: %v", p, err)
		}
		if f.Title == "" || f.Link == "" || f.Description == "" {
			t.Errorf("GET %s: RSS channel title %q, link %q, description %q: all required", p, f.Title, f.Link, f.Description)
		}
		for i, item := range f.Items {
			if item.GUID == nil || item.GUID.Value == "" {
				t.Errorf("GET %s: RSS item %d has no guid", p, i)
			}
		}
	case "json":
		f, err := (&jsonfeed.Parser{}).Parse(strings.NewReader(body))
		if err != nil {
			t.Fatalf("GET %s: not JSON: %v", p, err)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &top); err != nil {
			t.Fatalf("GET %s: not JSON: %v", p, err)
		}
		if f.Version != "https://jsonfeed.org/version/1.1" || f.Title == "" || !bytes.HasPrefix(top["items"], []byte("[")) {
			t.Errorf("GET %s: JSON Feed version %q, title %q, items %.20s: all required", p, f.Version, f.Title, top["items"])
		}
		for i, item := range f.Items {
			if item.ID == "" || item.ContentHTML == "" && item.ContentText == "" {
				t.Errorf("GET %s: JSON Feed item %d: id %q and content_html or content_text are required", p, i, item.ID)
			}
		}
	default:
		t.Fatalf("%s: not a feed path", p)
	}
}

func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func wellFormed(t *testing.T, p, body string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(body)) // Strict by default
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("GET %s: not well-formed XML: %v", p, err)
		}
	}
}

// itemByID finds an entry by its id (Atom id, RSS guid, JSON Feed id).
func itemByID(t *testing.T, f fetched, id string) *gofeed.Item {
	t.Helper()
	for _, item := range f.feed.Items {
		if item.GUID == id {
			return item
		}
	}
	t.Fatalf("no entry with id %s among %d", id, len(f.feed.Items))
	return nil
}

// itemHTML is an entry's HTML as a reader gets it: Atom content, RSS
// description, JSON Feed content_html.
func itemHTML(item *gofeed.Item) string {
	if item.Content != "" {
		return item.Content
	}
	return item.Description
}

// itemText is an entry's HTML with character references decoded, to look
// for its texts: html/template writes "+" as "&#43;".
func itemText(item *gofeed.Item) string { return html.UnescapeString(itemHTML(item)) }

func TestFeedsTellTheRebrand(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	from, to := site.cookies["2022-11-23"], site.cookies["2023-09-20"]
	wantID := fmt.Sprintf("urn:policywatch:change:%d:%d:%d", doc, from, to)
	prefixes := map[string]int{"": 4, "/services/X": 3, documentPath(doc): 3} // entries each holds
	for prefix, entries := range prefixes {
		for _, ext := range feedExts {
			p := prefix + "/feed." + ext
			f := getFeed(t, site, p)
			if len(f.feed.Items) != entries {
				t.Errorf("%s: %d entries, want %d", p, len(f.feed.Items), entries)
			}
			item := itemByID(t, f, wantID)
			if want := "X Trackers Policy — rebrand, minor: Twitter → X ×40"; !strings.HasPrefix(item.Title, want) {
				t.Errorf("%s: entry title %q, want it to start with %q", p, item.Title, want)
			}
			if want := site.srv.URL + diffPath(doc, from, to); item.Link != want {
				t.Errorf("%s: entry link %q, want %q", p, item.Link, want)
			}
			if item.PublishedParsed == nil || !item.PublishedParsed.Equal(time.Date(2023, 9, 20, 18, 34, 47, 0, time.UTC)) {
				t.Errorf("%s: entry published %v, want the new version's capture time 2023-09-20T18:34:47Z", p, item.PublishedParsed)
			}
			content := itemHTML(item)
			assertContains(t, p+" entry", content,
				"Twitter → X ×40", "Tweet → post ×2", // the story's substitutions
				"<h3>How cookies are used on", "was: How cookies are used on Twitter", // sections touched, by name
				"Sections touched", "‘How cookies are used on X’: substitutions only",
				`<span title="was: Twitter"`, // the diff, substitutions marked
				`href="`+html.EscapeString(site.srv.URL+diffPath(doc, from, to))+`"`,
				`href="`+site.srv.URL+documentPath(doc)+`"`)
			// Newest first: the feed is as new as its newest entry.
			first := f.feed.Items[0]
			if first.PublishedParsed == nil || ext != "json" && (f.feed.UpdatedParsed == nil || !f.feed.UpdatedParsed.Equal(*first.PublishedParsed)) {
				t.Errorf("%s: feed updated %v, first entry published %v: want equal", p, f.feed.UpdatedParsed, first.PublishedParsed)
			}
		}
	}
}

func TestFeedEntryTellsTheStory(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	id := fmt.Sprintf("urn:policywatch:change:%d:%d:%d", doc, site.cookies["2022-09-24"], site.cookies["2022-11-23"])
	for _, ext := range feedExts {
		p := documentPath(doc) + "/feed." + ext
		item := itemByID(t, getFeed(t, site, p), id)
		content := itemText(item)
		assertContains(t, p, item.Title, "X Trackers Policy — substantive, major: ‘What are my privacy options?’ rewritten (+147 −5 words)")
		assertContains(t, p, content,
			"<h3>Sections touched</h3>",
			"‘What are my privacy options?’ rewritten (+147 −5 words)",
			"‘How cookies are used on Twitter’ rewritten (+9 −21 words)",
			"<h3>Sentences changed</h3>",
			"<em>In ‘Where are these technologies used?’:</em>",
			"sites that use our embeds, including embedded timelines.</ins>",
			"<del", "<ins") // the excerpt's word edits
		assertOrder(t, p, content, "Sections touched", "Sentences changed", "The changed text", "Full diff")
	}
}

func TestFeedIDsAreStable(t *testing.T) {
	site := newTestSite(t)
	for _, ext := range feedExts {
		p := "/feed." + ext
		a, b := getFeed(t, site, p), getFeedWithHost(t, site, p, "other.example")
		if a.feed.Title != b.feed.Title || a.body != b.body {
			t.Errorf("%s: two fetches differ", p)
		}
		for i, item := range a.feed.Items {
			if !strings.HasPrefix(item.GUID, "urn:policywatch:change:") || item.GUID != b.feed.Items[i].GUID {
				t.Errorf("%s entry %d: id %q, then %q", p, i, item.GUID, b.feed.Items[i].GUID)
			}
		}
	}
	// The same change has the same id in every feed and format.
	ids := map[string]bool{}
	for _, prefix := range []string{"", documentPath(site.cookiesDoc)} {
		for _, ext := range feedExts {
			for _, item := range getFeed(t, site, prefix+"/feed."+ext+"?class=rebrand").feed.Items {
				ids[item.GUID] = true
			}
		}
	}
	if len(ids) != 1 {
		t.Errorf("the rebrand has %d ids across feeds and formats, want 1: %v", len(ids), ids)
	}
}

var hrefPattern = regexp.MustCompile(`href="([^"]*)"`)

// TestFeedLinksResolve follows every link of every feed, the feed's own and
// those in entries, on the same server.
func TestFeedLinksResolve(t *testing.T) {
	site := newTestSite(t)
	links := map[string]bool{}
	for _, prefix := range []string{"", "/services/X", documentPath(site.cookiesDoc)} {
		for _, ext := range feedExts {
			f := getFeed(t, site, prefix+"/feed."+ext)
			links[f.feed.Link] = true
			links[f.feed.FeedLink] = true
			for _, l := range f.feed.Links {
				links[l] = true
			}
			for _, item := range f.feed.Items {
				links[item.Link] = true
				for _, l := range item.Links {
					links[l] = true
				}
				for _, m := range hrefPattern.FindAllStringSubmatch(itemHTML(item), -1) {
					links[html.UnescapeString(m[1])] = true
				}
			}
		}
	}
	delete(links, "")
	if len(links) < 10 {
		t.Fatalf("only %d links in the feeds: %v", len(links), links)
	}
	for link := range links {
		if !strings.HasPrefix(link, site.srv.URL+"/") {
			t.Errorf("link %q is not on the base URL %s", link, site.srv.URL)
			continue
		}
		resp, err := site.srv.Client().Get(link)
		if err != nil {
			t.Fatalf("GET %s: %v", link, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", link, resp.StatusCode)
		}
	}
}

func TestFeedDiscovery(t *testing.T) {
	site := newTestSite(t)
	pages := map[string]string{
		"/":                           "/feed",
		"/services/X":                 "/services/X/feed",
		documentPath(site.cookiesDoc): documentPath(site.cookiesDoc) + "/feed",
	}
	for page, feed := range pages {
		body := site.mustGet(t, page, http.StatusOK)
		assertContains(t, page, body,
			`<link rel="alternate" type="application/atom+xml" title="Changes (Atom)" href="`+feed+`.atom">`,
			`<link rel="alternate" type="application/rss+xml" title="Changes (RSS)" href="`+feed+`.rss">`,
			`<link rel="alternate" type="application/feed+json" title="Changes (JSON Feed)" href="`+feed+`.json">`)
		for _, ext := range feedExts {
			getFeed(t, site, feed+"."+ext)
		}
	}
}

func TestFeedErrors(t *testing.T) {
	site := newTestSite(t)
	for _, ext := range feedExts {
		site.mustGet(t, "/services/Nobody/feed."+ext, http.StatusNotFound)
		site.mustGet(t, "/documents/999999/feed."+ext, http.StatusNotFound)
		site.mustGet(t, "/documents/x/feed."+ext, http.StatusBadRequest)
	}
	site.mustGet(t, "/feed.xml", http.StatusNotFound)
}

// TestFeedEntryOfATruncatedExcerpt: the 2024-08-16 change adds a table of
// 6,000 words; its excerpt stops at the limit and the entry says so.
func TestFeedEntryOfATruncatedExcerpt(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	from, to := site.cookies["2023-09-20"], site.cookies["2024-08-16"]
	id := fmt.Sprintf("urn:policywatch:change:%d:%d:%d", doc, from, to)
	full := html.EscapeString(site.srv.URL + diffPath(doc, from, to))
	for _, ext := range feedExts {
		p := documentPath(doc) + "/feed." + ext
		content := itemHTML(itemByID(t, getFeed(t, site, p), id))
		assertContains(t, p, content, "This diff is shortened to fit the feed.", `<a href="`+full+`">Read the full diff</a>`)
		if len(content) > 40<<10 {
			t.Errorf("%s: entry of %d bytes, want the excerpt's bound (30 KB) and a little more", p, len(content))
		}
	}
	// A whole excerpt says nothing of the kind.
	rebrand := fmt.Sprintf("urn:policywatch:change:%d:%d:%d", doc, site.cookies["2022-11-23"], from)
	assertNotContains(t, "rebrand entry", itemHTML(itemByID(t, getFeed(t, site, documentPath(doc)+"/feed.atom"), rebrand)), "shortened")
}

// TestFeedEntryWithoutStory: changes recorded before stories and excerpts
// were stored show their summary, substitutions and links, and nothing
// is diffed to make up for it.
func TestFeedEntryWithoutStory(t *testing.T) {
	site := newTestSite(t)
	ctx := t.Context()
	changes, err := site.st.Changes(ctx, store.ChangeFilter{DocumentID: site.cookiesDoc, Classes: []string{"rebrand"}})
	if err != nil || len(changes) != 1 {
		t.Fatalf("the rebrand: %d changes, %v", len(changes), err)
	}
	c := changes[0].Change
	c.Story, c.Excerpt, c.ExcerptTruncated = nil, "", false
	if err := site.st.Write(ctx, func(tx *store.Tx) error { return tx.UpdateChange(c) }); err != nil {
		t.Fatal(err)
	}
	for _, ext := range feedExts {
		p := documentPath(site.cookiesDoc) + "/feed." + ext
		content := itemHTML(itemByID(t, getFeed(t, site, p), changeURN(c)))
		assertContains(t, p, content, "<p>Twitter → X ×40; Tweet → post ×2</p>", "<h3>Replaced throughout</h3>", "Full diff</a>")
		assertNotContains(t, p, content, "The changed text", "Sections touched")
	}
}
