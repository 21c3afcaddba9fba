package archive

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

func TestViewComparesAPairOnceAndCachesIt(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "Example", Type: "Privacy Policy"}
	first := record(t, a, ref, captureOf(0, textA))
	record(t, a, ref, captureOf(10, textB))
	third := record(t, a, ref, captureOf(20, textC))
	view := NewView(st, 0)
	ctx := context.Background()

	// Concurrent requests for a pair nobody compared get one comparison.
	var wg sync.WaitGroup
	results := make([]*Comparison, 8)
	for i := range results {
		wg.Go(func() {
			cmp, err := view.Compare(ctx, first.VersionID, third.VersionID)
			if err != nil {
				t.Error(err)
			}
			results[i] = cmp
		})
	}
	wg.Wait()
	for _, cmp := range results[1:] {
		if cmp != results[0] {
			t.Fatal("concurrent comparisons of one pair were computed more than once")
		}
	}
	if cmp := results[0]; cmp.From.ID != first.VersionID || cmp.To.ID != third.VersionID || !cmp.Result.Changed() {
		t.Fatalf("comparison: from %d to %d, changed %v", cmp.From.ID, cmp.To.ID, cmp.Result.Changed())
	}
	if again, _ := view.Compare(ctx, first.VersionID, third.VersionID); again != results[0] {
		t.Error("the second comparison of a pair was not the cached one")
	}
	if n, _ := view.diffs.cached(); n != 1 {
		t.Errorf("%d comparisons cached, want 1", n)
	}
	// The other direction is another diff.
	reverse, err := view.Compare(ctx, third.VersionID, first.VersionID)
	if err != nil || reverse == results[0] || reverse.From.ID != third.VersionID {
		t.Errorf("reverse comparison: %+v, %v", reverse, err)
	}
}

func TestViewCacheStaysWithinItsBudget(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "Example", Type: "Privacy Policy"}
	ids := []int64{
		record(t, a, ref, captureOf(0, textA)).VersionID,
		record(t, a, ref, captureOf(10, textB)).VersionID,
		record(t, a, ref, captureOf(20, textC)).VersionID,
	}
	ctx := context.Background()
	probe := NewView(st, 0)
	cmp, err := probe.Compare(ctx, ids[0], ids[1])
	if err != nil {
		t.Fatal(err)
	}
	// Room for two comparisons of this size, not three.
	view := NewView(st, 2*comparisonBytes(cmp)+comparisonBytes(cmp)/2)
	for _, pair := range [][2]int64{{ids[0], ids[1]}, {ids[1], ids[2]}, {ids[0], ids[2]}} {
		if _, err := view.Compare(ctx, pair[0], pair[1]); err != nil {
			t.Fatal(err)
		}
	}
	n, used := view.diffs.cached()
	if n != 2 || used > view.diffs.budget {
		t.Errorf("%d comparisons cached in %d bytes, want 2 within %d", n, used, view.diffs.budget)
	}
	// The least recently used pair went first.
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	view.diffs.mu.Lock()
	_, oldest := view.diffs.entries[diffKey{from: ids[0], to: ids[1], release: diff.Release, rewritten: gen.VersionsRewritten}]
	_, newest := view.diffs.entries[diffKey{from: ids[0], to: ids[2], release: diff.Release, rewritten: gen.VersionsRewritten}]
	view.diffs.mu.Unlock()
	if oldest || !newest {
		t.Errorf("the least recently used comparison is cached: %v, the most recent: %v; want the most recent only", oldest, newest)
	}

	uncached := NewView(st, -1)
	c1, _ := uncached.Compare(ctx, ids[0], ids[1])
	c2, _ := uncached.Compare(ctx, ids[0], ids[1])
	if c1 == c2 {
		t.Error("a view without a cache returned a cached comparison")
	}
}

// TestViewComparesAgainAVersionRewritten: a version changed in the store
// after its diff was cached (here moved to an earlier capture time, as an
// import of an older capture does; re-extraction rewrites it the same
// way), by this process or another, is compared again.
func TestViewComparesAgainAVersionRewritten(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "Example", Type: "Privacy Policy"}
	first := record(t, a, ref, captureOf(0, textA))
	second := record(t, a, ref, captureOf(10, textB))
	view := NewView(st, 0)
	ctx := context.Background()
	before, err := view.Compare(ctx, first.VersionID, second.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := view.Compare(ctx, first.VersionID, second.VersionID); again != before {
		t.Fatal("the second comparison of a pair was not the cached one")
	}
	earlier := before.From.CapturedAt.Add(-48 * time.Hour)
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.SetVersionCapturedAt(first.VersionID, earlier) }); err != nil {
		t.Fatal(err)
	}
	after, err := view.Compare(ctx, first.VersionID, second.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if after == before || !after.From.CapturedAt.Equal(earlier) {
		t.Errorf("after the version moved to %s the comparison says it was captured at %s (cached: %v)", earlier, after.From.CapturedAt, after == before)
	}
}

func TestViewNamesMissingVersionsAndOtherDocuments(t *testing.T) {
	a, st := newArchive(t)
	one := record(t, a, DocumentRef{Service: "One", Type: "Privacy Policy"}, captureOf(0, textA))
	two := record(t, a, DocumentRef{Service: "Two", Type: "Privacy Policy"}, captureOf(0, textB))
	view := NewView(st, 0)
	ctx := context.Background()
	var missing *NoVersionError
	if _, err := view.Compare(ctx, one.VersionID, 999999); !errors.As(err, &missing) || missing.ID != 999999 || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown version: %v, want a NoVersionError for 999999 matching store.ErrNotFound", err)
	}
	var apart *DifferentDocumentsError
	if _, err := view.Compare(ctx, one.VersionID, two.VersionID); !errors.As(err, &apart) || !errors.Is(err, ErrDifferentDocuments) ||
		apart.FromDocument != one.DocumentID || apart.ToDocument != two.DocumentID {
		t.Errorf("versions of two documents: %v, want a DifferentDocumentsError naming documents %d and %d", err, one.DocumentID, two.DocumentID)
	}
	if n, _ := view.diffs.cached(); n != 0 {
		t.Errorf("failed comparisons were cached: %d", n)
	}
}
