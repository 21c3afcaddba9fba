package archive

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

// recordLimitMB is what recording a capture just under the crawler's 20 MB
// limit may take, at the peak, in resident memory.
const recordLimitMB = 200

// TestRecordingA20MBCaptureStaysUnder200MB records a 20 MB page of policy
// text in a process of its own (this test binary, run again) and reads
// that process's peak resident memory.
func TestRecordingA20MBCaptureStaysUnder200MB(t *testing.T) {
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
	cmd := osexec.Command(os.Args[0], "-test.run", "^TestRecordingA20MBCaptureStaysUnder200MB$")
	cmd.Env = append(os.Environ(), "POLICYWATCH_RECORD_CHILD="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var peak, size int
	var took string
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "recorded "); ok {
			fmt.Sscanf(rest, "%d bytes in %s peak %d MB", &size, &took, &peak)
		}
	}
	if peak == 0 {
		t.Fatalf("the child said no peak:\n%s", out)
	}
	t.Logf("a capture of %d bytes recorded in %s, peak resident memory %d MB", size, took, peak)
	if peak > recordLimitMB {
		t.Errorf("recording a %d-byte capture peaked at %d MB of resident memory, want at most %d", size, peak, recordLimitMB)
	}
}

func recordLargeCaptureChild(t *testing.T) {
	content := largePolicyPage(t, 20<<20-4096)
	// Measure from the process as a crawler holding the page would be: the
	// page built, its builder's garbage returned, the peak reset.
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // Linux: VmHWM := VmRSS
	st, err := store.Open(context.Background(), filepath.Join(os.Getenv("POLICYWATCH_RECORD_CHILD"), "large.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	out, err := New(st).Record(context.Background(), DocumentRef{Service: "Large", Type: "Privacy Policy", URL: "https://large.example/privacy"},
		Capture{At: time.Now(), Source: "crawl", ContentType: "text/html; charset=utf-8", Content: content})
	if err != nil || !out.NewVersion {
		t.Fatalf("record: %+v, %v", out, err)
	}
	fmt.Printf("recorded %d bytes in %s peak %d MB\n", len(content), time.Since(start).Round(time.Millisecond), peakResidentMB(t))
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
