package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// copiedTables are the tables CopyArchive copies, in an order that puts
// every row after the rows it references; order sorts a table's rows so
// that a row referencing another of its table (a delta frame's base, a
// packed text's base) comes after it.
var copiedTables = []struct{ name, order string }{
	{"services", "id"},
	{"documents", "id"},
	{"snapshots", "depth, hash"},
	{"screenshots", "hash"},
	{"fetches", "id"},
	{"versions", "packed_depth, id"},
	{"changes", "id"},
	{"history_marks", "version_id"},
	{"crawl_state", "service, type"},
	{"held_captures", "document_id"},
	{"import_cursors", "1"},
	{"subscriptions", "id"},
	{"alerts", "id"},
	{"deliveries", "id"},
	{"delivery_attempts", "id"},
	{"host_turns", "host"},
}

// rebuiltTables are made again on the target from the versions copied
// (archive.RefreshTextFacts): each engine indexes text its own way
// (FTS5, tsvector). Schema tables are each store's own, and so is the
// generation, which the target's triggers move as rows arrive.
var rebuiltTables = []string{
	"search_passages", "search_postings", "search_index", "version_readability",
	"schema_steps", "policywatch_schema", "generation",
}

// CopyStats counts what CopyArchive copied.
type CopyStats struct {
	Rows map[string]int64 // by table
	// Replaced counts text values the target cannot hold as they are
	// (invalid UTF-8 or NUL on PostgreSQL), stored with U+FFFD.
	Replaced int64
}

// CopyArchive copies every row of the archive from holds into to, which
// must hold none, in one transaction of to: ids, times, compressed frames
// and texts are copied as they are, so that the archive reads the same
// from either store. The search index and readability measures are not
// copied: rebuild them on to (archive.RefreshTextFacts with rebuild).
func CopyArchive(ctx context.Context, from, to *Store) (CopyStats, error) {
	stats := CopyStats{Rows: map[string]int64{}}
	if to.writer == nil {
		return stats, fmt.Errorf("copying into %s: %w", to.path, ErrReadOnly)
	}
	err := from.read(ctx, func(src *dbTx) error {
		if err := checkTablesKnown(ctx, src, from); err != nil {
			return err
		}
		dst, err := to.writer.begin(ctx, nil)
		if err != nil {
			return err
		}
		defer dst.Rollback()
		if err := checkTablesKnown(ctx, dst, to); err != nil {
			return err
		}
		for _, t := range copiedTables {
			var n int64
			if err := dst.QueryRowContext(ctx, "SELECT count(*) FROM "+t.name).Scan(&n); err != nil {
				return fmt.Errorf("counting the rows of %s in %s: %w", t.name, to.path, err)
			}
			if n > 0 {
				return fmt.Errorf("%s already holds an archive (%d rows in table %s): copy into an empty database", to.path, n, t.name)
			}
		}
		for _, t := range copiedTables {
			n, replaced, err := copyTable(ctx, src, dst, to.d, t.name, t.order)
			if err != nil {
				return fmt.Errorf("copying table %s from %s to %s: %w", t.name, from.path, to.path, err)
			}
			stats.Rows[t.name] = n
			stats.Replaced += replaced
		}
		if err := afterCopy(ctx, dst); err != nil {
			return fmt.Errorf("copying into %s: %w", to.path, err)
		}
		return dst.Commit()
	})
	return stats, err
}

