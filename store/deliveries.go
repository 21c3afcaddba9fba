package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The outbox. Placing a version with a change queues, in the same
// transaction, one delivery per matching subscription: a crash can neither
// lose an alert nor leave one for a version that was never stored. Workers
// claim due deliveries under a lease, attempt them, and record each
// attempt; package notify decides what to send and when to try again.

// Delivery states.
const (
	StatePending   = "pending"
	StateDelivered = "delivered"
	StateFailed    = "failed"
)

// Delivery is one alert on its way to one subscription.
type Delivery struct {
	ID             int64
	WebhookID      string // stable across attempts: "msg_" + 32 hex digits
	SubscriptionID int64
	AlertID        int64
	CreatedAt      time.Time
	NextAttemptAt  time.Time
	Attempts       int // attempts started, including one in progress
	State          string
	LastError      string
	DeliveredAt    time.Time // zero unless delivered
}

// Alert is a change as it was announced: a copy made when its version was
// placed, kept whatever later happens to the change (re-extraction records
// a document's changes again, under new ids).
type Alert struct {
	ID        int64
	CreatedAt time.Time
	Change    ChangeEntry
}

// ClaimedDelivery is a delivery a worker holds, with what it needs to
// attempt it.
type ClaimedDelivery struct {
	Delivery
	AttemptID    int64 // the attempt row this claim opened
	Subscription Subscription
	Alert        Alert
}

// ClaimOptions says what a worker claims.
type ClaimOptions struct {
	Now   time.Time
	Lease time.Duration // how long the claim holds; longer than one attempt takes
	Owner string        // the worker's id
	Limit int           // at most this many deliveries (ClaimDeliveries); 0 means 16
	Kinds []string      // the subscription kinds the worker can deliver
}

// interruptedError is what an attempt that never finished says.
const interruptedError = "interrupted: the worker stopped before the attempt finished"

// QueueDeliveries puts the alerts of a stored change into the outbox: it
// copies the change into an alert and queues one delivery for each active
// subscription whose filters match, due now. It returns how many it
// queued; with none, no alert is kept.
func (t *Tx) QueueDeliveries(c Change) (int, error) {
	what := fmt.Sprintf("queueing the alerts of change %d", c.ID)
	var active bool
	if err := t.tx.QueryRowContext(t.ctx,
		"SELECT EXISTS (SELECT 1 FROM subscriptions WHERE removed_at = '')").Scan(&active); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if !active {
		return 0, nil
	}
	now, err := formatTime(time.Now())
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	alertID, inserted, err := t.tx.insertID(t.ctx, `
		INSERT INTO alerts (change_id, document_id, service, document_type, from_version_id, to_version_id, from_at, to_at,
			class, magnitude, summary, words_added, words_removed, substitutions, story, excerpt, excerpt_truncated, differ, created_at)
		SELECT c.id, c.document_id, s.name, d.type, c.from_version_id, c.to_version_id, fv.captured_at, tv.captured_at,
			c.class, c.magnitude, c.summary, c.words_added, c.words_removed, c.substitutions, c.story, c.excerpt, c.excerpt_truncated, c.differ, ?
		FROM changes c
		JOIN versions fv ON fv.id = c.from_version_id
		JOIN versions tv ON tv.id = c.to_version_id
		JOIN documents d ON d.id = c.document_id
		JOIN services s ON s.id = d.service_id
		WHERE c.id = ?`, now, c.ID)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if !inserted {
		return 0, fmt.Errorf("%s: change %d: %w", what, c.ID, ErrNotFound)
	}
	// One statement for every subscription: the filters are matched in
	// SQL, so queueing stays one round trip however many there are.
	res, err := t.tx.ExecContext(t.ctx, t.store.d.pick(`
		INSERT INTO deliveries (webhook_id, subscription_id, alert_id, created_at, next_attempt_at)
		SELECT 'msg_' || lower(hex(randomblob(16))), s.id, a.id, ?1, ?1
		FROM alerts a, subscriptions s
		WHERE a.id = ?2 AND s.removed_at = ''
			AND (s.services = '[]' OR EXISTS (SELECT 1 FROM json_each(s.services) f WHERE f.value = a.service))
			AND (s.types = '[]' OR EXISTS (SELECT 1 FROM json_each(s.types) f WHERE f.value = a.document_type))
			AND (s.classes = '[]' OR EXISTS (SELECT 1 FROM json_each(s.classes) f WHERE f.value = a.class))
			AND (s.magnitudes = '[]' OR EXISTS (SELECT 1 FROM json_each(s.magnitudes) f WHERE f.value = a.magnitude))
		ORDER BY s.id`, `
		INSERT INTO deliveries (webhook_id, subscription_id, alert_id, created_at, next_attempt_at)
		SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), s.id, a.id, $1::text, $1::text
		FROM alerts a, subscriptions s
		WHERE a.id = $2 AND s.removed_at = ''
			AND (s.services = '[]' OR s.services::jsonb @> jsonb_build_array(a.service))
			AND (s.types = '[]' OR s.types::jsonb @> jsonb_build_array(a.document_type))
			AND (s.classes = '[]' OR s.classes::jsonb @> jsonb_build_array(a.class))
			AND (s.magnitudes = '[]' OR s.magnitudes::jsonb @> jsonb_build_array(a.magnitude))
		ORDER BY s.id`), now, alertID)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM alerts WHERE id = ?", alertID); err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
	}
	return int(n), nil
}

