package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/store"
)

// demoDocument is the id of service/type in the demo archive.
func (d *demoSite) demoDocument(t testing.TB, service, docType string) int64 {
	t.Helper()
	docs, err := d.st.Documents(context.Background(), store.DocumentFilter{Service: service, Type: docType})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %s / %s: %v, %v", service, docType, docs, err)
	}
	return docs[0].ID
}

// demoVersion is the id of the version of document captured on day
// (YYYY-MM-DD; the first of that day).
func (d *demoSite) demoVersion(t testing.TB, docID int64, day string) int64 {
	t.Helper()
	versions, err := d.st.Versions(context.Background(), docID)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(versions) - 1; i >= 0; i-- {
		if versions[i].CapturedAt.UTC().Format("2006-01-02") == day {
			return versions[i].ID
		}
	}
	t.Fatalf("document %d has no version of %s", docID, day)
	return 0
}

var classBadge = regexp.MustCompile(`<span class="class class-(\w+)">`)

func TestTimelineFoldsRunsOfFlipFlopsIntoOneRow(t *testing.T) {
	site := readDemoSite(t)
	doc := site.demoDocument(t, "X", "Trackers Policy")
	body := site.mustGet(t, documentPath(doc), http.StatusOK)
	assertContains(t, "timeline", body,
		`<li class="run flip-flops">`,
		`<details><summary><span class="mark flip-flop">flip-flops</span> 15 link flip-flops between twitter.com and x.com, May–June 2024</summary>`)
	// The run's versions are inside it, so the 2023 rebrand is near the top.
	run := body[strings.Index(body, "15 link flip-flops"):]
	run = run[:strings.Index(run, "</details>")]
	if n := strings.Count(run, `<li class="entry flip-flop">`); n != 15 {
		t.Errorf("the run holds %d entries, want 15", n)
	}
	assertOrder(t, "timeline", body, "15 link flip-flops", "2024-05-16 06:39 UTC", "Twitter → X ×40")
	// The largest change of the page fills its bar; the others are shorter.
	assertContains(t, "size bars", body, `aria-label="5,216 words added, 0 removed"><rect class="track" width="100" height="8"/><rect class="added" width="100.0"`)
}

func TestTimelineFiltersByClassAndMagnitude(t *testing.T) {
	site := readDemoSite(t)
	doc := site.demoDocument(t, "X", "Trackers Policy")
	rebrands := site.mustGet(t, documentPath(doc)+"?class=rebrand", http.StatusOK)
	timeline := rebrands[strings.Index(rebrands, `<ol class="timeline">`):]
	classes := classBadge.FindAllStringSubmatch(timeline, -1)
	if len(classes) != 16 {
		t.Errorf("%d changes listed for class=rebrand, want the 16 rebrands", len(classes))
	}
	for _, c := range classes {
		if c[1] != "rebrand" {
			t.Errorf("class=rebrand lists a %s change", c[1])
		}
	}
	assertContains(t, "filtered timeline", rebrands, `<input type="checkbox" name="class" value="rebrand" checked>`, "show all</a>")
	assertNotContains(t, "filtered timeline", rebrands, "first version")

	major := site.mustGet(t, documentPath(doc)+"?magnitude=major&class=substantive", http.StatusOK)
	timeline = major[strings.Index(major, `<ol class="timeline">`):]
	if n := strings.Count(timeline, `<span class="magnitude magnitude-major">`); n == 0 || n != len(classBadge.FindAllString(timeline, -1)) {
		t.Errorf("magnitude=major lists %d major changes among %d", n, len(classBadge.FindAllString(timeline, -1)))
	}
	bad := site.mustGet(t, documentPath(doc)+"?class=huge", http.StatusBadRequest)
	assertContains(t, "unknown class", bad, "query parameter class &#34;huge&#34;: want one of substantive, editorial, rebrand, cosmetic")
}

var changeDiffLink = regexp.MustCompile(`<a class="summary" href="([^"]+)"`)

