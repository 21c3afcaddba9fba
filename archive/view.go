package archive

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// View is the archive as readers see it: lists, versions and diffs of any
// two versions, and no way to record. Pages and feeds are served from a
// View; what they show of a change or a history was stored when the
// version was placed, and only diffs of pairs nobody stored are computed,
// once, then kept in a bounded cache.
type View struct {
	store *store.Store
	diffs *diffCache
}

// DefaultDiffCacheBytes is how much memory a View's diff cache may hold by
// default: a few hundred diffs of ordinary policies.
const DefaultDiffCacheBytes = 64 << 20

// NewView returns a read-only view of the archive in st whose diff cache
// holds about cacheBytes (0: DefaultDiffCacheBytes; negative: no cache).
func NewView(st *store.Store, cacheBytes int64) *View {
	if cacheBytes == 0 {
		cacheBytes = DefaultDiffCacheBytes
	}
	return &View{store: st, diffs: newDiffCache(cacheBytes)}
}

// Services lists the services, as store.Store.Services.
func (v *View) Services(ctx context.Context) ([]store.Service, error) { return v.store.Services(ctx) }

// ServicesAfter lists a page of services, as store.Store.ServicesAfter.
func (v *View) ServicesAfter(ctx context.Context, after string, limit int) ([]store.Service, error) {
	return v.store.ServicesAfter(ctx, after, limit)
}

// Documents lists documents, as store.Store.Documents.
func (v *View) Documents(ctx context.Context, f store.DocumentFilter) ([]store.Document, error) {
	return v.store.Documents(ctx, f)
}

// Document returns one document, as store.Store.Document.
func (v *View) Document(ctx context.Context, id int64) (store.Document, error) {
	return v.store.Document(ctx, id)
}

// Versions returns a page of a document's versions with their stored
// changes and marks, as store.Store.VersionsIn.
func (v *View) Versions(ctx context.Context, documentID int64, r store.VersionRange) ([]store.VersionSummary, error) {
	return v.store.VersionsIn(ctx, documentID, r)
}

// VersionPoints returns what a chart of a document's whole history needs,
// as store.Store.VersionPoints.
func (v *View) VersionPoints(ctx context.Context, documentID int64) ([]store.VersionPoint, error) {
	return v.store.VersionPoints(ctx, documentID)
}

// VersionSummary returns one version without its texts, as
// store.Store.VersionSummary.
func (v *View) VersionSummary(ctx context.Context, id int64) (store.VersionSummary, error) {
	return v.store.VersionSummary(ctx, id)
}

// Version returns one version with its texts, as store.Store.Version.
func (v *View) Version(ctx context.Context, id int64) (store.Version, error) {
	return v.store.Version(ctx, id)
}

// VersionTimes returns the newest versions of a document, ids and times,
// as store.Store.VersionTimes.
func (v *View) VersionTimes(ctx context.Context, documentID int64, limit int) ([]store.VersionTime, error) {
	return v.store.VersionTimes(ctx, documentID, limit)
}

// VersionPage returns what a version's page shows, as
// store.Store.VersionPage.
func (v *View) VersionPage(ctx context.Context, id int64) (store.VersionPage, error) {
	return v.store.VersionPage(ctx, id)
}

// Changes lists changes, as store.Store.Changes.
func (v *View) Changes(ctx context.Context, f store.ChangeFilter) ([]store.ChangeEntry, error) {
	return v.store.Changes(ctx, f)
}

// VersionCapture says how the capture of a version was fetched, as
// store.Store.VersionCapture.
func (v *View) VersionCapture(ctx context.Context, versionID int64) (store.CaptureInfo, error) {
	return v.store.VersionCapture(ctx, versionID)
}

// Screenshot returns a stored screenshot, as store.Store.Screenshot.
func (v *View) Screenshot(ctx context.Context, hash string) (store.Screenshot, error) {
	return v.store.Screenshot(ctx, hash)
}

// Deliveries lists alert deliveries, as store.Store.Deliveries.
func (v *View) Deliveries(ctx context.Context, f store.DeliveryFilter) ([]store.DeliveryEntry, error) {
	return v.store.Deliveries(ctx, f)
}

