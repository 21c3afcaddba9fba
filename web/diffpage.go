package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"

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

// diffAround is what the diff page shows around a comparison: the
// versions the picker offers, the stored summaries of both sides, and the
// version after To.
type diffAround struct {
	Picker   []timelineEntry // newest first
	From, To timelineEntry
	After    *timelineEntry // the version after To, nil for the newest
}

// diffSurroundings loads what the diff page shows around cmp: the newest
// pickerVersionsShown versions (and From and To when older), each side's
// stored change and marks, and the version after To.
func (s *Server) diffSurroundings(ctx context.Context, docID int64, cmp *archive.Comparison) (diffAround, error) {
	var out diffAround
	newest, err := s.timeline(ctx, docID, store.VersionRange{Limit: pickerVersionsShown})
	if err != nil {
		return out, err
	}
	out.Picker = newest.Entries
	for _, side := range []struct {
		id   int64
		into *timelineEntry
	}{{cmp.From.ID, &out.From}, {cmp.To.ID, &out.To}} {
		v, err := s.archive.VersionSummary(ctx, side.id)
		if err != nil {
			return out, fmt.Errorf("loading version %d: %w", side.id, err)
		}
		*side.into = timelineEntry{VersionSummary: v}
		if v.Change != nil {
			side.into.PreviousID = v.Change.FromVersionID
			side.into.Substitutions = decodeSubstitutions(v.Change.Substitutions)
		}
		if !slices.ContainsFunc(out.Picker, func(e timelineEntry) bool { return e.ID == v.ID }) {
			out.Picker = append(out.Picker, *side.into)
		}
	}
	slices.SortStableFunc(out.Picker, func(a, b timelineEntry) int {
		if c := b.CapturedAt.Compare(a.CapturedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	after, err := s.timeline(ctx, docID, store.VersionRange{After: cmp.To.ID, Limit: 1})
	if err != nil {
		return out, err
	}
	if len(after.Entries) > 0 {
		out.After = &after.Entries[0]
	}
	return out, nil
}

func newDiffBody(doc store.Document, cmp *archive.Comparison, around diffAround, opts diffOptions) diffBody {
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
		Picker:     versionPicker{DocumentID: doc.ID, Versions: around.Picker, FromID: cmp.From.ID, ToID: cmp.To.ID},
		Options:    opts,
		AllForced:  forced,
		InlinePath: path(diffOptions{All: opts.All}), SidePath: path(diffOptions{SideBySide: true, All: opts.All}),
		FoldedPath: path(diffOptions{SideBySide: opts.SideBySide}), AllPath: path(diffOptions{SideBySide: opts.SideBySide, All: true}),
	}
	// The change before this one leads to its From version, the one after
	// starts at its To version.
	body.Mark = around.To.Mark
	if around.From.Change != nil {
		body.PreviousChange = &around.From
	}
	if a := around.After; a != nil && a.Change != nil && a.Change.FromVersionID == cmp.To.ID {
		body.NextChange = a
	}
	return body
}
