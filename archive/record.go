package archive

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// ErrDifferentDocuments is returned by Compare for versions of two documents.
var ErrDifferentDocuments = errors.New("the versions belong to different documents")

// Record stores one capture of a document and, when its text differs from
// the version in effect at the capture's time, a new version and its change.
//
// Captures may arrive out of order (an import of older files): the capture
// is compared with the version in effect at its time, and with the version
// after it, so history stays a chain of distinct consecutive texts:
//   - same text as the version before: nothing new (the fetch is recorded);
//   - same text as the version after: that version was first seen earlier,
//     and its date moves back to this capture's;
//   - otherwise a new version goes in between and the changes around it are
//     recomputed.
//
// Recording the same capture twice changes nothing. When the capture cannot
// be extracted, its snapshot and a failed fetch are still stored (the raw
// bytes are kept so a better extractor can use them later) and the error is
// returned.
func (a *Archive) Record(ctx context.Context, ref DocumentRef, c Capture) (Outcome, error) {
	ref = ref.Canonical()
	if err := validate(ref, c); err != nil {
		return Outcome{}, err
	}
	at := c.At.UTC()
	c = withDefaults(ref, c)

	large := len(c.Content) >= largeCapture
	if large {
		defer collectOften()()
	}
	// Extraction is CPU work: do it before taking the write lock.
	doc, extractErr := extractCapture(c, rulesOf(c), ref.Type)
	if large {
		// The parsed page is garbage now, and as large as several copies of
		// the text the next steps make: free it before they start, and give
		// its pages back to the system, so that the peak is the larger of
		// the two, not their sum (pages kept for reuse still count as
		// resident, and fragments of them are too small for what follows).
		debug.FreeOSMemory()
	}
	var candidate store.Version
	var facts *textFacts
	if extractErr == nil {
		var err error
		candidate, err = versionOf(doc, at, large)
		if err != nil {
			return Outcome{}, err
		}
		if large {
			// The version's texts hold it all now; a change to diff reads
			// the document back from them, so that storing does not keep
			// a third copy. Its measures are taken first (a capture of
			// another size is measured only if it makes a version).
			facts = textFactsOf(doc, candidate.Markdown, candidate.Words)
			doc = nil
			debug.FreeOSMemory()
		}
	}

	var out Outcome
	var failure *FailureError
	err := a.store.Write(ctx, func(tx *store.Tx) error {
		// Store.Write runs this once: placing the candidate lets go of its
		// texts, which a second run would need again.
		if extractErr != nil {
			failure = classifyExtractError(extractErr)
		}
		failed, placed, err := a.recordCapture(tx, ref, c, at, doc, &candidate, facts, failure, &out, nil)
		if failure = failed; err != nil {
			return err
		}
		if placed {
			if _, err := refreshMarks(tx, out.DocumentID); err != nil {
				return err
			}
		}
		if large {
			// Comparing with the version before left tens of MB of garbage;
			// give it back before the commit compresses the capture
			// against the one before it, which takes as much again.
			debug.FreeOSMemory()
		}
		if c.InTx == nil {
			return nil
		}
		var class capture.Class
		if failure != nil {
			class = failure.Class
		}
		return c.InTx(tx, class)
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("recording %s / %s captured %s: %w", ref.Service, ref.Type, at.Format(time.RFC3339), err)
	}
	if failure != nil {
		return out, fmt.Errorf("recording %s / %s captured %s: %w", ref.Service, ref.Type, at.Format(time.RFC3339), failure)
	}
	return out, nil
}

// withDefaults fills what a capture may leave out: its source (an
// import) and its URL (the document's).
func withDefaults(ref DocumentRef, c Capture) Capture {
	if c.Source == "" {
		c.Source = capture.Import
	}
	if c.URL == "" {
		c.URL = ref.URL
	}
	return c
}

// rulesOf is the extraction options of a capture: its rules, with its URL
// as the base of relative links when it has none, so that links are
// absolute and comparable across captures.
func rulesOf(c Capture) extract.Options {
	rules := c.Rules
	if rules.BaseURL == "" && isAbsoluteURL(c.URL) {
		rules.BaseURL = c.URL
	}
	return rules
}

// recordCapture is Record's transaction: the document, the snapshot and
// the fetch, then the version when the text is new. It returns the
// failure the capture ends with (the extractor's, or a suspect hold), and
// whether the document's history changed, for the caller to compute its
// marks again. facts are the new text's measures (taken from doc when
// nil); known, if not nil, may hold the change into candidate, computed
// before the transaction.
func (a *Archive) recordCapture(tx *store.Tx, ref DocumentRef, c Capture, at time.Time, doc *extract.Document, candidate *store.Version, facts *textFacts, failure *FailureError, out *Outcome, known *knownChange) (*FailureError, bool, error) {
	d, err := tx.EnsureDocument(ref.Service, ref.Type, ref.URL)
	if err != nil {
		return nil, false, err
	}
	out.DocumentID = d.ID
	hash, err := tx.PutSnapshot(c.Content, c.ContentType)
	if err != nil {
		return nil, false, err
	}
	out.SnapshotHash = hash
	fetch := store.Fetch{DocumentID: d.ID, At: at, Source: string(c.Source), URL: c.URL, Status: c.Status, SnapshotHash: hash, Headers: c.Headers, Method: string(c.Method)}
	if len(c.Screenshot) > 0 {
		if fetch.ScreenshotHash, err = tx.PutScreenshot(c.Screenshot); err != nil {
			return nil, false, err
		}
	}
	if failure != nil {
		fetch.ErrorClass, fetch.Error = string(failure.Class), failure.Message
		_, _, err := tx.AddFetch(fetch)
		return failure, false, err
	}
	candidate.DocumentID = d.ID
	candidate.SnapshotHash = hash
	if holdsSuspects(c) {
		next, err := tx.VersionAfter(d.ID, at)
		if err != nil {
			return nil, false, err
		}
		if next == nil { // only the newest capture can be confirmed by the next fetch
			if held, err := a.checkSuspect(tx, fetch, *candidate); err != nil || held != nil {
				return held, false, err
			}
		}
	}
	if _, _, err := tx.AddFetch(fetch); err != nil {
		return nil, false, err
	}
	placed, err := placeVersion(tx, out, candidate, doc, facts, known)
	if err != nil {
		return nil, false, err
	}
	return nil, placed, queueAlerts(tx, c.Source, *out, at)
}

// queueAlerts puts the change a crawled capture made at the head of its
// document's history into the outbox, for every subscription it matches,
// in the transaction that records it: an alert is never lost by a crash,
// nor sent for a version that was never stored. Imports, the demo and
// captures placed behind the newest version tell of the past: they alert
// no one.
func queueAlerts(tx *store.Tx, source capture.Source, out Outcome, at time.Time) error {
	if source != capture.Crawl || out.Change == nil {
		return nil
	}
	next, err := tx.VersionAfter(out.DocumentID, at)
	if err != nil || next != nil {
		return err
	}
	_, err = tx.QueueDeliveries(*out.Change)
	return err
}

func isAbsoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && u.Host != ""
}