// VersionAt returns the version of a document in effect at a time, as
// store.Store.VersionAt.
func (v *View) VersionAt(ctx context.Context, documentID int64, at time.Time) (store.VersionSummary, error) {
	return v.store.VersionAt(ctx, documentID, at)
}

// Snapshot returns a raw capture, as store.Store.Snapshot.
func (v *View) Snapshot(ctx context.Context, hash string) (store.Snapshot, error) {
	return v.store.Snapshot(ctx, hash)
}

// Search finds the documents whose versions match a query, as
// store.Store.Search.
func (v *View) Search(ctx context.Context, q store.SearchQuery) ([]store.SearchHit, bool, error) {
	return v.store.Search(ctx, q)
}

// Generation says how far what pages show has come, as
// store.Store.Generation: a server keeps rendered pages under it.
func (v *View) Generation(ctx context.Context) (store.Generation, error) {
	return v.store.Generation(ctx)
}

// Ping checks that the database answers, as store.Store.Ping.
func (v *View) Ping(ctx context.Context) error { return v.store.Ping(ctx) }

// NoVersionError is Compare's error for a version id that does not exist.
type NoVersionError struct{ ID int64 }

func (e *NoVersionError) Error() string { return fmt.Sprintf("there is no version with id %d", e.ID) }

// Unwrap makes the error match store.ErrNotFound.
func (e *NoVersionError) Unwrap() error { return store.ErrNotFound }

// DifferentDocumentsError is Compare's error for versions of two
// documents; it matches ErrDifferentDocuments.
type DifferentDocumentsError struct {
	From, FromDocument, To, ToDocument int64
}

func (e *DifferentDocumentsError) Error() string {
	return fmt.Sprintf("comparing versions %d (of document %d) and %d (of document %d): %v",
		e.From, e.FromDocument, e.To, e.ToDocument, ErrDifferentDocuments)
}

// Is makes the error match ErrDifferentDocuments.
func (e *DifferentDocumentsError) Is(target error) bool { return target == ErrDifferentDocuments }

// Compare diffs two versions of one document, reading each once. A pair
// compared recently comes from the cache: the Comparison is shared, and
// must not be changed. Unknown ids give a *NoVersionError; versions of two
// documents ErrDifferentDocuments.
func (v *View) Compare(ctx context.Context, fromID, toID int64) (*Comparison, error) {
	return v.compare(ctx, fromID, toID, false)
}

// CompareAcross diffs any two versions, of one document or of two (the
// Twitter cookie policy of 2021 against X's of 2023), as Compare does
// otherwise.
func (v *View) CompareAcross(ctx context.Context, fromID, toID int64) (*Comparison, error) {
	return v.compare(ctx, fromID, toID, true)
}

func (v *View) compare(ctx context.Context, fromID, toID int64, across bool) (*Comparison, error) {
	// A version changed or deleted since (re-extracted, or its id given
	// again to another after a delete) makes a diff of it stale: the
	// generation of rewritten versions is part of the key.
	gen, err := v.store.Generation(ctx)
	if err != nil {
		return nil, err
	}
	// Keyed apart: a Compare of two documents fails where a CompareAcross
	// of them succeeds, and neither must get the other's answer.
	key := diffKey{from: fromID, to: toID, release: diff.Release, across: across, rewritten: gen.VersionsRewritten}
	return v.diffs.get(key, func() (*Comparison, int64, error) {
		cmp, err := compareVersions(ctx, v.store, fromID, toID, across)
		if err != nil {
			return nil, 0, err
		}
		return cmp, comparisonBytes(cmp), nil
	})
}

