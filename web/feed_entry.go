package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/policywatch/policywatch/diff"
)

// This file writes a feed entry's texts: its title, its summary and its
// content, an HTML fragment made of the change's stored story and excerpt.
// Feed readers show it without our style sheet, so styles are inline.

// entryView is what the entry template shows. Every string is crawled text
// or made from it; the template escapes all but Excerpt, which the diff
// package made with html/template when the change was recorded.
type entryView struct {
	Summary      string
	Facts        string
	Sections     []string
	Subs         []string
	Effective    []string
	Sentences    []diff.ChangedSentence
	Excerpt      template.HTML
	Truncated    bool
	DiffURL      string
	DocumentURL  string
	DocumentName string
}

var entryTemplate = template.Must(template.New("entry").Parse(`<p>{{.Summary}}</p>
<p><small>{{.Facts}}</small></p>
{{- if .Sections}}
<h3>Sections touched</h3>
<ul>{{range .Sections}}<li>{{.}}</li>{{end}}</ul>
{{- end}}
{{- if .Subs}}
<h3>Replaced throughout</h3>
<ul>{{range .Subs}}<li>{{.}}</li>{{end}}</ul>
{{- end}}
{{- if .Effective}}
<h3>When it takes effect</h3>
{{range .Effective}}<blockquote>{{.}}</blockquote>{{end}}
{{- end}}
{{- if .Sentences}}
<h3>Sentences changed</h3>
<ul>{{range .Sentences}}<li><em>In ‘{{.Section}}’:</em>
{{- if .Old}}<br><del style="background:#fbd9d9">{{.Old}}</del>{{end}}
{{- if .New}}<br><ins style="background:#d7f5dd;text-decoration:none">{{.New}}</ins>{{end}}</li>{{end}}</ul>
{{- end}}
{{- if .Excerpt}}
<h3>The changed text</h3>
{{.Excerpt}}
{{- if .Truncated}}
<p><strong>This diff is shortened to fit the feed.</strong> <a href="{{.DiffURL}}">Read the full diff</a>.</p>
{{- end}}
{{- end}}
<p><a href="{{.DiffURL}}">Full diff</a> · <a href="{{.DocumentURL}}">History of {{.DocumentName}}</a></p>
`))

// entrySections is how many sections an entry lists: a rewrite of the
// whole policy touches dozens, which the diff page shows better.
const entrySections = 12

// feedEntry turns a stored change into an entry. Changes recorded before
// stories and excerpts were stored have neither: their entry carries the
// summary, the substitutions and the links.
func (s *Server) feedEntry(c changeItem) (feedEntry, error) {
	var story diff.Story
	if len(c.Story) > 0 {
		if err := json.Unmarshal(c.Story, &story); err != nil {
			// Not worth failing a feed for: the entry falls back to the summary.
			s.log.Warn("feed: undecodable story", "change", c.ID, "err", err)
			story = diff.Story{}
		}
	}
	subs := story.Substitutions
	if len(subs) == 0 {
		subs = c.Substitutions
	}
	e := feedEntry{
		ID:           changeURN(c.Change),
		Summary:      cleanText(entrySummaryLine(c)),
		URL:          s.absolute(c.DiffPath()),
		DocumentURL:  s.absolute(documentPath(c.DocumentID)),
		Published:    c.ToAt.UTC(),
		Updated:      c.ToAt.UTC(),
		Service:      cleanText(c.Service),
		DocumentType: cleanText(c.DocumentType),
		Class:        c.Class,
		Magnitude:    c.Magnitude,
		WordsAdded:   c.WordsAdded,
		WordsRemoved: c.WordsRemoved,
		FromVersion:  c.FromVersionID,
		ToVersion:    c.ToVersionID,
		Truncated:    c.ExcerptTruncated,
	}
	e.Title = fmt.Sprintf("%s %s — %s: %s", e.Service, e.DocumentType, classAndMagnitude(c.Class, c.Magnitude), e.Summary)
	for _, sub := range subs {
		sub.From, sub.To = cleanText(sub.From), cleanText(sub.To)
		e.Subs = append(e.Subs, sub)
	}

	view := entryView{
		Summary:      e.Summary,
		Facts:        entryFacts(c),
		Effective:    cleanTexts(story.Effective),
		Excerpt:      template.HTML(cleanText(c.Excerpt)),
		Truncated:    c.ExcerptTruncated,
		DiffURL:      e.URL,
		DocumentURL:  e.DocumentURL,
		DocumentName: e.Service + " " + e.DocumentType,
	}
	for i, sc := range story.Sections {
		if i == entrySections {
			view.Sections = append(view.Sections, fmt.Sprintf("and %d more sections: see the full diff", len(story.Sections)-i))
			break
		}
		view.Sections = append(view.Sections, cleanText(sectionLine(sc)))
	}
	for _, sub := range e.Subs {
		view.Subs = append(view.Subs, sub.String())
	}
	for _, sent := range story.Sentences {
		view.Sentences = append(view.Sentences, diff.ChangedSentence{
			Section: cleanText(sent.Section), Old: cleanText(sent.Old), New: cleanText(sent.New),
		})
	}
	var b bytes.Buffer
	if err := entryTemplate.Execute(&b, view); err != nil {
		return feedEntry{}, fmt.Errorf("rendering the feed entry of change %d: %w", c.ID, err)
	}
	e.ContentHTML = b.String()
	return e, nil
}

