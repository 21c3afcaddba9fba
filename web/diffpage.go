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

// diffBody is what the diff page shows. The diff itself is diff's one
// HTML rendering; the page adds the switches, the pickers and the links
// to the changes around it.
type diffBody struct {
	Document store.Document
	From, To store.VersionSummary
	Diff     diff.HTMLDiff
	Picker   versionPicker
	Options  diffOptions
	// Links of the switches and of the changes before and after this one.
	InlinePath, SidePath, FoldedPath, AllPath string
	PreviousChange, NextChange                *timelineEntry
	Mark                                      store.HistoryMark // of the To version
	Downloads                                 diffDownloads
}

// diffAround is what the diff page shows around a comparison: the
// versions the picker offers, the stored summaries of both sides, and the
// version after To.
type diffAround struct {
	Picker   []store.VersionTime // newest first
	From, To timelineEntry
	After    *timelineEntry // the version after To, nil for the newest
}

// diffSurroundings loads what the diff page shows around cmp: the newest
// pickerVersionsShown versions (and From and To when older), each side's
// stored change and marks, and the version after To.
func (s *Server) diffSurroundings(ctx context.Context, docID int64, cmp *archive.Comparison) (diffAround, error) {
	var out diffAround
	newest, err := s.archive.VersionTimes(ctx, docID, pickerVersionsShown)
	if err != nil {
		return out, err
	}
	out.Picker = newest
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
		if !slices.ContainsFunc(out.Picker, func(e store.VersionTime) bool { return e.ID == v.ID }) {
			out.Picker = append(out.Picker, store.VersionTime{ID: v.ID, CapturedAt: v.CapturedAt})
		}
	}
	slices.SortStableFunc(out.Picker, func(a, b store.VersionTime) int {
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
	path := func(o diffOptions) string { return diffPath(doc.ID, cmp.From.ID, cmp.To.ID) + o.query() }
	body := diffBody{
		Document: doc, From: cmp.From, To: cmp.To,
		Diff:       cmp.Result.HTML(diff.HTMLOptions{All: opts.All, SideBySide: opts.SideBySide}),
		Picker:     versionPicker{DocumentID: doc.ID, Versions: around.Picker, FromID: cmp.From.ID, ToID: cmp.To.ID},
		Options:    opts,
		InlinePath: path(diffOptions{All: opts.All}), SidePath: path(diffOptions{SideBySide: true, All: opts.All}),
		FoldedPath: path(diffOptions{SideBySide: opts.SideBySide}), AllPath: path(diffOptions{SideBySide: opts.SideBySide, All: true}),
		Downloads: downloadsOf(cmp.From.ID, cmp.To.ID),
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

// diffDownloads are the diff's other forms: JSON and a unified text diff
// of the two versions' Markdown.
type diffDownloads struct {
	JSON, Unified string
}

func downloadsOf(fromID, toID int64) diffDownloads {
	q := fmt.Sprintf("?from=%d&to=%d", fromID, toID)
	return diffDownloads{JSON: "/api/diff" + q, Unified: "/diff.txt" + q}
}
