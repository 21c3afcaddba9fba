package browser

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/extract"
)

// benchPages and benchHosts: 100 pages on 10 hosts, so that tabs are not
// held back by the one-page-at-a-time rule of a host.
const (
	benchPages = 100
	benchHosts = 10
)

// BenchmarkRender renders 100 pages whose policy a script fetches and
// inserts (the shape of a single-page app), with 1, 2 and 4 tabs, each in
// a browser of its own, started before the clock runs. It reports pages
// per second, the CPU time a page costs Chromium and this process (which
// the machine's other work does not change, as it changes the rate), and
// the peak memory of Chromium's process tree (RSS, and PSS, which counts
// shared pages once) and of this process.
//
//	go test -run '^$' -bench BenchmarkRender -benchtime 1x ./browser/
func BenchmarkRender(b *testing.B) {
	if _, err := FindChromium(""); err != nil {
		b.Skipf("skipped: %v", err)
	}
	var sites []*site
	paragraphs := strings.Repeat(`<p>We keep your name, your e-mail address and the pages you read for as long as you have an account, and thirty days after.</p>`, 40)
	for range benchHosts {
		s := newSite(b, map[string]string{
			"/app.js": `fetch('/policy.json').then((r) => r.json()).then((p) => {
  const main = document.createElement('main'); main.id = 'policy'; main.innerHTML = p.html; document.body.append(main);
});`,
		})
		for i := range benchPages / benchHosts {
			s.html(fmt.Sprintf("/privacy/%d", i), `<!doctype html><html><head><title>Privacy</title><script src="/app.js" defer></script></head><body><div class="spinner">Loading…</div></body></html>`)
		}
		s.handle("/policy.json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"html": %q}`, "<h1>Privacy Policy</h1>"+paragraphs)
		})
		sites = append(sites, s)
	}
	var sources []crawler.Source
	for i := range benchPages / benchHosts {
		for _, s := range sites {
			sources = append(sources, crawler.Source{URL: s.url(fmt.Sprintf("/privacy/%d", i)), Rules: extract.Options{Select: extract.CSS("#policy")}})
		}
	}
	for _, tabs := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("tabs=%d", tabs), func(b *testing.B) {
			br := New(Config{Tabs: tabs})
			defer br.Close()
			c := crawlerFor(sites...)
			if _, f := br.Render(context.Background(), c, sources[0], false); f != nil {
				b.Fatal(f) // starts the browser
			}
			br.TakeStats()
			br.mu.Lock()
			root := br.proc.pid
			br.mu.Unlock()
			chromiumBefore, goBefore := treeCPU(root), selfCPU()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				work := make(chan crawler.Source)
				var wg sync.WaitGroup
				for range tabs {
					wg.Go(func() {
						for src := range work {
							if _, f := br.Render(context.Background(), c, src, false); f != nil {
								b.Error(f)
							}
						}
					})
				}
				for _, src := range sources {
					work <- src
				}
				close(work)
				wg.Wait()
			}
			elapsed := time.Since(start)
			b.StopTimer()
			st := br.TakeStats()
			pages := float64(benchPages * b.N)
			b.ReportMetric(pages/elapsed.Seconds(), "pages/s")
			b.ReportMetric((treeCPU(root)-chromiumBefore).Seconds()*1000/pages, "chromium-CPU-ms/page")
			b.ReportMetric((selfCPU()-goBefore).Seconds()*1000/pages, "go-CPU-ms/page")
			b.ReportMetric(float64(st.Peak.RSS>>20), "chromium-peak-RSS-MB")
			b.ReportMetric(float64(st.Peak.PSS>>20), "chromium-peak-PSS-MB")
			b.ReportMetric(float64(selfPeakRSS()>>20), "go-peak-RSS-MB")
		})
	}
}

// clockTick is the unit of /proc/PID/stat's times (USER_HZ), 1/100 s on
// Linux.
const clockTick = 10 * time.Millisecond

// treeCPU is the CPU time Chromium's processes have used: each live
// process's own and its reaped children's (a renderer that exited counts
// in the process that reaped it), from /proc.
func treeCPU(root int) time.Duration {
	var total time.Duration
	for _, p := range treeProcesses(root) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
		if err != nil {
			continue
		}
		end := bytes.LastIndexByte(stat, ')')
		fields := strings.Fields(string(stat[end+1:]))
		// After the command: state is field 3, utime 14 … cstime 17.
		for _, i := range []int{14, 15, 16, 17} {
			if n, err := strconv.ParseInt(fields[i-3], 10, 64); err == nil {
				total += time.Duration(n) * clockTick
			}
		}
	}
	return total
}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// selfPeakRSS is this process's peak resident set (VmHWM), in bytes.
func selfPeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return kbField(b, "VmHWM:")
}

// BenchmarkTabCost measures what a fresh tab in a fresh browser context
// costs Chromium, as every page gets one, against navigating a tab that
// exists already (to about:blank, which loads nothing): the CPU of
// Chromium's process tree per operation.
//
//	go test -run '^$' -bench BenchmarkTabCost -benchtime 20x ./browser/
func BenchmarkTabCost(b *testing.B) {
	if _, err := FindChromium(""); err != nil {
		b.Skipf("skipped: %v", err)
	}
	for _, fresh := range []bool{true, false} {
		name := "existing-tab"
		if fresh {
			name = "fresh-tab-and-context"
		}
		b.Run(name, func(b *testing.B) {
			br := New(Config{Tabs: 1})
			defer br.Close()
			p, err := br.running(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			existing, err := openTab(context.Background(), p)
			if err != nil {
				b.Fatal(err)
			}
			defer existing.close()
			before := treeCPU(p.pid)
			b.ResetTimer()
			for range b.N {
				if fresh {
					t, err := openTab(context.Background(), p)
					if err != nil {
						b.Fatal(err)
					}
					t.close()
					continue
				}
				if err := chromedp.Do(existing.ctx, chromedp.Navigate("about:blank")); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric((treeCPU(p.pid)-before).Seconds()*1000/float64(b.N), "chromium-CPU-ms/op")
		})
	}
}
