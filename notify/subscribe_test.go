package notify

import (
	"context"
	"encoding/base64"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// resolver answers from a table, so tests need no DNS.
type resolver map[string][]netip.Addr

func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if addrs, ok := r[host]; ok {
		return addrs, nil
	}
	return nil, errors.New("no such host " + host)
}

var testResolver = resolver{
	"hooks.example.org":    {netip.MustParseAddr("93.184.215.14")},
	"intranet.example.org": {netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("10.1.2.3")},
	"metadata.example.org": {netip.MustParseAddr("100.100.100.200")},
}

func TestBadSubscriptionsAreRefusedAndNothingIsStored(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	shortSecret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("too short"))
	for _, tc := range []struct {
		name string
		req  Request
		want string
	}{
		{"nothing", Request{}, "give a webhook URL or an e-mail address"},
		{"both", Request{WebhookURL: "https://hooks.example.org/", Email: "a@example.org"}, "not both"},
		{"ftp", Request{WebhookURL: "ftp://hooks.example.org/"}, `webhook URL "ftp://hooks.example.org/": must be an http or https URL`},
		{"no scheme", Request{WebhookURL: "hooks.example.org/hook"}, "must be an http or https URL"},
		{"no host", Request{WebhookURL: "https:///hook"}, "has no host"},
		{"credentials", Request{WebhookURL: "https://user:pw@hooks.example.org/"}, "must not hold a user name or password"},
		{"loopback", Request{WebhookURL: "http://127.0.0.1:8080/hook"}, "non-public address 127.0.0.1 (loopback); allow it with --allow-private-networks"},
		{"a private address among others", Request{WebhookURL: "https://intranet.example.org/hook"}, "non-public address intranet.example.org (10.1.2.3) (private use)"},
		{"cloud metadata", Request{WebhookURL: "http://metadata.example.org/"}, "carrier-grade NAT"},
		{"IPv6 link local", Request{WebhookURL: "http://[fe80::1]/"}, "link local"},
		{"unresolvable", Request{WebhookURL: "https://nowhere.example.org/"}, "no such host nowhere.example.org"},
		{"unknown class", Request{WebhookURL: "https://hooks.example.org/", Classes: []string{"rebrand", "substantial"}},
			`class "substantial": is unknown; use one of cosmetic, rebrand, editorial, substantive`},
		{"unknown magnitude", Request{Email: "a@example.org", Magnitudes: []string{"huge"}}, `magnitude "huge": is unknown; use one of minor, major`},
		{"empty service", Request{Email: "a@example.org", Services: []string{" "}}, "service: an empty name matches nothing"},
		{"malformed e-mail", Request{Email: "desk at example.org"}, `e-mail address "desk at example.org": is not an e-mail address`},
		{"e-mail without domain", Request{Email: "desk@"}, "is not an e-mail address"},
		{"header injection", Request{Email: "a@example.org\r\nBcc: b@example.org"}, "is not an e-mail address"},
		{"secret not base64", Request{WebhookURL: "https://hooks.example.org/", Secret: "whsec_not base64!"}, "is not base64"},
		{"secret too short", Request{WebhookURL: "https://hooks.example.org/", Secret: shortSecret}, "decodes to 9 bytes"},
		{"digest webhook", Request{WebhookURL: "https://hooks.example.org/", Digest: true}, "daily digests are for e-mail"},
		{"digest time for a webhook", Request{WebhookURL: "https://hooks.example.org/", DigestAt: "08:00"}, "daily digests are for e-mail"},
		{"digest time not a time", Request{Email: "a@example.org", DigestAt: "8am Europe/Paris"}, `digest time "8am Europe/Paris": "8am" is not a time of day such as 08:00`},
		{"digest hour 24", Request{Email: "a@example.org", DigestAt: "24:00"}, "is not a time of day"},
		{"digest minute 7", Request{Email: "a@example.org", DigestAt: "08:7"}, "is not a time of day"},
		{"digest zone unknown", Request{Email: "a@example.org", DigestAt: "08:00 Europe/Pariss"}, `"Europe/Pariss" is not an IANA time zone`},
		{"digest zone of this machine", Request{Email: "a@example.org", DigestAt: "08:00 Local"}, "by its IANA name"},
		{"e-mail secret", Request{Email: "a@example.org", Secret: NewSecret()}, "e-mail subscriptions have none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Resolver = testResolver
			_, err := Subscribe(ctx, st, tc.req)
			var input *InputError
			if !errors.As(err, &input) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want an *InputError saying %q", err, tc.want)
			}
		})
	}
	subs, err := st.Subscriptions(ctx, true)
	if err != nil || len(subs) != 0 {
		t.Fatalf("after bad input the table holds %d subscriptions (%v)", len(subs), err)
	}
}

func TestGoodSubscriptionsAreNormalized(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	given := NewSecret()
	hook := subscribe(t, st, Request{WebhookURL: " https://hooks.example.org/policy ", Secret: strings.TrimPrefix(given, "whsec_"),
		Types: []string{"Cookies Policy", "privacy policy", "Trackers Policy", "Transparency Report (custom)"}, Classes: []string{"Substantive", "substantive"},
		Resolver: testResolver})
	if hook.Secret != given || hook.URL != "https://hooks.example.org/policy" {
		t.Errorf("webhook: %+v", hook)
	}
	if strings.Join(hook.Types, "|") != "Trackers Policy|Privacy Policy|Transparency Report (custom)" || strings.Join(hook.Classes, "|") != "substantive" {
		t.Errorf("filters: types %q, classes %q", hook.Types, hook.Classes)
	}
	mail := subscribe(t, st, Request{Email: "Policy Desk <desk@example.org>", Digest: true, Services: []string{"X", "X", "Google"}})
	if mail.Email != "desk@example.org" || !mail.Digest || strings.Join(mail.Services, "|") != "X|Google" {
		t.Errorf("e-mail: %+v", mail)
	}
	private := subscribe(t, st, Request{WebhookURL: "http://10.0.0.7/hook", AllowPrivateNetworks: true})
	subs, err := st.Subscriptions(ctx, false)
	if err != nil || len(subs) != 3 || subs[2].ID != private.ID || subs[0].Secret != given {
		t.Fatalf("stored: %+v, %v", subs, err)
	}
	if key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(private.Secret, "whsec_")); len(key) != 32 {
		t.Errorf("a generated secret holds %d bytes", len(key))
	}
	if err := Unsubscribe(ctx, st, hook.ID); err != nil {
		t.Fatal(err)
	}
	if subs, _ := st.Subscriptions(ctx, false); len(subs) != 2 {
		t.Errorf("after removing one: %d active", len(subs))
	}
}
