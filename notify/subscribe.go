package notify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/netguard"
	"github.com/policywatch/policywatch/store"
)

// Request is what a user asks for when subscribing: a webhook URL or an
// e-mail address, and filters (each optional, several values allowed).
type Request struct {
	WebhookURL string
	Secret     string // webhook: "whsec_" + base64 of 24 to 64 bytes; empty: one is generated
	Email      string
	Digest     bool // e-mail: one message a day instead of one per change
	// DigestAt is when the daily digest goes out: "HH:MM" (UTC) or "HH:MM
	// ZONE" with an IANA time zone ("08:00 Europe/Paris"); it implies
	// Digest. Empty is midnight UTC.
	DigestAt   string
	Services   []string
	Types      []string // Open Terms Archive names; aliases are stored by their canonical name
	Classes    []string // cosmetic, rebrand, editorial, substantive
	Magnitudes []string // minor, major (cosmetic changes have none)
	// AllowPrivateNetworks lets a webhook URL lead to loopback and private
	// addresses (tests, intranets).
	AllowPrivateNetworks bool
	// Resolver resolves the webhook's host; nil means the system's.
	Resolver netguard.Resolver
}

// InputError says which part of a Request is wrong, with what value.
type InputError struct {
	Field  string // "webhook URL", "secret", "e-mail address", "class", …
	Value  string
	Reason string
	Err    error
}

func (e *InputError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
}

func (e *InputError) Unwrap() error { return e.Err }

// Classes and Magnitudes are the values the class and magnitude filters
// accept.
var (
	Classes    = []string{string(diff.Cosmetic), string(diff.Rebrand), string(diff.Editorial), string(diff.Substantive)}
	Magnitudes = []string{string(diff.Minor), string(diff.Major)}
)

// Secret sizes the Standard Webhooks specification allows, in bytes.
const (
	minSecretBytes = 24
	maxSecretBytes = 64
	secretPrefix   = "whsec_"
)

// Subscribe validates the request and stores the subscription. The
// subscription returned holds the webhook's secret, to be shown to the
// user once. Nothing is stored when the request is invalid; the error is
// then an *InputError.
func Subscribe(ctx context.Context, st *store.Store, r Request) (store.Subscription, error) {
	sub, err := Validate(ctx, r)
	if err != nil {
		return store.Subscription{}, err
	}
	return Save(ctx, st, sub)
}

// Save stores a subscription Validate made and returns it with its id.
func Save(ctx context.Context, st *store.Store, sub store.Subscription) (store.Subscription, error) {
	err := st.Write(ctx, func(tx *store.Tx) error {
		var err error
		sub.ID, err = tx.AddSubscription(sub)
		return err
	})
	if err != nil {
		return store.Subscription{}, err
	}
	return sub, nil
}

// Unsubscribe removes a subscription: it hears of no change from now on
// and its pending deliveries fail; its log stays.
func Unsubscribe(ctx context.Context, st *store.Store, id int64) error {
	return st.Write(ctx, func(tx *store.Tx) error { return tx.RemoveSubscription(id, time.Now()) })
}

// Validate checks a request and returns the subscription it makes,
// generating the webhook's secret when none is given.
func Validate(ctx context.Context, r Request) (store.Subscription, error) {
	r.WebhookURL, r.Email = strings.TrimSpace(r.WebhookURL), strings.TrimSpace(r.Email)
	var sub store.Subscription
	switch {
	case r.WebhookURL == "" && r.Email == "":
		return sub, &InputError{Field: "subscription", Reason: "give a webhook URL or an e-mail address"}
	case r.WebhookURL != "" && r.Email != "":
		return sub, &InputError{Field: "subscription", Reason: "give a webhook URL or an e-mail address, not both"}
	case r.WebhookURL != "":
		if r.Digest || r.DigestAt != "" {
			return sub, &InputError{Field: "digest", Reason: "daily digests are for e-mail subscriptions; a webhook hears of each change"}
		}
		if err := checkWebhookURL(ctx, r.WebhookURL, r.AllowPrivateNetworks, r.Resolver); err != nil {
			return sub, err
		}
		secret, err := normalizeSecret(r.Secret)
		if err != nil {
			return sub, err
		}
		sub = store.Subscription{Kind: store.KindWebhook, URL: r.WebhookURL, Secret: secret}
	default:
		if r.Secret != "" {
			return sub, &InputError{Field: "secret", Reason: "a secret signs webhooks; e-mail subscriptions have none"}
		}
		addr, err := mail.ParseAddress(r.Email)
		if err != nil || !strings.Contains(addr.Address, "@") || strings.HasSuffix(addr.Address, "@") {
			return sub, &InputError{Field: "e-mail address", Value: r.Email, Reason: "is not an e-mail address such as desk@example.org", Err: err}
		}
		sub = store.Subscription{Kind: store.KindEmail, Email: addr.Address, Digest: r.Digest}
		if r.DigestAt != "" {
			at, err := parseDigestAt(r.DigestAt)
			if err != nil {
				return sub, &InputError{Field: "digest time", Value: r.DigestAt, Reason: err.Error()}
			}
			sub.Digest, sub.DigestAt = true, at.String()
		}
	}
	var err error
	if sub.Services, err = names("service", r.Services, nil); err != nil {
		return sub, err
	}
	if sub.Types, err = names("document type", r.Types, declaration.StoredType); err != nil {
		return sub, err
	}
	if sub.Classes, err = oneOf("class", r.Classes, Classes); err != nil {
		return sub, err
	}
	if sub.Magnitudes, err = oneOf("magnitude", r.Magnitudes, Magnitudes); err != nil {
		return sub, err
	}
	return sub, nil
}

