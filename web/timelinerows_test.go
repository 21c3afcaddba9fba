package web

import (
	"bytes"
	"context"
	"html/template"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
)

// referenceTimelineRows is the loop of the document template that wrote
// a timeline's rows before timelineRowsHTML: the Go writer must write the
// same bytes.
const referenceTimelineRows = `{{define "rows"}}{{$doc := .Document}}{{$largest := .Largest}}{{range .Rows}}
{{if .Entry}}{{template "timeline-entry" (entryOf $doc.ID .Entry $largest)}}{{else}}
<li class="run flip-flops">
  <details><summary><span class="mark flip-flop">flip-flops</span> {{.Label}}</summary>
  <ol class="timeline">{{range .Run}}{{template "timeline-entry" (entryOf $doc.ID . $largest)}}{{end}}</ol>
  </details>
</li>
{{end}}
{{end}}{{end}}{{define "timeline-entry"}}{{timelineEntry .}}{{end}}`

// TestTimelineRowsAreWrittenAsTheTemplateWroteThem compares
// timelineRowsHTML with the template loop it replaced on every page of
// the demo's timelines (folded runs of flip-flops among them) and on rows
// of hostile text.
func TestTimelineRowsAreWrittenAsTheTemplateWroteThem(t *testing.T) {
	funcs := template.FuncMap{}
	for name, f := range templateFuncs {
		funcs[name] = f
	}
	funcs["timelineEntry"] = timelineEntryHTML
	funcs["entryOf"] = func(docID int64, e *timelineEntry, largest int) timelineCell {
		return timelineCell{DocumentID: docID, Entry: e, Largest: largest}
	}
	ref := template.Must(template.New("reference").Funcs(funcs).Parse(referenceTimelineRows))
	compare := func(what string, body documentBody) {
		t.Helper()
		var want bytes.Buffer
		if err := ref.ExecuteTemplate(&want, "rows", body); err != nil {
			t.Fatal(err)
		}
		if got := string(body.TimelineRows()); got != want.String() {
			t.Errorf("%s:\n got %q\nwant %q", what, got, want.String())
		}
	}

	ctx := context.Background()
	site := readDemoSite(t)
	server := New(archive.NewView(site.st, 0), Options{})
	docs, err := site.st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	rows, runs := 0, 0
	for _, d := range docs {
		for _, limit := range []int{0, 5} {
			page, err := server.timeline(ctx, d.ID, store.VersionRange{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			body := documentBody{Document: d, Rows: timelineRows(page.Entries), Largest: largestChange(page.Entries)}
			compare(documentPath(d.ID), body)
			for _, r := range body.Rows {
				rows++
				if r.Run != nil {
					runs++
				}
			}
		}
	}
	if rows < 40 || runs == 0 {
		t.Fatalf("compared %d rows, %d of them runs of flip-flops: the demo should give more", rows, runs)
	}

	at := time.Date(2024, 5, 17, 6, 39, 10, 0, time.UTC)
	hostile := "<script>alert('x')</script> & \"quotes\" + more\x00"
	entries := []timelineEntry{
		{VersionSummary: store.VersionSummary{ID: 7, CapturedAt: at, Words: 12, Change: &store.Change{FromVersionID: 6, ToVersionID: 7, Class: hostile, Summary: hostile}}},
		{VersionSummary: store.VersionSummary{ID: 6, CapturedAt: at}},
	}
	compare("hostile rows", documentBody{Document: store.Document{ID: 3}, Largest: 40, Rows: []timelineRow{
		{Entry: &entries[0]},
		{Run: []*timelineEntry{&entries[0], &entries[1]}, Label: hostile},
		{Entry: &entries[1]},
	}})
	compare("no rows", documentBody{Document: store.Document{ID: 3}})
}
