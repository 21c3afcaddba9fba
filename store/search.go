package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Full-text search across every version (migration 0009): a version is
// indexed as the passages it is cut into (archive cuts them), each passage
// stored and indexed once whatever the number of versions holding it.
// Indexing is written in the transaction that places the version, so a
// version is never stored unsearchable, nor searchable and not stored.

// Readability is a version's reading time and readability, computed when
// the version was placed by the release named.
type Readability struct {
	Sentences      int
	Syllables      int
	ReadingSeconds int
	Grade          float64
	Release        string
}

// SetReadability stores a version's measures, replacing earlier ones.
func (t *Tx) SetReadability(versionID int64, r Readability) error {
	_, err := t.tx.ExecContext(t.ctx, `
		INSERT INTO version_readability (version_id, sentences, syllables, reading_seconds, grade, release)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (version_id) DO UPDATE SET sentences = excluded.sentences, syllables = excluded.syllables,
			reading_seconds = excluded.reading_seconds, grade = excluded.grade, release = excluded.release`,
		versionID, r.Sentences, r.Syllables, r.ReadingSeconds, r.Grade, r.Release)
	if err != nil {
		return fmt.Errorf("storing the readability of version %d: %w", versionID, err)
	}
	return nil
}

// VersionIndexer indexes one version's passages for search, given one at
// a time (a huge version is never held as a list of them): Add each, then
// Done. It is valid only inside its transaction.
type VersionIndexer struct {
	t                         *Tx
	versionID                 int64
	old                       []int64        // passages the version held before
	seen                      map[int64]bool // passages it holds now
	find, insert, index, post *sql.Stmt
}

// IndexVersion starts indexing a version, replacing what indexed it
// before.
func (t *Tx) IndexVersion(versionID int64) (*VersionIndexer, error) {
	ix := &VersionIndexer{t: t, versionID: versionID, seen: map[int64]bool{}}
	var err error
	if ix.old, err = t.unpostVersions("version_id = ?", versionID); err != nil {
		return nil, fmt.Errorf("indexing version %d for search: %w", versionID, err)
	}
	insert := "INSERT INTO search_passages (hash, text) VALUES (?, ?)"
	index := "INSERT INTO search_index (rowid, text) VALUES (?, ?)"
	if t.store.d.postgres {
		// The passage's words are its own column (pgsearch.go); another
		// writer may be storing the same passage meanwhile.
		insert = "INSERT INTO search_passages (hash, text, terms) VALUES ($1, $2, $3::tsvector) ON CONFLICT (hash) DO NOTHING RETURNING id"
		index = "SELECT 1"
	}
	for _, p := range []struct {
		into **sql.Stmt
		sql  string
	}{
		{&ix.find, "SELECT id FROM search_passages WHERE hash = ?"},
		{&ix.insert, insert},
		{&ix.index, index},
		{&ix.post, "INSERT INTO search_postings (passage_id, version_id) VALUES (?, ?)"},
	} {
		if *p.into, err = t.tx.PrepareContext(t.ctx, p.sql); err != nil {
			ix.close()
			return nil, fmt.Errorf("indexing version %d for search: %w", versionID, err)
		}
	}
	return ix, nil
}

func (ix *VersionIndexer) close() {
	for _, st := range []*sql.Stmt{ix.find, ix.insert, ix.index, ix.post} {
		if st != nil {
			st.Close()
		}
	}
}

// Add makes the version findable by one passage of its text; a passage
// already stored (held by another version, or twice by this one) is
// indexed once.
func (ix *VersionIndexer) Add(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	ctx := ix.t.ctx
	text = ix.t.store.d.text(text)
	sum := sha256.Sum256([]byte(text))
	var id int64
	err := ix.find.QueryRowContext(ctx, sum[:]).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && ix.t.store.d.postgres {
		if err = ix.insert.QueryRowContext(ctx, sum[:], text, tsvectorOf(text)).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			err = ix.find.QueryRowContext(ctx, sum[:]).Scan(&id) // stored by another writer
		}
	} else if errors.Is(err, sql.ErrNoRows) {
		var res sql.Result
		if res, err = ix.insert.ExecContext(ctx, sum[:], text); err == nil {
			if id, err = res.LastInsertId(); err == nil {
				_, err = ix.index.ExecContext(ctx, id, text)
			}
		}
	}
	if err == nil && !ix.seen[id] {
		ix.seen[id] = true
		_, err = ix.post.ExecContext(ctx, id, ix.versionID)
	}
	if err != nil {
		return fmt.Errorf("indexing version %d for search: %w", ix.versionID, err)
	}
	return nil
}

