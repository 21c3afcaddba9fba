package diff

import (
	"encoding/json"
	"html/template"
	"io"
)

// HTMLOptions configures WriteHTML.
type HTMLOptions struct {
	All        bool   // show folded edits (substitutions, style) too
	SideBySide bool   // old and new side by side, one row per paragraph
	Title      string // the page title
}

// WriteHTML writes the Result as a standalone HTML page: the class,
// reasons and substitutions on top, links to each changed section, then
// the sections, inline or side by side. Unchanged paragraphs fold into
// <details>; nothing needs JavaScript.
func (r *Result) WriteHTML(w io.Writer, opts HTMLOptions) error {
	return htmlPage.Execute(w, struct {
		HTMLOptions
		Result  *Result
		Summary string
		Reasons []string
		View    View
	}{opts, r, r.Summary(), r.Reasons(), r.View(opts.All)})
}

var htmlPage = template.Must(template.New("diff").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
ins{background:#d7f5dd;text-decoration:none}del{background:#fbd9d9}
.sub{border-bottom:1px dotted #777}.class{font-weight:bold;text-transform:uppercase;font-size:.8em;padding:.1em .4em;border:1px solid #999}
table.side{width:100%;border-collapse:collapse;table-layout:fixed}table.side td{vertical-align:top;padding:.3em .5em;border-top:1px solid #eee}
.unchanged{color:#666}
</style></head><body>
<h1>{{.Title}}</h1>
<p><span class="class">{{.Result.Class}}</span> {{.Summary}}</p>
<p>{{.Result.Stats.WordsAdded}} words added, {{.Result.Stats.WordsRemoved}} removed, {{.Result.Stats.WordsUnchanged}} unchanged; {{.Result.Stats.SectionsChanged}} sections changed; {{printf "%.1f" .Result.Stats.Similarity}} % similar</p>
<ul>{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>
{{with .Result.Substitutions}}<p>Replaced throughout: {{range $i, $s := .}}{{if $i}}, {{end}}{{$s.String}}{{end}}</p>{{end}}
<nav><ul>{{range .View.Sections}}{{if .Changed}}<li><a href="#{{.Anchor}}">{{or .HeadingText "(untitled)"}}</a> ({{.Status}}{{if .Moved}}, moved{{end}})</li>{{end}}{{end}}</ul></nav>
{{$side := .SideBySide}}
{{range .View.Sections}}
<section id="{{.Anchor}}">
<h2>{{template "spans" .Heading}}{{if not .Heading}}{{.HeadingText}}{{end}} <small>({{.Status}}{{if .Moved}}, moved{{end}})</small></h2>
{{if .OldPath}}<p class="unchanged">was: {{.OldHeadingText}}</p>{{end}}
{{if not .Changed}}<details><summary>{{len .Rows}} unchanged paragraphs</summary>{{range .Rows}}<p class="unchanged">{{template "spans" .Inline}}</p>{{end}}</details>
{{else if $side}}<table class="side"><tbody>
{{range .Rows}}{{if .Changed}}<tr id="{{.Anchor}}"><td>{{template "spans" .Old}}</td><td>{{template "spans" .New}}</td></tr>
{{else}}<tr class="unchanged"><td>{{template "spans" .Old}}</td><td>{{template "spans" .New}}</td></tr>
{{end}}{{end}}</tbody></table>
{{else}}
{{range .Rows}}{{if .Changed}}<p id="{{.Anchor}}">{{template "spans" .Inline}}</p>
{{else}}<details><summary>unchanged</summary><p class="unchanged">{{template "spans" .Inline}}</p></details>
{{end}}{{end}}
{{end}}
</section>
{{end}}
</body></html>
{{define "spans"}}{{range .}}{{if eq .Kind "insert"}}<ins>{{.Text}}</ins>{{else if eq .Kind "delete"}}<del>{{.Text}}</del>{{else if eq .Kind "substituted"}}<span class="sub" title="was: {{.Was}}">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{end}}{{end}}
`))

// JSONResult is the Result as JSON with its summary and reasons.
type JSONResult struct {
	*Result
	Summary string   `json:"summary"`
	Reasons []string `json:"reasons"`
}

// WriteJSON writes the Result, its summary and reasons as one JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(JSONResult{Result: r, Summary: r.Summary(), Reasons: r.Reasons()})
}
