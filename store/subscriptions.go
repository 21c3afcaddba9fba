package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Subscription kinds.
const (
	KindWebhook = "webhook"
	KindEmail   = "email"
)

// Subscription is who wants to hear about which changes, and how. The store
// checks only its shape; package notify validates what a user asks for.
type Subscription struct {
	ID     int64
	Kind   string // KindWebhook or KindEmail
	URL    string // webhook
	Secret string // webhook: "whsec_" + base64; empty once removed
	Email  string // e-mail address
	Digest bool   // e-mail: one message a day instead of one per change
	// DigestAt is when a digest goes out each day, a time of day and an
	// IANA time zone ("08:00 Europe/Paris"); empty is midnight UTC. The
	// store keeps it as given: notify reads it.
	DigestAt string
	// Filters: a change matches when each non-empty list holds its value.
	Services   []string
	Types      []string
	Classes    []string
	Magnitudes []string
	CreatedAt  time.Time
	// LastDigestAt is when the last daily digest went out; zero if never.
	LastDigestAt time.Time
	// RemovedAt is when the subscription was removed; zero while active.
	RemovedAt time.Time
}

// Target is where the subscription's alerts go: its URL or its address.
func (s Subscription) Target() string {
	if s.Kind == KindEmail {
		return s.Email
	}
	return s.URL
}

// AddSubscription stores a subscription and returns its id. s.ID,
// LastDigestAt and RemovedAt are ignored; a zero CreatedAt means now.
func (t *Tx) AddSubscription(s Subscription) (int64, error) {
	what := fmt.Sprintf("adding a %s subscription to %q", s.Kind, s.Target())
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	created, err := formatTime(s.CreatedAt)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	var lists [4]string
	for i, l := range [][]string{s.Services, s.Types, s.Classes, s.Magnitudes} {
		if l == nil {
			l = []string{}
		}
		b, err := json.Marshal(l)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		lists[i] = string(b)
	}
	id, _, err := t.tx.insertID(t.ctx, `
		INSERT INTO subscriptions (kind, url, secret, email, digest, digest_at, services, types, classes, magnitudes, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Kind, s.URL, s.Secret, s.Email, s.Digest, s.DigestAt, lists[0], lists[1], lists[2], lists[3], created)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return id, nil
}

// RemoveSubscription stops a subscription: it matches no change from now
// on, its pending deliveries fail with the reason, and its secret is
// wiped. Its row and its delivery log stay.
func (t *Tx) RemoveSubscription(id int64, at time.Time) error {
	what := fmt.Sprintf("removing subscription %d", id)
	ts, err := formatTime(at)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := t.tx.ExecContext(t.ctx,
		"UPDATE subscriptions SET removed_at = ?, secret = '' WHERE id = ? AND removed_at = ''", ts, id)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := expectOneRow(res, fmt.Sprintf("active subscription %d", id)); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, `
		UPDATE deliveries SET state = 'failed', last_error = 'subscription removed', lease_owner = '', lease_until = ''
		WHERE subscription_id = ? AND state = 'pending'`, id); err != nil {
		return fmt.Errorf("%s: cancel its pending deliveries: %w", what, err)
	}
	return nil
}

// SetLastDigest records that subscription id's daily digest went out at.
func (t *Tx) SetLastDigest(id int64, at time.Time) error {
	ts, err := formatTime(at)
	if err != nil {
		return fmt.Errorf("subscription %d: last digest: %w", id, err)
	}
	res, err := t.tx.ExecContext(t.ctx, "UPDATE subscriptions SET last_digest_at = ? WHERE id = ?", ts, id)
	if err != nil {
		return fmt.Errorf("subscription %d: last digest: %w", id, err)
	}
	return expectOneRow(res, fmt.Sprintf("subscription %d", id))
}

// Subscriptions returns the subscriptions by id; removed ones only when
// withRemoved is true.
func (s *Store) Subscriptions(ctx context.Context, withRemoved bool) ([]Subscription, error) {
	rows, err := s.readers.QueryContext(ctx, subscriptionQuery+" WHERE ? OR removed_at = '' ORDER BY id", withRemoved)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	defer rows.Close()
	var list []Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("list subscriptions: %w", err)
		}
		list = append(list, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return list, nil
}

// Subscription returns one subscription, removed or not.
func (s *Store) Subscription(ctx context.Context, id int64) (Subscription, error) {
	sub, err := scanSubscription(s.readers.QueryRowContext(ctx, subscriptionQuery+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Subscription{}, fmt.Errorf("subscription %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("subscription %d: %w", id, err)
	}
	return sub, nil
}

const subscriptionQuery = `
	SELECT id, kind, url, secret, email, digest, digest_at, services, types, classes, magnitudes,
		created_at, last_digest_at, removed_at
	FROM subscriptions`

// subscriptionColumns is subscriptionQuery's column list for joins, on a
// table aliased s.
const subscriptionColumns = `s.id, s.kind, s.url, s.secret, s.email, s.digest, s.digest_at, s.services, s.types, s.classes, s.magnitudes,
	s.created_at, s.last_digest_at, s.removed_at`

func scanSubscription(row scanner, extra ...any) (Subscription, error) {
	var sub Subscription
	var lists [4]string
	var created, lastDigest, removed string
	dest := append([]any{&sub.ID, &sub.Kind, &sub.URL, &sub.Secret, &sub.Email, &sub.Digest, &sub.DigestAt,
		&lists[0], &lists[1], &lists[2], &lists[3], &created, &lastDigest, &removed}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Subscription{}, err
	}
	for i, dst := range []*[]string{&sub.Services, &sub.Types, &sub.Classes, &sub.Magnitudes} {
		if err := json.Unmarshal([]byte(lists[i]), dst); err != nil {
			return Subscription{}, fmt.Errorf("subscription %d: stored filter %s: %w", sub.ID, lists[i], err)
		}
	}
	var err error
	if sub.CreatedAt, err = parseTime(created); err != nil {
		return Subscription{}, fmt.Errorf("subscription %d: %w", sub.ID, err)
	}
	if sub.LastDigestAt, err = parseOptionalTime(lastDigest); err != nil {
		return Subscription{}, fmt.Errorf("subscription %d: %w", sub.ID, err)
	}
	if sub.RemovedAt, err = parseOptionalTime(removed); err != nil {
		return Subscription{}, fmt.Errorf("subscription %d: %w", sub.ID, err)
	}
	return sub, nil
}
