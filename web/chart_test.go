package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var chartDot = regexp.MustCompile(`<a href="([^"]+)"><circle class="dot (\w+)" cx="([\d.]+)" cy="([\d.]+)" r="4"><title>([^<]+)</title></circle></a>`)

// The document page draws the words of every version, each change a dot
// of its class linking to its diff, and states reading time and grade,
// stored when each version was placed.
func TestDocumentPageChartsWordsAndStatesReadability(t *testing.T) {
	site := readDemoSite(t)
	doc := site.demoDocument(t, "X", "Trackers Policy")
	versions, err := site.st.Versions(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	body := site.mustGet(t, documentPath(doc), http.StatusOK)
	chart := body[strings.Index(body, `<svg class="chart words-chart"`):]
	chart = chart[:strings.Index(chart, "</svg>")]
	dots := chartDot.FindAllStringSubmatch(chart, -1)
	if len(dots) != len(versions) {
		t.Fatalf("%d dots for %d versions", len(dots), len(versions))
	}
	classes := map[string]int{}
	for _, d := range dots {
		classes[d[2]]++
	}
	if classes["first"] != 1 || classes["rebrand"] != 16 || classes["substantive"] == 0 || classes["editorial"] == 0 {
		t.Errorf("dots by class: %v", classes)
	}
	// The rebrand's dot links to its diff and names it.
	rebrand := versions[len(versions)-5] // 2023-09-20
	want := fmt.Sprintf(`<a href="%s"><circle class="dot rebrand"`, htmlAttr(diffPath(doc, rebrand.Change.FromVersionID, rebrand.ID)))
	assertContains(t, "chart", chart, want, "2023-09-20: 1,616 words, rebrand (minor)",
		"<desc id=\"chart-desc\">1,616 words on 2022-07-11, 8,164 words on 2026-07-08, over 37 versions.</desc>")
	// Higher means more words: the newest (8,164) above the first (1,616).
	first, _ := strconv.ParseFloat(dots[0][4], 64)
	last, _ := strconv.ParseFloat(dots[len(dots)-1][4], 64)
	if last >= first {
		t.Errorf("the first dot is at y %.1f, the newest at %.1f: want the newest higher", first, last)
	}

	newest := versions[0]
	if newest.Readability == nil {
		t.Fatal("the newest version was not measured when placed")
	}
	assertContains(t, "readability", body,
		fmt.Sprintf("reads in %s at 238 words a minute; its Flesch–Kincaid grade is %.1f", readingTime(newest.Readability.ReadingSeconds), newest.Readability.Grade),
		`<span class="reading" title="at 238 words a minute">`, `<span class="grade" title="Flesch–Kincaid grade level">grade `)
	if newest.Readability.ReadingSeconds != (newest.Words*60+119)/238 {
		t.Errorf("reading time %d s for %d words", newest.Readability.ReadingSeconds, newest.Words)
	}
	// One version: no chart.
	single := site.demoDocument(t, "Twitter", "Trackers Policy")
	assertNotContains(t, "one version", site.mustGet(t, documentPath(single), http.StatusOK), "<svg class=\"chart")
}

func TestReadingTime(t *testing.T) {
	for s, want := range map[int]string{0: "under a minute", 59: "under a minute", 60: "1 min", 89: "1 min", 90: "2 min", 3569: "59 min", 3570: "1 h 00 min", 5400: "1 h 30 min"} {
		if got := readingTime(s); got != want {
			t.Errorf("readingTime(%d) = %q, want %q", s, got, want)
		}
	}
}
