package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Tx is one write transaction, valid only inside the function given to
// Store.Write. Its methods use the context given to Write.
type Tx struct {
	ctx   context.Context
	tx    *dbTx
	store *Store
	// Snapshots added by this transaction, written at commit (snapshot.go).
	pending      map[string]*pendingSnapshot
	pendingOrder []*pendingSnapshot
}

// Write runs fn in one write transaction (BEGIN IMMEDIATE on the single
// writer connection). It commits when fn returns nil and rolls back when fn
// returns an error or panics; the panic is re-raised. fn must not call Write
// itself: the one writer connection is already taken, so it would wait forever.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) (err error) {
	if s.writer == nil {
		return fmt.Errorf("write to %s: %w", s.path, ErrReadOnly)
	}
	sqlTx, err := s.writer.begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write to %s: %w", s.path, err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = sqlTx.Rollback() // the error that got us here matters more
		}
	}()
	tx := &Tx{ctx: ctx, tx: sqlTx, store: s}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.storePending(); err != nil {
		return fmt.Errorf("write to %s: %w", s.path, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit write to %s: %w", s.path, err)
	}
	committed = true
	return nil
}

// EnsureDocument returns the document (service, docType), creating the
// service and the document when missing. A non-empty url different from the
// stored one replaces it.
func (t *Tx) EnsureDocument(service, docType, url string) (Document, error) {
	what := fmt.Sprintf("document %s / %s", service, docType)
	if service == "" || docType == "" {
		return Document{}, fmt.Errorf("%s: service and type must not be empty", what)
	}
	if _, err := t.tx.ExecContext(t.ctx,
		"INSERT INTO services (name) VALUES (?) ON CONFLICT (name) DO NOTHING", service); err != nil {
		return Document{}, fmt.Errorf("%s: create service: %w", what, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `
		INSERT INTO documents (service_id, type, url)
		VALUES ((SELECT id FROM services WHERE name = ?), ?, ?)
		ON CONFLICT (service_id, type) DO UPDATE SET url = excluded.url
		WHERE excluded.url <> '' AND excluded.url <> documents.url`,
		service, docType, t.store.d.text(url)); err != nil {
		return Document{}, fmt.Errorf("%s: %w", what, err)
	}
	rows, err := t.tx.QueryContext(t.ctx, documentQuery+" WHERE s.name = ? AND d.type = ?", service, docType)
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", what, err)
	}
	docs, err := scanDocuments(rows)
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", what, err)
	}
	if len(docs) != 1 {
		return Document{}, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return docs[0], nil
}

