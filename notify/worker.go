package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/policywatch/policywatch/store"
)

// Defaults of Options.
const (
	DefaultMaxAttempts   = 8
	DefaultBackoffBase   = 2 * time.Minute // 2, 4, 8 … minutes: 8 attempts span about 4 hours
	DefaultBackoffMax    = 6 * time.Hour
	DefaultMaxRetryAfter = 6 * time.Hour
	DefaultTimeout       = 10 * time.Second
	DefaultPollInterval  = 15 * time.Second
	DefaultParallelism   = 4
)

// Options configure a Worker. Zero fields take the defaults.
type Options struct {
	// BaseURL is where policywatch's pages are served, for links in
	// webhooks and e-mail; empty leaves links out.
	BaseURL string
	// AllowPrivateNetworks lets webhooks go to loopback and private
	// addresses (tests, intranets).
	AllowPrivateNetworks bool
	// MaxAttempts is how many attempts a delivery gets before it fails for good.
	MaxAttempts int
	// BackoffBase is the wait after the first failed attempt, doubled
	// after each further one up to BackoffMax, with jitter.
	BackoffBase, BackoffMax time.Duration
	// MaxRetryAfter bounds how long a receiver's Retry-After may defer the
	// next attempt.
	MaxRetryAfter time.Duration
	// Timeout bounds one webhook request.
	Timeout time.Duration
	// Lease is how long a claim holds a delivery: a worker that dies
	// mid-attempt leaves it to others after this. It must exceed an
	// attempt's duration; the default is the longer of 2 minutes and
	// twice the webhook and SMTP timeouts.
	Lease time.Duration
	// Parallelism is how many deliveries are attempted at once.
	Parallelism int
	// PollInterval is how often Run looks for due deliveries.
	PollInterval time.Duration
	// SMTP sends e-mail; nil leaves e-mail deliveries pending.
	SMTP *SMTPConfig
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger reports attempts; nil discards.
	Logger *slog.Logger
	// OnAttempt, if set, is told each attempt's channel (webhook, email)
	// and outcome (delivered, retry, failed): metrics.
	OnAttempt func(channel, outcome string)
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	def(&o.BackoffBase, DefaultBackoffBase)
	def(&o.BackoffMax, DefaultBackoffMax)
	def(&o.MaxRetryAfter, DefaultMaxRetryAfter)
	def(&o.Timeout, DefaultTimeout)
	def(&o.PollInterval, DefaultPollInterval)
	if o.SMTP != nil {
		def(&o.SMTP.Timeout, DefaultSMTPTimeout)
	}
	lease := max(2*time.Minute, 2*o.Timeout)
	if o.SMTP != nil {
		lease = max(lease, 2*o.SMTP.Timeout)
	}
	def(&o.Lease, lease)
	if o.Parallelism <= 0 {
		o.Parallelism = DefaultParallelism
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Worker delivers what the outbox holds. Several workers, in one process
// or several, may share a database: each delivery is claimed by one.
type Worker struct {
	st     *store.Store
	opts   Options
	owner  string
	client *http.Client
}

// NewWorker returns a worker delivering from st.
func NewWorker(st *store.Store, o Options) (*Worker, error) {
	o = o.withDefaults()
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("base URL %q is not an absolute http or https URL", o.BaseURL)
		}
	}
	if o.SMTP != nil {
		if err := o.SMTP.check(); err != nil {
			return nil, err
		}
	}
	host, _ := os.Hostname()
	id := make([]byte, 6)
	rand.Read(id)
	return &Worker{
		st: st, opts: o,
		owner:  fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(id)),
		client: newWebhookClient(o.Timeout, o.AllowPrivateNetworks),
	}, nil
}

// Pass counts what one pass did.
type Pass struct {
	Attempts  int
	Delivered int
	Retrying  int // failed attempts that will be tried again
	Failed    int // deliveries that failed for good in this pass
	// FailedDeliveries name those, with their last error.
	FailedDeliveries []string
}

func (p *Pass) add(q Pass) {
	p.Attempts += q.Attempts
	p.Delivered += q.Delivered
	p.Retrying += q.Retrying
	p.Failed += q.Failed
	p.FailedDeliveries = append(p.FailedDeliveries, q.FailedDeliveries...)
}

