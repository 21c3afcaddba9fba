package archive

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// FlipFlopWindow is how short-lived a version must be for a change away
// from it that restores the text before it to count as a flip-flop: the
// cookie policy switched between help.twitter.com and help.x.com links
// every few hours to few weeks in 2024.
const FlipFlopWindow = 31 * 24 * time.Hour

// HistoryMark is what a document's history says about one version beyond
// the change that led to it.
//
// RevertsTo is set when the version's text equals that of an older version
// other than the one just before it (A → B → A): the newest such version.
// ReturnsTo is set instead when the text only nearly equals the version
// two before it (A → B → A′, A′ differing from A by a few words; see
// refreshMarks). FlipFlop is set on both versions of a back-and-forth:
// the version that lived less than FlipFlopWindow before the text went
// back, and the version that went back. FlipFlopWith is the other version
// of that pair.
type HistoryMark struct {
	RevertsTo    *store.VersionSummary
	ReturnsTo    *store.VersionSummary
	FlipFlop     bool
	FlipFlopWith int64
}

// HistoryMarks labels reverts and flip-flops in versions of one document,
// given in any order; they are compared by TextHash. The result has an
// entry for every version that is marked, keyed by version id.
func HistoryMarks(versions []store.VersionSummary) map[int64]HistoryMark {
	ordered := byCaptureTime(versions)
	marks := map[int64]HistoryMark{}
	latest := map[string]int{} // text hash → index of its newest version so far
	for i, v := range ordered {
		if j, ok := latest[v.TextHash]; ok && v.TextHash != "" && j < i-1 {
			m := marks[v.ID]
			older := ordered[j]
			m.RevertsTo = &older
			marks[v.ID] = m
			// ordered[i-1] lived between ordered[i-2] and ordered[i]: a
			// flip-flop when it was short-lived and ordered[i] restores
			// the text just before it.
			if j == i-2 && shortLived(ordered, i-1) {
				markFlipFlop(marks, ordered[i-1], v)
			}
		}
		latest[v.TextHash] = i
	}
	return marks
}

func byCaptureTime(versions []store.VersionSummary) []store.VersionSummary {
	ordered := slices.Clone(versions)
	slices.SortStableFunc(ordered, func(a, b store.VersionSummary) int {
		if c := a.CapturedAt.Compare(b.CapturedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ordered
}

// shortLived says whether ordered[i] was replaced within FlipFlopWindow.
func shortLived(ordered []store.VersionSummary, i int) bool {
	return i+1 < len(ordered) && ordered[i+1].CapturedAt.Sub(ordered[i].CapturedAt) <= FlipFlopWindow
}

// markFlipFlop marks the short-lived version between and the version
// after it that went back.
func markFlipFlop(marks map[int64]HistoryMark, between, back store.VersionSummary) {
	m := marks[back.ID]
	m.FlipFlop, m.FlipFlopWith = true, between.ID
	marks[back.ID] = m
	bm := marks[between.ID]
	bm.FlipFlop = true
	if bm.FlipFlopWith == 0 {
		bm.FlipFlopWith = back.ID
	}
	marks[between.ID] = bm
}

// nearlySame is the largest share of words added plus removed, against the
// words kept, for a version to nearly return to an older one.
const nearlySame = 0.01

// MarksRelease names the code that computes history marks: these rules
// and, for near returns, the diff. Marks stamped with another release are
// computed again (Rediff, Reextract).
func MarksRelease() string { return marksRules + "+" + diff.Release }

// marksRules changes whenever HistoryMarks or the near-return rule does.
const marksRules = "marks-2026.12.1"

// refreshMarks computes the document's history marks inside tx and stores
// those that differ from what is stored, stamped with MarksRelease; it
// returns how many versions' marks it wrote.
//
// The marks of every version come from HistoryMarks over the list of
// versions (cheap: no text is read), plus near returns: when a
// short-lived version reverts to an older text (A → B → A) and the version
// after it differs from the one before it by at most 1 % of words, that
// version ReturnsTo it and the two are a flip-flop. Only such candidates
// are diffed, and only when the stored marks have not already checked the
// same pair with this release, so placing a version diffs at most the
// triples around it.
func refreshMarks(tx *store.Tx, documentID int64) (int, error) {
	ordered, err := tx.VersionOrder(documentID)
	if err != nil {
		return 0, err
	}
	stored, release, err := tx.HistoryMarks(documentID)
	if err != nil {
		return 0, err
	}
	current := release == MarksRelease()
	marks := HistoryMarks(ordered)
	rows := map[int64]store.MarkRow{}
	for i := 2; i < len(ordered); i++ {
		before, between, after := ordered[i-2], ordered[i-1], ordered[i]
		if marks[between.ID].RevertsTo == nil || marks[after.ID].RevertsTo != nil || !shortLived(ordered, i-1) {
			continue
		}
		var near bool
		if old := stored[after.ID]; current && old.NearChecked == before.ID {
			near = old.ReturnsTo == before.ID
		} else if near, err = nearlySameText(tx, before.ID, after.ID); err != nil {
			return 0, fmt.Errorf("history of document %d: %w", documentID, err)
		}
		row := rows[after.ID]
		row.NearChecked = before.ID
		rows[after.ID] = row
		if !near {
			continue
		}
		m := marks[after.ID]
		m.ReturnsTo = &before
		marks[after.ID] = m
		markFlipFlop(marks, between, after)
	}
	for id, m := range marks {
		row := rows[id]
		if m.RevertsTo != nil {
			row.RevertsTo = m.RevertsTo.ID
		}
		if m.ReturnsTo != nil {
			row.ReturnsTo = m.ReturnsTo.ID
		}
		row.FlipFlop, row.FlipFlopWith = m.FlipFlop, m.FlipFlopWith
		rows[id] = row
	}
	return tx.SetHistoryMarks(documentID, rows, MarksRelease())
}

// nearlySameText says whether two versions differ by at most nearlySame of
// their words.
func nearlySameText(tx *store.Tx, fromID, toID int64) (bool, error) {
	var versions [2]*diff.Prepared
	for i, id := range []int64{fromID, toID} {
		var err error
		if versions[i], err = storedPrepared(tx, id); err != nil {
			return false, err
		}
	}
	st := diff.ComparePrepared(versions[0], versions[1]).Stats
	return float64(st.WordsAdded+st.WordsRemoved) <= nearlySame*float64(st.WordsUnchanged), nil
}
