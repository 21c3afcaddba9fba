package archive

import (
	"context"
	"fmt"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// Changes and history marks are derived data: computed once when a
// version is placed, and stamped with the release that computed them. When
// the diff or the marks' rules improve, Rediff computes again what an older
// release computed, from the stored versions, without extracting anything.

// RediffResult says what Rediff did to one document.
type RediffResult struct {
	Document store.Document
	Updated  int // changes computed again
	Marks    int // versions whose history marks were written again
}

// CurrentReleases names the code releases whose derived data Rediff keeps.
func CurrentReleases() *store.Releases {
	return &store.Releases{Diff: diff.Release, Marks: MarksRelease()}
}

// Rediff brings every change and every document's history marks computed
// by another release up to date. It reports on the documents that held
// some, in the order of the document list.
func (a *Archive) Rediff(ctx context.Context, progress func(RediffResult)) ([]RediffResult, error) {
	docs, err := a.store.Documents(ctx, store.DocumentFilter{StaleFor: CurrentReleases()})
	if err != nil {
		return nil, err
	}
	var results []RediffResult
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		r := RediffResult{Document: d}
		err := a.store.Write(ctx, func(tx *store.Tx) error {
			var err error
			if r.Updated, err = refreshChanges(tx, d.ID); err != nil {
				return err
			}
			r.Marks, err = refreshStaleMarks(tx, d.ID)
			return err
		})
		if err != nil {
			return results, fmt.Errorf("recomputing the changes and marks of %s / %s: %w", d.Service, d.Type, err)
		}
		results = append(results, r)
		if progress != nil {
			progress(r)
		}
	}
	return results, nil
}

// refreshChanges recomputes, inside tx, the document's changes that another
// diff release computed, and returns how many it updated.
func refreshChanges(tx *store.Tx, documentID int64) (int, error) {
	stamps, err := tx.ChangeStamps(documentID)
	if err != nil {
		return 0, err
	}
	stale := false
	for _, differ := range stamps {
		stale = stale || differ != diff.Release
	}
	if !stale {
		return 0, nil
	}
	// Versions are read one at a time, each once, and at most two of their
	// documents held: a document's versions with their texts would be
	// hundreds of MB for a page of 20 MB.
	order, err := tx.VersionOrder(documentID)
	if err != nil {
		return 0, err
	}
	updated := 0
	var held *diff.Prepared // the version at heldID, as compared
	var heldID int64
	for i := 1; i < len(order); i++ {
		fromID, toID := order[i-1].ID, order[i].ID
		if differ, ok := stamps[toID]; !ok || differ == diff.Release {
			continue
		}
		from := held
		if heldID != fromID {
			if from, err = storedPrepared(tx, fromID); err != nil {
				return updated, err
			}
		}
		to, err := storedPrepared(tx, toID)
		if err != nil {
			return updated, err
		}
		held, heldID = to, toID
		change, err := changeOf(documentID, fromID, toID, diff.ComparePrepared(from, to))
		if err != nil {
			return updated, err
		}
		if err := tx.UpdateChange(change); err != nil {
			return updated, err
		}
		updated++
	}
	return updated, nil
}

// refreshStaleMarks computes the document's history marks again when
// another release computed them, and returns how many versions' marks it
// wrote.
func refreshStaleMarks(tx *store.Tx, documentID int64) (int, error) {
	release, err := tx.MarksRelease(documentID)
	if err != nil || release == MarksRelease() {
		return 0, err
	}
	return refreshMarks(tx, documentID)
}