func entrySummaryLine(c changeItem) string {
	if c.Summary != "" {
		return c.Summary
	}
	return fmt.Sprintf("%s change, %s", c.Class, wordCounts(c.WordsAdded, c.WordsRemoved))
}

func classAndMagnitude(class, magnitude string) string {
	if magnitude == "" {
		return class
	}
	return class + ", " + magnitude
}

// entryFacts is the line under the summary: class, dates, word counts.
func entryFacts(c changeItem) string {
	return fmt.Sprintf("%s change to %s %s, captured %s (the version before: %s); %s.",
		capitalize(classAndMagnitude(c.Class, c.Magnitude)), cleanText(c.Service), cleanText(c.DocumentType),
		formatDateTime(c.ToAt), formatDateTime(c.FromAt), wordCounts(c.WordsAdded, c.WordsRemoved))
}

// wordCounts is "+12 −3 words", leaving out a zero count.
func wordCounts(added, removed int) string {
	switch {
	case added == 0 && removed == 0:
		return "no words added or removed"
	case removed == 0:
		return fmt.Sprintf("+%s words", formatCount(added))
	case added == 0:
		return fmt.Sprintf("−%s words", formatCount(removed))
	}
	return fmt.Sprintf("+%s −%s words", formatCount(added), formatCount(removed))
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// sectionLine tells what happened to one section, by its name.
func sectionLine(sc diff.SectionChange) string {
	name := "‘" + sc.Heading + "’"
	switch sc.Kind {
	case "added", "removed":
		if sc.WordsAdded+sc.WordsRemoved == 0 { // a heading alone
			return name + " " + sc.Kind
		}
		return fmt.Sprintf("%s %s (%s)", name, sc.Kind, wordCounts(sc.WordsAdded, sc.WordsRemoved))
	case "renamed":
		return fmt.Sprintf("‘%s’ renamed %s", sc.OldHeading, name)
	case "moved":
		return name + " moved"
	case "substituted":
		return name + ": substitutions only"
	case "links":
		return name + ": link targets only"
	}
	line := fmt.Sprintf("%s %s (%s)", name, sc.Kind, wordCounts(sc.WordsAdded, sc.WordsRemoved))
	if sc.OldHeading != "" {
		line += fmt.Sprintf(", formerly ‘%s’", sc.OldHeading)
	}
	return line
}

// cleanText makes s safe for every feed format: invalid UTF-8 and the
// characters XML 1.0 forbids (C0 controls but tab, newline and carriage
// return; U+FFFE, U+FFFF) become U+FFFD. Escaping is left to the encoders.
func cleanText(s string) string {
	if xmlClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if !xmlChar(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func cleanTexts(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = cleanText(s)
	}
	return out
}

func xmlClean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !xmlChar(r) {
			return false
		}
	}
	return true
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune
}
