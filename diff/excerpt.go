package diff

import (
	"bytes"
	"html/template"
)

// Release names the comparison's behaviour: edits, classes, stories. It is
// stored with every change, so that changes computed by an older release
// can be computed again (without extracting again) when the diff improves.
// Change it whenever the Result for some pair of documents changes.
const Release = "diff-2026.12.5"

// ExcerptLimit is the size an excerpt stays within, about 30 KB: enough
// for most changes, small enough for a feed entry or an e-mail.
const ExcerptLimit = 30 << 10

// Excerpt renders the changed sections of the Result as an HTML fragment
// for places that show a change without our pages' style sheet (feed
// readers, e-mail clients): each changed section's heading and its changed
// paragraphs only, insertions and deletions marked with <ins> and <del>
// and inline colours, substitutions folded. It stops before limit bytes,
// at a paragraph's end, and reports whether it left anything out, so the
// caller can link to the full diff.
func (r *Result) Excerpt(limit int) (fragment template.HTML, truncated bool) {
	if limit <= 0 {
		limit = ExcerptLimit
	}
	view := r.View(false)
	var out bytes.Buffer
	var piece bytes.Buffer
	for _, sec := range view.Sections {
		if !sectionShown(sec) {
			continue
		}
		piece.Reset()
		if err := excerptSection.Execute(&piece, sec); err != nil {
			return template.HTML(out.String()), true
		}
		if out.Len()+piece.Len() <= limit {
			out.Write(piece.Bytes())
			continue
		}
		// Too big whole: as many of its rows as fit.
		piece.Reset()
		_ = excerptHeading.Execute(&piece, sec)
		if out.Len()+piece.Len() > limit {
			return template.HTML(out.String()), true
		}
		out.Write(piece.Bytes())
		for _, row := range sec.Rows {
			if !rowShown(row) {
				continue
			}
			piece.Reset()
			_ = excerptRow.Execute(&piece, row)
			if out.Len()+piece.Len() > limit {
				return template.HTML(out.String()), true
			}
			out.Write(piece.Bytes())
		}
		return template.HTML(out.String()), true
	}
	return template.HTML(out.String()), false
}

// rowShown says whether an excerpt shows a row: it has edits, folded ones
// (substitutions) included, since a rebrand is made of nothing else.
func rowShown(row Row) bool {
	if row.Changed {
		return true
	}
	for _, s := range row.Inline {
		if s.Kind == SpanSubstituted {
			return true
		}
	}
	return false
}

func sectionShown(sec SectionView) bool {
	if sec.Changed || len(sec.Heading) > 0 {
		return true
	}
	for _, row := range sec.Rows {
		if rowShown(row) {
			return true
		}
	}
	return false
}

var excerptTemplates = template.Must(template.New("excerpt").Funcs(template.FuncMap{"shown": rowShown}).Parse(`
{{define "heading"}}<h3>{{if .Heading}}{{template "spans" .Heading}}{{else}}{{or .HeadingText "(opening text)"}}{{end}} <small>({{.Status}}{{if .Moved}}, moved{{end}})</small></h3>
{{if .OldPath}}<p><small>was: {{.OldHeadingText}}</small></p>
{{end}}{{end}}
{{define "row"}}<p>{{template "spans" .Inline}}</p>
{{end}}
{{define "section"}}{{template "heading" .}}{{range .Rows}}{{if shown .}}{{template "row" .}}{{end}}{{end}}{{end}}
{{define "spans"}}{{range .}}{{if eq .Kind "insert"}}<ins style="background:#d7f5dd;text-decoration:none">{{.Text}}</ins>{{else if eq .Kind "delete"}}<del style="background:#fbd9d9">{{.Text}}</del>{{else if eq .Kind "substituted"}}<span title="was: {{.Was}}" style="border-bottom:1px dotted #777">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{end}}{{end}}
`))

var (
	excerptSection = excerptTemplates.Lookup("section")
	excerptHeading = excerptTemplates.Lookup("heading")
	excerptRow     = excerptTemplates.Lookup("row")
)