// ClaimDeliveries claims the due deliveries of subscriptions that are sent
// one alert at a time (webhooks, immediate e-mail), oldest due first, and
// opens an attempt for each. A delivery is due when it is pending, its
// next attempt time has come and no other worker's lease holds it; the
// claim is one write transaction (on PostgreSQL, whose writers run at
// once, the rows are locked and those another worker is claiming are
// skipped), so two workers never claim the same delivery while a lease
// runs.
func (t *Tx) ClaimDeliveries(o ClaimOptions) ([]ClaimedDelivery, error) {
	if o.Limit <= 0 {
		o.Limit = 16
	}
	kinds, args := kindList(o.Kinds)
	if kinds == "" {
		return nil, nil
	}
	now, err := formatTime(o.Now)
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries: %w", err)
	}
	ids, err := t.ids(`
		SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
		WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND d.lease_until <= ?
			AND s.digest = false AND s.removed_at = '' AND s.kind IN (`+kinds+`)
		ORDER BY d.next_attempt_at, d.id LIMIT ?`+t.store.d.pick("", " FOR UPDATE OF d SKIP LOCKED"),
		append(append([]any{now, now}, args...), o.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries: %w", err)
	}
	return t.claim(ids, o)
}

// ClaimDigest claims, for one e-mail subscription sent as a daily digest,
// every due delivery queued before its digest period began, if it has had
// no digest since then. periodStart gives, for a subscription's DigestAt,
// when its current period began: its latest digest time at o.Now. It
// returns nil when no digest is due.
func (t *Tx) ClaimDigest(o ClaimOptions, periodStart func(digestAt string) time.Time) ([]ClaimedDelivery, error) {
	now, err := formatTime(o.Now)
	if err != nil {
		return nil, fmt.Errorf("claiming a digest: %w", err)
	}
	type candidate struct {
		id                 int64
		digestAt, lastSent string
	}
	var candidates []candidate
	rows, err := t.tx.QueryContext(t.ctx, `
		SELECT s.id, s.digest_at, s.last_digest_at FROM subscriptions s
		WHERE s.digest = true AND s.removed_at = '' AND EXISTS (
			SELECT 1 FROM deliveries d WHERE d.subscription_id = s.id
				AND d.state = 'pending' AND d.next_attempt_at <= ? AND d.lease_until <= ?)
		ORDER BY s.id`, now, now)
	if err != nil {
		return nil, fmt.Errorf("claiming a digest: %w", err)
	}
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.digestAt, &c.lastSent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("claiming a digest: %w", err)
		}
		candidates = append(candidates, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("claiming a digest: %w", err)
	}
	for _, c := range candidates {
		start, err := formatTime(periodStart(c.digestAt))
		if err != nil {
			return nil, fmt.Errorf("claiming the digest of subscription %d: %w", c.id, err)
		}
		if c.lastSent >= start { // times are stored in a form that sorts
			continue
		}
		ids, err := t.ids(`
			SELECT d.id FROM deliveries d
			WHERE d.subscription_id = ? AND d.state = 'pending' AND d.created_at < ?
				AND d.next_attempt_at <= ? AND d.lease_until <= ?
			ORDER BY d.created_at, d.id`+t.store.d.pick("", " FOR UPDATE OF d"), c.id, start, now, now)
		if err != nil {
			return nil, fmt.Errorf("claiming the digest of subscription %d: %w", c.id, err)
		}
		if len(ids) > 0 {
			return t.claim(ids, o)
		}
	}
	return nil, nil
}

