package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// testSite is a real store in a temporary directory, filled through
// archive.Record with real captures (a copy of one filled once, see
// siteTemplate), served by a real HTTP server.
type testSite struct {
	srv *httptest.Server
	st  *store.Store

	cookiesDoc int64
	// cookies maps a capture date (YYYY-MM-DD) to its version id.
	cookies    map[string]int64
	hostileDoc int64
	hostile    [2]int64 // benign first version, hostile second
}

const cookiesHistory = "../demo/twitter-x-history/cookies-policy/"

// cookieCaptures are four consecutive versions of X's cookie policy; the
// 2022-11-23 → 2023-09-20 change is the Twitter → X rebrand.
var cookieCaptures = []string{
	"2022-09-24T00-33-30Z.md",
	"2022-11-23T00-34-28Z.md",
	"2023-09-20T18-34-47Z.md",
	"2024-08-16T00-36-31Z.md",
}

const (
	hostileService = "Evil <b>Corp</b>"
	hostileScript  = "<script>alert(1)</script>"
	hostileImage   = "<img src=x onerror=alert(2)>"
)

// hostileText is a policy whose words are markup: it must only ever be shown
// as text.
var hostileText = "Evil policy\n===========\n\n" +
	"We promise " + hostileScript + " nothing.\n\n" +
	"Tracking " + hostileImage + " everywhere.\n"

func newTestSite(t testing.TB) *testSite {
	t.Helper()
	db, facts := siteTemplate.Copy(t, "web.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("opening the test store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	ids := facts.(testSite)
	site := &testSite{st: st, cookiesDoc: ids.cookiesDoc, cookies: maps.Clone(ids.cookies),
		hostileDoc: ids.hostileDoc, hostile: ids.hostile}
	site.srv = serveSite(t, st)
	return site
}

// siteTemplate is the test site's archive, recorded once per pass (under
// the race detector, seconds) and copied for each test.
var siteTemplate = storetest.Template{Fill: fillTestSite}

// fillTestSite records the test site's captures into the store at db and
// returns a testSite holding their ids.
func fillTestSite(ctx context.Context, db string) (any, error) {
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("opening the test store: %w", err)
	}
	site, err := recordTestSite(ctx, archive.New(st))
	if closeErr := st.Close(); err == nil {
		err = closeErr
	}
	return site, err
}

func recordTestSite(ctx context.Context, ar *archive.Archive) (testSite, error) {
	site := testSite{cookies: make(map[string]int64)}

	cookiesRef := archive.DocumentRef{Service: "X", Type: "Cookies Policy", URL: "https://help.x.com/en/rules-and-policies/x-cookies"}
	for _, name := range cookieCaptures {
		content, err := os.ReadFile(cookiesHistory + name)
		if err != nil {
			return site, err
		}
		at, ok := archive.DateFromName(name)
		if !ok {
			return site, fmt.Errorf("no date in fixture name %s", name)
		}
		out, err := ar.Record(ctx, cookiesRef, archive.Capture{
			At: at, Source: "import", ContentType: "text/markdown", Content: content,
		})
		if err != nil {
			return site, fmt.Errorf("recording %s: %w", name, err)
		}
		if !out.NewVersion {
			return site, fmt.Errorf("recording %s: expected a new version", name)
		}
		site.cookiesDoc = out.DocumentID
		site.cookies[name[:10]] = out.VersionID
	}

	hostileRef := archive.DocumentRef{Service: hostileService, Type: "Privacy Policy"}
	captures := []string{"Evil policy\n===========\n\nWe promise nothing.\n", hostileText}
	for i, text := range captures {
		out, err := ar.Record(ctx, hostileRef, archive.Capture{
			At:     time.Date(2025, 1, 1+i, 12, 0, 0, 0, time.UTC),
			Source: "import", ContentType: "text/markdown", Content: []byte(text),
		})
		if err != nil {
			return site, fmt.Errorf("recording hostile capture %d: %w", i, err)
		}
		site.hostileDoc = out.DocumentID
		site.hostile[i] = out.VersionID
	}
	return site, nil
}

// serveSite serves st over real HTTP, with the server's own address as the
// base URL, as policywatch serve does without --base-url.
func serveSite(t testing.TB, st *store.Store) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = New(archive.NewView(st, 0), Options{
		Title:   "policywatch test",
		Logger:  slog.New(slog.NewTextHandler(t.Output(), nil)),
		BaseURL: "http://" + srv.Listener.Addr().String(),
	}).Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path and returns the response and its body.
func (s *testSite) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	return s.getWithHost(t, path, "")
}

// getWithHost fetches path sending host as the Host header when not empty.
func (s *testSite) getWithHost(t testing.TB, path, host string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp, string(body)
}

// mustGet fetches path and fails unless it answers with status.
func (s *testSite) mustGet(t testing.TB, path string, status int) string {
	t.Helper()
	resp, body := s.get(t, path)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d; body:\n%.2000s", path, resp.StatusCode, status, body)
	}
	return body
}

func assertContains(t testing.TB, where, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("%s: missing %q", where, want)
		}
	}
}

func assertNotContains(t testing.TB, where, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s: contains %q", where, u)
		}
	}
}

// assertOrder checks that the wanted strings appear in this order, each
// found after the one before it.
func assertOrder(t testing.TB, where, body string, wants ...string) {
	t.Helper()
	rest := body
	for _, want := range wants {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Errorf("%s: %q does not come after the items before it; want order %q", where, want, wants)
			return
		}
		rest = rest[i+len(want):]
	}
}
