package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// editablePolicySite serves one policy whose text changes when edited is set, and
// the declaration of it.
type editablePolicySite struct {
	*httptest.Server
	edited atomic.Bool
	decls  string
}

func newEditablePolicySite(t *testing.T) *editablePolicySite {
	t.Helper()
	s := &editablePolicySite{}
	s.Server = httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>"+policyBody(s.edited.Load())+"</body></html>")
	}))
	t.Cleanup(s.Close)
	s.decls = filepath.Join(t.TempDir(), "declarations")
	if err := os.Mkdir(s.decls, 0o755); err != nil {
		t.Fatal(err)
	}
	decl := declarationOf("Example", "Privacy Policy", s.URL+"/privacy", "")
	if err := os.WriteFile(filepath.Join(s.decls, "Example.json"), []byte(decl), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *editablePolicySite) crawlArgs(db string) []string {
	return []string{"crawl", "--db", db, "--declarations", s.decls, "--delay", "0", "--allow-private-networks"}
}

// hookReceiver records the webhooks it gets and answers with status.
type hookReceiver struct {
	*httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	ids    []string
	bodies [][]byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	h.status.Store(http.StatusNoContent)
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.ids = append(h.ids, r.Header.Get("webhook-id"))
		h.bodies = append(h.bodies, body)
		h.mu.Unlock()
		w.WriteHeader(int(h.status.Load()))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.ids...)
}

