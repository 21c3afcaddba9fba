package diff

import (
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"strconv"
	"strings"
)

// The one HTML rendering of a diff: the web's diff and compare pages place
// its parts in their layout, and 'policywatch diff --format html' writes
// them as a page of their own. Blocks show as their Markdown reads: links
// as links (with a mark when only their target changed), lists as lists.
// Every text is escaped with html.EscapeString, which escapes < > & ' and
// ", so it is safe both between tags and inside the quoted attributes
// written here.

//go:embed diff.css
var stylesheet string

// Stylesheet is the CSS of the HTML this package writes. Pages that place
// it serve it with their own; WriteHTML puts it inside the page.
func Stylesheet() string { return stylesheet }

// HTMLOptions configures the HTML of a diff.
type HTMLOptions struct {
	All        bool   // show folded edits (substitutions, style) too
	SideBySide bool   // old and new side by side, one row per paragraph
	Title      string // the page title (WriteHTML)
}

// HTMLDiff is a diff rendered in parts, for a page to place.
type HTMLDiff struct {
	Headline template.HTML // the class and the one-line summary
	Details  template.HTML // word counts, substitutions made throughout, reasons
	Sections template.HTML // the list of changed sections, open on large diffs
	Body     template.HTML // the sections with their edits
	// Edits is how many changed paragraphs the body shows, numbered c1…
	Edits int
	// AllForced is set when folding would hide every edit (a pure rebrand
	// or a style-only change): every edit is then shown.
	AllForced bool
}

// largeDiff is from how many edits, or changed sections, the section
// list opens by itself: a reader of a large diff moves through it by
// sections.
const (
	largeDiffEdits    = 10
	largeDiffSections = 5
)

// HTML renders the Result for a page.
func (r *Result) HTML(opts HTMLOptions) HTMLDiff {
	view := r.View(opts.All)
	forced := false
	if !opts.All && view.Changes == 0 && r.Changed() {
		view, forced = r.View(true), true
	}
	out := HTMLDiff{Edits: view.Changes, AllForced: forced}
	out.Headline = template.HTML(`<p class="headline">` + classHTML(r.Class) +
		ifNotEmpty(r.Summary(), func(s string) string { return ` <span class="summary">` + html.EscapeString(s) + `</span>` }) + `</p>`)
	out.Details = template.HTML(r.detailsHTML())
	out.Sections = template.HTML(sectionListHTML(view))
	var b strings.Builder
	b.Grow(r.sizeHint())
	writeBody(&b, view, opts.SideBySide)
	out.Body = template.HTML(b.String())
	return out
}

func ifNotEmpty(s string, f func(string) string) string {
	if s == "" {
		return ""
	}
	return f(s)
}

func classHTML(c Class) string {
	return `<span class="class class-` + html.EscapeString(string(c)) + `">` + html.EscapeString(string(c)) + `</span>`
}

// sizeHint guesses the length of the body: about twice the texts.
func (r *Result) sizeHint() int {
	n := 0
	for _, s := range r.Sections {
		for _, p := range s.Paragraphs {
			for _, op := range p.Ops {
				n += len(op.Text)
			}
		}
	}
	return 2*n + 1024
}

func countOf(n int, one, several string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatCount(n) + " " + several
}

// formatCount writes n with thousands separators, as pages do: 12,345.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + formatCount(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// detailsHTML is the word counts, the substitutions and the reasons.
func (r *Result) detailsHTML() string {
	var b strings.Builder
	st := r.Stats
	fmt.Fprintf(&b, `<p class="stats"><span class="words-added">+%s added</span> <span class="words-removed">−%s removed</span> <span class="words-unchanged">%s unchanged</span> <span class="unit">words</span> · <span class="sections-changed">%s changed</span> · <span class="similarity">%.1f %% similar</span>`,
		formatCount(st.WordsAdded), formatCount(st.WordsRemoved), formatCount(st.WordsUnchanged),
		countOf(st.SectionsChanged, "section", "sections"), st.Similarity)
	if r.CaseChanges > 0 {
		b.WriteString(` <span class="case-changes">` + countOf(r.CaseChanges, "case change", "case changes") + `</span>`)
	}
	b.WriteString("</p>\n")
	if len(r.Substitutions) > 0 {
		b.WriteString("<h2>Replaced throughout</h2>\n")
		b.WriteString(SubstitutionsHTML(r.Substitutions))
	}
	if reasons := r.Reasons(); len(reasons) > 0 {
		b.WriteString(`<ul class="reasons">`)
		for _, reason := range reasons {
			b.WriteString("<li>" + html.EscapeString(reason) + "</li>")
		}
		b.WriteString("</ul>\n")
	}
	return b.String()
}

