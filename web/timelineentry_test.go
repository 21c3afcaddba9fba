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

// referenceTimelineEntry is the template timeline entries were written
// with before timelineEntryHTML: the Go writer must write the same bytes.
const referenceTimelineEntry = `{{define "timeline-entry"}}{{$doc := .DocumentID}}{{with .Entry}}
<li class="entry{{if .Mark.FlipFlop}} flip-flop{{end}}">
  <p class="when"><a href="{{versionPath $doc .ID}}"><time datetime="{{isotime .CapturedAt}}">{{datetime .CapturedAt}}</time></a></p>
  <div class="what">
    <p class="headline">{{with .Change}}{{template "class" .Class}} {{template "magnitude" .Magnitude}}{{end}}{{template "mark" .Mark}}{{with .Change}}{{if .Summary}}<span class="summary">{{.Summary}}</span>{{end}}{{else}}<span class="first">first version</span>{{end}}</p>
    <p class="size">{{with .Change}}{{sizeBar .WordsAdded .WordsRemoved $.Largest}} {{template "counts" .}} words changed · {{end}}<span class="words">{{num .Words}} words</span> · <span class="bytes">{{size .Bytes}}</span>{{with .Readability}} · <span class="reading" title="at 238 words a minute">{{readingTime .ReadingSeconds}} to read</span> · <span class="grade" title="Flesch–Kincaid grade level">grade {{printf "%.1f" .Grade}}</span>{{end}}</p>
  </div>
  <p class="links">
    {{if .Change}}<a href="{{diffPath $doc .Change.FromVersionID .Change.ToVersionID}}">diff</a>{{else if .PreviousID}}<a href="{{diffPath $doc .PreviousID .ID}}">diff</a>{{end}}
    <a href="{{versionPath $doc .ID}}">version</a>
  </p>
</li>
{{end}}{{end}}`

// TestTimelineEntriesAreWrittenAsTheTemplateWroteThem compares
// timelineEntryHTML with the template it replaced, on every version of
// the demo's histories (flip-flops, reverts, returns, every class) and on
// entries made of hostile text.
func TestTimelineEntriesAreWrittenAsTheTemplateWroteThem(t *testing.T) {
	ref := template.Must(template.Must(template.New("reference").Funcs(templateFuncs).ParseFS(templateFS, "templates/partials.html")).Parse(referenceTimelineEntry))
	compare := func(what string, cell timelineCell) {
		t.Helper()
		var want bytes.Buffer
		if err := ref.ExecuteTemplate(&want, "timeline-entry", cell); err != nil {
			t.Fatal(err)
		}
		if got := string(timelineEntryHTML(cell)); got != want.String() {
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
	compared, marked := 0, 0
	for _, d := range docs {
		page, err := server.timeline(ctx, d.ID, store.VersionRange{})
		if err != nil {
			t.Fatal(err)
		}
		largest := largestChange(page.Entries)
		for i := range page.Entries {
			e := &page.Entries[i]
			compare(versionPath(d.ID, e.ID), timelineCell{DocumentID: d.ID, Entry: e, Largest: largest})
			compared++
			if e.Mark.RevertsTo != nil || e.Mark.ReturnsTo != nil || e.Mark.FlipFlop {
				marked++
			}
		}
	}
	if compared < 40 || marked == 0 {
		t.Fatalf("compared %d entries, %d of them marked: the demo should give more", compared, marked)
	}

	at := time.Date(2024, 5, 17, 6, 39, 10, 0, time.UTC)
	hostile := "<script>alert('x')</script> & \"quotes\" + more\x00"
	for _, e := range []timelineEntry{
		{VersionSummary: store.VersionSummary{ID: 7, CapturedAt: at, Words: 1234567, Bytes: 98765,
			Change:      &store.Change{FromVersionID: 6, ToVersionID: 7, Class: hostile, Magnitude: hostile, Summary: hostile, WordsAdded: 12, WordsRemoved: 3400},
			Mark:        store.HistoryMark{ReturnsTo: &store.VersionRef{ID: 2, CapturedAt: at.Add(-time.Hour)}, FlipFlop: true},
			Readability: &store.Readability{ReadingSeconds: 3600, Grade: 12.345}}},
		{VersionSummary: store.VersionSummary{ID: 8, CapturedAt: at, Change: &store.Change{FromVersionID: 7, ToVersionID: 8, Class: "cosmetic"}}},
		{VersionSummary: store.VersionSummary{ID: 9, CapturedAt: at}, PreviousID: 8},
		{VersionSummary: store.VersionSummary{ID: 10}},
	} {
		compare("a made-up entry", timelineCell{DocumentID: 3, Entry: &e, Largest: 5000})
	}
	compare("no entry", timelineCell{DocumentID: 3})
}
