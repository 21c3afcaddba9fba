package notify

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/policywatch/policywatch/store"
)

// The test vector the Standard Webhooks specification publishes.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecificationsVector(t *testing.T) {
	got, err := Sign(vectorSecret, vectorID, vectorTimestamp, []byte(vectorBody))
	if err != nil || got != vectorSignature {
		t.Fatalf("Sign = %q, %v; want %q", got, err, vectorSignature)
	}
	// The test receivers' verification accepts the vector too.
	h := http.Header{}
	h.Set("webhook-id", vectorID)
	h.Set("webhook-timestamp", strconv.Itoa(vectorTimestamp))
	h.Set("webhook-signature", "v1,bm90IGl0 "+vectorSignature) // several signatures, space-separated
	if err := verifySpec(vectorSecret, h, []byte(vectorBody)); err != nil {
		t.Fatal(err)
	}
	if s, err := normalizeSecret(vectorSecret); err != nil || s != vectorSecret {
		t.Errorf("the vector's 24-byte secret: %q, %v", s, err)
	}
}

func TestAChangeOfAnOlderReleaseHasNoStoryButAPayload(t *testing.T) {
	c, err := changeOf(store.Alert{Change: store.ChangeEntry{Change: store.Change{Class: "substantive", Substitutions: []byte("[]")}}}, "")
	if err != nil || c.Sections == nil || c.Substitutions == nil || c.Links != nil {
		t.Fatalf("%+v, %v", c, err)
	}
}

func TestBackoffDoublesWithJitterUpToTheCap(t *testing.T) {
	for n := 1; n <= 12; n++ {
		full := min(time.Minute<<(n-1), time.Hour)
		for range 50 {
			if d := backoff(n, time.Minute, time.Hour); d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %s, want %s to %s", n, d, full/2, full)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"0":                             0,
		"120":                           2 * time.Minute,
		"Fri, 02 Jan 2026 03:05:05 GMT": time.Minute,
		"Fri, 02 Jan 2026 03:00:00 GMT": 0, // in the past
	} {
		if got, ok := parseRetryAfter(v, now); !ok || got != want {
			t.Errorf("Retry-After %q: %s, %v; want %s", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "-5", "soon", "1.5"} {
		if _, ok := parseRetryAfter(v, now); ok {
			t.Errorf("Retry-After %q was read", v)
		}
	}
}
