package store

import (
	"context"
	"fmt"
)

// Generation says how far what pages show has come: triggers on the
// tables pages read move it in the transaction of each write, whichever
// process makes it, so a server keeping rendered pages knows they are out
// of date with one query of a one-row table (schema step 13). Counters
// only ever move forward; compare them for equality.
type Generation struct {
	// Pages moves with every row added, changed or deleted in a table of
	// PageTables, and when a capture gets its first screenshot.
	Pages int64
	// VersionsRewritten moves only when a stored version is changed or
	// deleted (re-extraction, a capture time corrected, compact), not when
	// one is added: what was computed of two versions stays right until
	// it moves, and the id of a deleted version may be given again.
	VersionsRewritten int64
	// Deliveries moves with every row written in DeliveryTables: the
	// alerts sent, which the document page lists. notify writes them all
	// the time; they do not move Pages.
	Deliveries int64
}

// PageTables are the tables whose writes move Generation.Pages: what
// pages, feeds and API lists read. A table added to what they read needs
// its triggers in a schema step, as step 13 made them.
var PageTables = []string{"services", "documents", "versions", "changes", "history_marks", "version_readability"}

// DeliveryTables are the tables whose writes move Generation.Deliveries.
var DeliveryTables = []string{"subscriptions", "alerts", "deliveries", "delivery_attempts"}

const generationQuery = "SELECT pages, versions_rewritten, deliveries FROM generation WHERE id = 1"

// Generation reads the current generation. It costs one query of a
// one-row table, prepared: tens of microseconds.
func (s *Store) Generation(ctx context.Context) (Generation, error) {
	var g Generation
	rows, err := s.queryReaders(ctx, generationQuery)
	if err != nil {
		return g, fmt.Errorf("read the generation of %s: %w", s.path, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return g, fmt.Errorf("read the generation of %s: %w", s.path, err)
		}
		return g, fmt.Errorf("read the generation of %s: the table has no row; the database is damaged", s.path)
	}
	if err := rows.Scan(&g.Pages, &g.VersionsRewritten, &g.Deliveries); err != nil {
		return g, fmt.Errorf("read the generation of %s: %w", s.path, err)
	}
	return g, rows.Close()
}
