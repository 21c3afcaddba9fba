package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/store"
)

// serveWith runs 'policywatch serve' in-process with environment variables
// vars, returns the address it listens on and a stop function that returns
// the exit status.
func serveWith(t *testing.T, vars map[string]string, args ...string) (addr string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	listening := make(chan string, 1)
	env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] },
		onListen: func(a string) { listening <- a }}
	code := make(chan int, 1)
	go func() { code <- run(ctx, env, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)) }()
	select {
	case addr = <-listening:
	case c := <-code:
		cancel()
		t.Fatalf("serve exited with %d: %s", c, stderr.String())
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("serve did not start listening")
	}
	return addr, func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second):
			t.Fatalf("serve still running 10 s after cancellation\n%s", stderr.String())
			return -1
		}
	}
}

// TestServeFeedsLinkToTheBaseURL: --base-url, then POLICYWATCH_BASE_URL,
// then the listening address; never the request's Host.
func TestServeFeedsLinkToTheBaseURL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	if r := runCommand(t, nil, importArgs(db, cookiesHistory+"/2022-11-23T00-34-28Z.md", cookiesHistory+"/2023-09-20T18-34-47Z.md")...); r.code != exitOK {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want string // "" means the listening address
	}{
		{"flag", nil, []string{"--base-url", "https://policywatch.example/watch/"}, "https://policywatch.example/watch"},
		{"environment", map[string]string{"POLICYWATCH_BASE_URL": "https://env.example"}, nil, "https://env.example"},
		{"flag over environment", map[string]string{"POLICYWATCH_BASE_URL": "https://env.example"}, []string{"--base-url", "http://flag.example:8080"}, "http://flag.example:8080"},
		{"default", nil, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr, stop := serveWith(t, c.vars, append([]string{"--db", db}, c.args...)...)
			defer func() {
				if code := stop(); code != exitOK {
					t.Errorf("serve exited with %d", code)
				}
			}()
			want := c.want
			if want == "" {
				want = "http://" + addr
			}
			for _, ext := range []string{"atom", "rss", "json"} {
				req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/feed."+ext, nil)
				req.Host = "evil.example"
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("/feed.%s: %s", ext, resp.Status)
				}
				if !strings.Contains(string(body), want+"/documents/") || strings.Contains(string(body), "evil") {
					t.Errorf("/feed.%s: links are not on %s (or name the request's Host):\n%.800s", ext, want, body)
				}
			}
		})
	}
}

func TestBadBaseURLIsAUsageError(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	for _, args := range [][]string{
		{"serve", "--db", db, "--base-url", "policywatch.example"},
		{"demo", "--base-url", "ftp://policywatch.example"},
	} {
		r := runCommand(t, nil, args...)
		if r.code != exitUsage || !strings.Contains(r.oneStderrLine(t), "--base-url") {
			t.Errorf("%q: exit %d, stderr %q; want a usage error naming --base-url", args, r.code, r.stderr)
		}
	}
	if r := runCommand(t, map[string]string{"POLICYWATCH_BASE_URL": "nope"}, "demo"); r.code != exitUsage {
		t.Errorf("demo with POLICYWATCH_BASE_URL=nope: exit %d, stderr %q; want a usage error", r.code, r.stderr)
	}
}

// TestServeExposesMetricsAndHealth: /metrics answers in Prometheus's text
// format, counting requests by route; /healthz checks the database.
func TestServeExposesMetricsAndHealth(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	importedHistory(t, &cookiesTemplate, db)
	addr, stop := serveWith(t, nil, "--db", db, "--log-format", "json")
	defer stop()
	get := func(path string) string {
		t.Helper()
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		return string(body)
	}
	get("/")
	get("/feed.atom")
	get("/feed.atom") // the page kept since the first
	if h := get("/healthz"); strings.TrimSpace(h) != "ok" {
		t.Errorf("/healthz: %q", h)
	}
	wants := []string{`policywatch_http_requests_total{route="GET /{$}",status="200"} 1`, "policywatch_database_bytes", "policywatch_crawl_queue_documents 0",
		"policywatch_page_cache_served_total 1", "policywatch_page_cache_rendered_total 2", "policywatch_page_cache_pages 2"}
	metrics := ""
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		// A request counts once its handler returns, maybe after the reply.
		metrics = get("/metrics")
		all := true
		for _, want := range wants {
			all = all && strings.Contains(metrics, want)
		}
		if all || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range wants {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if r := runCommand(t, nil, "serve", "--log-format", "xml"); r.code != exitUsage || !strings.Contains(r.stderr, "--log-format") {
		t.Errorf("--log-format xml: exit %d, %q", r.code, r.stderr)
	}
	if r := runCommand(t, nil, "serve", "--page-cache-mb", "-1"); r.code != exitUsage || !strings.Contains(r.stderr, "--page-cache-mb -1") {
		t.Errorf("--page-cache-mb -1: exit %d, %q", r.code, r.stderr)
	}
}

// TestServeWithoutAPageCacheRendersEveryRequest: --page-cache-mb 0 keeps
// no page, and /metrics says so.
func TestServeWithoutAPageCacheRendersEveryRequest(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	importedHistory(t, &cookiesTemplate, db)
	addr, stop := serveWith(t, nil, "--db", db, "--page-cache-mb", "0")
	defer stop()
	var metrics string
	for _, path := range []string{"/feed.atom", "/feed.atom", "/metrics"} {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		metrics = string(body)
	}
	for _, want := range []string{"policywatch_page_cache_served_total 0", "policywatch_page_cache_pages 0"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestServeComputesHistoryMarksAnOlderReleaseLeftOut: a database whose
// marks were not computed (as one from before they were stored) shows
// them once serve has brought it up to date, without a 'rediff'.
func TestServeComputesHistoryMarksAnOlderReleaseLeftOut(t *testing.T) {
	db := filepath.Join(t.TempDir(), "marks.db")
	importedHistory(t, &cookiesTemplate, db)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents: %v, %v", docs, err)
	}
	docID := docs[0].ID
	err = st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.SetHistoryMarks(docID, nil, "")
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	addr, stop := serveWith(t, nil, "--db", db)
	defer stop()
	url := fmt.Sprintf("http://%s/api/documents/%d/versions", addr, docID)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), `"flip_flop":true`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no flip-flop marked 20 s after serve started: %.600s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
