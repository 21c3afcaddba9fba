package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/notify"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"subscribe", "add|list|remove [--db DB] …", "manage who is told of changes: webhooks and e-mail", runSubscribe})
}

func runSubscribe(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return usagef("say what to do: subscribe add, subscribe list or subscribe remove")
	}
	switch args[0] {
	case "add":
		return runSubscribeAdd(ctx, env, args[1:])
	case "list":
		return runSubscribeList(ctx, env, args[1:])
	case "remove":
		return runSubscribeRemove(ctx, env, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(env.stdout, `Usage:
  policywatch subscribe add --webhook URL [--secret whsec_…] [filters]
  policywatch subscribe add --email ADDRESS [--digest] [--digest-at "HH:MM ZONE"] [filters]
  policywatch subscribe list [--all] [--json]
  policywatch subscribe remove ID…

Filters (each optional, repeatable): --service NAME, --type TYPE,
--class cosmetic|rebrand|editorial|substantive, --magnitude minor|major.
Run 'policywatch subscribe add --help' for details.
`)
		return nil
	}
	return usagef("unknown subcommand %q: use add, list or remove", args[0])
}

// listFlag collects a repeatable option; split also cuts each value at
// commas (for closed lists such as classes).
type listFlag struct {
	values []string
	split  bool
}

func (l *listFlag) String() string { return strings.Join(l.values, ",") }

func (l *listFlag) Set(v string) error {
	if !l.split {
		l.values = append(l.values, v)
		return nil
	}
	for _, part := range strings.Split(v, ",") {
		l.values = append(l.values, strings.TrimSpace(part))
	}
	return nil
}

