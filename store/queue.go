package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// The work queue shared by crawler processes (policywatch worker, schema
// step 14). Every declared document has a crawl_state row; a worker leases
// due rows for a while, fetches them, and completes each lease in the
// transaction that records the fetch. A worker that dies loses its leases
// when they run out, and another takes them. On PostgreSQL leasing skips
// the rows another worker is leasing at that moment (FOR UPDATE SKIP
// LOCKED); on SQLite the single writer does the same by taking turns.
//
// Times are given by the workers; 'policywatch worker' takes them from
// the database's clock (DatabaseTime, watch.DatabaseClock), so that
// workers on machines whose clocks disagree still agree on when a lease
// or a host's turn runs out.

// ErrLeaseLost is returned by CompleteLease when the document's lease is no
// longer the worker's: it ran out and another worker took the document.
// The transaction must be rolled back, so that the fetch is recorded once,
// by the lease's holder.
var ErrLeaseLost = errors.New("the lease ran out and another worker took the document")

// QueueEntry is a declared document as the queue knows it.
type QueueEntry struct {
	Service, Type string
	// Host is the "host:port" its first page is fetched from: leasing
	// passes over the documents of hosts that are busy or resting.
	Host string
}

// Enqueue makes sure each entry has a crawl_state row, due now when new,
// and records its host. Rows of other documents are left alone.
func (s *Store) Enqueue(ctx context.Context, entries []QueueEntry) error {
	const batch = 500 // keeps each transaction short while many workers start
	for start := 0; start < len(entries); start += batch {
		part := entries[start:min(start+batch, len(entries))]
		err := s.Write(ctx, func(t *Tx) error {
			for _, e := range part {
				if _, err := t.tx.ExecContext(t.ctx, `
					INSERT INTO crawl_state (service, type, host) VALUES (?, ?, ?)
					ON CONFLICT (service, type) DO UPDATE SET host = excluded.host
					WHERE crawl_state.host <> excluded.host`,
					e.Service, e.Type, t.store.d.text(e.Host)); err != nil {
					return fmt.Errorf("queueing %s / %s: %w", e.Service, e.Type, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("queueing documents in %s: %w", s.path, err)
		}
	}
	return nil
}

// Lease leases to owner, until the given time, at most n of the documents
// due at now whose lease is free (never taken, or run out), longest due
// first, passing over those whose host is held or resting at now. It
// returns their crawl states.
func (s *Store) Lease(ctx context.Context, owner string, now, until time.Time, n int) ([]CrawlState, error) {
	if owner == "" || n <= 0 {
		return nil, fmt.Errorf("leasing from %s: an owner and a positive count are needed", s.path)
	}
	at, err := formatTime(now)
	if err != nil {
		return nil, fmt.Errorf("leasing from %s: %w", s.path, err)
	}
	end, err := formatTime(until)
	if err != nil {
		return nil, fmt.Errorf("leasing from %s: %w", s.path, err)
	}
	// The candidates are chosen, and on PostgreSQL locked, once (a CTE),
	// then leased; rows another worker is leasing are skipped, not waited
	// for.
	query := s.d.pick(`
		WITH picked AS (
			SELECT service, type FROM crawl_state
			WHERE due_at <= ?1 AND (lease_owner = '' OR lease_until < ?1)
			  AND host NOT IN (SELECT host FROM host_turns WHERE (holder <> '' AND held_until >= ?1) OR free_at > ?1)
			ORDER BY due_at, last_at LIMIT ?2)
		UPDATE crawl_state SET lease_owner = ?3, lease_until = ?4
		WHERE (service, type) IN (SELECT service, type FROM picked)
		RETURNING service, type, due_at, last_at, last_class, validated_url, etag, last_modified`, `
		WITH picked AS (
			SELECT service, type FROM crawl_state
			WHERE due_at <= ?1 AND (lease_owner = '' OR lease_until < ?1)
			  AND host NOT IN (SELECT host FROM host_turns WHERE (holder <> '' AND held_until >= ?1) OR free_at > ?1)
			ORDER BY due_at, last_at LIMIT ?2
			FOR UPDATE SKIP LOCKED)
		UPDATE crawl_state c SET lease_owner = ?3, lease_until = ?4
		FROM picked WHERE c.service = picked.service AND c.type = picked.type
		RETURNING c.service, c.type, c.due_at, c.last_at, c.last_class, c.validated_url, c.etag, c.last_modified`)
	var leased []CrawlState
	err = s.Write(ctx, func(t *Tx) error {
		rows, err := t.tx.QueryContext(t.ctx, query, at, n, t.store.d.text(owner), end)
		if err != nil {
			return err
		}
		leased, err = scanCrawlStates(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leasing documents from %s: %w", s.path, err)
	}
	return leased, nil
}

// RenewLeases extends every lease owner holds to until and returns how
// many it renewed.
func (s *Store) RenewLeases(ctx context.Context, owner string, until time.Time) (int, error) {
	end, err := formatTime(until)
	if err != nil {
		return 0, fmt.Errorf("renewing leases in %s: %w", s.path, err)
	}
	var n int64
	err = s.Write(ctx, func(t *Tx) error {
		// On PostgreSQL the rows a recording transaction is completing are
		// skipped, not waited for: it frees them, and renewing never joins
		// a cycle of transactions waiting for each other.
		res, err := t.tx.ExecContext(t.ctx, t.store.d.pick(
			renewLeasesSQLite, `
			UPDATE crawl_state c SET lease_until = ?1
			FROM (SELECT service, type FROM crawl_state WHERE lease_owner = ?2 AND lease_owner <> '' ORDER BY service, type FOR UPDATE SKIP LOCKED) mine
			WHERE c.service = mine.service AND c.type = mine.type`), end, t.store.d.text(owner))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("renewing the leases of %s in %s: %w", owner, s.path, err)
	}
	return int(n), nil
}

// ReleaseLease gives a document back to the queue, unfetched; with a
// non-zero dueAt it is next due then. A lease owner no longer holds is
// left alone.
func (s *Store) ReleaseLease(ctx context.Context, owner, service, docType string, dueAt time.Time) error {
	due, err := formatOptionalTime(dueAt)
	if err != nil {
		return fmt.Errorf("releasing %s / %s in %s: %w", service, docType, s.path, err)
	}
	err = s.Write(ctx, func(t *Tx) error {
		_, err := t.tx.ExecContext(t.ctx, `
			UPDATE crawl_state SET lease_owner = '', lease_until = '', due_at = CASE WHEN ? = '' THEN due_at ELSE ? END
			WHERE service = ? AND type = ? AND lease_owner = ?`,
			due, due, service, docType, t.store.d.text(owner))
		return err
	})
	if err != nil {
		return fmt.Errorf("releasing %s / %s in %s: %w", service, docType, s.path, err)
	}
	return nil
}

// CompleteLease stores the crawl state a fetch leaves and frees the lease,
// in the transaction that records the fetch. It returns ErrLeaseLost when
// owner no longer holds the lease: the caller rolls back.
func (t *Tx) CompleteLease(st CrawlState, owner string) error {
	what := fmt.Sprintf("crawl state of %s / %s", st.Service, st.Type)
	due, err := formatOptionalTime(st.DueAt)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	last, err := formatOptionalTime(st.LastAt)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := t.tx.ExecContext(t.ctx, `
		UPDATE crawl_state SET due_at = ?, last_at = ?, last_class = ?, validated_url = ?, etag = ?, last_modified = ?,
			lease_owner = '', lease_until = ''
		WHERE service = ? AND type = ? AND lease_owner = ?`,
		due, last, st.LastClass, t.store.d.text(st.ValidatedURL), t.store.d.text(st.ETag), t.store.d.text(st.LastModified),
		st.Service, st.Type, t.store.d.text(owner))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s, leased by %s: %w", what, owner, ErrLeaseLost)
	}
	return nil
}

// QueueState is what the queue holds at a moment.
type QueueState struct {
	// Due counts the documents due whose lease is free, up to
	// dueCountLimit (a long backlog is not counted through); Leased those
	// leased and not run out.
	Due, Leased int
	// NextDue is the earliest due time of a document not leased (zero if
	// none), NextExpiry the earliest end of a lease (zero if none).
	NextDue, NextExpiry time.Time
}

// renewLeasesSQLite is RenewLeases's statement on SQLite. Saying that the
// owner is not empty lets the planner use the partial index
// crawl_state_leased (step 15).
const renewLeasesSQLite = "UPDATE crawl_state SET lease_until = ?1 WHERE lease_owner = ?2 AND lease_owner <> ''"

// dueCountLimit is where Queue stops counting the documents due.
const dueCountLimit = 1000

// queueQuery is Queue's. Idle lanes ask it every few seconds: each part
// reads an index (crawl_state_due in due order, stopping at the first free
// row; crawl_state_leased, which holds the leased rows only), never the
// whole table.
const queueQuery = `
	SELECT
		(SELECT count(*) FROM (SELECT 1 FROM crawl_state WHERE due_at <= ?1 AND (lease_owner = '' OR lease_until < ?1) LIMIT ?2) due),
		(SELECT count(*) FROM crawl_state WHERE lease_owner <> '' AND lease_until >= ?1),
		COALESCE((SELECT due_at FROM crawl_state WHERE lease_owner = '' OR lease_until < ?1 ORDER BY due_at LIMIT 1), ''),
		COALESCE((SELECT min(lease_until) FROM crawl_state WHERE lease_owner <> '' AND lease_until >= ?1), '')`

// Queue reads the state of the queue at now.
func (s *Store) Queue(ctx context.Context, now time.Time) (QueueState, error) {
	var q QueueState
	at, err := formatTime(now)
	if err != nil {
		return q, fmt.Errorf("reading the queue of %s: %w", s.path, err)
	}
	var nextDue, nextExpiry string
	err = s.read(ctx, func(tx *dbTx) error {
		return tx.QueryRowContext(ctx, queueQuery, at, dueCountLimit).Scan(&q.Due, &q.Leased, &nextDue, &nextExpiry)
	})
	if err == nil {
		q.NextDue, err = parseOptionalTime(nextDue)
	}
	if err == nil {
		q.NextExpiry, err = parseOptionalTime(nextExpiry)
	}
	if err != nil {
		return QueueState{}, fmt.Errorf("reading the queue of %s: %w", s.path, err)
	}
	return q, nil
}

// TakeHostTurn gives holder the turn of host, until holdUntil at the
// latest, when nobody holds it (or its holder's time ran out) and its
// rest after the last request is over at now. When it cannot, it returns
// false and when the turn may be free: the end of the rest, or of the
// current holder's time.
func (s *Store) TakeHostTurn(ctx context.Context, host, holder string, now, holdUntil time.Time) (bool, time.Time, error) {
	at, err := formatTime(now)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("taking the turn of %s in %s: %w", host, s.path, err)
	}
	until, err := formatTime(holdUntil)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("taking the turn of %s in %s: %w", host, s.path, err)
	}
	var taken bool
	var heldUntil, freeAt string
	err = s.Write(ctx, func(t *Tx) error {
		rows, err := t.tx.QueryContext(t.ctx, `
			INSERT INTO host_turns (host, holder, held_until) VALUES (?1, ?2, ?3)
			ON CONFLICT (host) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until
			WHERE (host_turns.holder = '' OR host_turns.held_until < ?4) AND host_turns.free_at <= ?4
			RETURNING host`, t.store.d.text(host), t.store.d.text(holder), until, at)
		if err != nil {
			return err
		}
		taken = rows.Next()
		if err := rows.Close(); err != nil {
			return err
		}
		if taken {
			return nil
		}
		return t.tx.QueryRowContext(t.ctx, "SELECT held_until, free_at FROM host_turns WHERE host = ?", t.store.d.text(host)).
			Scan(&heldUntil, &freeAt)
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("taking the turn of %s in %s: %w", host, s.path, err)
	}
	if taken {
		return true, time.Time{}, nil
	}
	next := max(heldUntil, freeAt)
	free, err := parseOptionalTime(next)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("taking the turn of %s in %s: %w", host, s.path, err)
	}
	return false, free, nil
}

// GiveBackHostTurn ends holder's turn of host; the next may start at
// freeAt. A turn holder no longer holds is left alone.
func (s *Store) GiveBackHostTurn(ctx context.Context, host, holder string, freeAt time.Time) error {
	free, err := formatTime(freeAt)
	if err != nil {
		return fmt.Errorf("giving back the turn of %s in %s: %w", host, s.path, err)
	}
	err = s.Write(ctx, func(t *Tx) error {
		_, err := t.tx.ExecContext(t.ctx,
			"UPDATE host_turns SET holder = '', held_until = '', free_at = ? WHERE host = ? AND holder = ?",
			free, t.store.d.text(host), t.store.d.text(holder))
		return err
	})
	if err != nil {
		return fmt.Errorf("giving back the turn of %s in %s: %w", host, s.path, err)
	}
	return nil
}

// DatabaseTime is the time by the database's clock: the one clock every
// worker sharing the queue can read. On PostgreSQL it is the server's; an
// SQLite file is shared only by processes of one machine, whose clock it
// is.
func (s *Store) DatabaseTime(ctx context.Context) (time.Time, error) {
	if !s.d.postgres {
		return time.Now().UTC(), nil
	}
	var micros int64
	err := s.readers.QueryRowContext(ctx, "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint").Scan(&micros)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the clock of %s: %w", s.path, err)
	}
	return time.UnixMicro(micros).UTC(), nil
}

// IsConflict says whether err is a transaction PostgreSQL aborted because
// it waited for others in a cycle (deadlock) or could not be serialised
// with them: nothing was written, and running it again may succeed.
func IsConflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}