// checkTablesKnown refuses an archive with a table CopyArchive does not
// know, which it would otherwise leave behind without a word.
func checkTablesKnown(ctx context.Context, tx *dbTx, s *Store) error {
	query := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index_%'`
	if s.d.postgres {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("listing the tables of %s: %w", s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		known := slices.Contains(rebuiltTables, name)
		for _, t := range copiedTables {
			known = known || t.name == name
		}
		if !known {
			return fmt.Errorf("%s has a table this policywatch cannot copy (%s); use the policywatch release that made it", s.path, name)
		}
	}
	return rows.Err()
}

// copyTable copies the rows of table, by the columns the target has; the
// source must have the same.
func copyTable(ctx context.Context, src, dst *dbTx, d *dialect, table, order string) (n, replaced int64, err error) {
	targetCols, targetTypes, err := columnsOf(ctx, dst, table)
	if err != nil {
		return 0, 0, err
	}
	sourceCols, _, err := columnsOf(ctx, src, table)
	if err != nil {
		return 0, 0, err
	}
	if !slices.Equal(sorted(sourceCols), sorted(targetCols)) {
		return 0, 0, fmt.Errorf("the stores' columns differ: %v and %v", sourceCols, targetCols)
	}
	list := strings.Join(targetCols, ", ")
	rows, err := src.QueryContext(ctx, "SELECT "+list+" FROM "+table+" ORDER BY "+order)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	// Rows go in batches of one multi-row INSERT each: on PostgreSQL a
	// statement is a round trip, and one per row made copying 3–4 times
	// slower than into SQLite. A batch is bounded in rows (the engines'
	// limits on parameters) and in bytes (frames can be megabytes).
	const batchBytes = 8 << 20
	batchRows := max(1, min(200, 30000/len(targetCols)))
	placeholders := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(targetCols)), ", ") + ")"
	full, err := dst.PrepareContext(ctx, "INSERT INTO "+table+" ("+list+") VALUES "+strings.TrimSuffix(strings.Repeat(placeholders+", ", batchRows), ", "))
	if err != nil {
		return 0, 0, err
	}
	defer full.Close()
	var batch []any
	inBatch, size := 0, 0
	flush := func() error {
		if inBatch == 0 {
			return nil
		}
		var err error
		if inBatch == batchRows {
			_, err = full.ExecContext(ctx, batch...)
		} else {
			_, err = dst.ExecContext(ctx, "INSERT INTO "+table+" ("+list+") VALUES "+strings.TrimSuffix(strings.Repeat(placeholders+", ", inBatch), ", "), batch...)
		}
		if err != nil {
			return fmt.Errorf("rows %d to %d: %w", n-int64(inBatch)+1, n, err)
		}
		batch, inBatch, size = batch[:0], 0, 0
		return nil
	}
	values := make([]any, len(targetCols))
	ptrs := make([]any, len(values))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, replaced, err
		}
		for i, v := range values {
			var changed bool
			v, changed = convertValue(v, targetTypes[i], d)
			if changed {
				replaced++
			}
			switch b := v.(type) {
			case []byte: // Scan into *any copied it from the driver's buffer
				size += len(b)
			case string:
				size += len(b)
			}
			batch = append(batch, v)
		}
		inBatch++
		n++
		if inBatch == batchRows || size >= batchBytes {
			if err := flush(); err != nil {
				return n, replaced, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, replaced, err
	}
	return n, replaced, flush()
}

// columnsOf returns the names of table's columns and their types as the
// driver names them (upper case).
func columnsOf(ctx context.Context, tx *dbTx, table string) ([]string, []string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+table+" LIMIT 0")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, nil, err
	}
	var names, kinds []string
	for _, c := range types {
		names = append(names, c.Name())
		kinds = append(kinds, strings.ToUpper(c.DatabaseTypeName()))
	}
	return names, kinds, nil
}

// convertValue turns a value read from one engine into what a column of
// kind takes on the other: SQLite keeps booleans as 0 and 1, text as
// bytes; changed says that text was altered to be held at all.
func convertValue(v any, kind string, d *dialect) (any, bool) {
	switch x := v.(type) {
	case int64:
		if kind == "BOOL" || kind == "BOOLEAN" {
			return x != 0, false
		}
	case []byte:
		if kind == "TEXT" {
			s := d.text(string(x))
			return s, s != string(x)
		}
	case string:
		if kind == "BYTEA" || kind == "BLOB" {
			return []byte(x), false
		}
		s := d.text(x)
		return s, s != x
	}
	return v, false
}

func sorted(list []string) []string {
	s := slices.Clone(list)
	slices.Sort(s)
	return s
}

// afterCopy makes what the copy's inserts left stale agree with the rows:
// the counts the versions' triggers added to on top of the counts copied,
// and on PostgreSQL the identities, which must go on after the ids copied.
func afterCopy(ctx context.Context, tx *dbTx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET
		version_count = (SELECT count(*) FROM versions v WHERE v.document_id = documents.id),
		last_captured_at = ifnull((SELECT max(v.captured_at) FROM versions v WHERE v.document_id = documents.id), '')`); err != nil {
		return fmt.Errorf("counting the documents' versions: %w", err)
	}
	if !tx.d.postgres {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT max(id) FROM "+quoteIdentifier(t)).Scan(&last); err != nil {
			return err
		}
		if !last.Valid {
			continue
		}
		if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence(?, 'id'), ?)", quoteIdentifier(t), last.Int64); err != nil {
			return fmt.Errorf("moving the ids of %s on: %w", t, err)
		}
	}
	return nil
}
