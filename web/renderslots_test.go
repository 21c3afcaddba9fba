package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
)

// slotTestServer serves h through a Server's render slots (n of them, a
// queue of queue more).
func slotTestServer(t *testing.T, n, queue int, h http.HandlerFunc) (*httptest.Server, *renderSlots) {
	t.Helper()
	s := New(nil, Options{RenderSlots: n})
	s.renderSlots = newRenderSlots(n, queue)
	srv := httptest.NewServer(s.limited(h))
	t.Cleanup(srv.Close)
	return srv, s.renderSlots
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5 s for %s", what)
		}
	}
}

func TestRenderSlotsBoundRendersAndServeInOrder(t *testing.T) {
	var rendering, most atomic.Int32
	var mu sync.Mutex
	var order []int
	srv, _ := slotTestServer(t, 2, 64, func(w http.ResponseWriter, r *http.Request) {
		now := rendering.Add(1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		rendering.Add(-1)
		mu.Lock()
		order = append(order, atoiOr(r.URL.Query().Get("n")))
		mu.Unlock()
		fmt.Fprint(w, "page")
	})
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			resp, err := http.Get(fmt.Sprintf("%s/?n=%d", srv.URL, i))
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(body) != "page" {
				t.Errorf("request %d: %d %q", i, resp.StatusCode, body)
			}
		})
		time.Sleep(3 * time.Millisecond) // asked in this order
	}
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Errorf("%d pages rendered at once, want 2", m)
	}
	// Waiting requests render in the order they came: after the first
	// two, none overtakes one asked 3 ms before it.
	for i := 3; i < len(order); i++ {
		if order[i] < order[i-1] && order[i-1]-order[i] > 1 {
			t.Errorf("rendered in the order %v: requests overtook others", order)
			break
		}
	}
}

func atoiOr(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

func TestRenderSlotIsFreedWhenTheAnswerStarts(t *testing.T) {
	// One slot. The first request writes its page, then stays (as a slow
	// client keeps a response open): the second must still render.
	release := make(chan struct{})
	srv, _ := slotTestServer(t, 1, 64, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "page")
		if r.URL.Query().Get("stay") != "" {
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Error(err)
			}
			<-release
		}
	})
	defer close(release)
	first, err := http.Get(srv.URL + "/?stay=1")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Body.Close()
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	select {
	case status := <-done:
		if status != http.StatusOK {
			t.Errorf("second request: status %d", status)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second request waited for a slot the first one held while answering")
	}
}

func TestRenderQueueFullIsAnswered503(t *testing.T) {
	hold := make(chan struct{})
	started := make(chan struct{}, 8)
	srv, rs := slotTestServer(t, 1, 1, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-hold
		fmt.Fprint(w, "page")
	})
	var wg sync.WaitGroup
	statuses := make(chan int, 2)
	for range 2 { // one renders, one waits
		wg.Go(func() {
			resp, err := http.Get(srv.URL + "/")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	<-started
	waitFor(t, "the second request to queue", func() bool { return len(rs.waiting) == 2 })
	third, err := http.Get(srv.URL + "/api/versions")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(third.Body)
	third.Body.Close()
	if third.StatusCode != http.StatusServiceUnavailable || third.Header.Get("Retry-After") == "" || !strings.HasPrefix(third.Header.Get("Content-Type"), "application/json") {
		t.Errorf("with the queue full: status %d, Retry-After %q, %s %q; want 503, a Retry-After and a JSON error",
			third.StatusCode, third.Header.Get("Retry-After"), third.Header.Get("Content-Type"), body)
	}
	close(hold)
	wg.Wait()
	close(statuses)
	for status := range statuses {
		if status != http.StatusOK {
			t.Errorf("queued request: status %d, want 200", status)
		}
	}
}

func TestRequestGoneWhileWaitingIsNotRendered(t *testing.T) {
	hold := make(chan struct{})
	var rendered atomic.Int32
	srv, rs := slotTestServer(t, 1, 8, func(w http.ResponseWriter, r *http.Request) {
		rendered.Add(1)
		if r.URL.Query().Get("hold") != "" {
			<-hold
		}
		fmt.Fprint(w, "page")
	})
	go func() {
		if resp, err := http.Get(srv.URL + "/?hold=1"); err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, "the first render", func() bool { return rendered.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("request answered %d while the only slot was held", resp.StatusCode)
	}
	waitFor(t, "the server to see the client leave", func() bool { return len(rs.waiting) == 1 })
	close(hold)
	waitFor(t, "the slot to be free", func() bool { return len(rs.slots) == 0 })
	if n := rendered.Load(); n != 1 {
		t.Errorf("%d renders, want 1: the request that left was rendered", n)
	}
}

func TestRequestGoneWhileWaitingLeavesNoPageKept(t *testing.T) {
	site := newTestSite(t)
	server := New(archive.NewView(site.st, 0), Options{Logger: slog.New(slog.DiscardHandler), RenderSlots: 1})
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	rs := server.renderSlots
	rs.slots <- struct{}{} // another page is rendering

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("home page answered %d while the only slot was held", resp.StatusCode)
	}
	waitFor(t, "the server to see the client leave", func() bool { return len(rs.waiting) == 0 })
	<-rs.slots

	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "</html>") {
		t.Errorf("home page after a client left it waiting: status %d, %d bytes; want the whole page, not one kept empty", resp.StatusCode, len(body))
	}
}
