package crawler

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
)

func TestBlockedReasonReadsProtectionHeaders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header map[string]string
		want   string // a word of the reason; "" for not blocked
	}{
		{"AWS WAF captcha", 405, map[string]string{"x-amzn-waf-action": "captcha"}, "AWS WAF captcha"},
		{"AWS WAF challenge", 202, map[string]string{"x-amzn-waf-action": "challenge"}, "AWS WAF challenge"},
		{"Cloudflare challenge ray", 403, map[string]string{"Server-Timing": `chlray;desc="8f2b3c4d5e6f7"`}, "Cloudflare challenge"},
		{"Cloudflare refusal", 403, map[string]string{"Server-Timing": `cfL4;desc="?proto=TCP&rtt=1234"`}, "Cloudflare block"},
		{"Cloudflare page served", 200, map[string]string{"Server-Timing": `cfL4;desc="?proto=TCP&rtt=1234"`}, ""},
		{"Cloudflare origin down", 503, map[string]string{"Server-Timing": `cfL4;desc="?proto=TCP"`}, ""},
		{"Akamai refusal", 403, map[string]string{"Server-Timing": `ak_p; desc="1700000000_388_1_0_0_0_0_-";dur=1`}, "Akamai block"},
		{"Akamai page served", 200, map[string]string{"Server-Timing": `ak_p; desc="1700000000";dur=1`}, ""},
		{"CloudFront refusal", 403, map[string]string{"Server-Timing": `cdn-upstream-layer;desc="EDGE",cdn-rid;desc="abc",cdn-pop;desc="FRA56-P1"`}, "CloudFront block"},
		{"CloudFront rate limit", 429, map[string]string{"Server-Timing": `cdn-pop;desc="FRA56-P1"`}, "CloudFront block"},
		{"CloudFront x-cache", 403, map[string]string{"X-Cache": "Error from cloudfront"}, "CloudFront block"},
		{"a metric named like one", 403, map[string]string{"Server-Timing": `db;dur=53, cfl4x;dur=2`}, ""},
	} {
		h := http.Header{}
		for k, v := range tc.header {
			h.Set(k, v)
		}
		got := BlockedReason(tc.status, h, []byte("<html><body><p>Hello</p></body></html>"))
		if (got == "") != (tc.want == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: BlockedReason = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestBlockedReasonReadsChallengeWordsOnlyWithARefusal(t *testing.T) {
	body := []byte(`<html><head><title>Verify</title></head><body><div class="g-recaptcha" data-sitekey="x"></div><p>Please verify you are human.</p></body></html>`)
	for _, status := range []int{403, 429, 503} {
		if BlockedReason(status, http.Header{}, body) == "" {
			t.Errorf("a CAPTCHA page answered with %d is not blocked", status)
		}
	}
	// A policy may well mention CAPTCHAs and denied access.
	if r := BlockedReason(200, http.Header{}, body); r != "" {
		t.Errorf("a 200 page mentioning a CAPTCHA is blocked: %s", r)
	}
}

const cookieWall = `<!doctype html><html><head><title>Privacy</title></head><body>
<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk"><p>We and our 812 partners use cookies. Accept to continue.</p>
<button>Accept all</button><button>Manage</button></div></div><div id="app"></div></body></html>`

const loginWall = `<!doctype html><html><head><title>Sign in</title></head><body><main>
<form action="/session" method="post"><h1>Sign in to continue</h1><label>E-mail <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form></main></body></html>`

func TestWallReasonKnowsLoginAndCookieWalls(t *testing.T) {
	policy := extract.Options{Select: extract.CSS("#policy")}
	if r := WallReason("text/html", []byte(cookieWall), policy); !strings.Contains(r, "cookie wall of OneTrust") {
		t.Errorf("cookie wall: %q", r)
	}
	if r := WallReason("text/html; charset=utf-8", []byte(loginWall), policy); !strings.Contains(r, "login wall") {
		t.Errorf("login wall: %q", r)
	}
	// An empty placeholder for the selection is no selection: a script
	// fills it once the wall is passed.
	placeholder := strings.Replace(cookieWall, `<div id="app"></div>`, `<main id="policy"> </main>`, 1)
	if r := WallReason("text/html", []byte(placeholder), policy); !strings.Contains(r, "cookie wall") {
		t.Errorf("a wall over an empty placeholder: %q", r)
	}
	// The declared selection is there: whatever else the page holds, it is
	// the document.
	withPolicy := strings.Replace(cookieWall, `<div id="app"></div>`, `<div id="policy"><p>We keep your name.</p></div>`, 1)
	if r := WallReason("text/html", []byte(withPolicy), policy); r != "" {
		t.Errorf("a page with its declared selection is %q", r)
	}
	// A range whose bounds are both there is the selection too.
	ranged := extract.Options{Select: []extract.Selector{{Range: &extract.Range{StartBefore: "#onetrust-banner-sdk", EndAfter: "#app"}}}}
	if r := WallReason("text/html", []byte(cookieWall), ranged); r != "" {
		t.Errorf("a page whose range bounds match is %q", r)
	}
	// Without a declared selection there is nothing to miss.
	if r := WallReason("text/html", []byte(cookieWall), extract.Options{}); r != "" {
		t.Errorf("a page without declared selection is %q", r)
	}
	// A redesigned policy behind a banner keeps its long text: the
	// selector went missing, the page is not a wall.
	long := strings.Replace(cookieWall, `<div id="app"></div>`, "<article>"+strings.Repeat("<p>We keep your name and your address for as long as you have an account.</p>", 60)+"</article>", 1)
	if r := WallReason("text/html", []byte(long), policy); r != "" {
		t.Errorf("a long page with a banner is %q", r)
	}
	if r := WallReason("application/pdf", []byte(loginWall), policy); r != "" {
		t.Errorf("a PDF is %q", r)
	}
}

func TestAFetchMeetingAWallIsBlocked(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(loginWall))
	})
	r := New(testConfig()).Fetch(context.Background(), Target{Service: "S", Type: "Privacy Policy",
		Sources: []Source{{URL: srv.URL + "/privacy", Rules: extract.Options{Select: extract.CSS("#policy")}}}})
	wantFailure(t, r, capture.Blocked)
	if !r.Failure.BotWall || !strings.Contains(r.Failure.Message, "login wall") {
		t.Errorf("failure %+v: want a login wall, marked BotWall", r.Failure)
	}
}