func runSubscribeAdd(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "subscribe")
	dbPath := fs.String("db", "policywatch.db", "the database: a SQLite `FILE` (created if missing) or a postgres://… URL")
	webhook := fs.String("webhook", "", "the `URL` to POST each change to")
	secret := fs.String("secret", "", "the webhook's signing secret, whsec_ and base64 (default: a new one, shown once)")
	email := fs.String("email", "", "the e-mail `ADDRESS` to send changes to")
	digest := fs.Bool("digest", false, "e-mail: one digest a day instead of one message per change")
	digestAt := fs.String("digest-at", "", "e-mail: send the daily digest at this `TIME`, \"HH:MM\" (UTC) or \"HH:MM ZONE\" with an IANA time zone (\"08:00 Europe/Paris\"); implies --digest (default midnight UTC)")
	allowPrivate := fs.Bool("allow-private-networks", false, "let the webhook URL lead to loopback and private addresses (intranets, tests)")
	var services, types listFlag
	classes, magnitudes := listFlag{split: true}, listFlag{split: true}
	fs.Var(&services, "service", "only changes of this service, by `NAME` (repeatable)")
	fs.Var(&types, "type", "only changes of this document `TYPE` (repeatable)")
	fs.Var(&classes, "class", "only changes of this `CLASS`: "+strings.Join(notify.Classes, ", ")+" (repeatable, or comma-separated)")
	fs.Var(&magnitudes, "magnitude", "only changes of this `MAGNITUDE`: minor, major (repeatable, or comma-separated; cosmetic changes have none)")
	rest, err := parseFlags(env, fs, args, `
Adds a subscription: a webhook (--webhook) or an e-mail address (--email).
Each change a crawl records that matches every filter given becomes a
delivery, queued in the same transaction as the version; 'policywatch
serve' or 'policywatch notify' delivers it. Imports and the demo alert no
one. Without filters, every change matches (cosmetic ones too: add
--class rebrand,editorial,substantive to skip them).

A daily digest (--digest) takes, at its time each day (--digest-at, else
midnight UTC), every change queued before it since the last digest.

A webhook's secret signs each request (Standard Webhooks); give yours with
--secret or keep the one printed: it is shown only once. The URL must be
http or https and lead to a public address.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	req := notify.Request{WebhookURL: *webhook, Secret: *secret, Email: *email, Digest: *digest, DigestAt: *digestAt,
		Services: services.values, Types: types.values, Classes: classes.values, Magnitudes: magnitudes.values,
		AllowPrivateNetworks: *allowPrivate}
	// Validated before the database is opened: bad input creates nothing.
	sub, err := notify.Validate(ctx, req)
	var input *notify.InputError
	if errors.As(err, &input) {
		return usagef("%v", err)
	}
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if sub, err = notify.Save(ctx, st, sub); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "subscription %d: %s\n", sub.ID, describeSubscription(sub))
	if sub.Kind == store.KindWebhook {
		fmt.Fprintf(env.stdout, "secret: %s\n(shown only now: keep it to verify the webhook-signature of each request)\n", sub.Secret)
	}
	return nil
}

// subscriptionJSON is what subscribe list --json prints; secrets never.
type subscriptionJSON struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	URL        string     `json:"url,omitempty"`
	Email      string     `json:"email,omitempty"`
	Digest     bool       `json:"digest,omitempty"`
	DigestAt   string     `json:"digest_at,omitempty"` // empty: midnight UTC
	Services   []string   `json:"services"`
	Types      []string   `json:"types"`
	Classes    []string   `json:"classes"`
	Magnitudes []string   `json:"magnitudes"`
	CreatedAt  time.Time  `json:"created_at"`
	RemovedAt  *time.Time `json:"removed_at,omitempty"`
}

func runSubscribeList(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "subscribe")
	dbPath := fs.String("db", "policywatch.db", "the database to read: a SQLite `FILE` or a postgres://… URL")
	all := fs.Bool("all", false, "include removed subscriptions")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	rest, err := parseFlags(env, fs, args, `
Lists the subscriptions, oldest first, with their filters. Secrets are not
shown.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	st, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	subs, err := st.Subscriptions(ctx, *all)
	if err != nil {
		return err
	}
	if *asJSON {
		out := []subscriptionJSON{}
		for _, s := range subs {
			j := subscriptionJSON{ID: s.ID, Kind: s.Kind, URL: s.URL, Email: s.Email, Digest: s.Digest, DigestAt: s.DigestAt,
				Services: s.Services, Types: s.Types, Classes: s.Classes, Magnitudes: s.Magnitudes, CreatedAt: s.CreatedAt}
			if !s.RemovedAt.IsZero() {
				j.RemovedAt = &s.RemovedAt
			}
			out = append(out, j)
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(subs) == 0 {
		fmt.Fprintln(env.stdout, "no subscriptions (add one with 'policywatch subscribe add')")
	}
	for _, s := range subs {
		line := fmt.Sprintf("%4d  %s", s.ID, describeSubscription(s))
		if !s.RemovedAt.IsZero() {
			line += "  (removed " + s.RemovedAt.Format("2006-01-02") + ")"
		}
		fmt.Fprintln(env.stdout, line)
	}
	return nil
}

func describeSubscription(s store.Subscription) string {
	what := "webhook " + s.URL
	if s.Kind == store.KindEmail {
		what = "e-mail " + s.Email
		if s.Digest {
			at := s.DigestAt
			if at == "" {
				at = "00:00 UTC"
			}
			what += " (daily digest at " + at + ")"
		}
	}
	var filters []string
	for _, f := range []struct {
		name   string
		values []string
	}{{"services", s.Services}, {"types", s.Types}, {"classes", s.Classes}, {"magnitudes", s.Magnitudes}} {
		if len(f.values) > 0 {
			filters = append(filters, f.name+" "+strings.Join(f.values, ", "))
		}
	}
	if len(filters) == 0 {
		return what + "  — every change"
	}
	return what + "  — " + strings.Join(filters, "; ")
}

func runSubscribeRemove(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "subscribe")
	dbPath := fs.String("db", "policywatch.db", "the database: a SQLite `FILE` or a postgres://… URL")
	ids, err := parseFlags(env, fs, args, `
Removes subscriptions by id (see 'policywatch subscribe list'): they hear of
no change from now on, and their pending deliveries are dropped (marked
failed). What was sent to them stays in 'policywatch deliveries'.`)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usagef("name the subscription ids to remove")
	}
	var parsed []int64
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return usagef("%q is not a subscription id", s)
		}
		parsed = append(parsed, id)
	}
	st, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range parsed {
		if err := notify.Unsubscribe(ctx, st, id); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s: no active subscription %d", *dbPath, id)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "removed subscription %d\n", id)
	}
	return nil
}
