package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
)

// flipFlops records three captures of the cookie policy from May 2024 as
// another document of the test site: help.twitter.com links, help.x.com
// links, then help.twitter.com again within a day. It returns the document
// and its three version ids.
func flipFlops(t *testing.T, site *testSite) (int64, [3]int64) {
	t.Helper()
	ar := archive.New(site.st)
	ref := archive.DocumentRef{Service: "X", Type: "Cookies Policy (May 2024)"}
	var ids [3]int64
	var docID int64
	for i, name := range []string{"2024-05-16T06-39-10Z.md", "2024-05-17T00-38-40Z.md", "2024-05-17T18-36-34Z.md"} {
		content, err := os.ReadFile(cookiesHistory + name)
		if err != nil {
			t.Fatal(err)
		}
		at, _ := archive.DateFromName(name)
		out, err := ar.Record(context.Background(), ref, archive.Capture{At: at, Source: "import", ContentType: "text/markdown", Content: content})
		if err != nil {
			t.Fatal(err)
		}
		docID, ids[i] = out.DocumentID, out.VersionID
	}
	return docID, ids
}

func TestTimelineMarksRevertsAndFlipFlops(t *testing.T) {
	site := newTestSite(t)
	doc, ids := flipFlops(t, site)
	body := site.mustGet(t, documentPath(doc), http.StatusOK)
	assertContains(t, "timeline", body,
		`<li class="entry flip-flop">`,
		`<span class="mark revert">reverts to the version of <time datetime="2024-05-16T06:39:10Z">2024-05-16</time></span>`,
		`<span class="class class-rebrand">rebrand</span>`,
		"twitter.com → x.com ×4", "x.com → twitter.com ×4",
	)
	var got struct {
		Versions []struct {
			ID        int64 `json:"id"`
			RevertsTo *struct {
				ID int64 `json:"id"`
			} `json:"reverts_to"`
			FlipFlop     bool   `json:"flip_flop"`
			FlipFlopWith *int64 `json:"flip_flop_with"`
		} `json:"versions"`
	}
	getJSON(t, site, fmt.Sprintf("/api/documents/%d/versions", doc), http.StatusOK, &got)
	newest := got.Versions[0]
	if newest.ID != ids[2] || newest.RevertsTo == nil || newest.RevertsTo.ID != ids[0] || !newest.FlipFlop || newest.FlipFlopWith == nil || *newest.FlipFlopWith != ids[1] {
		t.Errorf("newest version in the API: %+v", newest)
	}
	if oldest := got.Versions[2]; oldest.RevertsTo != nil || oldest.FlipFlop {
		t.Errorf("oldest version in the API: %+v", oldest)
	}

	diffPage := site.mustGet(t, diffPath(doc, ids[1], ids[2]), http.StatusOK)
	assertContains(t, "flip-flop diff", diffPage, "reverts to the version of", `<span class="mark flip-flop"`)
	var apiDiff struct {
		Summary string   `json:"summary"`
		Reasons []string `json:"reasons"`
		To      struct {
			FlipFlop  bool `json:"flip_flop"`
			RevertsTo *struct {
				ID int64 `json:"id"`
			} `json:"reverts_to"`
		} `json:"to"`
	}
	getJSON(t, site, fmt.Sprintf("/api/diff?from=%d&to=%d", ids[1], ids[2]), http.StatusOK, &apiDiff)
	if apiDiff.Summary != "x.com → twitter.com ×4; +0 −0 words" || len(apiDiff.Reasons) == 0 || !apiDiff.To.FlipFlop || apiDiff.To.RevertsTo == nil {
		t.Errorf("/api/diff: %+v", apiDiff)
	}
}

func TestDiffPageSwitchesAndNavigation(t *testing.T) {
	site := newTestSite(t)
	doc := site.cookiesDoc
	from, to := site.cookies["2022-11-23"], site.cookies["2023-09-20"]
	base := diffPath(doc, from, to)

	// A pure rebrand: folding would hide everything, so every edit shows.
	inline := site.mustGet(t, base, http.StatusOK)
	assertContains(t, "inline", inline,
		`<strong aria-current="page">inline</strong> · <a href="`+htmlAttr(base+"&view=side")+`">side by side</a>`,
		"every edit is a substitution or a change of style, so nothing is folded",
		`<span class="sections-changed">4 sections changed</span>`, `% similar</span>`,
		`<ol class="toc">`, `<a href="#s1">`,
		`id="c1"`, `<a class="next-edit" href="#c2"`,
		`rel="prev" href="`+htmlAttr(diffPath(doc, site.cookies["2022-09-24"], from))+`"`,
		`rel="next" href="`+htmlAttr(diffPath(doc, to, site.cookies["2024-08-16"]))+`"`,
	)
	side := site.mustGet(t, base+"&view=side", http.StatusOK)
	assertContains(t, "side by side", side, `<table class="side">`, `<td class="old">`, `<del>Twitter</del>`, `<td class="new">`, `<ins>X</ins>`)
	assertNotContains(t, "side by side", side, `<p class="para changed`)

	// A substantive change with substitutions among its edits folds them.
	foldsRef := archive.DocumentRef{Service: "Folds", Type: "Terms"}
	ar := archive.New(site.st)
	var ids []int64
	var docID int64
	for i, text := range []string{
		"Terms\n=====\n\nTwitter keeps your data.\n\nUse Twitter daily.\n\nWe never sell data.\n",
		"Terms\n=====\n\nX keeps your data.\n\nUse X daily.\n\nWe now sell data to advertisers of every kind.\n",
	} {
		out, err := ar.Record(context.Background(), foldsRef, archive.Capture{At: time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC), Source: "import", ContentType: "text/markdown", Content: []byte(text)})
		if err != nil {
			t.Fatal(err)
		}
		docID = out.DocumentID
		ids = append(ids, out.VersionID)
	}
	folded := site.mustGet(t, diffPath(docID, ids[0], ids[1]), http.StatusOK)
	assertContains(t, "folded", folded, `<span class="substituted" title="was: Twitter">X</span>`, "<del>We never sell data.</del>", `<a href="`+htmlAttr(diffPath(docID, ids[0], ids[1])+"&all=1")+`">every edit</a>`)
	assertNotContains(t, "folded", folded, "<del>Twitter</del>")
	all := site.mustGet(t, diffPath(docID, ids[0], ids[1])+"&all=1", http.StatusOK)
	assertContains(t, "all", all, "<del>Twitter</del>", "<ins>X</ins>")
}

// htmlAttr escapes & as html/template does in attribute values.
func htmlAttr(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }
