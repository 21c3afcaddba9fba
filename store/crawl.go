package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CrawlState is what the crawler remembers of one declared document between
// runs. Zero times mean "never".
type CrawlState struct {
	Service      string
	Type         string
	DueAt        time.Time // when the scheduler fetches it next
	LastAt       time.Time // when it was last fetched
	LastClass    string    // failure class of the last fetch; empty on success
	ValidatedURL string    // the URL the validators belong to
	ETag         string
	LastModified string
}

// CrawlStates returns the crawl state of every document that has one.
func (s *Store) CrawlStates(ctx context.Context) ([]CrawlState, error) {
	var states []CrawlState
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT service, type, due_at, last_at, last_class, validated_url, etag, last_modified
			FROM crawl_state ORDER BY service, type`)
		if err != nil {
			return err
		}
		states, err = scanCrawlStates(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading crawl states from %s: %w", s.path, err)
	}
	return states, nil
}

// scanCrawlStates reads rows of the columns CrawlStates selects.
func scanCrawlStates(rows *sql.Rows) ([]CrawlState, error) {
	defer rows.Close()
	var states []CrawlState
	for rows.Next() {
		var st CrawlState
		var due, last string
		if err := rows.Scan(&st.Service, &st.Type, &due, &last, &st.LastClass, &st.ValidatedURL, &st.ETag, &st.LastModified); err != nil {
			return nil, err
		}
		var err error
		if st.DueAt, err = parseOptionalTime(due); err != nil {
			return nil, err
		}
		if st.LastAt, err = parseOptionalTime(last); err != nil {
			return nil, err
		}
		states = append(states, st)
	}
	return states, rows.Err()
}

// PutCrawlState stores the crawl state of st.Service / st.Type, replacing
// the previous one.
func (s *Store) PutCrawlState(ctx context.Context, st CrawlState) error {
	return s.PutCrawlStates(ctx, []CrawlState{st})
}

// PutCrawlState stores a crawl state inside a transaction, so that it is
// written with the fetch it follows.
func (t *Tx) PutCrawlState(st CrawlState) error { return t.putCrawlState(st) }

// PutCrawlStates stores several crawl states in one transaction.
func (s *Store) PutCrawlStates(ctx context.Context, states []CrawlState) error {
	if len(states) == 0 {
		return nil
	}
	return s.Write(ctx, func(t *Tx) error {
		for _, st := range states {
			if err := t.putCrawlState(st); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *Tx) putCrawlState(st CrawlState) error {
	what := fmt.Sprintf("crawl state of %s / %s", st.Service, st.Type)
	due, err := formatOptionalTime(st.DueAt)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	last, err := formatOptionalTime(st.LastAt)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	_, err = t.tx.ExecContext(t.ctx, `
		INSERT INTO crawl_state (service, type, due_at, last_at, last_class, validated_url, etag, last_modified)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (service, type) DO UPDATE SET
			due_at = excluded.due_at, last_at = excluded.last_at, last_class = excluded.last_class,
			validated_url = excluded.validated_url, etag = excluded.etag, last_modified = excluded.last_modified`,
		st.Service, st.Type, due, last, st.LastClass, t.store.d.text(st.ValidatedURL), t.store.d.text(st.ETag), t.store.d.text(st.LastModified))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func formatOptionalTime(t time.Time) (string, error) {
	if t.IsZero() {
		return "", nil
	}
	return formatTime(t)
}

func parseOptionalTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}

// HeldCapture is a capture kept out of the history until confirmed.
type HeldCapture struct {
	DocumentID int64
	FetchID    int64
	CapturedAt time.Time
	TextHash   string
}

// HeldCapture returns the document's held capture, or nil when none is held.
func (t *Tx) HeldCapture(documentID int64) (*HeldCapture, error) {
	h := HeldCapture{DocumentID: documentID}
	var at string
	err := t.tx.QueryRowContext(t.ctx,
		"SELECT fetch_id, captured_at, text_hash FROM held_captures WHERE document_id = ?", documentID).
		Scan(&h.FetchID, &at, &h.TextHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		h.CapturedAt, err = parseTime(at)
	}
	if err != nil {
		return nil, fmt.Errorf("held capture of document %d: %w", documentID, err)
	}
	return &h, nil
}

// HoldCapture holds h for its document, replacing any capture held before.
func (t *Tx) HoldCapture(h HeldCapture) error {
	at, err := formatTime(h.CapturedAt)
	if err != nil {
		return fmt.Errorf("holding a capture of document %d: %w", h.DocumentID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `
		INSERT INTO held_captures (document_id, fetch_id, captured_at, text_hash) VALUES (?, ?, ?, ?)
		ON CONFLICT (document_id) DO UPDATE SET
			fetch_id = excluded.fetch_id, captured_at = excluded.captured_at, text_hash = excluded.text_hash`,
		h.DocumentID, h.FetchID, at, h.TextHash); err != nil {
		return fmt.Errorf("holding a capture of document %d: %w", h.DocumentID, err)
	}
	return nil
}

// ReleaseHeldCapture forgets the document's held capture, if any.
func (t *Tx) ReleaseHeldCapture(documentID int64) error {
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM held_captures WHERE document_id = ?", documentID); err != nil {
		return fmt.Errorf("releasing the held capture of document %d: %w", documentID, err)
	}
	return nil
}
