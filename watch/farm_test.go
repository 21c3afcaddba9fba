package watch

import (
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/demo"
)

// farm is a local server farm of synthetic policy pages for the workers'
// tests and benchmark: documents spread over several hosts (servers), each
// page a real policy text of the demo bundle with its service's name,
// served politely or not. Edit changes one sentence of a document.
type farm struct {
	servers []*httptest.Server
	pages   []string // the texts the pages are made of
	docs    int

	mu     sync.Mutex
	edited map[int]bool
	// requests are the document fetches, in order; active counts the
	// requests in flight per host, overlaps the times one began while
	// another to its host was in flight.
	requests []farmRequest
	active   map[string]int
	ended    map[string]time.Time
	overlaps int
	tooSoon  int // requests to a host sooner than rest after the last
	rest     time.Duration
	// slowAgent's requests take slow: a worker caught mid-fetch when killed.
	slowAgent string
	slow      time.Duration
}

type farmRequest struct {
	doc   int
	agent string
}

// farmTexts are the demo bundle's texts the pages are made of: the short
// ones, so that the farm's CPU goes to crawling and recording.
var farmTexts = []string{"twitter-x/x-data-processing.txt", "twitter-x/twitter-business-partners.txt", "twitter-x/x-cookies-policy.txt"}

func newFarm(t testing.TB, docs, hosts int) *farm {
	t.Helper()
	f := &farm{docs: docs, edited: map[int]bool{}, active: map[string]int{}, ended: map[string]time.Time{}}
	for _, name := range farmTexts {
		b, err := fs.ReadFile(demo.Files(), name)
		if err != nil {
			t.Fatal(err)
		}
		f.pages = append(f.pages, pageOf(string(b)))
	}
	for range hosts {
		ts := httptest.NewServer(f)
		t.Cleanup(ts.Close)
		f.servers = append(f.servers, ts)
	}
	return f
}

// pageOf renders a text's paragraphs as an HTML page, %s standing for the
// service's name and %d for the edit.
func pageOf(text string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>%[1]s</title></head><body><nav>Home · Help · %[1]s</nav><main>")
	editAt := false
	for i, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		p = strings.ReplaceAll(html.EscapeString(strings.TrimLeft(p, "# ")), "%", "%%")
		p = strings.NewReplacer("Twitter", "%[1]s", " X ", " %[1]s ").Replace(p)
		if i == 0 {
			fmt.Fprintf(&b, "<h1>%s</h1>", p)
			continue
		}
		fmt.Fprintf(&b, "<p>%s</p>", p)
		if i == 3 {
			b.WriteString("%[2]s")
			editAt = true
		}
	}
	if !editAt {
		b.WriteString("%[2]s")
	}
	b.WriteString("</main><footer>© %[1]s</footer></body></html>")
	return b.String()
}

func (f *farm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		return
	}
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/policy/"))
	if err != nil || n < 0 || n >= f.docs {
		http.NotFound(w, r)
		return
	}
	agent := r.UserAgent()
	f.mu.Lock()
	if f.active[r.Host] > 0 {
		f.overlaps++
	}
	if last, ok := f.ended[r.Host]; ok && f.rest > 0 && time.Since(last) < f.rest-time.Millisecond {
		f.tooSoon++
	}
	f.active[r.Host]++
	f.requests = append(f.requests, farmRequest{doc: n, agent: agent})
	edited := f.edited[n]
	slow := f.slowAgent != "" && agent == f.slowAgent
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.active[r.Host]--
		f.ended[r.Host] = time.Now()
		f.mu.Unlock()
	}()
	if slow {
		select {
		case <-time.After(f.slow):
		case <-r.Context().Done():
			return
		}
	}
	edit := ""
	if edited {
		edit = fmt.Sprintf("<p>From now on, %s keeps the data of document %d for 30 days only.</p>", serviceOf(n), n)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, f.pages[n%len(f.pages)], serviceOf(n), edit)
}

func serviceOf(n int) string { return fmt.Sprintf("Farm Service %05d", n) }

// urls are the farm's servers' URLs.
func (f *farm) urls() []string {
	urls := make([]string, len(f.servers))
	for i, ts := range f.servers {
		urls[i] = ts.URL
	}
	return urls
}

// farmTargets are the documents of a farm of docs documents on the
// servers at urls, as crawl targets (a worker process is given urls).
func farmTargets(urls []string, docs int) []crawler.Target {
	targets := make([]crawler.Target, docs)
	for n := range targets {
		targets[n] = crawler.Target{Service: serviceOf(n), Type: "Privacy Policy",
			Sources: []crawler.Source{{URL: fmt.Sprintf("%s/policy/%d", urls[n%len(urls)], n)}}}
	}
	return targets
}

// edit changes document n's text from now on.
func (f *farm) edit(n int) {
	f.mu.Lock()
	f.edited[n] = true
	f.mu.Unlock()
}

// since returns the requests made after the first mark of them.
func (f *farm) since(mark int) []farmRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]farmRequest(nil), f.requests[mark:]...)
}

func (f *farm) mark() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}
