package store

// This file is the contract between store and its callers (archive, web,
// cmd). Signatures here are fixed; bodies are filled in by the store's
// implementation. Times are UTC.

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned (wrapped) when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Service is a company or product, such as "X".
type Service struct {
	ID        int64
	Name      string
	Documents int // number of documents of the service
}

// Document is one (service, type) pair, such as X / "Cookies Policy".
type Document struct {
	ID         int64
	Service    string
	Type       string
	URL        string    // where it is fetched from; may be empty for imports
	Versions   int       // number of versions
	LastChange time.Time // captured-at of the newest version; zero if none
}

// Snapshot is the raw bytes one fetch received, addressed by their SHA-256.
type Snapshot struct {
	Hash        string // lowercase hex SHA-256 of Content
	ContentType string
	Size        int64  // uncompressed size in bytes
	Content     []byte // filled by Store.Snapshot only
}

// Fetch is one attempt to get a document, successful or not.
type Fetch struct {
	ID           int64
	DocumentID   int64
	At           time.Time
	Source       string // a capture.Source: "import", "demo", "crawl", "ota", "wayback"
	URL          string
	Status       int    // HTTP status, 0 when not HTTP
	ErrorClass   string // empty on success
	Error        string
	SnapshotHash string // empty when nothing was captured
	// Method is how a crawled page was fetched: "http" or "browser"; ""
	// for captures that were not crawled, and fetches of older releases.
	Method string
	// ScreenshotHash names the full-page screenshot taken with the fetch
	// (PutScreenshot); empty when none was.
	ScreenshotHash string
	// Headers are the response headers kept with the capture, as an HTTP
	// header block ("Name: value" lines, CRLF; see capture.HeaderBlock);
	// empty when the capture came with none (imports).
	Headers string
}

// Version is the canonical extracted content of a document, recorded only
// when it differs from the version before it.
type Version struct {
	ID           int64
	DocumentID   int64
	CapturedAt   time.Time
	SnapshotHash string
	Extractor    string // extract.Release that made it
	Markdown     string // canonical Markdown
	Sections     []byte // the extract.Document as JSON
	TextHash     string // hex SHA-256 of the comparison key of Markdown
	Words        int
}

// Summary is the version without its texts, as VersionSummary says it
// (Change, Mark and Readability left empty).
func (v Version) Summary() VersionSummary {
	return VersionSummary{ID: v.ID, DocumentID: v.DocumentID, CapturedAt: v.CapturedAt, SnapshotHash: v.SnapshotHash,
		Extractor: v.Extractor, Words: v.Words, Bytes: len(v.Markdown), TextHash: v.TextHash}
}

// VersionSummary is a Version without its content, with the change that led
// to it (nil for a document's first version).
type VersionSummary struct {
	ID           int64
	DocumentID   int64
	CapturedAt   time.Time
	SnapshotHash string
	Extractor    string
	Words        int
	Bytes        int    // length of the Markdown
	TextHash     string // as Version.TextHash: equal for equal texts
	Change       *Change
	Mark         HistoryMark // what the history says of it, as stored
	// Readability is its reading time and grade, as stored when it was
	// placed; nil until measured (versions stored before search existed).
	Readability *Readability
}

// Change is two consecutive versions of one document compared. Everything
// but the ids is derived, computed once when the version is placed, by the
// diff release named in Differ.
type Change struct {
	ID            int64
	DocumentID    int64
	FromVersionID int64
	ToVersionID   int64
	Class         string
	Magnitude     string // "minor" or "major"; "" for cosmetic changes
	Summary       string // one line, e.g. "‘Sharing’ rewritten (+120 −96 words); Twitter → X ×37"
	WordsAdded    int
	WordsRemoved  int
	Substitutions []byte // JSON array of {from, to, count}
	Story         []byte // JSON of the diff's Story; empty for changes of older releases
	// Excerpt is a bounded HTML fragment of the changed sections, for feeds
	// and e-mail; ExcerptTruncated says it left some out. Read by
	// Store.Changes only (timelines do not need it).
	Excerpt          string
	ExcerptTruncated bool
	Differ           string // the diff release that computed this change
}

