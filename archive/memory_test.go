package archive

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// recordLimitMB is what recording a capture just under the crawler's 20 MB
// limit may take, at the peak, in resident memory: the first capture of a
// page, and the next one, changed, which is also compared with the version
// before it, read back from the store.
const recordLimitMB = 200

// TestRecording20MBCapturesStaysUnderTheLimit records a 20 MB page of
// policy text, then the same page with a paragraph changed, in a process of
// its own (this test binary, run again), and reads that process's peak
// resident memory during each.
func TestRecording20MBCapturesStaysUnderTheLimit(t *testing.T) {
	storetest.SQLiteOnly(t, "measures the memory of recording into a SQLite file")
	if os.Getenv("POLICYWATCH_RECORD_CHILD") != "" {
		recordLargeCaptureChild(t)
		return
	}
	if raceEnabled {
		t.Skip("the race detector multiplies memory; .ci/run runs this test without it")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("peak resident memory is read from /proc")
	}
	cmd := osexec.Command(os.Args[0], "-test.run", "^TestRecording20MBCapturesStaysUnderTheLimit$")
	cmd.Env = append(os.Environ(), "POLICYWATCH_RECORD_CHILD="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	measured := 0
	for _, line := range strings.Split(string(out), "\n") {
		var which, took string
		var size, peak int
		if _, err := fmt.Sscanf(line, "recorded the %s capture: %d bytes in %s peak %d MB", &which, &size, &took, &peak); err != nil {
			continue
		}
		measured++
		t.Logf("the %s capture, %d bytes, recorded in %s, peak resident memory %d MB", which, size, took, peak)
		if peak > recordLimitMB {
			t.Errorf("recording the %s %d-byte capture peaked at %d MB of resident memory, want at most %d", which, size, peak, recordLimitMB)
		}
	}
	if measured != 2 {
		t.Fatalf("the child measured %d captures, want 2:\n%s", measured, out)
	}
	if os.Getenv(peakWhereEnv) != "" {
		t.Logf("where the child was at each peak:\n%s", out)
	}
}

// peakWhereEnv, set, has the child say where each peak was: the
// recording's stack and the heap (live, and freed but not given back) at
// the highest resident memory sampled, every millisecond.
const peakWhereEnv = "POLICYWATCH_RECORD_WHERE"

// samplePeak samples the process's resident memory until stop is closed,
// then sends where the highest sample was taken.
func samplePeak(stop <-chan struct{}, where chan<- string) {
	highest, at := 0, ""
	for {
		select {
		case <-stop:
			where <- fmt.Sprintf("highest sample %d MB: %s", highest, at)
			return
		case <-time.After(time.Millisecond):
		}
		status, err := os.ReadFile("/proc/self/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			rest, ok := strings.CutPrefix(line, "VmRSS:")
			if !ok {
				continue
			}
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil || kb/1024 <= highest {
				break
			}
			highest = kb / 1024
			heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/free:bytes"}}
			metrics.Read(heap)
			stacks := make([]byte, 1<<16)
			stacks = stacks[:runtime.Stack(stacks, true)]
			at = fmt.Sprintf("heap objects %d MB, heap freed but not given back %d MB, in\n", heap[0].Value.Uint64()>>20, heap[1].Value.Uint64()>>20)
			for _, g := range strings.Split(string(stacks), "\n\n") {
				if strings.Contains(g, "recordLargeCaptureChild(") && !strings.Contains(g, "samplePeak") {
					at += g
				}
			}
		}
	}
}

func recordLargeCaptureChild(t *testing.T) {
	content := largePolicyPage(t, 20<<20-4096)
	st, err := store.Open(context.Background(), filepath.Join(os.Getenv("POLICYWATCH_RECORD_CHILD"), "large.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, ref := New(st), DocumentRef{Service: "Large", Type: "Privacy Policy", URL: "https://large.example/privacy"}
	at := time.Now()
	for _, which := range []string{"first", "second"} {
		if which == "second" {
			// The page changed: a paragraph in its middle says something
			// else, in the bytes the crawler holds (one copy, as a crawl
			// holds one page).
			mid := bytes.Index(content[len(content)/2:], []byte("<p>")) + len(content)/2
			copy(content[mid+3:], "Changed: we now keep your data longer than we said. ")
			at = at.Add(12 * time.Hour)
		}
		// Measure from the process as a crawler holding the page would be:
		// the page built, garbage returned, the peak reset.
		debug.FreeOSMemory()
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // Linux: VmHWM := VmRSS
		stop, where := make(chan struct{}), make(chan string)
		if os.Getenv(peakWhereEnv) != "" {
			go samplePeak(stop, where)
		}
		start := time.Now()
		out, err := a.Record(context.Background(), ref,
			Capture{At: at, Source: "crawl", ContentType: "text/html; charset=utf-8", Content: content})
		if err != nil || !out.NewVersion || (which == "second") != (out.Change != nil) {
			t.Fatalf("record the %s capture: %+v, %v", which, out, err)
		}
		if os.Getenv(peakWhereEnv) != "" {
			close(stop)
			fmt.Printf("the %s capture's %s\n", which, <-where)
		}
		fmt.Printf("recorded the %s capture: %d bytes in %s peak %d MB\n", which, len(content), time.Since(start).Round(time.Millisecond), peakResidentMB(t))
	}
}

// largePolicyPage is X's privacy policy as HTML (headings, paragraphs,
// lists, links), its sections repeated and numbered up to size bytes,
// inside a page with navigation and a script, as crawled pages come.
func largePolicyPage(t *testing.T, size int) []byte {
	text := string(readBundle(t, "twitter-x-history/privacy-policy/2023-09-29T18-34-56Z.md"))
	var body strings.Builder
	for _, block := range strings.Split(text, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		switch {
		case len(lines) == 2 && strings.Trim(lines[1], "=-") == "":
			fmt.Fprintf(&body, "<h2>%s</h2>\n", html.EscapeString(lines[0]))
		case strings.HasPrefix(lines[0], "* ") || strings.HasPrefix(lines[0], "- "):
			body.WriteString("<ul>")
			for _, l := range lines {
				fmt.Fprintf(&body, "<li>%s</li>", html.EscapeString(strings.TrimLeft(l, "*- ")))
			}
			body.WriteString("</ul>\n")
		default:
			fmt.Fprintf(&body, "<p>%s <a href=\"/privacy#%d\">more</a></p>\n", html.EscapeString(strings.Join(lines, " ")), len(lines))
		}
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Privacy Policy</title>` +
		`<script>window.config = {"locale": "en", "features": [1, 2, 3]};</script></head><body>` +
		`<nav><a href="/">Home</a> <a href="/help">Help</a> <a href="/tos">Terms</a></nav><main><h1>Privacy Policy</h1>`)
	const tail = `</main><footer><p>© X Corp.</p></footer></body></html>`
	for part := 1; b.Len()+body.Len()+len(tail)+64 < size; part++ {
		fmt.Fprintf(&b, "<section><h2>Part %d</h2>\n%s</section>\n", part, body.String())
	}
	b.WriteString(tail)
	return b.Bytes()
}

// peakResidentMB is this process's peak resident memory (VmHWM).
func peakResidentMB(t *testing.T) int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatalf("VmHWM %q: %v", rest, err)
			}
			return kb / 1024
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