// AddFetch records a fetch. Recording the same capture again (same document,
// time, source and snapshot) adds nothing and returns the existing id with
// added false.
func (t *Tx) AddFetch(f Fetch) (id int64, added bool, err error) {
	what := fmt.Sprintf("fetch of document %d at %s", f.DocumentID, f.At.UTC().Format(time.RFC3339))
	at, err := formatTime(f.At)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %w", what, err)
	}
	if f.Source == "" {
		return 0, false, fmt.Errorf("%s: empty source", what)
	}
	t.snapshotNamed(f.SnapshotHash, f.DocumentID)
	d := t.store.d
	id, added, err = t.tx.insertID(t.ctx, `
		INSERT INTO fetches (document_id, at, source, url, status, error_class, error, snapshot_hash, headers, method, screenshot_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		f.DocumentID, at, f.Source, d.text(f.URL), f.Status, f.ErrorClass, d.text(f.Error), nullString(f.SnapshotHash), d.text(f.Headers),
		f.Method, nullString(f.ScreenshotHash))
	if err != nil {
		return 0, false, fmt.Errorf("%s: %w", what, err)
	}
	if added {
		return id, true, nil
	}
	err = t.tx.QueryRowContext(t.ctx, `
		SELECT id FROM fetches
		WHERE document_id = ? AND at = ? AND source = ? AND ifnull(snapshot_hash, '') = ?`,
		f.DocumentID, at, f.Source, f.SnapshotHash).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("%s: find the existing fetch: %w", what, err)
	}
	return id, false, nil
}

// VersionAt returns the latest version of the document captured at or before
// at, or nil when there is none. Its texts are not read (a huge document's
// are tens of MB): VersionSections reads what comparing it needs, and
// Bytes is its Markdown's length. Change, Mark and Readability are left
// empty.
func (t *Tx) VersionAt(documentID int64, at time.Time) (*VersionSummary, error) {
	return t.versionNear(documentID, at, "captured_at <= ? ORDER BY captured_at DESC, id DESC", "at or before")
}

// VersionAfter returns the earliest version of the document captured after
// at, or nil when there is none, as VersionAt does.
func (t *Tx) VersionAfter(documentID int64, at time.Time) (*VersionSummary, error) {
	return t.versionNear(documentID, at, "captured_at > ? ORDER BY captured_at ASC, id ASC", "after")
}

func (t *Tx) versionNear(documentID int64, at time.Time, where, relation string) (*VersionSummary, error) {
	what := fmt.Sprintf("version of document %d %s %s", documentID, relation, at.UTC().Format(time.RFC3339))
	ts, err := formatTime(at)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var v VersionSummary
	var captured string
	err = t.tx.QueryRowContext(t.ctx, `
		SELECT id, document_id, captured_at, snapshot_hash, extractor, words, markdown_bytes, text_hash
		FROM versions WHERE document_id = ? AND `+where+" LIMIT 1", documentID, ts).Scan(
		&v.ID, &v.DocumentID, &captured, &v.SnapshotHash, &v.Extractor, &v.Words, &v.Bytes, &v.TextHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		v.CapturedAt, err = parseTime(captured)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &v, nil
}

// VersionSections returns the sections of version id (its extract.Document
// as JSON), without copying its Markdown out: what comparing it with
// another version reads. The slice may be the store's cache's: only read it.
func (t *Tx) VersionSections(id int64) ([]byte, error) {
	v, p, err := scanVersion(t.tx.QueryRowContext(t.ctx, versionQuery+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		err = t.store.unpackSections(t.ctx, t.tx, &v, p)
	}
	if err != nil {
		return nil, fmt.Errorf("sections of version %d: %w", id, err)
	}
	return v.Sections, nil
}

// AddVersion stores a version and returns its id. v.ID is ignored.
func (t *Tx) AddVersion(v Version) (int64, error) {
	what := fmt.Sprintf("version of document %d captured %s", v.DocumentID, v.CapturedAt.UTC().Format(time.RFC3339))
	at, err := formatTime(v.CapturedAt)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if v.SnapshotHash == "" {
		return 0, fmt.Errorf("%s: no snapshot hash", what)
	}
	t.snapshotNamed(v.SnapshotHash, v.DocumentID)
	// The texts are stored packed (vtext.go); markdown and sections stay ''.
	p, err := t.packTexts(v.DocumentID, v.Markdown, v.Sections)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	id, _, err := t.tx.insertID(t.ctx, `
		INSERT INTO versions (document_id, captured_at, snapshot_hash, extractor, markdown, markdown_bytes, sections, text_hash, words,
			packed, packed_hash, packed_base, packed_depth, packed_seq)
		VALUES (?, ?, ?, ?, '', ?, '', ?, ?, ?, ?, ?, ?, ?)`,
		v.DocumentID, at, v.SnapshotHash, v.Extractor, len(v.Markdown), v.TextHash, v.Words,
		p.frame, p.sum, p.base, p.depth, p.seq)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return id, nil
}

// SetVersionCapturedAt moves a version to another capture time, for when an
// earlier capture of the same text turns up.
func (t *Tx) SetVersionCapturedAt(versionID int64, at time.Time) error {
	ts, err := formatTime(at)
	if err != nil {
		return fmt.Errorf("version %d: set captured-at: %w", versionID, err)
	}
	res, err := t.tx.ExecContext(t.ctx, "UPDATE versions SET captured_at = ? WHERE id = ?", ts, versionID)
	if err != nil {
		return fmt.Errorf("version %d: set captured-at: %w", versionID, err)
	}
	return expectOneRow(res, fmt.Sprintf("version %d", versionID))
}

// AddChange stores the change between two versions of one document and
// returns its id. Both versions must belong to c.DocumentID.
func (t *Tx) AddChange(c Change) (int64, error) {
	what := fmt.Sprintf("change of document %d from version %d to %d", c.DocumentID, c.FromVersionID, c.ToVersionID)
	if c.FromVersionID == c.ToVersionID {
		return 0, fmt.Errorf("%s: a version cannot change into itself", what)
	}
	subs := string(c.Substitutions)
	if subs == "" {
		subs = "[]"
	}
	// The SELECT yields no row unless both versions are the document's, so a
	// mismatched change is never stored.
	d := t.store.d
	id, inserted, err := t.tx.insertID(t.ctx, d.pick(`
		INSERT INTO changes (document_id, from_version_id, to_version_id, class, summary, words_added, words_removed, substitutions,
			magnitude, story, excerpt, excerpt_truncated, differ)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
		WHERE (SELECT count(*) FROM versions WHERE id IN (?2, ?3) AND document_id = ?1) = 2`, `
		INSERT INTO changes (document_id, from_version_id, to_version_id, class, summary, words_added, words_removed, substitutions,
			magnitude, story, excerpt, excerpt_truncated, differ)
		SELECT $1::bigint, $2::bigint, $3::bigint, $4::text, $5::text, $6::bigint, $7::bigint, $8::text,
			$9::text, $10::text, $11::text, $12::boolean, $13::text
		WHERE (SELECT count(*) FROM versions WHERE id IN ($2, $3) AND document_id = $1) = 2`),
		c.DocumentID, c.FromVersionID, c.ToVersionID, c.Class, d.text(c.Summary), c.WordsAdded, c.WordsRemoved, d.text(subs),
		c.Magnitude, d.text(string(c.Story)), d.text(c.Excerpt), c.ExcerptTruncated, c.Differ)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if !inserted {
		return 0, fmt.Errorf("%s: versions are not both of this document: %w", what, ErrNotFound)
	}
	return id, nil
}

// UpdateChange replaces what is derived in the change between the same two
// versions (class, summary, story, excerpt, …): a newer diff release
// computed it again.
func (t *Tx) UpdateChange(c Change) error {
	subs := string(c.Substitutions)
	if subs == "" {
		subs = "[]"
	}
	d := t.store.d
	res, err := t.tx.ExecContext(t.ctx, `
		UPDATE changes SET class = ?, summary = ?, words_added = ?, words_removed = ?, substitutions = ?,
			magnitude = ?, story = ?, excerpt = ?, excerpt_truncated = ?, differ = ?
		WHERE from_version_id = ? AND to_version_id = ?`,
		c.Class, d.text(c.Summary), c.WordsAdded, c.WordsRemoved, d.text(subs), c.Magnitude, d.text(string(c.Story)), d.text(c.Excerpt), c.ExcerptTruncated, c.Differ,
		c.FromVersionID, c.ToVersionID)
	if err != nil {
		return fmt.Errorf("updating the change from version %d to %d: %w", c.FromVersionID, c.ToVersionID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("updating the change from version %d to %d: %w", c.FromVersionID, c.ToVersionID, ErrNotFound)
	}
	return nil
}

// DeleteChangeInto deletes the change that leads to the version, if any, so
// that a version inserted before it can be linked in.
func (t *Tx) DeleteChangeInto(toVersionID int64) error {
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM changes WHERE to_version_id = ?", toVersionID); err != nil {
		return fmt.Errorf("delete change into version %d: %w", toVersionID, err)
	}
	return nil
}

func expectOneRow(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