// SubstitutionsHTML is a list of substitutions: "Twitter → X ×40".
func SubstitutionsHTML(subs []Substitution) string {
	if len(subs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<ul class="substitutions">`)
	for _, s := range subs {
		b.WriteString(`<li><span class="sub-from">` + html.EscapeString(s.From) + `</span> <span class="arrow" aria-label="replaced by">→</span> <span class="sub-to">` +
			html.EscapeString(s.To) + `</span> <span class="times">×` + strconv.Itoa(s.Count) + `</span>`)
		if s.InLinks {
			b.WriteString(` <span class="in-links">in links</span>`)
		}
		b.WriteString("</li>")
	}
	b.WriteString("</ul>\n")
	return b.String()
}

// sectionListHTML lists the changed sections, open on a large diff.
func sectionListHTML(view View) string {
	changed := 0
	for _, s := range view.Sections {
		if s.Changed {
			changed++
		}
	}
	if len(view.Sections) == 0 {
		return ""
	}
	var b strings.Builder
	open := ""
	if view.Changes >= largeDiffEdits || changed >= largeDiffSections {
		open = " open"
	}
	fmt.Fprintf(&b, `<details class="toc"%s><summary>Sections: %s of %s changed</summary>`, open, formatCount(changed), formatCount(len(view.Sections)))
	if changed > 0 {
		b.WriteString(`<ol class="toc">`)
		for _, s := range view.Sections {
			if !s.Changed {
				continue
			}
			title := s.HeadingText()
			if title == "" {
				title = "(untitled)"
			}
			b.WriteString(`<li class="status-` + string(s.Status) + `"><a href="#` + s.Anchor + `">` + html.EscapeString(title) + `</a> <span class="status">` + string(s.Status))
			if s.Moved {
				b.WriteString(", moved")
			}
			if s.ChangeRows > 0 {
				b.WriteString(", " + countOf(s.ChangeRows, "edit", "edits"))
			}
			b.WriteString("</span></li>")
		}
		b.WriteString("</ol>")
	}
	b.WriteString("</details>\n")
	return b.String()
}

// spansHTML writes plain spans (a reworded heading's): insertions in
// <ins>, deletions in <del>, substitutions titled with what was there.
func spansHTML(spans []Span) template.HTML {
	var b strings.Builder
	for _, s := range spans {
		text := html.EscapeString(s.Text)
		switch s.Kind {
		case SpanInsert:
			b.WriteString("<ins>" + text + "</ins>")
		case SpanDelete:
			b.WriteString("<del>" + text + "</del>")
		case SpanSubstituted:
			b.WriteString(`<span class="substituted" title="` + html.EscapeString(substitutedTitle(s.Was)) + `">` + text + "</span>")
		default:
			b.WriteString(text)
		}
	}
	return template.HTML(b.String())
}

func substitutedTitle(was string) string {
	if was == "" {
		return "style change"
	}
	return "was: " + was
}

// WriteHTML writes the Result as a page of its own: the summary, the list
// of changed sections, then the sections, inline or side by side, styled
// by Stylesheet. Nothing needs JavaScript or another host.
func (r *Result) WriteHTML(w io.Writer, opts HTMLOptions) error {
	d := r.HTML(opts)
	return htmlPage.Execute(w, struct {
		HTMLOptions
		HTMLDiff
		Style template.CSS
	}{opts, d, template.CSS(pageStyle + stylesheet)})
}

// pageStyle is what a page of its own needs beside Stylesheet.
const pageStyle = `body{margin:0;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2126;background:#fff}
main{max-width:64rem;margin:0 auto;padding:0 1rem 2rem}h1{font-size:1.6rem;line-height:1.25;overflow-wrap:anywhere}
`

var htmlPage = template.Must(template.New("diff").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.Style}}</style></head>
<body><main id="top">
<h1>{{.Title}}</h1>
<section class="diff-summary" aria-label="Summary of the change">{{.Headline}}{{.Details}}</section>
<nav class="diff-controls" id="edits" aria-label="Sections">{{if .AllForced}}<p class="note">Every edit is a substitution or a change of style, so nothing is folded.</p>{{end}}{{.Sections}}</nav>
<div class="diff{{if .SideBySide}} side-by-side{{end}}">
{{.Body}}
</div>
</main></body></html>
`))
