package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// The home page's index of services: one line a service, its documents as
// links and the day of its latest change. An archive of 10,000 documents
// has some 2,500 services; a page lists 100 of them, and what a reader
// scans for is a name. The lines are written here rather than in the
// template because the template spent most of the page's time on them
// (four actions a document, each a reflective call); every text in them
// is escaped with html.EscapeString, every link is a path we make.

// serviceIndex writes the lines of services, each an <li>.
func serviceIndex(services []serviceDocuments) template.HTML {
	var b strings.Builder
	b.Grow(len(services) * 320)
	for _, svc := range services {
		b.WriteString(`<li><a href="`)
		b.WriteString(html.EscapeString(servicePath(svc.Name)))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(svc.Name))
		b.WriteString(`</a>`)
		var latest time.Time
		if len(svc.Documents) > 0 {
			b.WriteString(` <span class="docs">`)
			for i, d := range svc.Documents {
				if i > 0 {
					b.WriteString(` · `)
				}
				b.WriteString(`<a href="/documents/`)
				b.WriteString(strconv.FormatInt(d.ID, 10))
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(d.Type))
				b.WriteString(`</a>`)
				if d.LastChange.After(latest) {
					latest = d.LastChange
				}
			}
			b.WriteString(`</span>`)
		} else {
			b.WriteString(` <span class="empty">no documents yet</span>`)
		}
		if !latest.IsZero() {
			b.WriteString(` <span class="when">last change <time datetime="`)
			b.WriteString(latest.UTC().Format(time.RFC3339))
			b.WriteString(`">`)
			b.WriteString(formatDate(latest))
			b.WriteString(`</time></span>`)
		}
		b.WriteString("</li>\n")
	}
	return template.HTML(b.String())
}
