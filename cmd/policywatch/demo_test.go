package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, body)
	}
	return string(body)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(getBody(t, url)), v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestDemoServesTheRebrand runs `policywatch demo` on a free port and walks
// from the service list to the rebrand diff over real HTTP.
func TestDemoServesTheRebrand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	listening := make(chan string, 1)
	env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, onListen: func(addr string) { listening <- addr }}
	exited := make(chan int, 1)
	go func() { exited <- run(ctx, env, []string{"demo", "--listen", "127.0.0.1:0"}) }()

	var base string
	select {
	case addr := <-listening:
		base = "http://" + addr
	case code := <-exited:
		t.Fatalf("demo exited with %d before serving: %s", code, stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatal("demo did not start serving within 2 minutes")
	}
	if want := "serving on " + base + "\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}

	var services struct {
		Services []struct {
			Name      string `json:"name"`
			Documents []struct {
				ID   int64  `json:"id"`
				Type string `json:"type"`
			} `json:"documents"`
		} `json:"services"`
	}
	getJSON(t, base+"/api/services", &services)
	var cookiesID int64
	for _, s := range services.Services {
		for _, d := range s.Documents {
			if s.Name == "X" && d.Type == "Trackers Policy" {
				cookiesID = d.ID
			}
		}
	}
	if cookiesID == 0 {
		t.Fatalf("no X / Trackers Policy (its cookie policy) in /api/services: %+v", services)
	}

	var versions struct {
		Versions []struct {
			ID         int64  `json:"id"`
			CapturedAt string `json:"captured_at"`
		} `json:"versions"`
	}
	getJSON(t, fmt.Sprintf("%s/api/documents/%d/versions", base, cookiesID), &versions)
	ids := map[string]int64{}
	for _, v := range versions.Versions {
		ids[v.CapturedAt[:10]] = v.ID
	}
	from, to := ids["2022-11-23"], ids["2023-09-20"]
	if from == 0 || to == 0 {
		t.Fatalf("versions of 2022-11-23 and 2023-09-20 not both listed: %v", ids)
	}

	var d struct {
		Substitutions []struct {
			From  string `json:"from"`
			To    string `json:"to"`
			Count int    `json:"count"`
		} `json:"substitutions"`
		Class string `json:"class"`
	}
	getJSON(t, fmt.Sprintf("%s/api/diff?from=%d&to=%d", base, from, to), &d)
	twitterToX := 0
	for _, s := range d.Substitutions {
		if s.From == "Twitter" && s.To == "X" {
			twitterToX = s.Count
		}
	}
	if twitterToX < 2 || d.Class == "" {
		t.Errorf("/api/diff: Twitter → X count %d, class %q; substitutions %+v", twitterToX, d.Class, d.Substitutions)
	}

	page := getBody(t, fmt.Sprintf("%s/documents/%d/diff?from=%d&to=%d", base, cookiesID, from, to))
	summary := strings.Index(page, `<span class="sub-from">Twitter</span>`)
	firstEdit := -1
	for _, tag := range []string{"<ins>", "<del>"} {
		if i := strings.Index(page, tag); i >= 0 && (firstEdit < 0 || i < firstEdit) {
			firstEdit = i
		}
	}
	if summary < 0 || firstEdit < 0 || summary > firstEdit {
		t.Errorf("diff page: the Twitter → X substitution (at %d) is not above the first edit (at %d)", summary, firstEdit)
	}

	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Errorf("demo exited with %d after interrupt: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Error("demo did not stop within 10 s of being interrupted")
	}
}
