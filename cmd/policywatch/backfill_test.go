package main

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/wayback"
)

// tinyWayback serves a CDX list and id_ captures for one page.
func tinyWayback(t *testing.T, page string, captures map[string]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cdx/search/cdx" {
			if r.URL.Query().Get("url") != page {
				fmt.Fprint(w, "[]")
				return
			}
			fmt.Fprint(w, `[["urlkey","timestamp","original","mimetype","statuscode","digest","length"]`)
			timestamps := slices.Sorted(maps.Keys(captures))
			for _, ts := range timestamps {
				if from := r.URL.Query().Get("from"); from != "" && ts < from {
					continue
				}
				if to := r.URL.Query().Get("to"); to != "" && ts > to {
					continue
				}
				fmt.Fprintf(w, `,["k","%s","%s","text/html","200","D%s","1"]`, ts, page, ts)
			}
			fmt.Fprint(w, "]")
			return
		}
		for ts, body := range captures {
			if r.URL.Path == "/web/"+ts+"id_/"+page {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, body)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBackfillWayback(t *testing.T) {
	page := "https://acme.example/privacy"
	decl := t.TempDir()
	os.WriteFile(filepath.Join(decl, "acme.json"), []byte(`{"name": "Acme", "terms": {"Privacy Policy": {"fetch": "`+page+`", "select": "main"}}}`), 0o644)
	html := func(s string) string {
		return "<html><body><nav>Menu</nav><main><h1>Privacy</h1><p>" + s + "</p></main></body></html>"
	}
	srv := tinyWayback(t, page, map[string]string{
		"20200105000000": html("We collect your e-mail."),
		"20200601000000": html("We collect your phone."),
		"20210101000000": html("Later."),
	})
	db := filepath.Join(t.TempDir(), "pw.db")
	args := []string{"backfill", "--wayback", "--db", db, "--declarations", decl, "--wayback-url", srv.URL, "--rate", "100/1s", "--from", "2020-01-01", "--to", "2020-12-31"}
	r := mustRun(t, args...)
	if !strings.Contains(r.stdout, "Acme / Privacy Policy: 2 captures listed, 2 selected: 2 recorded (2 new versions, 0 failed), 0 recorded before") {
		t.Errorf("backfill: %s", r.stdout)
	}
	r = mustRun(t, args...)
	if !strings.Contains(r.stdout, "0 recorded (0 new versions, 0 failed)") {
		t.Errorf("second backfill: %s", r.stdout)
	}
	log := mustRun(t, "log", "--db", db)
	if !strings.Contains(log.stdout, "2020-06-01") || strings.Contains(log.stdout, "2021-01-01") {
		t.Errorf("log: %s", log.stdout)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"backfill", "--db", db}, "give --wayback"},
		{[]string{"backfill", "--wayback", "--db", db, "--url", page}, "--url needs --service and --type"},
		{[]string{"backfill", "--wayback", "--db", db, "--every", "soon"}, "not a period"},
		{[]string{"backfill", "--wayback", "--db", db, "--rate", "fast"}, "not a rate"},
		{[]string{"backfill", "--wayback", "--db", db, "--from", "2021-01-01", "--to", "2020-01-01"}, "is before --from"},
	} {
		if r := runCommand(t, nil, tc.args...); r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want usage error %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	for in, want := range map[string]time.Duration{"1/2s": 2 * time.Second, "15/1m": 4 * time.Second, "15/m": 4 * time.Second, "2": 500 * time.Millisecond} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if d, _ := parsePeriod("30d"); d != 30*24*time.Hour {
		t.Errorf("parsePeriod(30d) = %s", d)
	}
	// The default --rate is the client's: one request every 5 s at least.
	help := runCommand(t, nil, "backfill", "--help").stdout
	_, def, _ := strings.Cut(help[strings.Index(help, "--rate N/PERIOD"):], "(default ")
	def, _, _ = strings.Cut(def, ")")
	if d, err := parseRate(def); err != nil || d != wayback.DefaultInterval || d < 5*time.Second {
		t.Errorf("--rate defaults to %q = %s, %v; want the Wayback client's %s, at least 5 s", def, d, err, wayback.DefaultInterval)
	}
}

// backfill --url records one page nobody declared, as the document named,
// and --every keeps at most one capture per period.
func TestBackfillOnePageEveryPeriod(t *testing.T) {
	page := "https://beta.example/cookies"
	html := func(s string) string {
		return "<html><body><main><h1>Cookies</h1><p>" + s + "</p></main></body></html>"
	}
	// 180-day periods from 1970: the three January captures share one.
	srv := tinyWayback(t, page, map[string]string{
		"20200105000000": html("We set one cookie."),
		"20200110000000": html("We set two cookies."),
		"20200115000000": html("We set three cookies."),
		"20200601000000": html("We set four cookies."),
		"20210101000000": html("We set five cookies."),
	})
	db := filepath.Join(t.TempDir(), "pw.db")
	r := mustRun(t, "backfill", "--wayback", "--db", db, "--url", page, "--service", "Beta", "--type", "Cookies Policy",
		"--every", "180d", "--wayback-url", srv.URL, "--rate", "100/1s")
	if !strings.Contains(r.stdout, "Beta / Cookies Policy: 5 captures listed, 3 selected: 3 recorded (3 new versions, 0 failed)") {
		t.Errorf("backfill: %s", r.stdout)
	}
	logs := logJSON(t, db)
	if len(logs) != 1 || logs[0].Service != "Beta" || logs[0].Type != "Trackers Policy" || logs[0].URL != page {
		t.Fatalf("documents %+v, want Beta's Trackers Policy at %s", logs, page)
	}
	var dates []string
	for _, v := range logs[0].Versions {
		dates = append(dates, v.CapturedAt.UTC().Format(time.DateOnly))
	}
	slices.Sort(dates)
	if want := []string{"2020-01-05", "2020-06-01", "2021-01-01"}; !slices.Equal(dates, want) {
		t.Errorf("versions of %v, want one per 180 days: %v", dates, want)
	}
}