func mustRun(t *testing.T, args ...string) result {
	t.Helper()
	r := runCommand(t, nil, args...)
	if r.code != exitOK {
		t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func deliveriesJSON(t *testing.T, db string, extra ...string) []deliveryJSON {
	t.Helper()
	r := mustRun(t, append([]string{"deliveries", "--db", db, "--json"}, extra...)...)
	var list []deliveryJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("deliveries --json: %v\n%s", err, r.stdout)
	}
	return list
}

func TestSubscribeAddListRemove(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	r := mustRun(t, "subscribe", "add", "--db", db, "--webhook", "http://127.0.0.1:9/hook", "--allow-private-networks",
		"--service", "X", "--type", "Cookies Policy", "--class", "rebrand,substantive", "--magnitude", "major")
	if !strings.Contains(r.stdout, "subscription 1: webhook http://127.0.0.1:9/hook") || !strings.Contains(r.stdout, "secret: whsec_") {
		t.Errorf("add: %s", r.stdout)
	}
	secret := r.stdout[strings.Index(r.stdout, "whsec_"):]
	secret = secret[:strings.IndexAny(secret, "\n ")]
	r = mustRun(t, "subscribe", "add", "--db", db, "--email", "desk@example.org", "--digest")
	if !strings.Contains(r.stdout, "subscription 2: e-mail desk@example.org (daily digest at 00:00 UTC)") || strings.Contains(r.stdout, "secret") {
		t.Errorf("add e-mail: %s", r.stdout)
	}
	r = mustRun(t, "subscribe", "add", "--db", db, "--email", "paris@example.org", "--digest-at", "8:00 Europe/Paris")
	if !strings.Contains(r.stdout, "subscription 3: e-mail paris@example.org (daily digest at 08:00 Europe/Paris)") {
		t.Errorf("add e-mail with a digest time: %s", r.stdout)
	}
	if r := runCommand(t, nil, "subscribe", "add", "--db", db, "--email", "x@example.org", "--digest-at", "08:00 Paris"); r.code != exitUsage ||
		!strings.Contains(r.stderr, `digest time "08:00 Paris": "Paris" is not an IANA time zone such as Europe/Paris`) {
		t.Errorf("a digest time in no known zone: exit %d, %s", r.code, r.stderr)
	}
	r = mustRun(t, "subscribe", "list", "--db", db)
	if !strings.Contains(r.stdout, "services X; types Trackers Policy; classes rebrand, substantive; magnitudes major") ||
		!strings.Contains(r.stdout, "every change") || strings.Contains(r.stdout, secret) {
		t.Errorf("list: %s", r.stdout)
	}
	r = mustRun(t, "subscribe", "list", "--db", db, "--json")
	if strings.Contains(r.stdout, "whsec_") {
		t.Errorf("list --json shows a secret: %s", r.stdout)
	}
	var subs []subscriptionJSON
	if err := json.Unmarshal([]byte(r.stdout), &subs); err != nil || len(subs) != 3 || subs[0].Classes[1] != "substantive" || !subs[1].Digest ||
		subs[1].DigestAt != "" || !subs[2].Digest || subs[2].DigestAt != "08:00 Europe/Paris" {
		t.Fatalf("list --json: %v\n%s", err, r.stdout)
	}
	mustRun(t, "subscribe", "remove", "--db", db, "1")
	if r := runCommand(t, nil, "subscribe", "remove", "--db", db, "1"); r.code != exitFailure || !strings.Contains(r.stderr, "no active subscription 1") {
		t.Errorf("removing twice: exit %d, %s", r.code, r.stderr)
	}
	if r := mustRun(t, "subscribe", "list", "--db", db); strings.Contains(r.stdout, "webhook") {
		t.Errorf("a removed subscription is listed: %s", r.stdout)
	}
	if r := mustRun(t, "subscribe", "list", "--db", db, "--all"); !strings.Contains(r.stdout, "(removed ") {
		t.Errorf("list --all: %s", r.stdout)
	}
}

func TestSubscribeRefusesBadInputAndStoresNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--webhook", "ftp://hooks.example.org/"}, `webhook URL "ftp://hooks.example.org/": must be an http or https URL`},
		{[]string{"--webhook", "http://127.0.0.1:8080/hook"}, "non-public address 127.0.0.1 (loopback); allow it with --allow-private-networks"},
		{[]string{"--webhook", "http://192.168.1.10/hook"}, "non-public address 192.168.1.10 (private use)"},
		{[]string{"--email", "desk@example.org", "--class", "substantial"}, `class "substantial": is unknown; use one of cosmetic, rebrand, editorial, substantive`},
		{[]string{"--email", "not an address"}, `e-mail address "not an address": is not an e-mail address`},
		{[]string{}, "give a webhook URL or an e-mail address"},
	} {
		r := runCommand(t, nil, append([]string{"subscribe", "add", "--db", db}, tc.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("subscribe add %v: exit %d, stderr %q; want exit 2 saying %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("bad input created the database: %v", err)
	}
	// With a database already there, bad input leaves the table empty.
	mustRun(t, "subscribe", "add", "--db", db, "--email", "desk@example.org")
	mustRun(t, "subscribe", "remove", "--db", db, "1")
	if r := runCommand(t, nil, "subscribe", "add", "--db", db, "--webhook", "http://10.0.0.1/", "--class", "rebrand"); r.code != exitUsage {
		t.Fatalf("exit %d", r.code)
	}
	var subs []subscriptionJSON
	json.Unmarshal([]byte(mustRun(t, "subscribe", "list", "--db", db, "--all", "--json").stdout), &subs)
	if len(subs) != 1 {
		t.Errorf("the table holds %d subscriptions, want only the first", len(subs))
	}
	if r := runCommand(t, nil, "deliveries", "--db", db, "--state", "lost"); r.code != exitUsage {
		t.Errorf("deliveries --state lost: exit %d", r.code)
	}
}

func TestCrawlThenNotifyDeliversOnceAndReportsFailures(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	site := newEditablePolicySite(t)
	ok := newHookReceiver(t)
	failing := newHookReceiver(t)
	failing.status.Store(http.StatusServiceUnavailable)
	mustRun(t, site.crawlArgs(db)...)
	mustRun(t, "subscribe", "add", "--db", db, "--webhook", ok.URL, "--allow-private-networks")
	mustRun(t, "subscribe", "add", "--db", db, "--webhook", failing.URL, "--allow-private-networks")
	mustRun(t, "subscribe", "add", "--db", db, "--email", "desk@example.org")
	// The first crawl made the first version; the crawl of an edit alerts.
	site.edited.Store(true)
	mustRun(t, site.crawlArgs(db)...)

	notifyArgs := []string{"notify", "--db", db, "--allow-private-networks", "--max-attempts", "1", "--base-url", "https://pw.example.org"}
	r := runCommand(t, nil, notifyArgs...)
	if r.code != exitFailure || !strings.Contains(r.stderr, "1 deliveries failed for good") || !strings.Contains(r.stderr, "HTTP 503") ||
		!strings.Contains(r.stdout, "2 attempts: 1 delivered, 0 to retry, 1 failed for good") ||
		!strings.Contains(r.stderr, "1 e-mail deliveries wait: set --smtp-host") {
		t.Errorf("notify: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if got := ok.received(); len(got) != 1 {
		t.Fatalf("the receiver got %d webhooks", len(got))
	}
	var payload struct {
		Data struct {
			Service string `json:"service"`
			Links   struct {
				Diff string `json:"diff"`
			} `json:"links"`
		} `json:"data"`
	}
	if err := json.Unmarshal(ok.bodies[0], &payload); err != nil || payload.Data.Service != "Example" ||
		!strings.HasPrefix(payload.Data.Links.Diff, "https://pw.example.org/documents/") {
		t.Errorf("payload %s (%v)", ok.bodies[0], err)
	}
	if r := mustRun(t, notifyArgs...); !strings.Contains(r.stdout, "0 attempts") || len(ok.received()) != 1 {
		t.Errorf("a second pass: %s; receiver got %d", r.stdout, len(ok.received()))
	}
	list := deliveriesJSON(t, db)
	states := map[string]int{}
	for _, d := range list {
		states[d.State]++
	}
	if states["delivered"] != 1 || states["failed"] != 1 || states["pending"] != 1 {
		t.Errorf("states %v", states)
	}
	for _, d := range deliveriesJSON(t, db, "--state", "delivered") {
		if d.WebhookID != ok.received()[0] || len(d.Attempts) != 1 || d.Attempts[0].Status != 204 || d.Service != "Example" {
			t.Errorf("delivered: %+v", d)
		}
	}
	if r := mustRun(t, "deliveries", "--db", db, "--state", "failed"); !strings.Contains(r.stdout, "attempt 1") || !strings.Contains(r.stdout, "503") {
		t.Errorf("deliveries text: %s", r.stdout)
	}
}

func TestServeDeliversInTheBackgroundAndStopsCleanly(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	site := newEditablePolicySite(t)
	hook := newHookReceiver(t)
	mustRun(t, site.crawlArgs(db)...)
	mustRun(t, "subscribe", "add", "--db", db, "--webhook", hook.URL, "--allow-private-networks")
	site.edited.Store(true)
	mustRun(t, site.crawlArgs(db)...)

	stop := serveInBackground(t, "--db", db, "--allow-private-networks")
	deadline := time.Now().Add(10 * time.Second)
	for len(hook.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited with %d", code)
	}
	if got := hook.received(); len(got) != 1 {
		t.Fatalf("serve delivered %d webhooks, want 1", len(got))
	}
	if d := deliveriesJSON(t, db); d[0].State != "delivered" {
		t.Errorf("after serve: %+v", d[0])
	}
	if r := runCommand(t, nil, "serve", "--db", db, "--smtp-from", "a@example.org"); r.code != exitUsage || !strings.Contains(r.stderr, "need --smtp-host") {
		t.Errorf("serve with --smtp-from alone: exit %d, %s", r.code, r.stderr)
	}
}

// serve without --base-url: its alerts link where its feeds do, to the
// address it listens on, not nowhere.
func TestServeAlertsLinkWhereItsFeedsDo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	site := newEditablePolicySite(t)
	hook := newHookReceiver(t)
	mustRun(t, site.crawlArgs(db)...)
	mustRun(t, "subscribe", "add", "--db", db, "--webhook", hook.URL, "--allow-private-networks")
	site.edited.Store(true)
	mustRun(t, site.crawlArgs(db)...)

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	addr := make(chan string, 1)
	env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
		onListen: func(a string) { addr <- a }}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, env, []string{"serve", "--db", db, "--listen", "127.0.0.1:0", "--allow-private-networks"})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case c := <-code:
		t.Fatalf("serve exited with %d: %s", c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(hook.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get(base + "/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	var feed struct {
		Items []struct {
			URL string `json:"url"`
		} `json:"items"`
	}
	err = json.NewDecoder(resp.Body).Decode(&feed)
	resp.Body.Close()
	cancel()
	if c := <-code; c != exitOK {
		t.Fatalf("serve exited with %d: %s", c, stderr.String())
	}
	if err != nil || len(feed.Items) != 1 || !strings.HasPrefix(feed.Items[0].URL, base+"/documents/") {
		t.Fatalf("feed items %+v, %v; want one linking to %s", feed.Items, err, base)
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	if len(hook.bodies) != 1 {
		t.Fatalf("%d webhooks, want 1", len(hook.bodies))
	}
	var payload struct {
		Data struct {
			Links *struct{ Diff, Document string } `json:"links"`
		} `json:"data"`
	}
	if err := json.Unmarshal(hook.bodies[0], &payload); err != nil || payload.Data.Links == nil {
		t.Fatalf("webhook without links (%v): %s", err, hook.bodies[0])
	}
	links := payload.Data.Links
	if links.Diff != feed.Items[0].URL || !strings.HasPrefix(links.Document, base+"/documents/") {
		t.Errorf("webhook links %+v, feed entry %s: want the same base %s", links, feed.Items[0].URL, base)
	}
}