// compareVersions loads two versions and their documents and diffs them;
// versions of two documents are an error unless across.
func compareVersions(ctx context.Context, st *store.Store, fromID, toID int64, across bool) (*Comparison, error) {
	var versions [2]store.VersionSummary
	var sections [2][]byte
	for i, id := range []int64{fromID, toID} {
		var err error
		versions[i], sections[i], err = st.VersionSections(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, &NoVersionError{ID: id}
		}
		if err != nil {
			return nil, err
		}
	}
	from, to := versions[0], versions[1]
	if from.DocumentID != to.DocumentID && !across {
		return nil, &DifferentDocumentsError{From: fromID, FromDocument: from.DocumentID, To: toID, ToDocument: to.DocumentID}
	}
	document, err := st.Document(ctx, from.DocumentID)
	if err != nil {
		return nil, err
	}
	toDocument := document
	if to.DocumentID != from.DocumentID {
		if toDocument, err = st.Document(ctx, to.DocumentID); err != nil {
			return nil, err
		}
	}
	// Each version is prepared and its decoded document let go before the
	// other's is decoded: two large ones are not held whole at once.
	fromPrepared, err := prepareVersion(from.ID, sections[0])
	if err != nil {
		return nil, err
	}
	sections[0] = nil
	toPrepared, err := prepareVersion(to.ID, sections[1])
	if err != nil {
		return nil, err
	}
	sections[1] = nil
	return &Comparison{Document: document, ToDocument: toDocument, From: from, To: to,
		Result: diff.ComparePrepared(fromPrepared, toPrepared)}, nil
}

// comparisonBytes estimates the memory a comparison holds: the diff's
// texts, tokens and spans, a few times the two versions' texts.
func comparisonBytes(c *Comparison) int64 {
	return int64(3*(c.From.Bytes+c.To.Bytes) + 1024)
}

// diffKey names a diff: the two versions, the release that computed it,
// and the generation of rewritten versions it was computed in.
type diffKey struct {
	from, to  int64
	release   string
	across    bool
	rewritten int64
}

// diffCache keeps the most recently used comparisons within a memory
// budget. Concurrent requests for a pair not yet cached compute it once.
type diffCache struct {
	mu       sync.Mutex
	budget   int64
	used     int64
	order    *list.List // of *diffEntry, most recently used first
	entries  map[diffKey]*list.Element
	inFlight map[diffKey]*pendingDiff
}

type diffEntry struct {
	key   diffKey
	cmp   *Comparison
	bytes int64
}

type pendingDiff struct {
	done chan struct{}
	cmp  *Comparison
	err  error
}

func newDiffCache(budget int64) *diffCache {
	return &diffCache{budget: budget, order: list.New(), entries: map[diffKey]*list.Element{}, inFlight: map[diffKey]*pendingDiff{}}
}

// get returns the cached comparison for key, or computes it with compute
// (which also gives its size), caching it when it fits the budget.
func (c *diffCache) get(key diffKey, compute func() (*Comparison, int64, error)) (*Comparison, error) {
	c.mu.Lock()
	for {
		if el, ok := c.entries[key]; ok {
			c.order.MoveToFront(el)
			c.mu.Unlock()
			return el.Value.(*diffEntry).cmp, nil
		}
		p, ok := c.inFlight[key]
		if !ok {
			break
		}
		c.mu.Unlock()
		<-p.done
		// The request that computed it may have been cancelled; this one
		// was not: compute it again.
		if !errors.Is(p.err, context.Canceled) && !errors.Is(p.err, context.DeadlineExceeded) {
			return p.cmp, p.err
		}
		c.mu.Lock()
	}
	p := &pendingDiff{done: make(chan struct{})}
	c.inFlight[key] = p
	c.mu.Unlock()

	cmp, size, err := compute()
	p.cmp, p.err = cmp, err
	c.mu.Lock()
	delete(c.inFlight, key)
	if err == nil && size <= c.budget {
		c.entries[key] = c.order.PushFront(&diffEntry{key: key, cmp: cmp, bytes: size})
		c.used += size
		for c.used > c.budget {
			oldest := c.order.Back()
			e := oldest.Value.(*diffEntry)
			c.order.Remove(oldest)
			delete(c.entries, e.key)
			c.used -= e.bytes
		}
	}
	c.mu.Unlock()
	close(p.done)
	return cmp, err
}

// cached reports how many comparisons the cache holds and their estimated
// size, for tests and metrics.
func (c *diffCache) cached() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.used
}
