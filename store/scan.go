package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// timeLayout is how times are stored: UTC, fixed width, so that comparing
// the text compares the times; SQLite's date functions accept it too.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime renders t for storage. Zero times and years outside 1–9999 are
// refused: they would be bugs upstream and would break text ordering.
func formatTime(t time.Time) (string, error) {
	if t.IsZero() {
		return "", errors.New("zero time")
	}
	u := t.UTC()
	if y := u.Year(); y < 1 || y > 9999 {
		return "", fmt.Errorf("time %s: year out of range", u)
	}
	return u.Format(timeLayout), nil
}

func parseTime(s string) (time.Time, error) {
	if t, ok := parseStoredTime(s); ok {
		return t, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		// Rows written by hand (sqlite3 shell) may use other RFC 3339 forms.
		if t2, err2 := time.Parse(time.RFC3339Nano, s); err2 == nil {
			return t2.UTC(), nil
		}
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// parseStoredTime reads a time in timeLayout, as every row the store
// writes has it, without time.Parse's general machinery: a page of
// 2,000 versions parses 2,000 times, and time.Parse was a tenth of
// reading them. Anything else, an impossible date included, is not ok and
// goes to time.Parse (TestParseStoredTimeAgreesWithTimeParse).
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	second, ok6 := num(17, 19)
	nanos, ok7 := num(20, 29)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) ||
		month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nanos, time.UTC)
	if t.Day() != day { // the 31st of a 30-day month, rolled over
		return time.Time{}, false
	}
	return t, true
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// documentQuery selects Documents; callers append WHERE and ORDER BY. The
// counts are kept by triggers (migration 9).
const documentQuery = `
	SELECT d.id, s.name, d.type, d.url, d.version_count, nullif(d.last_captured_at, '')
	FROM documents d JOIN services s ON s.id = d.service_id`

func scanDocuments(rows *sql.Rows) ([]Document, error) {
	defer rows.Close()
	var docs []Document
	for rows.Next() {
		var d Document
		var last sql.NullString
		if err := rows.Scan(&d.ID, &d.Service, &d.Type, &d.URL, &d.Versions, &last); err != nil {
			return nil, err
		}
		if last.Valid {
			var err error
			if d.LastChange, err = parseTime(last.String); err != nil {
				return nil, fmt.Errorf("document %d: %w", d.ID, err)
			}
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// versionQuery selects a full Version; callers append WHERE.
// Packed texts are filled in by Store.unpackVersion.
const versionQuery = `
	SELECT id, document_id, captured_at, snapshot_hash, extractor, markdown, sections, text_hash, words,
		packed, packed_hash, ifnull(packed_base, 0), markdown_bytes
	FROM versions`

func scanVersion(row scanner) (Version, packedText, error) {
	var v Version
	var p packedText
	var at, sections string
	if err := row.Scan(&v.ID, &v.DocumentID, &at, &v.SnapshotHash, &v.Extractor,
		&v.Markdown, &sections, &v.TextHash, &v.Words,
		&p.frame, &p.sum, &p.base, &p.markdownBytes); err != nil {
		return Version{}, packedText{}, err
	}
	p.packed = p.sum != nil
	var err error
	if v.CapturedAt, err = parseTime(at); err != nil {
		return Version{}, packedText{}, fmt.Errorf("version %d: %w", v.ID, err)
	}
	if sections != "" {
		v.Sections = []byte(sections)
	}
	return v, p, nil
}

// changeEntryQuery selects ChangeEntries; callers append WHERE and ORDER BY.
const changeEntryQuery = changeEntryColumns + `
	FROM changes c
	JOIN versions tv ON tv.id = c.to_version_id` + changeEntryJoins

// changeEntryByTimeQuery is changeEntryQuery read in the order of the
// versions the changes lead to (CROSS JOIN makes SQLite keep that order):
// the newest changes of the whole archive come from the end of the
// versions_captured index, whatever else the query filters on.
const changeEntryByTimeQuery = changeEntryColumns + `
	FROM versions tv
	CROSS JOIN changes c ON c.to_version_id = tv.id` + changeEntryJoins

// changeEntryByTimeQueryPostgres is changeEntryByTimeQuery for
// PostgreSQL, whose planner needs no CROSS JOIN to keep the order (and
// reads none with ON).
const changeEntryByTimeQueryPostgres = changeEntryColumns + `
	FROM versions tv
	JOIN changes c ON c.to_version_id = tv.id` + changeEntryJoins

const changeEntryColumns = `
	SELECT c.id, c.document_id, c.from_version_id, c.to_version_id, c.class, c.summary,
		c.words_added, c.words_removed, c.substitutions,
		c.magnitude, c.story, c.excerpt, c.excerpt_truncated, c.differ,
		s.name, d.type, fv.captured_at, tv.captured_at`

const changeEntryJoins = `
	JOIN versions fv ON fv.id = c.from_version_id
	JOIN documents d ON d.id = c.document_id
	JOIN services s ON s.id = d.service_id`

func scanChangeEntry(row scanner) (ChangeEntry, error) {
	var e ChangeEntry
	var subs, story, fromAt, toAt string
	if err := row.Scan(&e.ID, &e.DocumentID, &e.FromVersionID, &e.ToVersionID, &e.Class, &e.Summary,
		&e.WordsAdded, &e.WordsRemoved, &subs, &e.Magnitude, &story, &e.Excerpt, &e.ExcerptTruncated, &e.Differ,
		&e.Service, &e.DocumentType, &fromAt, &toAt); err != nil {
		return ChangeEntry{}, err
	}
	e.Substitutions = []byte(subs)
	if story != "" {
		e.Story = []byte(story)
	}
	var err error
	if e.FromAt, err = parseTime(fromAt); err != nil {
		return ChangeEntry{}, fmt.Errorf("change %d: %w", e.ID, err)
	}
	if e.ToAt, err = parseTime(toAt); err != nil {
		return ChangeEntry{}, fmt.Errorf("change %d: %w", e.ID, err)
	}
	return e, nil
}
