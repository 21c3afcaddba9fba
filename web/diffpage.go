package web

import (
	"fmt"
	"net/http"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// diffOptions are the diff page's switches, read from its query string:
// view=side for side by side, all=1 to show folded edits too.
type diffOptions struct {
	SideBySide bool
	All        bool
}

func diffOptionsOf(r *http.Request) diffOptions {
	q := r.URL.Query()
	return diffOptions{SideBySide: q.Get("view") == "side", All: q.Get("all") == "1"}
}

// query writes the options as query parameters after from and to.
func (o diffOptions) query() string {
	out := ""
	if o.SideBySide {
		out += "&view=side"
	}
	if o.All {
		out += "&all=1"
	}
	return out
}

// diffBody is what the diff page shows.
type diffBody struct {
	Document      store.Document
	From, To      store.Version
	Class         diff.Class
	Summary       string
	Reasons       []string
	Stats         diff.Stats
	CaseChanges   int
	Substitutions []diff.Substitution
	Sections      []diffSection
	Changes       int // changed rows in the view shown
	Picker        versionPicker
	Options       diffOptions
	// AllForced is set when folding would hide every edit (a pure rebrand
	// or a style-only change): the page then shows them all.
	AllForced bool
	// Links of the switches and of the changes before and after this one.
	InlinePath, SidePath, FoldedPath, AllPath string
	PreviousChange, NextChange                *timelineEntry
	Mark                                      store.HistoryMark // of the To version
}

// ChangeAnchors are the in-page anchors of the changed rows, in order.
func (b diffBody) ChangeAnchors() []string {
	out := make([]string, b.Changes)
	for i := range out {
		out[i] = fmt.Sprintf("c%d", i+1)
	}
	return out
}

func newDiffBody(doc store.Document, cmp *archive.Comparison, timeline []timelineEntry, opts diffOptions) diffBody {
	res := cmp.Result
	view := res.View(opts.All)
	forced := false
	if !opts.All && view.Changes == 0 && res.Changed() {
		view, forced = res.View(true), true
	}
	path := func(o diffOptions) string { return diffPath(doc.ID, cmp.From.ID, cmp.To.ID) + o.query() }
	body := diffBody{
		Document: doc, From: cmp.From, To: cmp.To,
		Class: res.Class, Summary: res.Summary(), Reasons: res.Reasons(), Stats: res.Stats,
		CaseChanges: res.CaseChanges, Substitutions: res.Substitutions,
		Sections: diffSections(view), Changes: view.Changes,
		Picker:     versionPicker{DocumentID: doc.ID, Versions: timeline, FromID: cmp.From.ID, ToID: cmp.To.ID},
		Options:    opts,
		AllForced:  forced,
		InlinePath: path(diffOptions{All: opts.All}), SidePath: path(diffOptions{SideBySide: true, All: opts.All}),
		FoldedPath: path(diffOptions{SideBySide: opts.SideBySide}), AllPath: path(diffOptions{SideBySide: opts.SideBySide, All: true}),
	}
	// The timeline is newest first; the change before this one leads to its
	// From version, the one after starts at its To version.
	for i := range timeline {
		e := &timeline[i]
		if e.ID == cmp.To.ID && e.Change != nil {
			body.Mark = e.Mark
		}
		if e.Change == nil {
			continue
		}
		if e.ID == cmp.From.ID {
			body.PreviousChange = e
		}
		if e.Change.FromVersionID == cmp.To.ID {
			body.NextChange = e
		}
	}
	return body
}