func validate(ref DocumentRef, c Capture) error {
	switch {
	case strings.TrimSpace(ref.Service) == "":
		return errors.New("archive: a capture needs a service name")
	case strings.TrimSpace(ref.Type) == "":
		return errors.New("archive: a capture needs a document type")
	case c.At.IsZero():
		return fmt.Errorf("archive: capture of %s / %s has no date", ref.Service, ref.Type)
	case len(c.Content) == 0:
		return fmt.Errorf("archive: capture of %s / %s is empty", ref.Service, ref.Type)
	}
	return nil
}

// versionOf builds the version row for an extracted document, without the
// document and snapshot it belongs to.
//
// A large document is several copies of its text here (Markdown, the
// sections' JSON, the comparison key): each is written once into a buffer
// of its final size, and the key is hashed as it is folded, never built.
// When the caller is done with doc (done), a large document's sections
// are emptied as their JSON is written, so that the document and its JSON
// are not both held whole.
func versionOf(doc *extract.Document, at time.Time, done bool) (store.Version, error) {
	markdown, words := doc.MarkdownAndWords()
	var sections []byte
	if len(markdown) < largeCapture {
		var err error
		if sections, err = json.Marshal(doc); err != nil {
			return store.Version{}, fmt.Errorf("archive: encoding extracted document: %w", err)
		}
	} else {
		var buf bytes.Buffer
		buf.Grow(len(markdown) + len(markdown)/2) // JSON's field names and escapes
		if err := encodeDocument(&buf, doc, done); err != nil {
			return store.Version{}, fmt.Errorf("archive: encoding extracted document: %w", err)
		}
		sections = buf.Bytes()
	}
	key := extract.ComparisonHash(markdown)
	return store.Version{
		CapturedAt: at,
		Extractor:  extract.Release,
		Markdown:   markdown,
		Sections:   sections,
		TextHash:   hex.EncodeToString(key[:]),
		Words:      words,
	}, nil
}

// largeCapture is the size from which Record frees the parsed page before
// going on: a forced collection costs milliseconds, nothing beside a
// capture this large.
const largeCapture = 4 << 20

