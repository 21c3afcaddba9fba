package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/policywatch/policywatch/metrics"
	"github.com/policywatch/policywatch/notify"
	"github.com/policywatch/policywatch/store"
)

func init() {
	register(command{"notify", "[--db DB] [--base-url URL] [--max-attempts N] [--smtp-host HOST …]", "deliver the alerts that are due (webhooks, e-mail), once, for cron", runNotify})
}

const notifyDescription = `
Webhooks are signed as the Standard Webhooks specification says
(webhook-id, webhook-timestamp, webhook-signature); a failed attempt is
tried again after 2 minutes, doubling up to 6 hours, with jitter, or when
the receiver's Retry-After says; after --max-attempts the delivery fails
for good. Redirects are failures. Webhooks to loopback and private
addresses are refused unless --allow-private-networks is given.

E-mail goes through --smtp-host, with STARTTLS when the server offers it
(port 465: TLS from the start). The password (--smtp-user and
POLICYWATCH_SMTP_PASSWORD; prefer the variable to the option, which other
users can see in the process list) is sent only over TLS, unless
--smtp-insecure. Without --smtp-host, e-mail waits in the outbox.

Links to the change's pages are built from --base-url, the address the UI
is served at. Without it, 'serve' links to the address it listens on, as
its feeds do, and 'notify' sends alerts without links.`

func runNotify(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "notify")
	dbPath := fs.String("db", "policywatch.db", "the database: a SQLite `FILE` or a postgres://… URL")
	nf := addNotifyFlags(fs)
	rest, err := parseFlags(env, fs, args, `
Delivers every alert that is due — new changes' webhooks and e-mail, and
retries whose time has come — then exits: 0 when nothing failed for good,
1 when some delivery failed for good in this pass (see 'policywatch
deliveries --state failed'). Made for cron; 'policywatch serve' delivers in
the background by itself.
`+notifyDescription)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	opts, err := nf.options()
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	opts.Logger = slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w, err := notify.NewWorker(st, opts)
	if err != nil {
		return usagef("%v", err)
	}
	pass, err := w.RunOnce(ctx)
	fmt.Fprintf(env.stdout, "%d attempts: %d delivered, %d to retry, %d failed for good\n",
		pass.Attempts, pass.Delivered, pass.Retrying, pass.Failed)
	if err != nil {
		return err
	}
	if opts.SMTP == nil {
		if waiting, err := st.Deliveries(ctx, store.DeliveryFilter{State: store.StatePending}); err == nil {
			n := 0
			for _, d := range waiting {
				if d.Kind == store.KindEmail {
					n++
				}
			}
			if n > 0 {
				fmt.Fprintf(env.stderr, "%d e-mail deliveries wait: set --smtp-host and --smtp-from to send them\n", n)
			}
		}
	}
	if pass.Failed > 0 {
		return fmt.Errorf("%d deliveries failed for good:\n  %s", pass.Failed, strings.Join(pass.FailedDeliveries, "\n  "))
	}
	return nil
}

// notifyFlags are the options notify and serve share.
type notifyFlags struct {
	baseURL                                    func() string
	allowPrivate                               func() bool
	smtpHost, smtpUser, smtpPassword, smtpFrom *string
	smtpInsecure                               *bool
	maxAttempts, smtpPort                      *int
	timeout                                    *time.Duration
}

func addNotifyFlags(fs *flag.FlagSet) notifyFlags {
	return notifyFlags{
		// serve may define --base-url and --allow-private-networks for
		// its own use (links in pages, crawling): the alerts share them.
		baseURL:      sharedString(fs, "base-url", "the `URL` the UI is served at, for links in alerts, e.g. https://policywatch.example.org"),
		allowPrivate: sharedBool(fs, "allow-private-networks", "send webhooks to loopback and private addresses (intranets, tests)"),
		maxAttempts:  fs.Int("max-attempts", notify.DefaultMaxAttempts, "attempts a delivery gets before it fails for good"),
		timeout:      fs.Duration("webhook-timeout", notify.DefaultTimeout, "time limit of one webhook request"),
		smtpHost:     fs.String("smtp-host", "", "the SMTP server e-mail alerts go through (none: e-mail waits)"),
		smtpPort:     fs.Int("smtp-port", 587, "the SMTP server's port; 465 means TLS from the start, others STARTTLS when offered"),
		smtpUser:     fs.String("smtp-user", "", "the SMTP user name (AUTH PLAIN, only over TLS unless --smtp-insecure)"),
		smtpPassword: fs.String("smtp-password", "", "the SMTP password; prefer the environment variable"),
		smtpFrom:     fs.String("smtp-from", "", "the From address of e-mail alerts, e.g. \"policywatch <alerts@example.org>\""),
		smtpInsecure: fs.Bool("smtp-insecure", false, "allow sending the SMTP password over an unencrypted connection"),
	}
}

func (f notifyFlags) options() (notify.Options, error) {
	if *f.maxAttempts < 1 {
		return notify.Options{}, usagef("--max-attempts %d: at least one attempt", *f.maxAttempts)
	}
	if *f.timeout <= 0 {
		return notify.Options{}, usagef("--webhook-timeout %s: must be positive", *f.timeout)
	}
	o := notify.Options{BaseURL: f.baseURL(), AllowPrivateNetworks: f.allowPrivate(), MaxAttempts: *f.maxAttempts, Timeout: *f.timeout}
	if *f.smtpHost == "" {
		if *f.smtpFrom != "" || *f.smtpUser != "" {
			return notify.Options{}, usagef("--smtp-from and --smtp-user need --smtp-host")
		}
		return o, nil
	}
	o.SMTP = &notify.SMTPConfig{Host: *f.smtpHost, Port: *f.smtpPort, User: *f.smtpUser, Password: *f.smtpPassword,
		From: *f.smtpFrom, Insecure: *f.smtpInsecure}
	return o, nil
}

// startNotifier runs the delivery worker in the background of serve until
// ctx is cancelled; the returned function waits for it to stop (attempts in
// flight finish first, each bounded by its timeout). Alerts link to
// baseURL, the one the served feeds link to (--base-url, or else the
// listening address).
func startNotifier(ctx context.Context, st *store.Store, f notifyFlags, baseURL string, logger *slog.Logger, m *metrics.Metrics) (wait func(), err error) {
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	opts.BaseURL = baseURL
	opts.Logger = logger.With("worker", "notify")
	opts.OnAttempt = m.ObserveDelivery
	w, err := notify.NewWorker(st, opts)
	if err != nil {
		return nil, usagef("%v", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	return wg.Wait, nil
}

// sharedString defines a string flag, or reads the one of that name
// another part of the command defined already.
func sharedString(fs *flag.FlagSet, name, usage string) func() string {
	if f := fs.Lookup(name); f != nil {
		return func() string { return f.Value.String() }
	}
	p := fs.String(name, "", usage)
	return func() string { return *p }
}

// sharedBool is sharedString for a boolean flag.
func sharedBool(fs *flag.FlagSet, name, usage string) func() bool {
	if f := fs.Lookup(name); f != nil {
		return func() bool { return f.Value.String() == "true" }
	}
	p := fs.Bool(name, false, usage)
	return func() bool { return *p }
}
