package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// A timeline entry is written here rather than in the template: a page
// of 100 versions made some 3,000 template calls, each reflective, and
// they were most of the document page's time. The markup is the one the
// template "timeline-entry" wrote, byte for byte (a test compares them on
// the demo's histories); every text goes through escapeHTML, which
// escapes as html/template does in text and quoted attributes, and every
// link is a path made of ids.

// htmlEscaper escapes like html/template's text and attribute escapers.
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

// timelineEntryHTML writes one entry of a timeline.
func timelineEntryHTML(c timelineCell) template.HTML {
	e := c.Entry
	if e == nil {
		return ""
	}
	var b strings.Builder
	b.Grow(1400)
	w := b.WriteString
	version := escapeHTML(versionPath(c.DocumentID, e.ID))
	w("\n<li class=\"entry")
	if e.Mark.FlipFlop {
		w(" flip-flop")
	}
	w("\">\n  <p class=\"when\"><a href=\"")
	w(version)
	w("\"><time datetime=\"")
	w(escapeHTML(e.CapturedAt.UTC().Format(time.RFC3339)))
	w("\">")
	w(escapeHTML(formatDateTime(e.CapturedAt)))
	w("</time></a></p>\n  <div class=\"what\">\n    <p class=\"headline\">")
	if ch := e.Change; ch != nil {
		w(`<span class="class class-`)
		w(escapeHTML(ch.Class))
		w(`">`)
		w(escapeHTML(ch.Class))
		w(`</span> `)
		if ch.Magnitude != "" {
			w(`<span class="magnitude magnitude-`)
			w(escapeHTML(ch.Magnitude))
			w(`">`)
			w(escapeHTML(ch.Magnitude))
			w(`</span> `)
		}
	}
	switch m := e.Mark; {
	case m.RevertsTo != nil:
		markTo(&b, "reverts to the version of ", m.RevertsTo.CapturedAt)
	case m.ReturnsTo != nil:
		markTo(&b, "returns nearly to the version of ", m.ReturnsTo.CapturedAt)
	}
	if e.Mark.FlipFlop {
		w(`<span class="mark flip-flop" title="changed, then changed back within a short time">flip-flop</span>`)
	}
	if ch := e.Change; ch != nil {
		if ch.Summary != "" {
			w(`<span class="summary">`)
			w(escapeHTML(ch.Summary))
			w(`</span>`)
		}
	} else {
		w(`<span class="first">first version</span>`)
	}
	w("</p>\n    <p class=\"size\">")
	if ch := e.Change; ch != nil {
		w(string(sizeBar(ch.WordsAdded, ch.WordsRemoved, c.Largest)))
		w(` <span class="counts"><span class="words-added" title="words added">+`)
		w(escapeHTML(formatCount(ch.WordsAdded)))
		w(`</span> <span class="words-removed" title="words removed">−`)
		w(escapeHTML(formatCount(ch.WordsRemoved)))
		w(`</span></span> words changed · `)
	}
	w(`<span class="words">`)
	w(escapeHTML(formatCount(e.Words)))
	w(` words</span> · <span class="bytes">`)
	w(escapeHTML(FormatSize(e.Bytes)))
	w(`</span>`)
	if rd := e.Readability; rd != nil {
		w(` · <span class="reading" title="at 238 words a minute">`)
		w(escapeHTML(readingTime(rd.ReadingSeconds)))
		w(` to read</span> · <span class="grade" title="Flesch–Kincaid grade level">grade `)
		w(escapeHTML(strconv.FormatFloat(rd.Grade, 'f', 1, 64)))
		w(`</span>`)
	}
	w("</p>\n  </div>\n  <p class=\"links\">\n    ")
	switch {
	case e.Change != nil:
		w(`<a href="`)
		w(escapeHTML(diffPath(c.DocumentID, e.Change.FromVersionID, e.Change.ToVersionID)))
		w(`">diff</a>`)
	case e.PreviousID != 0:
		w(`<a href="`)
		w(escapeHTML(diffPath(c.DocumentID, e.PreviousID, e.ID)))
		w(`">diff</a>`)
	}
	w("\n    <a href=\"")
	w(version)
	w("\">version</a>\n  </p>\n</li>\n")
	return template.HTML(b.String())
}

// markTo writes a revert or return mark: what, then the day of the
// version it goes back to.
func markTo(b *strings.Builder, what string, at time.Time) {
	b.WriteString(`<span class="mark revert">`)
	b.WriteString(what)
	b.WriteString(`<time datetime="`)
	b.WriteString(escapeHTML(at.UTC().Format(time.RFC3339)))
	b.WriteString(`">`)
	b.WriteString(escapeHTML(formatDate(at)))
	b.WriteString(`</time></span> `)
}

// timelineRowsHTML writes a timeline's rows: each entry, and each run of
// flip-flops folded into a row that opens on its entries. It is what the
// document template's loop over its rows wrote, byte for byte (a test
// compares them); a page of 100 entries made some 600 reflective template
// calls around the entries themselves.
func timelineRowsHTML(docID int64, rows []timelineRow, largest int) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 1400)
	for _, row := range rows {
		b.WriteByte('\n')
		if row.Entry != nil {
			b.WriteString(string(timelineEntryHTML(timelineCell{DocumentID: docID, Entry: row.Entry, Largest: largest})))
		} else {
			b.WriteString("\n<li class=\"run flip-flops\">\n  <details><summary><span class=\"mark flip-flop\">flip-flops</span> ")
			b.WriteString(escapeHTML(row.Label))
			b.WriteString("</summary>\n  <ol class=\"timeline\">")
			for _, e := range row.Run {
				b.WriteString(string(timelineEntryHTML(timelineCell{DocumentID: docID, Entry: e, Largest: largest})))
			}
			b.WriteString("</ol>\n  </details>\n</li>\n")
		}
		b.WriteByte('\n')
	}
	return template.HTML(b.String())
}
