// Package archive is the one way a capture becomes a version: Record stores
// the snapshot, extracts it, decides whether its text really differs from the
// version in effect at that time, and stores the new version and its change.
// Whatever brought the capture — an import, the demo, a crawl — goes through
// Record.
package archive

import (
	"strings"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// Archive records captures into a store.
type Archive struct {
	store *store.Store
	// shrinkThreshold is the fraction of text a crawled capture may lose
	// against the latest version before it is held as suspect.
	shrinkThreshold float64
	// maxCaptureBytes bounds a capture read from a file.
	maxCaptureBytes int64
}

// New returns an Archive writing to st.
func New(st *store.Store) *Archive {
	return &Archive{store: st, shrinkThreshold: DefaultShrinkThreshold, maxCaptureBytes: DefaultMaxCaptureBytes}
}

// DocumentRef names a document: a service and a document type, and the URL it
// is fetched from (optional for imports).
type DocumentRef struct {
	Service string
	Type    string
	URL     string
}

// Canonical returns the reference as documents are stored: names trimmed,
// and a type known to Open Terms Archive under another name ("Cookies
// Policy") written as its canonical name ("Trackers Policy"), so that an
// import and a crawl of the same document never make two documents. A
// type Open Terms Archive retired ("Community Guidelines - Spam") stays a
// document of its own, since its page is only one part of its current
// type's document (declaration.StoredType). Other types are kept as given.
func (r DocumentRef) Canonical() DocumentRef {
	r.Service = strings.TrimSpace(r.Service)
	r.Type = declaration.StoredType(r.Type)
	return r
}

// Capture is what one fetch or import received.
type Capture struct {
	At          time.Time      // when it was captured
	Source      capture.Source // default capture.Import
	URL         string         // where it came from, if known
	ContentType string         // MIME type; empty means sniff
	Content     []byte
	Rules       extract.Options // a declaration's select/remove rules
	Status      int             // HTTP status of a crawl, 0 otherwise
	// Method says how a crawled page was fetched (capture.HTTP or
	// capture.Browser); empty for captures that were not crawled.
	Method capture.Method
	// Screenshot is a full-page PNG of the rendered page, stored with the
	// fetch (once per distinct image); nil for none.
	Screenshot []byte
	// Headers are the response headers kept with the capture, an HTTP
	// header block (capture.HeaderBlock); "" when there were none.
	Headers string
	// PartRules are the rules of each part of a combined capture (see
	// CombineParts), in order; parts without rules use Rules.
	PartRules []extract.Options
	// InTx, if set, is called at the end of Record's transaction with the
	// class the capture failed with ("" when it was recorded), so that what
	// the caller keeps about the fetch (the crawler's state) is written in
	// the same transaction as the fetch itself.
	InTx func(tx *store.Tx, class capture.Class) error
}

// Outcome says what Record did with a capture.
type Outcome struct {
	DocumentID   int64
	SnapshotHash string
	// VersionID is the version the capture's text belongs to: a new one when
	// NewVersion is true, else the existing version with the same text.
	VersionID  int64
	NewVersion bool
	Change     *store.Change // the change into the new version; nil if none
}

// Comparison is two versions and their diff: of one document, or of two
// when compared across documents (CompareAcross), ToDocument then being
// the second one's. The versions are kept without their texts, which the
// diff holds what pages show of: the diff cache keeps about twice as many.
type Comparison struct {
	Document   store.Document // From's document
	ToDocument store.Document // To's document: Document itself for two versions of one
	From, To   store.VersionSummary
	Result     *diff.Result
}
