package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The delivery log: what was queued for whom, and every attempt.

// DeliveryAttempt is one attempt at a delivery.
type DeliveryAttempt struct {
	ID         int64
	At         time.Time // when it started
	FinishedAt time.Time // zero while in progress
	Status     int       // HTTP status or SMTP reply code; 0 when none came
	Error      string    // empty on success
	Duration   time.Duration
}

// DeliveryEntry is a delivery with what a log shows of it: where it goes,
// the change it announces (without its story and excerpt) and the log of
// its attempts.
type DeliveryEntry struct {
	Delivery
	Kind   string // of the subscription
	Target string // the webhook URL or the e-mail address
	Alert  Alert
	Log    []DeliveryAttempt // the attempts, oldest first
}

// DeliveryFilter selects deliveries; zero fields select everything.
type DeliveryFilter struct {
	SubscriptionID int64
	DocumentID     int64  // deliveries of changes of this document
	State          string // StatePending, StateDelivered or StateFailed
	Limit          int    // 0 means no limit
}

// Deliveries returns the deliveries f selects, newest first, each with its
// attempts. The document page reads it with DocumentID set to show who
// was told of the document's changes.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]DeliveryEntry, error) {
	what := fmt.Sprintf("list deliveries (subscription %d, document %d, state %q)", f.SubscriptionID, f.DocumentID, f.State)
	var limit any = f.Limit
	if f.Limit <= 0 {
		limit = s.d.noLimit()
	}
	query, args := deliveriesQuery(f, limit)
	var list []DeliveryEntry
	err := s.read(ctx, func(tx *dbTx) error {
		// Prepared: the document page asks it on every render.
		rows, err := s.queryIn(ctx, tx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		index := map[int64]int{}
		var ids []int64
		for rows.Next() {
			var e DeliveryEntry
			var ds deliveryScan
			var as alertScan
			dest := append(append(ds.dest(&e.Delivery), as.dest(&e.Alert)...), &e.Kind, &e.Target)
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if err := ds.finish(&e.Delivery); err != nil {
				return err
			}
			if err := as.finish(&e.Alert); err != nil {
				return err
			}
			e.Alert.Change.Story, e.Alert.Change.Excerpt = nil, "" // a log does not show them
			index[e.ID] = len(list)
			ids = append(ids, e.ID)
			list = append(list, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return attemptsOf(ctx, tx, ids, func(deliveryID int64, a DeliveryAttempt) {
			e := &list[index[deliveryID]]
			e.Log = append(e.Log, a)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return list, nil
}

// deliveriesQuery is the query of Deliveries and its arguments. Only the
// conditions set are written: "(?2 = 0 OR a.document_id = ?2)" made the
// planner scan every delivery for the document page instead of reading
// the document's alerts by index.
func deliveriesQuery(f DeliveryFilter, limit any) (string, []any) {
	where, args := []string{"TRUE"}, []any{}
	for _, c := range []struct {
		set    bool
		column string
		value  any
	}{
		{f.SubscriptionID != 0, "d.subscription_id", f.SubscriptionID},
		{f.DocumentID != 0, "a.document_id", f.DocumentID},
		{f.State != "", "d.state", f.State},
	} {
		if c.set {
			args = append(args, c.value)
			where = append(where, fmt.Sprintf("%s = ?%d", c.column, len(args)))
		}
	}
	args = append(args, limit)
	return `
		SELECT ` + deliveryColumns + `, ` + alertColumns + `, s.kind, CASE s.kind WHEN 'email' THEN s.email ELSE s.url END
		FROM deliveries d
		JOIN alerts a ON a.id = d.alert_id
		JOIN subscriptions s ON s.id = d.subscription_id
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY d.created_at DESC, d.id DESC
		LIMIT ?` + strconv.Itoa(len(args)), args
}

// attemptsOf reads the attempts of the deliveries, oldest first.
func attemptsOf(ctx context.Context, tx *dbTx, ids []int64, add func(int64, DeliveryAttempt)) error {
	if len(ids) == 0 {
		return nil
	}
	idList, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT delivery_id, id, at, finished_at, status, error, duration_ns FROM delivery_attempts
		WHERE delivery_id IN (`+tx.d.pick("SELECT value FROM json_each(?)", "SELECT jsonb_array_elements_text(?::jsonb)::bigint")+`)
		ORDER BY delivery_id, at, id`, string(idList))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var deliveryID, ns int64
		var a DeliveryAttempt
		var at, finished string
		if err := rows.Scan(&deliveryID, &a.ID, &at, &finished, &a.Status, &a.Error, &ns); err != nil {
			return err
		}
		if a.At, err = parseTime(at); err != nil {
			return fmt.Errorf("attempt %d: %w", a.ID, err)
		}
		if a.FinishedAt, err = parseOptionalTime(finished); err != nil {
			return fmt.Errorf("attempt %d: %w", a.ID, err)
		}
		a.Duration = time.Duration(ns)
		add(deliveryID, a)
	}
	return rows.Err()
}

// deliveryColumns are a Delivery's columns, on deliveries aliased d.
const deliveryColumns = `d.id, d.webhook_id, d.subscription_id, d.alert_id, d.created_at, d.next_attempt_at,
	d.attempts, d.state, d.last_error, d.delivered_at`

// deliveryScan holds the columns of a Delivery that need converting.
type deliveryScan struct{ created, next, delivered string }

func (s *deliveryScan) dest(d *Delivery) []any {
	return []any{&d.ID, &d.WebhookID, &d.SubscriptionID, &d.AlertID, &s.created, &s.next,
		&d.Attempts, &d.State, &d.LastError, &s.delivered}
}

func (s *deliveryScan) finish(d *Delivery) error {
	var err error
	if d.CreatedAt, err = parseTime(s.created); err != nil {
		return fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	if d.NextAttemptAt, err = parseTime(s.next); err != nil {
		return fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	if d.DeliveredAt, err = parseOptionalTime(s.delivered); err != nil {
		return fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	return nil
}

// alertColumns are an Alert's columns, on alerts aliased a.
const alertColumns = `a.id, a.created_at, a.change_id, a.document_id, a.service, a.document_type,
	a.from_version_id, a.to_version_id, a.from_at, a.to_at, a.class, a.magnitude, a.summary,
	a.words_added, a.words_removed, a.substitutions, a.story, a.excerpt, a.excerpt_truncated, a.differ`

// alertScan holds the columns of an Alert that need converting.
type alertScan struct{ created, fromAt, toAt, subs, story string }

func (s *alertScan) dest(a *Alert) []any {
	c := &a.Change
	return []any{&a.ID, &s.created, &c.ID, &c.DocumentID, &c.Service, &c.DocumentType,
		&c.FromVersionID, &c.ToVersionID, &s.fromAt, &s.toAt, &c.Class, &c.Magnitude, &c.Summary,
		&c.WordsAdded, &c.WordsRemoved, &s.subs, &s.story, &c.Excerpt, &c.ExcerptTruncated, &c.Differ}
}

func (s *alertScan) finish(a *Alert) error {
	var err error
	if a.CreatedAt, err = parseTime(s.created); err != nil {
		return fmt.Errorf("alert %d: %w", a.ID, err)
	}
	if a.Change.FromAt, err = parseTime(s.fromAt); err != nil {
		return fmt.Errorf("alert %d: %w", a.ID, err)
	}
	if a.Change.ToAt, err = parseTime(s.toAt); err != nil {
		return fmt.Errorf("alert %d: %w", a.ID, err)
	}
	a.Change.Substitutions = []byte(s.subs)
	if s.story != "" {
		a.Change.Story = []byte(s.story)
	}
	return nil
}