// ChangeEntry is a Change with what a list or a feed needs to show it.
type ChangeEntry struct {
	Change
	Service      string
	DocumentType string
	FromAt       time.Time // captured-at of the old version
	ToAt         time.Time // captured-at of the new version
}

// ChangeFilter selects changes; zero fields select everything.
type ChangeFilter struct {
	DocumentID int64
	Service    string
	// Classes and Magnitudes, when not empty, keep only changes whose class
	// (magnitude) is one of them, before Limit applies: a feed of major
	// changes still has Limit entries.
	Classes    []string
	Magnitudes []string
	Limit      int // 0 means no limit
	// Before, a change id, keeps only changes older than it, in the order
	// Changes lists them (by the captured-at of the version each leads
	// to, then id): the next page after the change Before.
	Before int64
}

// DocumentFilter selects documents; empty fields select everything.
type DocumentFilter struct {
	Service string
	Type    string
	URL     string // documents fetched from this URL
	// Services, when not empty, keeps only documents of these services.
	Services []string
	// StaleFor, when set, keeps only documents holding derived data that
	// another release computed: a change another diff computed, or history
	// marks not stamped with StaleFor.Marks.
	StaleFor *Releases
}

// Releases name the code releases that compute derived data.
type Releases struct {
	Diff  string // of changes (Change.Differ)
	Marks string // of history marks
}

// Compile-time reminder of the API; the implementation provides these.
var _ interface {
	Close() error
	Write(ctx context.Context, fn func(*Tx) error) error
	Services(ctx context.Context) ([]Service, error)
	Documents(ctx context.Context, f DocumentFilter) ([]Document, error)
	Document(ctx context.Context, id int64) (Document, error)
	Versions(ctx context.Context, documentID int64) ([]VersionSummary, error)
	Version(ctx context.Context, id int64) (Version, error)
	Changes(ctx context.Context, f ChangeFilter) ([]ChangeEntry, error)
	Snapshot(ctx context.Context, hash string) (Snapshot, error)
	Fetches(ctx context.Context, documentID int64) ([]Fetch, error)
	Screenshot(ctx context.Context, hash string) (Screenshot, error)
	VersionCapture(ctx context.Context, versionID int64) (CaptureInfo, error)
	Subscriptions(ctx context.Context, withRemoved bool) ([]Subscription, error)
	Subscription(ctx context.Context, id int64) (Subscription, error)
	Deliveries(ctx context.Context, f DeliveryFilter) ([]DeliveryEntry, error)
} = (*Store)(nil)

var _ interface {
	EnsureDocument(service, docType, url string) (Document, error)
	PutSnapshot(content []byte, contentType string) (hash string, err error)
	AddFetch(f Fetch) (id int64, added bool, err error)
	PutScreenshot(png []byte) (hash string, err error)
	VersionAt(documentID int64, at time.Time) (*VersionSummary, error)
	VersionAfter(documentID int64, at time.Time) (*VersionSummary, error)
	VersionSections(id int64) ([]byte, error)
	AddVersion(v Version) (int64, error)
	SetVersionCapturedAt(versionID int64, at time.Time) error
	AddChange(c Change) (int64, error)
	UpdateChange(c Change) error
	DeleteChangeInto(toVersionID int64) error
	AddSubscription(s Subscription) (int64, error)
	RemoveSubscription(id int64, at time.Time) error
	SetLastDigest(id int64, at time.Time) error
	QueueDeliveries(c Change) (int, error)
	ClaimDeliveries(o ClaimOptions) ([]ClaimedDelivery, error)
	ClaimDigest(o ClaimOptions, periodStart func(digestAt string) time.Time) ([]ClaimedDelivery, error)
	FinishAttempt(r AttemptResult) (bool, error)
} = (*Tx)(nil)