// Done ends the indexing: the passages the version held before and no
// version holds now are deleted.
func (ix *VersionIndexer) Done() error {
	ix.close()
	if err := ix.t.dropUnheldPassages(ix.old); err != nil {
		return fmt.Errorf("indexing version %d for search: %w", ix.versionID, err)
	}
	return nil
}

// unpostVersions deletes the postings of the versions where selects (a
// condition on version_id) and returns the passages they held.
func (t *Tx) unpostVersions(where string, args ...any) ([]int64, error) {
	rows, err := t.tx.QueryContext(t.ctx, "DELETE FROM search_postings WHERE "+where+" RETURNING passage_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// dropUnheldPassages deletes those of the passages that no version holds
// any more, from the index and from the table.
func (t *Tx) dropUnheldPassages(ids []int64) error {
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		var held bool
		if err := t.tx.QueryRowContext(t.ctx, "SELECT EXISTS (SELECT 1 FROM search_postings WHERE passage_id = ?)", id).Scan(&held); err != nil {
			return err
		}
		if held {
			continue
		}
		// An external-content index forgets a row given its old text.
		if t.store.d.postgres {
			// The words go with the row.
		} else if _, err := t.tx.ExecContext(t.ctx, `
			INSERT INTO search_index (search_index, rowid, text) SELECT 'delete', id, text FROM search_passages WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM search_passages WHERE id = ?", id); err != nil {
			return err
		}
	}
	return nil
}

// ClearSearch empties the search index and the readability measures, so
// that every version is indexed and measured again.
func (t *Tx) ClearSearch() error {
	for _, stmt := range []string{
		"DELETE FROM search_postings",
		t.store.d.pick("INSERT INTO search_index (search_index) VALUES ('delete-all')", "SELECT 1"),
		"DELETE FROM search_passages",
		"DELETE FROM version_readability",
	} {
		if _, err := t.tx.ExecContext(t.ctx, stmt); err != nil {
			return fmt.Errorf("clearing the search index: %w", err)
		}
	}
	return nil
}

// VersionsToIndex returns, by document, the versions not yet indexed and
// measured by release (those stored before search existed, or by another
// release), oldest first.
func (s *Store) VersionsToIndex(ctx context.Context, release string) (map[int64][]int64, error) {
	rows, err := s.queryReaders(ctx, `
		SELECT v.document_id, v.id FROM versions v
		WHERE NOT EXISTS (SELECT 1 FROM version_readability r WHERE r.version_id = v.id AND r.release = ?)
		ORDER BY v.document_id, v.captured_at, v.id`, release)
	if err != nil {
		return nil, fmt.Errorf("versions to index: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var doc, id int64
		if err := rows.Scan(&doc, &id); err != nil {
			return nil, fmt.Errorf("versions to index: %w", err)
		}
		out[doc] = append(out[doc], id)
	}
	return out, rows.Err()
}

// ErrBadQuery is returned (wrapped, with what is wrong) for a search
// query that cannot be read.
var ErrBadQuery = errors.New("bad search query")

// SearchQuery is a search: an FTS5 query (see ParseQuery) and filters.
type SearchQuery struct {
	Match   string // FTS5 query syntax
	Service string // only this service's documents
	Type    string // only documents of this type
	// From and To, when not zero, keep only versions captured in [From, To).
	From, To time.Time
	// Limit documents from Offset, by relevance (0: 20).
	Limit, Offset int
}

// SearchHit is a document where the query matched some versions.
type SearchHit struct {
	Document Document
	// Versions are those holding a matching passage, oldest first.
	Versions []SearchVersion
	// Spans group Versions into runs of consecutive versions of the
	// document: when the text appeared, and when it went.
	Spans []SearchSpan
	// Of is how many versions the document has (in the date range).
	Of int
	// Snippet is a passage of the newest matching version around the
	// match; \x02 and \x03 mark where each matched term begins and ends.
	Snippet string
}

// SearchVersion is a version a hit was found in.
type SearchVersion struct {
	ID         int64
	CapturedAt time.Time
}

// SearchSpan is a run of consecutive versions holding the match: it
// appeared with First, was last seen in Last, and went with the version
// captured at Gone (zero while the newest version still holds it).
type SearchSpan struct {
	First, Last SearchVersion
	Versions    int
	Gone        time.Time
	GoneID      int64
}

// maxSearchRows bounds the matching versions a search reads: a query for
// a word every policy holds must not read a million rows.
const maxSearchRows = 200_000

// Search finds the documents whose versions match q, most relevant first
// (by FTS5's bm25 rank of their best passage), and says more when
// documents beyond q.Limit match. A query FTS5 cannot read wraps
// ErrBadQuery.
func (s *Store) Search(ctx context.Context, q SearchQuery) (hits []SearchHit, more bool, err error) {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	var pg ftsQuery
	if s.d.postgres {
		if pg, err = parseFTS(q.Match); err != nil {
			return nil, false, err
		}
	}
	err = s.read(ctx, func(tx *dbTx) error {
		var m *searchMatches
		if m, err = searchVersions(ctx, tx, q, pg); err != nil {
			return err
		}
		docs := m.documentsByRank()
		if q.Offset >= len(docs) {
			return nil
		}
		end := min(len(docs), q.Offset+q.Limit)
		more = end < len(docs)
		for _, docID := range docs[q.Offset:end] {
			hit, err := m.hit(ctx, tx, docID, q, pg)
			if err != nil {
				return err
			}
			hits = append(hits, hit)
		}
		return nil
	})
	if err != nil {
		if msg, bad := badQueryMessage(err); bad {
			return nil, false, fmt.Errorf("%w: %s", ErrBadQuery, msg)
		}
		return nil, false, fmt.Errorf("search %q: %w", q.Match, err)
	}
	return hits, more, nil
}

// badQueryMessage recognises SQLite's errors about an FTS5 query.
func badQueryMessage(err error) (string, bool) {
	msg := err.Error()
	for _, marker := range []string{"fts5: ", "unterminated string", "unknown special query", "no such column"} {
		if i := strings.Index(msg, marker); i >= 0 {
			msg = strings.TrimPrefix(msg[i:], "fts5: ")
			msg = strings.TrimSuffix(msg, " (1)")
			return msg, true
		}
	}
	return "", false
}

// searchMatches are the versions a query matched, by document.
type searchMatches struct {
	byDocument map[int64][]SearchVersion
	best       map[int64]float64 // the best (lowest) rank of each document
	passage    map[int64]int64   // a matching passage of the newest matching version
}

func searchVersions(ctx context.Context, tx *dbTx, q SearchQuery, pg ftsQuery) (*searchMatches, error) {
	args := []any{q.Match}
	if tx.d.postgres {
		args[0] = pg.tsquery
	}
	where := "true"
	if q.Service != "" {
		args = append(args, q.Service)
		where += fmt.Sprintf(" AND s.name = ?%d", len(args))
	}
	if q.Type != "" {
		args = append(args, q.Type)
		where += fmt.Sprintf(" AND d.type = ?%d", len(args))
	}
	for _, bound := range []struct {
		at time.Time
		op string
	}{{q.From, ">="}, {q.To, "<"}} {
		if bound.at.IsZero() {
			continue
		}
		ts, err := formatTime(bound.at)
		if err != nil {
			return nil, err
		}
		args = append(args, ts)
		where += fmt.Sprintf(" AND v.captured_at %s ?%d", bound.op, len(args))
	}
	args = append(args, maxSearchRows)
	matches := "SELECT rowid AS passage, rank FROM search_index WHERE search_index MATCH ?1"
	if tx.d.postgres {
		// ts_rank is higher for better; FTS5's rank lower.
		matches = "SELECT id AS passage, -ts_rank(terms, ?1::tsquery) AS rank FROM search_passages WHERE terms @@ ?1::tsquery"
	}
	rows, err := tx.QueryContext(ctx, `
		WITH m AS (`+matches+`)
		SELECT v.document_id, v.id, v.captured_at, min(m.rank), max(m.passage)
		FROM m JOIN search_postings p ON p.passage_id = m.passage
			JOIN versions v ON v.id = p.version_id
			JOIN documents d ON d.id = v.document_id
			JOIN services s ON s.id = d.service_id
		WHERE `+where+`
		GROUP BY v.id
		ORDER BY v.document_id, v.captured_at, v.id
		LIMIT ?`+fmt.Sprint(len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := &searchMatches{byDocument: map[int64][]SearchVersion{}, best: map[int64]float64{}, passage: map[int64]int64{}}
	for rows.Next() {
		var doc, passage int64
		var v SearchVersion
		var at string
		var rank float64
		if err := rows.Scan(&doc, &v.ID, &at, &rank, &passage); err != nil {
			return nil, err
		}
		if v.CapturedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		if best, ok := m.best[doc]; !ok || rank < best {
			m.best[doc] = rank
		}
		m.byDocument[doc] = append(m.byDocument[doc], v)
		m.passage[doc] = passage // rows come oldest first: the newest version's wins
	}
	return m, rows.Err()
}

// documentsByRank lists the matched documents, best rank first.
func (m *searchMatches) documentsByRank() []int64 {
	docs := make([]int64, 0, len(m.byDocument))
	for d := range m.byDocument {
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b int64) int {
		if m.best[a] != m.best[b] {
			if m.best[a] < m.best[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	})
	return docs
}

// hit reads what a hit says beyond its versions: the document, the runs
// of consecutive versions holding the match, and a snippet.
func (m *searchMatches) hit(ctx context.Context, tx *dbTx, docID int64, q SearchQuery, pg ftsQuery) (SearchHit, error) {
	hit := SearchHit{Versions: m.byDocument[docID]}
	docRows, err := tx.QueryContext(ctx, documentQuery+" WHERE d.id = ?", docID)
	if err != nil {
		return hit, err
	}
	docs, err := scanDocuments(docRows)
	if err != nil {
		return hit, err
	}
	if len(docs) == 0 {
		return hit, fmt.Errorf("document %d: %w", docID, ErrNotFound)
	}
	hit.Document = docs[0]
	// The document's versions in order, to tell runs and the version
	// after each.
	where, args := "document_id = ?", []any{docID}
	for _, bound := range []struct {
		at time.Time
		op string
	}{{q.From, ">="}, {q.To, "<"}} {
		if !bound.at.IsZero() {
			ts, err := formatTime(bound.at)
			if err != nil {
				return hit, err
			}
			where += " AND captured_at " + bound.op + " ?"
			args = append(args, ts)
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, captured_at FROM versions WHERE "+where+" ORDER BY captured_at, id", args...)
	if err != nil {
		return hit, err
	}
	var all []SearchVersion
	for rows.Next() {
		var v SearchVersion
		var at string
		if err := rows.Scan(&v.ID, &at); err != nil {
			rows.Close()
			return hit, err
		}
		if v.CapturedAt, err = parseTime(at); err != nil {
			rows.Close()
			return hit, err
		}
		all = append(all, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return hit, err
	}
	hit.Of = len(all)
	hit.Spans = spansOf(all, hit.Versions)
	if tx.d.postgres {
		var text string
		err := tx.QueryRowContext(ctx, "SELECT text FROM search_passages WHERE id = ?", m.passage[docID]).Scan(&text)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return hit, err
		}
		hit.Snippet = snippet(text, pg)
		return hit, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT snippet(search_index, 0, char(2), char(3), '…', 24)
		FROM search_index WHERE search_index MATCH ? AND rowid = ?`, q.Match, m.passage[docID]).Scan(&hit.Snippet)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return hit, err
	}
	return hit, nil
}

// spansOf groups the matching versions into runs of consecutive versions
// of all (the document's, in order).
func spansOf(all, matching []SearchVersion) []SearchSpan {
	at := make(map[int64]int, len(all))
	for i, v := range all {
		at[v.ID] = i
	}
	var spans []SearchSpan
	last := -2
	for _, v := range matching {
		i, ok := at[v.ID]
		if !ok {
			continue
		}
		if i == last+1 && len(spans) > 0 {
			sp := &spans[len(spans)-1]
			sp.Last = v
			sp.Versions++
		} else {
			spans = append(spans, SearchSpan{First: v, Last: v, Versions: 1})
		}
		last = i
		sp := &spans[len(spans)-1]
		sp.Gone, sp.GoneID = time.Time{}, 0
		if i+1 < len(all) {
			sp.Gone, sp.GoneID = all[i+1].CapturedAt, all[i+1].ID
		}
	}
	return spans
}
