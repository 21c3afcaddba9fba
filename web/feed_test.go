package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func parseAtom(t *testing.T, site *testSite, path, host string) *gofeed.Feed {
	t.Helper()
	resp, body := site.getWithHost(t, path, host)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d; body:\n%.1000s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Fatalf("GET %s: content type %q, want application/atom+xml", path, ct)
	}
	feed, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatalf("GET %s: not a valid feed: %v\n%.1000s", path, err, body)
	}
	if feed.FeedType != "atom" || feed.FeedVersion != "1.0" {
		t.Fatalf("GET %s: feed type %s %s, want atom 1.0", path, feed.FeedType, feed.FeedVersion)
	}
	return feed
}

func TestAtomFeedsParseAndDescribeChanges(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	from, to := site.cookies["2022-11-23"], site.cookies["2023-09-20"]

	all := parseAtom(t, site, "/feed.atom", "")
	if len(all.Items) != 4 { // three cookie changes, one hostile change
		t.Fatalf("/feed.atom: %d entries, want 4", len(all.Items))
	}
	service := parseAtom(t, site, "/services/X/feed.atom", "")
	if len(service.Items) != 3 {
		t.Fatalf("/services/X/feed.atom: %d entries, want 3", len(service.Items))
	}
	document := parseAtom(t, site, documentPath(doc)+"/feed.atom", "")
	if len(document.Items) != 3 {
		t.Fatalf("document feed: %d entries, want 3", len(document.Items))
	}

	wantID := fmt.Sprintf("urn:policywatch:change:%d:%d:%d", doc, from, to)
	var rebrand *gofeed.Item
	for _, item := range document.Items {
		if item.GUID == wantID {
			rebrand = item
		}
	}
	if rebrand == nil {
		t.Fatalf("document feed: no entry with id %s", wantID)
	}
	if !strings.HasPrefix(rebrand.Title, "X Trackers Policy: ") {
		t.Errorf("entry title %q, want it to start with %q", rebrand.Title, "X Trackers Policy: ")
	}
	wantLink := site.srv.URL + diffPath(doc, from, to)
	if rebrand.Link != wantLink {
		t.Errorf("entry link %q, want %q", rebrand.Link, wantLink)
	}
	if rebrand.UpdatedParsed == nil || !rebrand.UpdatedParsed.Equal(time.Date(2023, 9, 20, 18, 34, 47, 0, time.UTC)) {
		t.Errorf("entry updated %v, want the new version's capture time 2023-09-20T18:34:47Z", rebrand.UpdatedParsed)
	}
	if !strings.Contains(rebrand.Description, "Twitter") || !strings.Contains(rebrand.Description, "→") {
		t.Errorf("entry summary %q does not name the substitution Twitter → X", rebrand.Description)
	}
	// Newest first: the feed is updated when its newest entry is.
	if document.Items[0].UpdatedParsed == nil || !document.Items[0].UpdatedParsed.Equal(time.Date(2024, 8, 16, 0, 36, 31, 0, time.UTC)) {
		t.Errorf("first entry updated %v, want 2024-08-16T00:36:31Z", document.Items[0].UpdatedParsed)
	}
	if document.UpdatedParsed == nil || !document.UpdatedParsed.Equal(*document.Items[0].UpdatedParsed) {
		t.Errorf("feed updated %v, want its newest entry's %v", document.UpdatedParsed, document.Items[0].UpdatedParsed)
	}
}

func TestAtomIDsStableAcrossHosts(t *testing.T) {
	site := newTestSite(t)
	for _, path := range []string{"/feed.atom", "/services/X/feed.atom", documentPath(site.cookiesDoc) + "/feed.atom"} {
		a := parseAtom(t, site, path, "one.example")
		b := parseAtom(t, site, path, "two.example:8080")
		if a.Title != b.Title {
			t.Errorf("%s: title changed with the host: %q vs %q", path, a.Title, b.Title)
		}
		if len(a.Items) == 0 || len(a.Items) != len(b.Items) {
			t.Fatalf("%s: %d and %d entries", path, len(a.Items), len(b.Items))
		}
		for i := range a.Items {
			if a.Items[i].GUID != b.Items[i].GUID {
				t.Errorf("%s entry %d: id %q with one host, %q with another", path, i, a.Items[i].GUID, b.Items[i].GUID)
			}
			if strings.Contains(a.Items[i].GUID, "example") {
				t.Errorf("%s entry %d: id %q depends on the host", path, i, a.Items[i].GUID)
			}
			if !strings.HasPrefix(a.Items[i].Link, "http://one.example/documents/") ||
				!strings.HasPrefix(b.Items[i].Link, "http://two.example:8080/documents/") {
				t.Errorf("%s entry %d: links %q and %q are not absolute on the request's host", path, i, a.Items[i].Link, b.Items[i].Link)
			}
		}
	}
}

func TestAtomFeedErrors(t *testing.T) {
	site := newTestSite(t)
	site.mustGet(t, "/services/Nobody/feed.atom", http.StatusNotFound)
	site.mustGet(t, "/documents/999999/feed.atom", http.StatusNotFound)
	site.mustGet(t, "/documents/x/feed.atom", http.StatusBadRequest)
}