// largeRecords counts the Records of large captures in progress, which
// keep the collector's target low; gcPercent is the target before.
var (
	largeRecordsMu sync.Mutex
	largeRecords   int
	gcPercent      int
)

// largeCaptureGCPercent is the collector's target while a large capture
// is recorded: the parsed page and the texts made from it are each many
// times the capture, and at the default (100) the heap may grow to twice
// what is live before a collection; at 25 it grows by a quarter.
const largeCaptureGCPercent = 10

// collectOften lowers the collector's target until the function it returns
// is called; calls nest across goroutines.
func collectOften() (restore func()) {
	largeRecordsMu.Lock()
	if largeRecords == 0 {
		gcPercent = debug.SetGCPercent(largeCaptureGCPercent)
		if gcPercent >= 0 && gcPercent < largeCaptureGCPercent {
			debug.SetGCPercent(gcPercent) // already lower: keep it
		}
	}
	largeRecords++
	largeRecordsMu.Unlock()
	return func() {
		largeRecordsMu.Lock()
		if largeRecords--; largeRecords == 0 {
			debug.SetGCPercent(gcPercent)
		}
		largeRecordsMu.Unlock()
	}
}

// releaseEvery is how much JSON encodeDocument writes between two returns
// of released memory to the system.
const releaseEvery = 8 << 20

// encodeDocument writes doc as json.Marshal would, block by block: one
// Marshal of the whole document grows its buffer through every size up to
// the document's, which for a large one is many copies of its text. With
// release, each section of doc is emptied once written, and the memory it
// held given back every releaseEvery bytes, so that the document and its
// JSON are never both held whole.
func encodeDocument(buf *bytes.Buffer, doc *extract.Document, release bool) error {
	head, err := json.Marshal(struct {
		Title string `json:"title,omitempty"`
	}{doc.Title})
	if err != nil {
		return err
	}
	buf.Write(head[:len(head)-1]) // without its closing brace
	if len(head) > 2 {
		buf.WriteByte(',')
	}
	buf.WriteString(`"sections":[`)
	released := 0
	for i, s := range doc.Sections {
		if i > 0 {
			buf.WriteByte(',')
		}
		blocks := s.Blocks
		s.Blocks = nil
		section, err := json.Marshal(s)
		if err != nil {
			return err
		}
		buf.Write(section[:len(section)-1])
		if len(blocks) > 0 {
			if len(section) > 2 {
				buf.WriteByte(',')
			}
			buf.WriteString(`"blocks":[`)
			for k, b := range blocks {
				if k > 0 {
					buf.WriteByte(',')
				}
				block, err := json.Marshal(b)
				if err != nil {
					return err
				}
				buf.Write(block)
			}
			buf.WriteByte(']')
		}
		buf.WriteByte('}')
		if release {
			doc.Sections[i] = extract.Section{}
			if buf.Len() >= released+releaseEvery {
				// What the sections held is free now but still resident,
				// in pieces too small for the buffer: give it back.
				debug.FreeOSMemory()
				released = buf.Len()
			}
		}
	}
	buf.WriteString("]}")
	return nil
}

// knownChange is the change between the texts of version from, placed
// earlier in the same transaction, and a candidate, computed before the
// transaction; its ids are not set.
type knownChange struct {
	from   int64
	change store.Change
}

