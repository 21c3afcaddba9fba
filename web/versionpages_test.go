package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/extract"
)

// Every part of a version holds at most about versionPageBytes of text,
// and the parts together hold every block once, in order, whatever the
// shape: many sections, one section of many blocks, one huge block.
func TestVersionPagesCutBetweenSectionsBlocksAndInsideHugeBlocks(t *testing.T) {
	record := func(i int) string { return fmt.Sprintf("record %d is kept for a year. ", i) }
	paragraphs := func(from, n int) []extract.Block {
		var out []extract.Block
		for i := from; i < from+n; i++ {
			out = append(out, extract.Block{Kind: extract.Paragraph, Text: strings.Repeat(record(i), 20)})
		}
		return out
	}
	var huge strings.Builder
	for i := range 40000 {
		huge.WriteString(record(i))
		if i%500 == 499 {
			huge.WriteString("\n")
		}
	}
	cases := map[string]extract.Document{
		"sections":        {Sections: []extract.Section{{Path: []string{"A"}, Level: 1, Blocks: paragraphs(0, 600)}, {Path: []string{"B"}, Level: 1, Blocks: paragraphs(600, 600)}}},
		"no headings":     {Sections: []extract.Section{{Blocks: paragraphs(0, 3000)}}},
		"one huge block":  {Sections: []extract.Section{{Blocks: []extract.Block{{Kind: extract.Paragraph, Text: huge.String()}}}}},
		"small":           {Sections: []extract.Section{{Path: []string{"A"}, Level: 1, Blocks: paragraphs(0, 3)}}},
		"empty":           {},
		"huge list items": {Sections: []extract.Section{{Blocks: []extract.Block{{Kind: extract.ListItem, Text: huge.String()}, {Kind: extract.ListItem, Text: "last"}}}}},
	}
	for name, doc := range cases {
		pages := versionPages(doc)
		var whole strings.Builder
		for _, s := range doc.Sections {
			for _, b := range s.Blocks {
				whole.WriteString(b.Text)
			}
		}
		var again strings.Builder
		for i, p := range pages {
			size := 0
			for _, sec := range p.sections(doc) {
				for _, g := range sec.Groups {
					for _, b := range g.Blocks {
						size += len(b.Text)
						again.WriteString(b.Text)
					}
				}
			}
			if size > versionPageBytes+versionPageBytes/8 {
				t.Errorf("%s: part %d holds %d bytes of text", name, i+1, size)
			}
		}
		if again.String() != whole.String() {
			t.Errorf("%s: the %d parts do not hold the text once, in order", name, len(pages))
		}
		want := whole.Len()/versionPageBytes + 1
		if len(pages) < want {
			t.Errorf("%s: %d parts for %d bytes", name, len(pages), whole.Len())
		}
	}
	// A section cut between blocks shows its heading again, as continued.
	doc := cases["sections"]
	second := versionPages(doc)[1].sections(doc)
	if second[0].Heading != "A" || !second[0].Continued {
		t.Errorf("the second part starts with section %q (continued %v), want A, continued", second[0].Heading, second[0].Continued)
	}
}

// A real capture of several megabytes without a heading (a policy saved
// as plain text) was one page as large as itself.
func TestAHugeVersionWithoutHeadingsIsReadInParts(t *testing.T) {
	site := newTestSite(t)
	var text strings.Builder
	for i := range 6000 {
		fmt.Fprintf(&text, "Paragraph %d: we keep this record for a year and then delete it from our systems.\n\n", i)
	}
	out, err := archive.New(site.st).Record(context.Background(), archive.DocumentRef{Service: "Huge", Type: "Terms of Service"},
		archive.Capture{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ContentType: "text/plain", Content: []byte(text.String())})
	if err != nil {
		t.Fatal(err)
	}
	v, err := site.st.Version(context.Background(), out.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	var doc extract.Document
	if err := json.Unmarshal(v.Sections, &doc); err != nil || len(doc.Sections) != 1 {
		t.Fatalf("the capture is %d sections (%v); want one, without heading", len(doc.Sections), err)
	}
	path := versionPath(out.DocumentID, out.VersionID)
	first := site.mustGet(t, path, http.StatusOK)
	parts := regexp.MustCompile(`Part 1 of (\d+)`).FindStringSubmatch(first)
	if parts == nil || len(first) > versionPageBytes*2 {
		t.Fatalf("first part: %d bytes, no pager; want a part of the text", len(first))
	}
	last := site.mustGet(t, path+"?page="+parts[1], http.StatusOK)
	if !strings.Contains(last, "Paragraph 5999:") || strings.Contains(last, "Paragraph 0:") || !strings.Contains(first, "Paragraph 0:") {
		t.Errorf("the parts do not go from the first paragraph to the last")
	}
}
