package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// longSite serves one document with n versions, a small edit each, and
// returns it with the version ids, oldest first.
func longSite(t *testing.T, n int) (*testSite, int64, []int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.DB(t, "long.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ar := archive.New(st)
	ref := archive.DocumentRef{Service: "Longlived", Type: "Privacy Policy"}
	var docID int64
	var ids []int64
	for i := range n {
		text := fmt.Sprintf("# Privacy\n\nWe keep your data for %d days.\n\nWe never sell it.\n", i+1)
		out, err := ar.Record(ctx, ref, archive.Capture{
			At:          time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 36 * time.Hour),
			Source:      "import",
			ContentType: "text/markdown",
			Content:     []byte(text),
		})
		if err != nil || !out.NewVersion {
			t.Fatalf("version %d: %+v, %v", i, out, err)
		}
		docID = out.DocumentID
		ids = append(ids, out.VersionID)
	}
	return &testSite{srv: serveSite(t, st), st: st}, docID, ids
}

func newestFirst(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}

var (
	timelineVersionLink = regexp.MustCompile(`/documents/\d+/versions/(\d+)">version<`)
	relLink             = regexp.MustCompile(`<a rel="(prev|next)" href="([^"]+)"`)
)

// pageLinks returns the version ids a document page's timeline lists, and
// its rel=prev and rel=next links.
func pageLinks(t *testing.T, body string) (ids []int64, rels map[string]string) {
	t.Helper()
	for _, m := range timelineVersionLink.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	rels = map[string]string{}
	for _, m := range relLink.FindAllStringSubmatch(body, -1) {
		rels[m[1]] = strings.ReplaceAll(m[2], "&amp;", "&")
	}
	return ids, rels
}

func TestDocumentTimelineIsPagedByVersion(t *testing.T) {
	site, docID, ids := longSite(t, 230)
	var walked []int64
	var pages []string
	path := documentPath(docID)
	for path != "" {
		body := site.mustGet(t, path, http.StatusOK)
		pageIDs, rels := pageLinks(t, body)
		if len(pageIDs) > timelineVersions {
			t.Fatalf("%s lists %d versions, more than a page of %d", path, len(pageIDs), timelineVersions)
		}
		if len(pages) > 0 && rels["prev"] == "" {
			t.Errorf("%s has no link to newer versions", path)
		}
		walked = append(walked, pageIDs...)
		pages = append(pages, path)
		path = rels["next"]
	}
	if !slices.Equal(walked, newestFirst(ids)) {
		t.Fatalf("the pages list %d versions, want all %d newest first once each", len(walked), len(ids))
	}
	if len(pages) != 3 {
		t.Errorf("%d pages for 230 versions, want 3", len(pages))
	}
	// Back from the last page: the newer page is the one before it.
	last := site.mustGet(t, pages[2], http.StatusOK)
	_, rels := pageLinks(t, last)
	back, _ := pageLinks(t, site.mustGet(t, rels["prev"], http.StatusOK))
	if want, _ := pageLinks(t, site.mustGet(t, pages[1], http.StatusOK)); !slices.Equal(back, want) {
		t.Errorf("the newer page of the last one lists %d versions from %v, want the second page's %d", len(back), back[:1], len(want))
	}
	// A cursor of no version of this document is not found.
	site.mustGet(t, fmt.Sprintf("%s?before=999999", documentPath(docID)), http.StatusNotFound)
	site.mustGet(t, fmt.Sprintf("%s?before=1&after=2", documentPath(docID)), http.StatusBadRequest)

	// A version page links its neighbours, wherever the timeline pages.
	k := 130
	body := site.mustGet(t, versionPath(docID, ids[k]), http.StatusOK)
	_, rels = pageLinks(t, body)
	if rels["prev"] != versionPath(docID, ids[k-1]) || rels["next"] != versionPath(docID, ids[k+1]) {
		t.Errorf("version %d links prev %q next %q, want %s and %s", ids[k], rels["prev"], rels["next"],
			versionPath(docID, ids[k-1]), versionPath(docID, ids[k+1]))
	}
	assertContains(t, "version page", body, fmt.Sprintf(`href="%s"`, strings.ReplaceAll(diffPath(docID, ids[k-1], ids[k]), "&", "&amp;")))

	// The diff page's picker offers both versions compared, even when they
	// are older than the newest it lists.
	body = site.mustGet(t, diffPath(docID, ids[3], ids[5]), http.StatusOK)
	for _, id := range []int64{ids[3], ids[5]} {
		assertContains(t, "diff picker", body, fmt.Sprintf(`value="%d" selected`, id))
	}
}