// claim leases the deliveries, closes the attempts a dead worker left
// open, opens one attempt each, and reads them back.
func (t *Tx) claim(ids []int64, o ClaimOptions) ([]ClaimedDelivery, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if o.Owner == "" || o.Lease <= 0 {
		return nil, fmt.Errorf("claiming deliveries: a claim needs an owner and a lease (got %q, %s)", o.Owner, o.Lease)
	}
	now, err := formatTime(o.Now)
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries: %w", err)
	}
	until, err := formatTime(o.Now.Add(o.Lease))
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries: %w", err)
	}
	claimed := make([]ClaimedDelivery, 0, len(ids))
	for _, id := range ids {
		what := fmt.Sprintf("claiming delivery %d", id)
		if _, err := t.tx.ExecContext(t.ctx,
			"UPDATE delivery_attempts SET finished_at = ?, error = ? WHERE delivery_id = ? AND finished_at = ''",
			now, interruptedError, id); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if _, err := t.tx.ExecContext(t.ctx,
			"UPDATE deliveries SET attempts = attempts + 1, lease_owner = ?, lease_until = ? WHERE id = ?",
			o.Owner, until, id); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		attemptID, _, err := t.tx.insertID(t.ctx, "INSERT INTO delivery_attempts (delivery_id, at) VALUES (?, ?)", id, now)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		c, err := scanClaimed(t.tx.QueryRowContext(t.ctx, claimedQuery+" WHERE d.id = ?", id))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		c.AttemptID = attemptID
		claimed = append(claimed, c)
	}
	return claimed, nil
}

// AttemptResult is how one attempt ended and what becomes of its delivery.
type AttemptResult struct {
	DeliveryID int64
	AttemptID  int64
	Owner      string // the claim's owner
	FinishedAt time.Time
	Duration   time.Duration
	Status     int    // HTTP status or SMTP reply code; 0 when none came
	Error      string // empty on success
	// State is the delivery's next state: StateDelivered, StateFailed, or
	// StatePending to try again at NextAttemptAt.
	State         string
	NextAttemptAt time.Time
}

// FinishAttempt records how an attempt ended and, while the claim still
// holds, moves the delivery to its next state and releases it. It reports
// false when another worker took the delivery over after the lease ran
// out: the attempt is logged but the delivery is that worker's.
func (t *Tx) FinishAttempt(r AttemptResult) (bool, error) {
	what := fmt.Sprintf("recording attempt %d of delivery %d", r.AttemptID, r.DeliveryID)
	finished, err := formatTime(r.FinishedAt)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	res, err := t.tx.ExecContext(t.ctx,
		"UPDATE delivery_attempts SET finished_at = ?, status = ?, error = ?, duration_ns = ? WHERE id = ? AND delivery_id = ?",
		finished, r.Status, r.Error, r.Duration.Nanoseconds(), r.AttemptID, r.DeliveryID)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	if err := expectOneRow(res, what); err != nil {
		return false, err
	}
	var next, delivered string
	switch r.State {
	case StatePending:
		if next, err = formatTime(r.NextAttemptAt); err != nil {
			return false, fmt.Errorf("%s: next attempt: %w", what, err)
		}
	case StateDelivered:
		delivered = finished
	case StateFailed:
	default:
		return false, fmt.Errorf("%s: unknown delivery state %q", what, r.State)
	}
	res, err = t.tx.ExecContext(t.ctx, `
		UPDATE deliveries SET state = ?, last_error = ?, next_attempt_at = CASE WHEN ? = '' THEN next_attempt_at ELSE ? END,
			delivered_at = ?, lease_owner = '', lease_until = ''
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
		r.State, r.Error, next, next, delivered, r.DeliveryID, r.Owner)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n == 1, nil
}

// ids runs a query of one integer column.
func (t *Tx) ids(query string, args ...any) ([]int64, error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
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

// kindList is an SQL list of placeholders for the kinds, and its arguments.
func kindList(kinds []string) (string, []any) {
	if len(kinds) == 0 {
		return "", nil
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ","), args
}

// claimedQuery selects ClaimedDeliveries; callers append WHERE.
const claimedQuery = `
	SELECT ` + subscriptionColumns + `, ` + deliveryColumns + `, ` + alertColumns + `
	FROM deliveries d
	JOIN alerts a ON a.id = d.alert_id
	JOIN subscriptions s ON s.id = d.subscription_id`

func scanClaimed(row scanner) (ClaimedDelivery, error) {
	var c ClaimedDelivery
	var ds deliveryScan
	var as alertScan
	sub, err := scanSubscription(row, append(ds.dest(&c.Delivery), as.dest(&c.Alert)...)...)
	if err != nil {
		return ClaimedDelivery{}, err
	}
	c.Subscription = sub
	if err := ds.finish(&c.Delivery); err != nil {
		return ClaimedDelivery{}, err
	}
	if err := as.finish(&c.Alert); err != nil {
		return ClaimedDelivery{}, err
	}
	return c, nil
}
