package jsfilter

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
)

// Bad filters fail alone, within their bounds, naming file and function,
// and leave the module and the process fit for the next filter.

const badFilters = `export function loops(document) {
  for (;;) {}
}
export function throws(document) {
  throw new Error('deliberate, on ' + document.title.slice(0, 7));
}
export function callsMissing(document) {
  document.querySelector('body').frobnicate();
}
export function allocates(document) {
  const keep = [];
  for (let i = 0; ; i++) keep.push('x'.repeat(1 << 20) + i);
}
export function recurses(document) {
  return recurses(document) + 1;
}
export async function neverSettles(document) {
  await new Promise(() => {});
}
export async function rejects(document) {
  await null;
  document.querySelector('#no-such-element').remove();
}
export function allocatesInOneCall(document) {
  return new Array(1e9).fill(0);
}
export function works(document) {
  document.body.setAttribute('data-ok', 'yes');
}
`

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestBadFiltersFailAlone(t *testing.T) {
	base := scriptModule(t, "Bad", badFilters)
	margin := 3 * time.Second // slack for -race and a busy machine
	for _, tc := range []struct {
		name   string
		limits Limits
		kind   Kind
		want   string
	}{
		{"loops", Limits{Timeout: 300 * time.Millisecond, MaxHeapGrowth: 256 << 20}, Timeout,
			"Bad.filters.js: loops: ran longer than its time bound of 300ms at Bad.filters.js:"},
		{"throws", DefaultLimits, Thrown, "Bad.filters.js: throws: Error: deliberate, on GET hel at Bad.filters.js:5:9"},
		{"callsMissing", DefaultLimits, Thrown, "Bad.filters.js: callsMissing: TypeError: Object has no member 'frobnicate' at Bad.filters.js:8:"},
		{"allocates", Limits{Timeout: 60 * time.Second, MaxHeapGrowth: 64 << 20}, HeapLimit,
			"Bad.filters.js: allocates: grew the heap by more than its bound of 64 MiB at Bad.filters.js:12:"},
		{"recurses", DefaultLimits, StackLimit, "Bad.filters.js: recurses: RangeError: Maximum call stack size exceeded"},
		{"neverSettles", DefaultLimits, Unsettled, "Bad.filters.js: neverSettles: returned a promise that never settled"},
		{"rejects", DefaultLimits, Thrown, "Bad.filters.js: rejects: TypeError: Cannot read property 'remove' of undefined or null at Bad.filters.js:22:"},
		{"allocatesInOneCall", DefaultLimits, Thrown, "Bad.filters.js: allocatesInOneCall: RangeError: Array.prototype.fill on an array of length: 1000000000 is more than policywatch allows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base.WithLimits(tc.limits)
			page := twitterPage.parse(t)
			runtime.GC()
			heapBefore := heapBytes()
			peak := heapBefore
			done := make(chan struct{})
			sampled := make(chan struct{})
			go func() { // the highest heap the run reaches
				defer close(sampled)
				for {
					select {
					case <-done:
						return
					case <-time.After(time.Millisecond):
						peak = max(peak, heapBytes())
					}
				}
			}()
			start := time.Now()
			err := runFilter(t, m, tc.name, page, twitterPage.url)
			elapsed := time.Since(start)
			close(done)
			<-sampled
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant it to start with %q", err, tc.want)
			}
			if k, ok := KindOf(err); !ok || k != tc.kind {
				t.Errorf("kind %v, want %v", k, tc.kind)
			}
			switch tc.kind {
			case Timeout:
				if elapsed > tc.limits.Timeout+margin {
					t.Errorf("took %v, bound %v", elapsed, tc.limits.Timeout)
				}
			case HeapLimit:
				// Stopped by the heap bound, long before the time bound, with
				// the heap at most one sampling step past the bound.
				if elapsed > tc.limits.Timeout/2 {
					t.Errorf("took %v", elapsed)
				}
				if grown := peak - heapBefore; grown > tc.limits.MaxHeapGrowth+64<<20 {
					t.Errorf("the heap grew %d MiB, bound %d MiB", grown>>20, tc.limits.MaxHeapGrowth>>20)
				}
			default:
				if elapsed > margin {
					t.Errorf("took %v", elapsed)
				}
			}
			// The module still works, and the failed run's memory is gone.
			if err := runFilter(t, m, "works", page, twitterPage.url); err != nil {
				t.Fatalf("the next filter failed: %v", err)
			}
			if v, _ := getAttr(find(t, page, "body"), "data-ok"); v != "yes" {
				t.Error("the next filter did not run")
			}
			runtime.GC()
			if after := heapBytes(); after > heapBefore+32<<20 {
				t.Errorf("heap %d MiB after, %d MiB before", after>>20, heapBefore>>20)
			}
		})
	}
}

func TestSyntaxErrorNamesFileLineColumn(t *testing.T) {
	dir := t.TempDir()
	src := "export function ok(document) {}\n\nexport function broken(document) {\n  document.querySelectorAll('a').forEach(a => {\n    a.remove(\n  });\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "Broken.filters.js"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir, "Broken")
	if err == nil || !strings.Contains(err.Error(), "Broken.filters.js:6:3: SyntaxError: Unexpected token }") {
		t.Errorf("error %v", err)
	}
}

// The heap a watchdog reads is the process's, and goja cannot account
// memory per runtime: a runaway filter beside a good one (crawl runs four
// documents at once) must fail alone, the good one must succeed.
func TestARunawayFilterFailsAloneBesideAGoodOne(t *testing.T) {
	m := scriptModule(t, "Pair", `export function busy(document) {
  // Seconds of work that allocate next to nothing.
  const end = Date.now() + 2000;
  let n = 0;
  while (Date.now() < end) n++;
  document.body.setAttribute('data-busy', 'done');
}
export function runaway(document) {
  // Runs a while first, so that it runaways while the other one runs.
  const start = Date.now() + 100;
  while (Date.now() < start) {}
  const keep = [];
  for (let i = 0; ; i++) keep.push('x'.repeat(1 << 20) + i);
}
`).WithLimits(Limits{Timeout: 30 * time.Second, MaxHeapGrowth: 24 << 20})
	busy, _ := m.Filter("busy", nil, time.Time{})
	runaway, _ := m.Filter("runaway", nil, time.Time{})
	goodPage, badPage := twitterPage.parse(t), twitterPage.parse(t)
	var wg sync.WaitGroup
	var goodErr, badErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		goodErr = busy.Apply(goodPage, extract.FilterContext{URL: twitterPage.url})
	}()
	go func() {
		defer wg.Done()
		badErr = runaway.Apply(badPage, extract.FilterContext{URL: twitterPage.url})
	}()
	wg.Wait()
	if goodErr != nil {
		t.Errorf("the good filter failed beside the runaway one: %v", goodErr)
	} else if v, _ := getAttr(find(t, goodPage, "body"), "data-busy"); v != "done" {
		t.Error("the good filter did not finish its work")
	}
	if k, ok := KindOf(badErr); !ok || k != HeapLimit || !strings.Contains(badErr.Error(), "Pair.filters.js: runaway: grew the heap") {
		t.Errorf("the runaway filter: %v, want it stopped by its heap bound", badErr)
	}
}