// checkWebhookURL refuses URLs that are not absolute http(s), and hosts
// that resolve to addresses the worker's dialer would refuse anyway: the
// user hears now rather than through failed deliveries.
func checkWebhookURL(ctx context.Context, raw string, allowPrivate bool, resolver netguard.Resolver) error {
	u, err := url.Parse(raw)
	if err != nil {
		return &InputError{Field: "webhook URL", Value: raw, Reason: "is not a URL", Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return &InputError{Field: "webhook URL", Value: raw, Reason: "must be an http or https URL"}
	}
	if u.Host == "" || u.Hostname() == "" {
		return &InputError{Field: "webhook URL", Value: raw, Reason: "has no host"}
	}
	if u.User != nil {
		return &InputError{Field: "webhook URL", Value: raw, Reason: "must not hold a user name or password: receivers verify the signature instead"}
	}
	if allowPrivate {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := netguard.CheckHost(ctx, resolver, u.Hostname()); err != nil {
		var blocked *netguard.BlockedAddressError
		if errors.As(err, &blocked) {
			return &InputError{Field: "webhook URL", Value: raw, Err: err,
				Reason: fmt.Sprintf("leads to the non-public address %s (%s); allow it with --allow-private-networks", blocked.Address, blocked.Range)}
		}
		return &InputError{Field: "webhook URL", Value: raw, Reason: err.Error(), Err: err}
	}
	return nil
}

// NewSecret returns a new Standard Webhooks secret: "whsec_" and the
// base64 of 32 random bytes.
func NewSecret() string {
	key := make([]byte, 32)
	rand.Read(key) // never fails (crypto/rand)
	return secretPrefix + base64.StdEncoding.EncodeToString(key)
}

// normalizeSecret checks a given secret, with or without its "whsec_"
// prefix, and returns it with the prefix; an empty one is generated.
func normalizeSecret(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return NewSecret(), nil
	}
	key, err := secretKey(s)
	if err != nil {
		return "", &InputError{Field: "secret", Value: s, Reason: "is not base64 (the Standard Webhooks form is whsec_ followed by base64)", Err: err}
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return "", &InputError{Field: "secret", Value: s,
			Reason: fmt.Sprintf("decodes to %d bytes; Standard Webhooks secrets are %d to %d bytes", len(key), minSecretBytes, maxSecretBytes)}
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// secretKey is the HMAC key of a secret: its base64 part, decoded.
func secretKey(secret string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
}

// names trims, canonicalizes and deduplicates free names.
func names(field string, values []string, canonical func(string) string) ([]string, error) {
	var out []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, &InputError{Field: field, Reason: "an empty name matches nothing; leave the filter out to match every " + field}
		}
		if canonical != nil {
			v = canonical(v)
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// oneOf checks values against a closed list, ignoring case.
func oneOf(field string, values, known []string) ([]string, error) {
	var out []string
	for _, v := range values {
		w := strings.ToLower(strings.TrimSpace(v))
		if !slices.Contains(known, w) {
			return nil, &InputError{Field: field, Value: v, Reason: "is unknown; use one of " + strings.Join(known, ", ")}
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out, nil
}