func TestAPIVersionsArePaged(t *testing.T) {
	site, docID, ids := longSite(t, 95)
	type page struct {
		Versions []struct {
			ID int64 `json:"id"`
		} `json:"versions"`
		Older *string `json:"older"`
		Newer *string `json:"newer"`
	}
	get := func(url string) page {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", url, resp.Status)
		}
		var p page
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var walked []int64
	var urls []string
	url := fmt.Sprintf("%s/api/documents/%d/versions?limit=40", site.srv.URL, docID)
	for url != "" {
		p := get(url)
		urls = append(urls, url)
		for _, v := range p.Versions {
			walked = append(walked, v.ID)
		}
		if len(urls) > 1 && p.Newer == nil {
			t.Errorf("%s has no newer link", url)
		}
		url = ""
		if p.Older != nil {
			url = *p.Older
		}
	}
	if !slices.Equal(walked, newestFirst(ids)) || len(urls) != 3 {
		t.Fatalf("%d pages list %d versions, want 3 pages of all %d newest first", len(urls), len(walked), len(ids))
	}
	if p := get(urls[1]); p.Newer == nil || get(*p.Newer).Versions[0].ID != ids[len(ids)-1] {
		t.Errorf("the newer page of the second is not the first")
	}
	if p := get(fmt.Sprintf("%s/api/documents/%d/versions", site.srv.URL, docID)); len(p.Versions) != 95 || p.Older != nil || p.Newer != nil {
		t.Errorf("default page: %d versions, older %v newer %v; want all 95 and no links", len(p.Versions), p.Older, p.Newer)
	}
	for _, bad := range []string{"limit=0", "limit=1001", "limit=x", "before=x"} {
		site.mustGet(t, fmt.Sprintf("/api/documents/%d/versions?%s", docID, bad), http.StatusBadRequest)
	}
}

func TestFeedsArePagedWithNextLinks(t *testing.T) {
	site, docID, ids := longSite(t, 120) // 119 changes: three pages of 50
	type atomFeed struct {
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	}
	var entries []string
	url := fmt.Sprintf("%s/documents/%d/feed.atom", site.srv.URL, docID)
	pages := 0
	for url != "" {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		var f atomFeed
		err = xml.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s, %v", url, resp.Status, err)
		}
		pages++
		for _, e := range f.Entries {
			entries = append(entries, e.ID)
		}
		url = ""
		for _, l := range f.Links {
			if l.Rel == "next" {
				url = l.Href
			}
		}
	}
	if pages != 3 || len(entries) != len(ids)-1 {
		t.Fatalf("%d pages with %d entries, want 3 with %d", pages, len(entries), len(ids)-1)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e] {
			t.Fatalf("entry %s appears twice", e)
		}
		seen[e] = true
	}
	// JSON Feed and RSS name the same next page.
	var jf struct {
		NextURL string `json:"next_url"`
	}
	if err := json.Unmarshal([]byte(site.mustGet(t, documentPath(docID)+"/feed.json", http.StatusOK)), &jf); err != nil || !strings.Contains(jf.NextURL, "/feed.json?before=") {
		t.Errorf("JSON Feed next_url %q, %v", jf.NextURL, err)
	}
	assertContains(t, "RSS", site.mustGet(t, documentPath(docID)+"/feed.rss", http.StatusOK), `rel="next"`, "/feed.rss?before=")
	site.mustGet(t, documentPath(docID)+"/feed.atom?before=nope", http.StatusBadRequest)
}

func TestHomePagesServicesByName(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.DB(t, "services.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ar := archive.New(st)
	var names []string
	for i := range homeServices + 30 {
		name := fmt.Sprintf("Service %03d", i)
		names = append(names, name)
		_, err := ar.Record(ctx, archive.DocumentRef{Service: name, Type: "Privacy Policy"}, archive.Capture{
			At: time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC), Source: "import", ContentType: "text/markdown",
			Content: []byte(fmt.Sprintf("# Privacy\n\n%s keeps your data.\n", name)),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	site := &testSite{srv: serveSite(t, st), st: st}
	serviceLink := regexp.MustCompile(`<li><a href="/services/[^"]+">([^<]+)</a>`)
	var listed []string
	path := "/"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("the home page's services never end")
		}
		body := site.mustGet(t, path, http.StatusOK)
		for _, m := range serviceLink.FindAllStringSubmatch(body, -1) {
			listed = append(listed, m[1])
		}
		_, rels := pageLinks(t, body)
		path = rels["next"]
	}
	if !slices.Equal(listed, names) {
		t.Errorf("the pages list %d services, want all %d in order", len(listed), len(names))
	}
	body := site.mustGet(t, "/?after=Service+099", http.StatusOK)
	assertContains(t, "second page", body, "Service 100", "From the first")
	assertNotContains(t, "second page", body, "Latest changes") // the first page has them
}