// placeVersion puts the candidate into the document's history, as described
// on Record, and a new version into the search index with its readability
// (facts, derived from doc when nil). It reports whether the history
// changed (a version added, or one dated earlier), for the caller to
// compute the history marks again: once per capture, or once after
// re-extraction has placed them all. The change from the version before is
// known's when that version is the one known was computed from. Once the
// candidate's texts are stored (and read for the comparisons), its Markdown
// and Sections are emptied, so that a 20 MB page's texts are not held by
// the caller through the comparisons and the commit.
func placeVersion(tx *store.Tx, out *Outcome, candidate *store.Version, doc *extract.Document, facts *textFacts, known *knownChange) (bool, error) {
	docID, at := candidate.DocumentID, candidate.CapturedAt
	prev, err := tx.VersionAt(docID, at)
	if err != nil {
		return false, err
	}
	if prev != nil && prev.TextHash == candidate.TextHash {
		out.VersionID = prev.ID
		return false, nil
	}
	next, err := tx.VersionAfter(docID, at)
	if err != nil {
		return false, err
	}
	if next != nil && next.TextHash == candidate.TextHash {
		out.VersionID = next.ID
		return true, tx.SetVersionCapturedAt(next.ID, at)
	}

	id, err := tx.AddVersion(*candidate)
	if err != nil {
		return false, err
	}
	candidate.ID = id
	out.VersionID, out.NewVersion = id, true
	if facts == nil {
		if doc == nil {
			if doc, err = decodeDocument(*candidate); err != nil {
				return false, err
			}
		}
		facts = textFactsOf(doc, candidate.Markdown, candidate.Words)
	}
	if err := facts.write(tx, id); err != nil {
		return false, err
	}

	// The versions compared are read as diff.ComparePrepared reads them,
	// the neighbour's from its stored sections, one section at a time when
	// they are large: a 20 MB page's sections decoded whole are four times
	// its text, and two of them were most of what recording its next
	// capture took. The candidate is prepared first and its texts, stored
	// now, let go before its neighbours are read and compared.
	var prepared *diff.Prepared
	if (prev != nil && (known == nil || known.from != prev.ID)) || next != nil {
		if doc != nil {
			prepared = diff.Prepare(doc)
		} else if prepared, err = prepareSections(candidate.Sections); err != nil {
			return false, fmt.Errorf("archive: the new version's sections are not valid: %w", err)
		}
	}
	large := len(candidate.Markdown)+len(candidate.Sections) >= largeCapture
	candidate.Markdown, candidate.Sections = "", nil
	if large {
		// Storing and preparing them left as much garbage as the texts:
		// give it back before the neighbours are read and compared.
		debug.FreeOSMemory()
	}
	if prev != nil {
		var change store.Change
		if known != nil && known.from == prev.ID {
			change = known.change
			change.DocumentID, change.FromVersionID, change.ToVersionID = candidate.DocumentID, prev.ID, candidate.ID
		} else {
			from, err := storedPrepared(tx, prev.ID)
			if err != nil {
				return false, err
			}
			if change, err = changeOf(candidate.DocumentID, prev.ID, candidate.ID, diff.ComparePrepared(from, prepared)); err != nil {
				return false, err
			}
		}
		if change.ID, err = tx.AddChange(change); err != nil {
			return false, err
		}
		out.Change = &change
	}
	if next != nil {
		if err := tx.DeleteChangeInto(next.ID); err != nil {
			return false, err
		}
		to, err := storedPrepared(tx, next.ID)
		if err != nil {
			return false, err
		}
		change, err := changeOf(candidate.DocumentID, candidate.ID, next.ID, diff.ComparePrepared(prepared, to))
		if err != nil {
			return false, err
		}
		if _, err := tx.AddChange(change); err != nil {
			return false, err
		}
	}
	return true, nil
}

// changeOf is the stored form of a comparison: everything a timeline, a
// feed or an alert shows of it, computed here once.
func changeOf(documentID, fromID, toID int64, result *diff.Result) (store.Change, error) {
	subs, err := json.Marshal(result.Substitutions)
	if err != nil {
		return store.Change{}, fmt.Errorf("archive: encoding substitutions: %w", err)
	}
	story := result.Story()
	storyJSON, err := json.Marshal(story)
	if err != nil {
		return store.Change{}, fmt.Errorf("archive: encoding the story of a change: %w", err)
	}
	excerpt, truncated := result.Excerpt(diff.ExcerptLimit)
	return store.Change{
		DocumentID:       documentID,
		FromVersionID:    fromID,
		ToVersionID:      toID,
		Class:            string(result.Class),
		Magnitude:        string(story.Magnitude),
		Summary:          story.Line,
		WordsAdded:       result.Stats.WordsAdded,
		WordsRemoved:     result.Stats.WordsRemoved,
		Substitutions:    subs,
		Story:            storyJSON,
		Excerpt:          string(excerpt),
		ExcerptTruncated: truncated,
		Differ:           diff.Release,
	}, nil
}

func decodeDocument(v store.Version) (*extract.Document, error) {
	doc, err := DecodeSections(v.Sections)
	if err != nil {
		return nil, fmt.Errorf("archive: version %d: stored sections are not valid: %w", v.ID, err)
	}
	return &doc, nil
}

// storedPrepared reads a stored version's sections as diff.ComparePrepared
// compares them.
func storedPrepared(tx *store.Tx, id int64) (*diff.Prepared, error) {
	sections, err := tx.VersionSections(id)
	if err != nil {
		return nil, err
	}
	return prepareVersion(id, sections)
}

// prepareVersion reads the stored sections of version id as
// diff.ComparePrepared compares them (prepareSections).
func prepareVersion(id int64, sections []byte) (*diff.Prepared, error) {
	p, err := prepareSections(sections)
	if err != nil {
		return nil, fmt.Errorf("archive: version %d: stored sections are not valid: %w", id, err)
	}
	return p, nil
}