// RunOnce delivers everything due, including retries that come due
// while it runs, and returns what it did. When ctx is cancelled it stops
// claiming and lets the attempts in flight finish (each is bounded by its
// timeout), so no attempt is cut short and counted against a receiver.
func (w *Worker) RunOnce(ctx context.Context) (Pass, error) {
	var pass Pass
	kinds := []string{store.KindWebhook}
	if w.opts.SMTP != nil {
		kinds = append(kinds, store.KindEmail)
	}
	for ctx.Err() == nil {
		now := w.opts.Now()
		claim := store.ClaimOptions{Now: now, Lease: w.opts.Lease, Owner: w.owner, Limit: 4 * w.opts.Parallelism, Kinds: kinds}
		var batch, digest []store.ClaimedDelivery
		err := w.st.Write(ctx, func(tx *store.Tx) error {
			var err error
			if batch, err = tx.ClaimDeliveries(claim); err != nil || len(batch) > 0 || w.opts.SMTP == nil {
				return err
			}
			digest, err = tx.ClaimDigest(claim, func(raw string) time.Time { return w.digestTime(raw).periodStart(now) })
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return pass, fmt.Errorf("claiming deliveries: %w", err)
		}
		switch {
		case len(batch) > 0:
			q, err := w.deliverEach(ctx, batch)
			pass.add(q)
			if err != nil {
				return pass, err
			}
		case len(digest) > 0:
			q, err := w.deliverDigest(ctx, digest)
			pass.add(q)
			if err != nil {
				return pass, err
			}
		default:
			return pass, nil
		}
	}
	return pass, nil
}

// Run runs passes until ctx is cancelled, every PollInterval. Errors of a
// pass (the database busy or gone) are logged, and the next pass tries
// again.
func (w *Worker) Run(ctx context.Context) {
	for {
		if _, err := w.RunOnce(ctx); err != nil {
			w.opts.Logger.Error("delivering alerts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.opts.PollInterval):
		}
	}
}

// deliverEach attempts each delivery, Parallelism at a time.
func (w *Worker) deliverEach(ctx context.Context, batch []store.ClaimedDelivery) (Pass, error) {
	var mu sync.Mutex
	var pass Pass
	var errs []error
	slots := make(chan struct{}, w.opts.Parallelism)
	var wg sync.WaitGroup
	for _, d := range batch {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			q, err := w.attempt(ctx, []store.ClaimedDelivery{d}, func(ctx context.Context) outcome { return w.send(ctx, d) })
			mu.Lock()
			defer mu.Unlock()
			pass.add(q)
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return pass, errors.Join(errs...)
}

func (w *Worker) send(ctx context.Context, d store.ClaimedDelivery) outcome {
	if d.Subscription.Kind == store.KindEmail {
		return w.sendEmail(ctx, d)
	}
	return w.sendWebhook(ctx, d)
}

// digestTime reads a subscription's stored digest time. Subscribing checked
// it; one that does not read (a row edited by hand) is sent at
// midnight UTC rather than never, with a warning.
func (w *Worker) digestTime(raw string) digestAt {
	at, err := parseDigestAt(raw)
	if err != nil {
		w.opts.Logger.Warn("a subscription's digest time does not read: its digest goes out at midnight UTC", "digest_at", raw, "err", err)
		return midnightUTC
	}
	return at
}

// deliverDigest sends one subscription's digest: one message for all its
// claimed deliveries, whose attempts share the outcome.
func (w *Worker) deliverDigest(ctx context.Context, batch []store.ClaimedDelivery) (Pass, error) {
	pass, err := w.attempt(ctx, batch, func(ctx context.Context) outcome { return w.sendDigest(ctx, batch) })
	if err != nil || pass.Delivered == 0 {
		return pass, err
	}
	sub := batch[0].Subscription.ID
	err = w.st.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error { return tx.SetLastDigest(sub, w.opts.Now()) })
	return pass, err
}

// attempt runs one attempt for the deliveries (one, or a digest's) and
// records its outcome for each. The attempt and its recording run
// detached from ctx's cancellation: shutting down must not turn an
// attempt into a failure.
func (w *Worker) attempt(ctx context.Context, ds []store.ClaimedDelivery, send func(context.Context) outcome) (Pass, error) {
	ctx = context.WithoutCancel(ctx)
	start := w.opts.Now()
	began := time.Now() // the duration is measured on the monotonic clock
	o := send(ctx)
	elapsed := time.Since(began)
	finished := w.opts.Now()
	if finished.Before(start) {
		finished = start
	}
	var pass Pass
	results := make([]store.AttemptResult, len(ds))
	for i, d := range ds {
		r := store.AttemptResult{DeliveryID: d.ID, AttemptID: d.AttemptID, Owner: w.owner, FinishedAt: finished,
			Duration: elapsed, Status: o.status, Error: o.err}
		pass.Attempts++
		log := w.opts.Logger.With("delivery", d.ID, "webhook_id", d.WebhookID, "subscription", d.SubscriptionID,
			"target", d.Subscription.Target(), "attempt", d.Attempts, "status", o.status, "duration", elapsed.Round(time.Millisecond))
		switch giveUp, next := w.opts.nextAttempt(d.Attempts, o, finished); {
		case o.err == "":
			r.State = store.StateDelivered
			pass.Delivered++
			log.Info("delivered")
		case giveUp:
			r.State = store.StateFailed
			pass.Failed++
			pass.FailedDeliveries = append(pass.FailedDeliveries, fmt.Sprintf("delivery %d (%s, subscription %d) after %d attempts: %s",
				d.ID, d.WebhookID, d.SubscriptionID, d.Attempts, o.err))
			log.Warn("delivery failed for good", "err", o.err)
		default:
			r.State, r.NextAttemptAt = store.StatePending, next
			pass.Retrying++
			log.Info("attempt failed; will retry", "err", o.err, "next_attempt", next.UTC().Format(time.RFC3339))
		}
		results[i] = r
		if w.opts.OnAttempt != nil {
			outcome := map[string]string{store.StateDelivered: "delivered", store.StateFailed: "failed", store.StatePending: "retry"}[r.State]
			w.opts.OnAttempt(d.Subscription.Kind, outcome)
		}
	}
	err := w.st.Write(ctx, func(tx *store.Tx) error {
		for _, r := range results {
			if held, err := tx.FinishAttempt(r); err != nil {
				return err
			} else if !held {
				w.opts.Logger.Warn("lease ran out during the attempt; another worker holds the delivery", "delivery", r.DeliveryID)
			}
		}
		return nil
	})
	if err != nil {
		return pass, fmt.Errorf("recording an attempt: %w", err)
	}
	return pass, nil
}