func TestAllowAddressesLetsOneLoopbackServerThrough(t *testing.T) {
	var otherHits atomic.Int32
	other := serve(t, func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		w.Write([]byte(page))
	})
	allowed := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/away" {
			http.Redirect(w, r, other.URL+"/secret", http.StatusFound)
			return
		}
		w.Write([]byte(page))
	})
	cfg := testConfig()
	cfg.AllowPrivateNetworks = false
	cfg.AllowAddresses = []string{strings.TrimPrefix(allowed.URL, "http://")}
	if r := fetchOne(t, cfg, allowed.URL+"/privacy"); r.Failure != nil {
		t.Fatalf("the allowed address: %v", r.Failure)
	}
	r := fetchOne(t, cfg, allowed.URL+"/away")
	wantFailure(t, r, capture.Network)
	if !strings.Contains(r.Failure.Message, "non-public address") {
		t.Errorf("redirect into another loopback server: %s", r.Failure.Message)
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the server that is not allowed got %d requests", n)
	}
}

func TestRoundTripFollowsNoRedirectAndNamesTheCrawler(t *testing.T) {
	var agent atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.Redirect(w, r, "/robots-moved.txt", http.StatusMovedPermanently)
		case "/robots-moved.txt":
			w.Write([]byte("User-agent: *\nDisallow: /private\n"))
		default:
			agent.Store(r.UserAgent())
			http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
		}
	})
	c := New(testConfig())
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/here", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 HeadlessChrome")
	res, err := c.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusMovedPermanently || res.Header.Get("Location") != "/elsewhere" {
		t.Errorf("status %d, Location %q: want the redirect itself", res.Status, res.Header.Get("Location"))
	}
	if agent.Load() != DefaultUserAgent {
		t.Errorf("User-Agent %q, want the crawler's", agent.Load())
	}

	cfg := testConfig()
	cfg.AllowPrivateNetworks = false
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/here", nil)
	_, err = New(cfg).RoundTrip(req)
	var blocked *PrivateAddressError
	if !errors.As(err, &blocked) {
		t.Errorf("a loopback request without the private-networks setting: %v, want a PrivateAddressError", err)
	}
}

// TestRobotsTxtMayRedirect: a robots.txt that redirects within its host
// is followed (RFC 9309), not checked against the robots.txt being
// fetched — which waited for the host's turn its own fetch held, until
// the timeout.
func TestRobotsTxtMayRedirect(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.Redirect(w, r, "/robots-moved.txt", http.StatusMovedPermanently)
		case "/robots-moved.txt":
			w.Write([]byte("User-agent: *\nDisallow: /private\n"))
		}
	})
	cfg := testConfig()
	cfg.Timeout = 2 * time.Second
	c := New(cfg)
	start := time.Now()
	u, _ := url.Parse(srv.URL + "/public")
	if f := c.Allowed(context.Background(), u); f != nil {
		t.Errorf("a page robots.txt allows, behind a redirected robots.txt: %v", f)
	}
	u, _ = url.Parse(srv.URL + "/private/page")
	if f := c.Allowed(context.Background(), u); f == nil || f.Class != capture.Blocked {
		t.Errorf("a page the redirected robots.txt disallows: %v", f)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s", d)
	}
}
