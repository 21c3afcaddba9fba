package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/diff"
)

// pageTemplates holds one template set per page, each made of the shared
// layout and the page's own "content".
type pageTemplates struct {
	byName map[string]*template.Template
}

var pageNames = []string{"home", "service", "changes", "document", "version", "diff", "compare", "search", "error"}

var templateFuncs = template.FuncMap{
	"date":         formatDate,
	"datetime":     formatDateTime,
	"isotime":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"num":          formatCount,
	"size":         FormatSize,
	"documentPath": documentPath,
	"versionPath":  versionPath,
	"diffPath":     diffPath,
	"servicePath":  servicePath,
	"headingPath":  func(path []string) string { return strings.Join(path, " › ") },
	"shortHash":    shortHash,
	"inc":          func(n int) int { return n + 1 },
	"dec":          func(n int) int { return n - 1 },
	"policy":       policyHTML,
	"typeName":     typeName,
	"shortURL":     diff.ShortURL,
	"safeURL":      safeURL,
	"sizeBar":      sizeBar,
	"serviceIndex": serviceIndex,
	"readingTime":  readingTime,
	"filterForm":   func(action string, f changeFilter) filterForm { return filterForm{action, f} },
	"compareSide": func(name, label string, services []serviceDocuments, document int64, date string) compareSide {
		return compareSide{Name: name, Label: label, Services: services, Document: document, Date: date}
	},
}

// filterForm is what the change-filter template needs: where the form
// goes, and the filter in force.
type filterForm struct {
	Action string
	Filter changeFilter
}

// compareSide is one side of the compare form.
type compareSide struct {
	Name, Label string
	Services    []serviceDocuments
	Document    int64
	Date        string
}

// timelineCell is one timeline entry with what its template needs.
type timelineCell struct {
	DocumentID int64
	Entry      *timelineEntry
	Largest    int
}

// typeName is a document type as pages name it: Open Terms Archive's
// canonical name, with the name readers may know it by ("Trackers Policy
// (Cookies Policy)").
func typeName(canonical string) string {
	if aliases := declaration.TypeAliases(canonical); len(aliases) > 0 {
		return canonical + " (" + aliases[0] + ")"
	}
	return canonical
}

// safeURL is a document's URL as a link target when it is an absolute
// http or https URL, else "" (the page then shows it as text).
func safeURL(raw string) template.URL {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return template.URL(u.String())
}

func mustParseTemplates() *pageTemplates {
	pt := &pageTemplates{byName: make(map[string]*template.Template)}
	for _, name := range pageNames {
		t := template.Must(template.New(name).Funcs(templateFuncs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html"))
		pt.byName[name] = t
	}
	return pt
}

// page is what the layout needs, with the page's own data in Body.
type page struct {
	Site     string
	Title    string
	FeedPath string // the page's feeds without extension ("/feed"), if any
	Body     any
}

// renderBuffers are the buffers pages are rendered into, kept between
// requests: grown from nothing, a buffer went through a dozen sizes to
// hold a 40–80 KB page, copying it each time.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// largestKeptBuffer: a buffer grown past it by a huge page is let go
// rather than kept for pages that need far less.
const largestKeptBuffer = 1 << 20

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Site = s.title
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= largestKeptBuffer {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := s.pages.byName[name].ExecuteTemplate(buf, "layout", p); err != nil {
		s.log.Error("rendering page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// errorBody is the error page's data.
type errorBody struct {
	Status  int
	Heading string
	Message string
}

func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "error", page{
		Title: http.StatusText(status),
		Body:  errorBody{Status: status, Heading: http.StatusText(status), Message: msg},
	})
}

// fail shows the error page for err with the status it maps to.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.statusOf(r, err)
	s.pageError(w, r, status, msg)
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// formatCount writes n with thousands separators: 12,345.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// FormatSize writes a size in bytes as every page and command shows it:
// decimal units (1 kB = 1,000 bytes), one decimal.
func FormatSize(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
	}
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