// walkChanges follows a list of changes' "older changes" links from path
// and returns the diff links listed, in order.
func walkChanges(t *testing.T, site *testSite, path string) (links []string, pages int) {
	t.Helper()
	for path != "" {
		body := site.mustGet(t, path, http.StatusOK)
		pages++
		for _, m := range changeDiffLink.FindAllStringSubmatch(body, -1) {
			links = append(links, m[1])
		}
		_, rels := pageLinks(t, body)
		path = rels["next"]
	}
	return links, pages
}

func TestEveryChangeIsReachableBeyondTheHomePage(t *testing.T) {
	site := readDemoSite(t)
	all, err := site.st.Changes(context.Background(), store.ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	home := site.mustGet(t, "/", http.StatusOK)
	assertContains(t, "home", home, `<a href="/changes">all changes →</a>`)
	if n := len(changeDiffLink.FindAllString(home, -1)); n != homeChanges {
		t.Errorf("the home page lists %d changes, want %d", n, homeChanges)
	}
	links, pages := walkChanges(t, site.testSite, "/changes")
	if len(links) != len(all) || pages != (len(all)+allChanges-1)/allChanges {
		t.Errorf("/changes and its older pages list %d changes on %d pages, want all %d", len(links), pages, len(all))
	}
	seen := map[string]bool{}
	for _, l := range links {
		if seen[l] {
			t.Errorf("%s listed twice", l)
		}
		seen[l] = true
	}
	// The filter follows the pages.
	links, _ = walkChanges(t, site.testSite, "/changes?class=rebrand")
	rebrands, _ := site.st.Changes(context.Background(), store.ChangeFilter{Classes: []string{"rebrand"}})
	if len(links) != len(rebrands) {
		t.Errorf("rebrands: %d listed, want %d", len(links), len(rebrands))
	}

	// The service page lists its changes 30 at a time, the older ones on
	// further pages.
	xChanges, _ := site.st.Changes(context.Background(), store.ChangeFilter{Service: "X"})
	links, pages = walkChanges(t, site.testSite, "/services/X")
	if len(links) != len(xChanges) || pages < 2 {
		t.Errorf("/services/X and its older pages list %d changes on %d pages, want %d", len(links), pages, len(xChanges))
	}
	site.mustGet(t, "/changes?before=abc", http.StatusBadRequest)
}

// One set of numbers: a version's words, its change's words added and
// removed, and the diff's counts agree everywhere (they once read 6,390 →
// 6,390 beside "+0 −116 words", and 1,589 words beside 1,732 unchanged).
func TestVersionsChangesAndDiffsCountTheSameWords(t *testing.T) {
	site := readDemoSite(t)
	docs, err := site.st.Documents(context.Background(), store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range docs {
		versions, err := site.st.Versions(context.Background(), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(versions); i++ {
			to, from := versions[i], versions[i+1]
			c := to.Change
			if c == nil || c.FromVersionID != from.ID {
				t.Fatalf("version %d has no change from %d", to.ID, from.ID)
			}
			if from.Words-c.WordsRemoved+c.WordsAdded != to.Words {
				t.Errorf("%s / %s: %d words − %d + %d ≠ %d words", d.Service, d.Type, from.Words, c.WordsRemoved, c.WordsAdded, to.Words)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("checked %d changes", checked)
	}
	privacy := site.demoDocument(t, "X", "Privacy Policy")
	from, to := site.demoVersion(t, privacy, "2023-05-18"), site.demoVersion(t, privacy, "2023-08-23")
	var got struct {
		Stats struct {
			Added     int `json:"words_added"`
			Removed   int `json:"words_removed"`
			Unchanged int `json:"words_unchanged"`
		} `json:"stats"`
		From struct{ Words int } `json:"from"`
		To   struct{ Words int } `json:"to"`
	}
	getJSON(t, site.testSite, fmt.Sprintf("/api/diff?from=%d&to=%d", from, to), http.StatusOK, &got)
	if got.Stats.Unchanged+got.Stats.Removed != got.From.Words || got.Stats.Unchanged+got.Stats.Added != got.To.Words {
		t.Errorf("the diff counts %+v against %d → %d words", got.Stats, got.From.Words, got.To.Words)
	}
	page := site.mustGet(t, diffPath(privacy, from, to), http.StatusOK)
	assertContains(t, "diff page", page, fmt.Sprintf(`<span class="words-added">+%s added</span>`, formatCount(got.Stats.Added)))
}
