package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/store"
)

const cookiesHistory = "../demo/twitter-x-history/cookies-policy"

var cookiesRef = archive.DocumentRef{Service: "X", Type: "Cookies Policy", URL: "https://help.x.com/en/rules-and-policies/x-cookies"}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "notify.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// recordFile records one file of the demo's cookie history, dated by its
// name, from the given source.
func recordFile(t testing.TB, st *store.Store, name string, source capture.Source) archive.Outcome {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(cookiesHistory, name))
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse("2006-01-02T15-04-05Z", strings.TrimSuffix(name, ".md"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := archive.New(st).Record(context.Background(), cookiesRef, archive.Capture{
		At: at, Source: source, ContentType: "text/markdown", Content: content, URL: cookiesRef.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// recordRebrand records the last Twitter cookie policy as imported
// history, then the first X one as a crawl: one change, the rebrand, and
// its alerts queued.
func recordRebrand(t testing.TB, st *store.Store) archive.Outcome {
	t.Helper()
	recordFile(t, st, "2022-11-23T00-34-28Z.md", "import")
	out := recordFile(t, st, "2023-09-20T18-34-47Z.md", "crawl")
	if out.Change == nil {
		t.Fatal("the rebrand made no change")
	}
	return out
}

func subscribe(t testing.TB, st *store.Store, r Request) store.Subscription {
	t.Helper()
	sub, err := Subscribe(context.Background(), st, r)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// clock is a test clock, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Add(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// received is one request a receiver got, and whether its signature held.
type received struct {
	id, timestamp string
	body          []byte
	verified      error
}

// receiver is a webhook endpoint that verifies every request as the
// Standard Webhooks specification says, and answers as respond says for
// the nth request (from 1).
type receiver struct {
	*httptest.Server
	secret  string
	respond func(n int, w http.ResponseWriter)
	mu      sync.Mutex
	got     []received
}

func newReceiver(t *testing.T, respond func(n int, w http.ResponseWriter)) *receiver {
	t.Helper()
	r := &receiver{respond: respond}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		rec := received{id: req.Header.Get("webhook-id"), timestamp: req.Header.Get("webhook-timestamp"), body: body}
		rec.verified = verifySpec(r.secret, req.Header, body)
		r.mu.Lock()
		r.got = append(r.got, rec)
		n := len(r.got)
		r.mu.Unlock()
		if r.respond == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		r.respond(n, w)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// verifySpec is the Standard Webhooks verification, written from the
// specification rather than from Sign: the signed content is
// "id.timestamp.body", the key the secret's base64 part decoded, the
// header a space-separated list of "v1,<base64 HMAC-SHA256>".
func verifySpec(secret string, h http.Header, body []byte) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	if id == "" {
		return errors.New("no webhook-id")
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return errors.New("webhook-timestamp is not Unix seconds")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		version, value, _ := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(value)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("no valid v1 signature in " + h.Get("webhook-signature"))
}

// deliveriesOf returns the log, newest delivery first.
func deliveriesOf(t testing.TB, st *store.Store, f store.DeliveryFilter) []store.DeliveryEntry {
	t.Helper()
	list, err := st.Deliveries(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func newWorker(t testing.TB, st *store.Store, o Options) *Worker {
	t.Helper()
	o.AllowPrivateNetworks = true // the receivers listen on loopback
	w, err := NewWorker(st, o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func runOnce(t testing.TB, w *Worker) Pass {
	t.Helper()
	p, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
