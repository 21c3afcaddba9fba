package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"deliveries", "[--db DB] [--subscription ID] [--state S] [--json]", "list the alerts queued and sent, with every attempt", runDeliveries})
}

func runDeliveries(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "deliveries")
	dbPath := fs.String("db", "policywatch.db", "the database to read: a SQLite `FILE` or a postgres://… URL")
	subscription := fs.Int64("subscription", 0, "only deliveries to this subscription `ID`")
	document := fs.Int64("document", 0, "only deliveries of changes of this document `ID`")
	state := fs.String("state", "", "only deliveries in this state: pending, delivered or failed")
	limit := fs.Int("limit", 0, "at most this many deliveries, newest first (0: all)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	rest, err := parseFlags(env, fs, args, `
Lists deliveries, newest first: the change each announces, where it goes,
its state (pending, delivered, failed) and every attempt made — when, the
HTTP status or SMTP reply code, how long it took, and the error.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	switch *state {
	case "", store.StatePending, store.StateDelivered, store.StateFailed:
	default:
		return usagef("--state %q: use pending, delivered or failed", *state)
	}
	st, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.Deliveries(ctx, store.DeliveryFilter{SubscriptionID: *subscription, DocumentID: *document, State: *state, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		out := []deliveryJSON{}
		for _, d := range list {
			out = append(out, newDeliveryJSON(d))
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(list) == 0 {
		fmt.Fprintln(env.stdout, "no deliveries")
	}
	for _, d := range list {
		writeDelivery(env.stdout, d)
	}
	return nil
}

// deliveryJSON is what deliveries --json prints of one delivery.
type deliveryJSON struct {
	ID             int64         `json:"id"`
	WebhookID      string        `json:"webhook_id"`
	SubscriptionID int64         `json:"subscription_id"`
	Kind           string        `json:"kind"`
	Target         string        `json:"target"`
	State          string        `json:"state"`
	CreatedAt      time.Time     `json:"created_at"`
	NextAttemptAt  *time.Time    `json:"next_attempt_at,omitempty"`
	DeliveredAt    *time.Time    `json:"delivered_at,omitempty"`
	LastError      string        `json:"last_error,omitempty"`
	ChangeID       int64         `json:"change_id"`
	DocumentID     int64         `json:"document_id"`
	Service        string        `json:"service"`
	DocumentType   string        `json:"document_type"`
	Summary        string        `json:"summary"`
	Attempts       []attemptJSON `json:"attempts"`
}

type attemptJSON struct {
	At         time.Time `json:"at"`
	Status     int       `json:"status,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS float64   `json:"duration_ms"`
	Finished   bool      `json:"finished"`
}

func newDeliveryJSON(d store.DeliveryEntry) deliveryJSON {
	c := d.Alert.Change
	j := deliveryJSON{ID: d.ID, WebhookID: d.WebhookID, SubscriptionID: d.SubscriptionID, Kind: d.Kind, Target: d.Target,
		State: d.State, CreatedAt: d.CreatedAt, LastError: d.LastError,
		ChangeID: c.ID, DocumentID: c.DocumentID, Service: c.Service, DocumentType: c.DocumentType, Summary: c.Summary,
		Attempts: []attemptJSON{}}
	if d.State == store.StatePending {
		j.NextAttemptAt = &d.NextAttemptAt
	}
	if !d.DeliveredAt.IsZero() {
		j.DeliveredAt = &d.DeliveredAt
	}
	for _, a := range d.Log {
		j.Attempts = append(j.Attempts, attemptJSON{At: a.At, Status: a.Status, Error: a.Error,
			DurationMS: float64(a.Duration.Microseconds()) / 1000, Finished: !a.FinishedAt.IsZero()})
	}
	return j
}

func writeDelivery(w io.Writer, d store.DeliveryEntry) {
	c := d.Alert.Change
	state := d.State
	switch d.State {
	case store.StatePending:
		state += ", next attempt " + d.NextAttemptAt.Format("2006-01-02 15:04:05")
	case store.StateDelivered:
		state += " " + d.DeliveredAt.Format("2006-01-02 15:04:05")
	}
	fmt.Fprintf(w, "delivery %d  %s  %s\n", d.ID, d.WebhookID, state)
	fmt.Fprintf(w, "  to subscription %d: %s %s\n", d.SubscriptionID, d.Kind, d.Target)
	fmt.Fprintf(w, "  %s / %s, change %d: %s\n", c.Service, c.DocumentType, c.ID, c.Summary)
	for i, a := range d.Log {
		status := "no reply"
		if a.Status != 0 {
			status = fmt.Sprint(a.Status)
		}
		line := fmt.Sprintf("  attempt %d  %s  %-8s %8s", i+1, a.At.Format("2006-01-02 15:04:05"), status, a.Duration.Round(time.Millisecond))
		switch {
		case a.FinishedAt.IsZero():
			line += "  in progress"
		case a.Error != "":
			line += "  " + a.Error
		}
		fmt.Fprintln(w, line)
	}
}
