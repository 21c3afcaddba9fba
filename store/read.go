package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// read runs fn in a read-only transaction on the reader pool, so that a
// method's several queries see one consistent state of the database.
func (s *Store) read(ctx context.Context, fn func(*dbTx) error) error {
	tx, err := s.readers.begin(ctx, s.readOptions())
	if err != nil {
		return fmt.Errorf("read %s: %w", s.path, err)
	}
	defer tx.Rollback() // read-only: nothing to commit
	return fn(tx)
}

// Services returns every service with its number of documents, by name.
func (s *Store) Services(ctx context.Context) ([]Service, error) {
	return s.ServicesAfter(ctx, "", 0)
}

// ServicesAfter returns, by name, the services whose names sort after
// after ("" for the first), limit of them (0 for all).
func (s *Store) ServicesAfter(ctx context.Context, after string, limit int) ([]Service, error) {
	var lim any = limit
	if limit <= 0 {
		lim = s.d.noLimit()
	}
	rows, err := s.queryReaders(ctx, `
		SELECT s.id, s.name, (SELECT count(*) FROM documents d WHERE d.service_id = s.id)
		FROM services s WHERE s.name > ? ORDER BY s.name LIMIT ?`, after, lim)
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	defer rows.Close()
	var list []Service
	for rows.Next() {
		var sv Service
		if err := rows.Scan(&sv.ID, &sv.Name, &sv.Documents); err != nil {
			return nil, fmt.Errorf("list services: %w", err)
		}
		list = append(list, sv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	return list, nil
}

// Documents returns the documents f selects, ordered by service then type.
func (s *Store) Documents(ctx context.Context, f DocumentFilter) ([]Document, error) {
	stale, diffRelease, marksRelease := f.StaleFor != nil, "", ""
	if stale {
		diffRelease, marksRelease = f.StaleFor.Diff, f.StaleFor.Marks
	}
	// Conditions are written only when they select something, so that
	// SQLite can use the index on services' names.
	var args []any
	where := "true"
	if f.Service != "" {
		args = append(args, f.Service)
		where += fmt.Sprintf(" AND s.name = ?%d", len(args))
	}
	if f.Type != "" {
		args = append(args, f.Type)
		where += fmt.Sprintf(" AND d.type = ?%d", len(args))
	}
	if f.URL != "" {
		args = append(args, f.URL)
		where += fmt.Sprintf(" AND d.url = ?%d", len(args))
	}
	if stale {
		args = append(args, marksRelease, diffRelease)
		where += fmt.Sprintf(` AND (d.marks_release != ?%d
			OR EXISTS (SELECT 1 FROM changes c WHERE c.document_id = d.id AND c.differ != ?%d))`, len(args)-1, len(args))
	}
	where += inList("s.name", f.Services, &args)
	rows, err := s.queryReaders(ctx, documentQuery+`
		WHERE `+where+`
		ORDER BY s.name, d.type`, args...)
	if err != nil {
		return nil, fmt.Errorf("list documents (service %q, type %q): %w", f.Service, f.Type, err)
	}
	docs, err := scanDocuments(rows)
	if err != nil {
		return nil, fmt.Errorf("list documents (service %q, type %q): %w", f.Service, f.Type, err)
	}
	return docs, nil
}

// Document returns one document.
func (s *Store) Document(ctx context.Context, id int64) (Document, error) {
	rows, err := s.queryReaders(ctx, documentQuery+" WHERE d.id = ?", id)
	if err != nil {
		return Document{}, fmt.Errorf("document %d: %w", id, err)
	}
	docs, err := scanDocuments(rows)
	if err != nil {
		return Document{}, fmt.Errorf("document %d: %w", id, err)
	}
	if len(docs) == 0 {
		return Document{}, fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	return docs[0], nil
}

// documentExists returns an error wrapping ErrNotFound when the document
// does not exist, so that lists of a missing document are not just empty.
func documentExists(ctx context.Context, tx *dbTx, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM documents WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("document %d: %w", id, err)
	}
	return nil
}

// Versions returns the versions of a document, newest first, each with the
// change that led to it (nil for the first) and its history marks.
func (s *Store) Versions(ctx context.Context, documentID int64) ([]VersionSummary, error) {
	return s.VersionsIn(ctx, documentID, VersionRange{})
}

// VersionRange selects a page of a document's versions, which are ordered
// by captured-at, then id. The zero value selects them all.
type VersionRange struct {
	Before int64 // a version id: only versions older than it
	After  int64 // a version id: only versions newer than it
	// Limit is the most versions returned, 0 for no limit: the newest of
	// the range, or with After (and no Before) the oldest, the page just
	// above After.
	Limit int
	// Classes and Magnitudes, when not empty, keep only versions whose
	// change has one of them (the first version, which has none, goes).
	Classes, Magnitudes []string
}

// VersionsIn returns the versions of a document that r selects, newest
// first, as Versions does. A Before or After version that is not the
// document's is ErrNotFound.
func (s *Store) VersionsIn(ctx context.Context, documentID int64, r VersionRange) ([]VersionSummary, error) {
	var list []VersionSummary
	err := s.read(ctx, func(tx *dbTx) error {
		// The cursors are looked up within the document: another's gives
		// no row, and the checks below say why a page is empty.
		where, args := "v.document_id = ?", []any{documentID}
		where += inListAnon("c.class", r.Classes, &args) + inListAnon("c.magnitude", r.Magnitudes, &args)
		if r.Before != 0 {
			where += " AND (v.captured_at, v.id) < (SELECT captured_at, id FROM versions WHERE id = ? AND document_id = ?)"
			args = append(args, r.Before, documentID)
		}
		if r.After != 0 {
			where += " AND (v.captured_at, v.id) > (SELECT captured_at, id FROM versions WHERE id = ? AND document_id = ?)"
			args = append(args, r.After, documentID)
		}
		order, ascending := "DESC", r.After != 0 && r.Before == 0 && r.Limit > 0
		if ascending {
			order = "ASC"
		}
		var limit any = r.Limit
		if r.Limit <= 0 {
			limit = s.d.noLimit()
		}
		var err error
		list, err = s.queryVersionSummaries(ctx, tx, where+" ORDER BY v.captured_at "+order+", v.id "+order+" LIMIT ?", append(args, limit)...)
		if err != nil || len(list) > 0 {
			if ascending {
				slices.Reverse(list)
			}
			return err
		}
		if err := documentExists(ctx, tx, documentID); err != nil {
			return err
		}
		for _, id := range []int64{r.Before, r.After} {
			if id == 0 {
				continue
			}
			var one int
			err := tx.QueryRowContext(ctx, "SELECT 1 FROM versions WHERE id = ? AND document_id = ?", id, documentID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("version %d: %w", id, ErrNotFound)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("versions of document %d: %w", documentID, err)
	}
	if err != nil {
		return nil, err
	}
	return list, nil
}

// VersionSummary returns one version without its texts, with its change
// and marks, as Versions lists it.
func (s *Store) VersionSummary(ctx context.Context, id int64) (VersionSummary, error) {
	var list []VersionSummary
	err := s.read(ctx, func(tx *dbTx) error {
		var err error
		list, err = s.queryVersionSummaries(ctx, tx, "v.id = ?", id)
		return err
	})
	if err == nil && len(list) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return VersionSummary{}, fmt.Errorf("version %d: %w", id, err)
	}
	return list[0], nil
}

// queryVersionSummaries reads the versions that where (with the rest of
// the statement: order, limit) selects, with their changes and marks.
func (s *Store) queryVersionSummaries(ctx context.Context, tx *dbTx, where string, args ...any) ([]VersionSummary, error) {
	rows, err := s.queryIn(ctx, tx, `
		SELECT v.id, v.document_id, v.captured_at, v.snapshot_hash, v.extractor, v.words, v.markdown_bytes, v.text_hash,
			c.id, c.from_version_id, c.class, c.summary, c.words_added, c.words_removed, c.substitutions,
			c.magnitude, c.story, c.differ,
			m.reverts_to, rv.captured_at, m.returns_to, nv.captured_at, ifnull(m.flip_flop, false), ifnull(m.flip_flop_with, 0),
			vr.sentences, vr.syllables, vr.reading_seconds, vr.grade, vr.release
		FROM versions v LEFT JOIN changes c ON c.to_version_id = v.id
			LEFT JOIN history_marks m ON m.version_id = v.id
			LEFT JOIN version_readability vr ON vr.version_id = v.id
			LEFT JOIN versions rv ON rv.id = m.reverts_to
			LEFT JOIN versions nv ON nv.id = m.returns_to
		WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []VersionSummary
	for rows.Next() {
		var v VersionSummary
		var at string
		var changeID, fromID, added, removed sql.NullInt64
		var class, summary, subs, magnitude, story, differ sql.NullString
		var revertsTo, returnsTo sql.NullInt64
		var revertsAt, returnsAt sql.NullString
		var sentences, syllables, reading sql.NullInt64
		var grade sql.NullFloat64
		var measured sql.NullString
		if err := rows.Scan(&v.ID, &v.DocumentID, &at, &v.SnapshotHash, &v.Extractor, &v.Words, &v.Bytes, &v.TextHash,
			&changeID, &fromID, &class, &summary, &added, &removed, &subs, &magnitude, &story, &differ,
			&revertsTo, &revertsAt, &returnsTo, &returnsAt, &v.Mark.FlipFlop, &v.Mark.FlipFlopWith,
			&sentences, &syllables, &reading, &grade, &measured); err != nil {
			return nil, err
		}
		if measured.Valid {
			v.Readability = &Readability{Sentences: int(sentences.Int64), Syllables: int(syllables.Int64),
				ReadingSeconds: int(reading.Int64), Grade: grade.Float64, Release: measured.String}
		}
		if v.CapturedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("version %d: %w", v.ID, err)
		}
		if v.Mark.RevertsTo, err = versionRef(revertsTo, revertsAt); err != nil {
			return nil, fmt.Errorf("version %d: the version it reverts to: %w", v.ID, err)
		}
		if v.Mark.ReturnsTo, err = versionRef(returnsTo, returnsAt); err != nil {
			return nil, fmt.Errorf("version %d: the version it returns to: %w", v.ID, err)
		}
		if changeID.Valid {
			v.Change = &Change{
				ID: changeID.Int64, DocumentID: v.DocumentID,
				FromVersionID: fromID.Int64, ToVersionID: v.ID,
				Class: class.String, Summary: summary.String,
				WordsAdded: int(added.Int64), WordsRemoved: int(removed.Int64),
				Substitutions: []byte(subs.String),
				Magnitude:     magnitude.String, Story: []byte(story.String), Differ: differ.String,
			}
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// Version returns one version with its content.
func (s *Store) Version(ctx context.Context, id int64) (Version, error) {
	v, _, err := s.readVersion(ctx, id, s.unpackVersion)
	return v, err
}

// VersionSections returns one version without its Markdown (Bytes still
// gives its length) and its sections, for a reader that compares or shows
// the sections only: a 20 MB page's Markdown is not copied out of its
// texts for nothing. The sections may be the cache's bytes and must not be
// modified.
func (s *Store) VersionSections(ctx context.Context, id int64) (VersionSummary, []byte, error) {
	v, markdownBytes, err := s.readVersion(ctx, id, s.unpackSections)
	if err != nil {
		return VersionSummary{}, nil, err
	}
	summary := v.Summary()
	summary.Bytes = markdownBytes
	return summary, v.Sections, nil
}

// readVersion reads version id and, with unpack, its texts, in one read
// transaction: the chain of texts is read as of one state. It also
// returns the length of the Markdown, which unpack may leave out.
func (s *Store) readVersion(ctx context.Context, id int64, unpack func(context.Context, querier, *Version, packedText) error) (Version, int, error) {
	var v Version
	var markdownBytes int
	err := s.read(ctx, func(tx *dbTx) error {
		var p packedText
		var err error
		q := preparedTx{s, tx}
		if v, p, err = scanVersion(q.QueryRowContext(ctx, versionQuery+" WHERE id = ?", id)); err != nil {
			return err
		}
		markdownBytes = len(v.Markdown) // a row of an older release keeps plain columns
		if p.packed {
			markdownBytes = int(p.markdownBytes)
		}
		return unpack(ctx, q, &v, p)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, 0, fmt.Errorf("version %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Version{}, 0, fmt.Errorf("version %d: %w", id, err)
	}
	return v, markdownBytes, nil
}

// Changes returns the changes f selects, newest first by the captured-at of
// the version each leads to.
func (s *Store) Changes(ctx context.Context, f ChangeFilter) ([]ChangeEntry, error) {
	var limit any = f.Limit
	if f.Limit <= 0 {
		limit = s.d.noLimit()
	}
	// Conditions are written only when they select something: SQLite uses
	// an index for "c.document_id = ?", not for "(? = 0 OR …)".
	args := []any{limit}
	where, query := "true", s.d.pick(changeEntryByTimeQuery, changeEntryByTimeQueryPostgres)
	if f.DocumentID != 0 {
		args = append(args, f.DocumentID)
		where += fmt.Sprintf(" AND c.document_id = ?%d", len(args))
		query = changeEntryQuery
	}
	if f.Service != "" {
		args = append(args, f.Service)
		where += fmt.Sprintf(" AND s.name = ?%d", len(args))
		query = changeEntryQuery
	}
	where += inList("c.class", f.Classes, &args) + inList("c.magnitude", f.Magnitudes, &args)
	if f.Before != 0 {
		args = append(args, f.Before)
		where += fmt.Sprintf(` AND (tv.captured_at, c.id) < (
			SELECT bv.captured_at, b.id FROM changes b JOIN versions bv ON bv.id = b.to_version_id WHERE b.id = ?%d)`, len(args))
	}
	rows, err := s.queryReaders(ctx, query+`
		WHERE `+where+`
		ORDER BY tv.captured_at DESC, c.id DESC
		LIMIT ?1`, args...)
	if err != nil {
		return nil, fmt.Errorf("list changes (document %d, service %q, classes %q, magnitudes %q): %w",
			f.DocumentID, f.Service, f.Classes, f.Magnitudes, err)
	}
	defer rows.Close()
	var list []ChangeEntry
	for rows.Next() {
		e, err := scanChangeEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("list changes: %w", err)
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list changes: %w", err)
	}
	return list, nil
}

// inListAnon is inList with anonymous parameters ("?"), for statements
// that number none.
func inListAnon(column string, values []string, args *[]any) string {
	if len(values) == 0 {
		return ""
	}
	marks := make([]string, len(values))
	for i, v := range values {
		*args = append(*args, v)
		marks[i] = "?"
	}
	return " AND " + column + " IN (" + strings.Join(marks, ", ") + ")"
}

// inList is " AND column IN (?n, …)" for values, appending them to args
// (numbered, after the parameters already there); "" when values is empty.
func inList(column string, values []string, args *[]any) string {
	if len(values) == 0 {
		return ""
	}
	marks := make([]string, len(values))
	for i, v := range values {
		*args = append(*args, v)
		marks[i] = "?" + strconv.Itoa(len(*args))
	}
	return " AND " + column + " IN (" + strings.Join(marks, ", ") + ")"
}

// Fetches returns the fetches of a document, newest first.
func (s *Store) Fetches(ctx context.Context, documentID int64) ([]Fetch, error) {
	var list []Fetch
	err := s.read(ctx, func(tx *dbTx) error {
		if err := documentExists(ctx, tx, documentID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT id, document_id, at, source, url, status, error_class, error, ifnull(snapshot_hash, ''), headers,
				method, ifnull(screenshot_hash, '')
			FROM fetches WHERE document_id = ?
			ORDER BY at DESC, id DESC`, documentID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f Fetch
			var at string
			if err := rows.Scan(&f.ID, &f.DocumentID, &at, &f.Source, &f.URL, &f.Status,
				&f.ErrorClass, &f.Error, &f.SnapshotHash, &f.Headers, &f.Method, &f.ScreenshotHash); err != nil {
				return err
			}
			if f.At, err = parseTime(at); err != nil {
				return fmt.Errorf("fetch %d: %w", f.ID, err)
			}
			list = append(list, f)
		}
		return rows.Err()
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("fetches of document %d: %w", documentID, err)
	}
	if err != nil {
		return nil, err
	}
	return list, nil
}

// Ping checks, cheaply enough for every health probe, that the database
// can be read the way pages read it: the schema, the root page of every
// table and index (read raw, and checked to be a b-tree page of the right
// kind), and the first row of every table (read through SQLite, which
// checks the pages on the way). Its cost is a few pages per table,
// whatever the size of the database; a damaged root shows here rather than
// as errors on every page. (PRAGMA quick_check would read every page.)
func (s *Store) Ping(ctx context.Context) error {
	if s.d.postgres {
		return s.pingPostgres(ctx)
	}
	return s.read(ctx, func(tx *dbTx) error {
		// One statement reads the schema and every root page.
		// A table WITHOUT ROWID (FTS5 keeps some) is stored as an index
		// b-tree.
		rows, err := tx.QueryContext(ctx, `SELECT s.type, s.name, s.rootpage, p.data, ifnull(t.wr, 0)
			FROM sqlite_schema s JOIN sqlite_dbpage p ON p.pgno = s.rootpage
			LEFT JOIN pragma_table_list t ON t.schema = 'main' AND t.name = s.name
			WHERE s.rootpage > 0 ORDER BY s.rootpage`)
		if err != nil {
			return fmt.Errorf("reading the schema of %s: %w", s.path, err)
		}
		defer rows.Close()
		var tables []string
		for rows.Next() {
			var kind, name string
			var root int64
			var page []byte
			var withoutRowid bool
			if err := rows.Scan(&kind, &name, &root, &page, &withoutRowid); err != nil {
				return fmt.Errorf("reading the schema of %s: %w", s.path, err)
			}
			if err := checkBtreePage(page, root, kind == "table" && !withoutRowid); err != nil {
				return fmt.Errorf("%s %s of %s: database disk image is malformed: %w", kind, name, s.path, err)
			}
			if kind == "table" {
				tables = append(tables, name)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reading the schema of %s: %w", s.path, err)
		}
		rows.Close()
		if len(tables) == 0 {
			return fmt.Errorf("reading %s: the database holds no table", s.path)
		}
		// The first row of every table, in one statement; NOT INDEXED: the
		// tables' own b-trees, not smaller indexes.
		firsts := make([]string, len(tables))
		for i, t := range tables {
			firsts[i] = "SELECT 1 FROM (SELECT 1 FROM " + quoteIdentifier(t) + " NOT INDEXED LIMIT 1)"
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM ("+strings.Join(firsts, " UNION ALL ")+")").Scan(&n); err != nil {
			return fmt.Errorf("reading the tables of %s: %w", s.path, err)
		}
		return nil
	})
}

// checkBtreePage checks the header of a b-tree page, as SQLite's file
// format gives it: its kind (a table's interior or leaf page, or an
// index's) and a cell count that fits in the page. Page 1 starts with the
// 100-byte database header.
func checkBtreePage(page []byte, pgno int64, table bool) error {
	offset := 0
	if pgno == 1 {
		offset = 100
	}
	if len(page) < offset+8 {
		return fmt.Errorf("page %d is %d bytes", pgno, len(page))
	}
	kind := page[offset]
	want := map[bool][2]byte{true: {0x05, 0x0d}, false: {0x02, 0x0a}}[table]
	if kind != want[0] && kind != want[1] {
		return fmt.Errorf("root page %d is not a b-tree page of its kind (type byte %#02x)", pgno, kind)
	}
	header := 8
	if kind == 0x05 || kind == 0x02 {
		header = 12 // interior pages hold the right-most child pointer
	}
	cells := int(page[offset+3])<<8 | int(page[offset+4])
	if offset+header+2*cells > len(page) {
		return fmt.Errorf("root page %d claims %d cells, more than fit", pgno, cells)
	}
	return nil
}

// quoteIdentifier quotes a name for SQL, as SQLite quotes identifiers.
func quoteIdentifier(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// VersionAt returns the version of a document in effect at a time: the
// newest captured at or before it, or, when at is before them all, the
// first. A document without versions is ErrNotFound.
func (s *Store) VersionAt(ctx context.Context, documentID int64, at time.Time) (VersionSummary, error) {
	ts, err := formatTime(at)
	if err != nil {
		return VersionSummary{}, fmt.Errorf("version of document %d at %s: %w", documentID, at.Format(time.RFC3339), err)
	}
	var list []VersionSummary
	err = s.read(ctx, func(tx *dbTx) error {
		var err error
		list, err = s.queryVersionSummaries(ctx, tx, `v.id = ifnull(
			(SELECT id FROM versions WHERE document_id = ?1 AND captured_at <= ?2 ORDER BY captured_at DESC, id DESC LIMIT 1),
			(SELECT id FROM versions WHERE document_id = ?1 ORDER BY captured_at, id LIMIT 1))`, documentID, ts)
		return err
	})
	if err == nil && len(list) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return VersionSummary{}, fmt.Errorf("version of document %d at %s: %w", documentID, at.Format(time.RFC3339), err)
	}
	return list[0], nil
}
