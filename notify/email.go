package notify

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// emailChange is one change as an e-mail tells it.
type emailChange struct {
	Change
	Title            string // "X / Trackers Policy"
	Excerpt          htmltemplate.HTML
	ExcerptTruncated bool
}

// emailView is what the templates render: one change, or a digest's.
type emailView struct {
	Intro          string
	Changes        []emailChange
	SubscriptionID int64
}

func (w *Worker) sendEmail(ctx context.Context, d store.ClaimedDelivery) outcome {
	msg, err := w.composeEmail([]store.ClaimedDelivery{d})
	if err != nil {
		return outcome{err: err.Error()}
	}
	return smtpOutcome(w.opts.SMTP.sendMail(ctx, d.Subscription.Email, msg))
}

func (w *Worker) sendDigest(ctx context.Context, batch []store.ClaimedDelivery) outcome {
	msg, err := w.composeEmail(batch)
	if err != nil {
		return outcome{err: err.Error()}
	}
	return smtpOutcome(w.opts.SMTP.sendMail(ctx, batch[0].Subscription.Email, msg))
}

// composeEmail writes the message for the deliveries of one subscription:
// one change, or a digest of several when the subscription is a digest.
// It is multipart/alternative: plain text (summary and story) and HTML
// (the same, and the stored excerpt of each change).
func (w *Worker) composeEmail(ds []store.ClaimedDelivery) ([]byte, error) {
	sub := ds[0].Subscription
	view := emailView{SubscriptionID: sub.ID}
	for _, d := range ds {
		c, err := changeOf(d.Alert, w.opts.BaseURL)
		if err != nil {
			return nil, err
		}
		view.Changes = append(view.Changes, emailChange{
			Change: c, Title: c.Service + " / " + c.DocumentType,
			// The excerpt is diff's own escaped HTML, built from our
			// structures, never the crawled page's markup.
			Excerpt:          htmltemplate.HTML(d.Alert.Change.Excerpt),
			ExcerptTruncated: d.Alert.Change.ExcerptTruncated,
		})
	}
	var subject, messageID string
	first := view.Changes[0]
	if sub.Digest {
		view.Intro = fmt.Sprintf("%s recorded since the last digest:", plural(len(ds), "change"))
		subject = "policywatch daily digest: " + plural(len(ds), "change") + " (" + digestTitles(view.Changes) + ")"
		messageID = "digest-" + ds[0].WebhookID + "-" + fmt.Sprint(len(ds))
	} else {
		subject = first.Title + " changed: " + first.Summary
		messageID = ds[0].WebhookID
	}
	var text, html bytes.Buffer
	if err := textEmail.Execute(&text, view); err != nil {
		return nil, fmt.Errorf("writing the e-mail: %w", err)
	}
	if err := htmlEmail.Execute(&html, view); err != nil {
		return nil, fmt.Errorf("writing the e-mail: %w", err)
	}
	from := w.opts.SMTP.from()
	return composeMIME(mimeHeader{
		From: from, To: &mail.Address{Address: sub.Email}, Subject: clip(subject, 180),
		Date: w.opts.Now(), MessageID: "<" + messageID + "@" + domainOf(from.Address) + ">",
	}, text.String(), html.String())
}

func digestTitles(cs []emailChange) string {
	var titles []string
	for _, c := range cs {
		if len(titles) == 3 {
			titles = append(titles, "…")
			break
		}
		if !slices.Contains(titles, c.Title) {
			titles = append(titles, c.Title)
		}
	}
	return strings.Join(titles, ", ")
}

type mimeHeader struct {
	From, To  *mail.Address
	Subject   string
	Date      time.Time
	MessageID string
}

// composeMIME writes a multipart/alternative message, headers encoded
// (RFC 2047 Q encoding for a subject such as "Twitter → X"), both parts
// quoted-printable UTF-8.
func composeMIME(h mimeHeader, text, html string) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, part := range []struct{ contentType, content string }{
		{"text/plain; charset=utf-8", text},
		{"text/html; charset=utf-8", html},
	} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(part.content)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	var msg bytes.Buffer
	for _, kv := range [][2]string{
		{"From", h.From.String()},
		{"To", h.To.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", h.Subject)},
		{"Date", h.Date.Format(time.RFC1123Z)},
		{"Message-ID", h.MessageID},
		{"MIME-Version", "1.0"},
		{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})},
		{"Auto-Submitted", "auto-generated"},
	} {
		fmt.Fprintf(&msg, "%s: %s\r\n", kv[0], kv[1])
	}
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}

func domainOf(addr string) string {
	if _, domain, ok := strings.Cut(addr, "@"); ok && domain != "" {
		return domain
	}
	return "policywatch.invalid"
}

// clip cuts s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// describeSection tells one section's change in a few words.
func describeSection(s diff.SectionChange) string {
	out := s.Kind + ": ‘" + s.Heading + "’"
	if s.OldHeading != "" {
		out = s.Kind + ": ‘" + s.OldHeading + "’ → ‘" + s.Heading + "’"
	}
	if s.WordsAdded > 0 || s.WordsRemoved > 0 {
		out += fmt.Sprintf(" (+%d −%d words)", s.WordsAdded, s.WordsRemoved)
	}
	return out
}

func formatDate(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

var emailFuncs = map[string]any{"section": describeSection, "date": formatDate}

var textEmail = texttemplate.Must(texttemplate.New("text").Funcs(emailFuncs).Parse(
	`{{with .Intro}}{{.}}

{{end}}{{range .Changes}}{{.Title}}: {{.Class}}{{with .Magnitude}} ({{.}}){{end}} change
Captured {{date .To.CapturedAt}}; the version before is of {{date .From.CapturedAt}}.

{{.Summary}}
+{{.Stats.WordsAdded}} −{{.Stats.WordsRemoved}} words
{{if .Sections}}
Sections:
{{range .Sections}}  - {{section .}}
{{end}}{{end}}{{if .Substitutions}}
Replaced throughout:
{{range .Substitutions}}  - {{.}}
{{end}}{{end}}{{if .Effective}}
When it takes effect:
{{range .Effective}}  - {{.}}
{{end}}{{end}}{{if .Sentences}}
Sentences that changed:
{{range .Sentences}}  In ‘{{.Section}}’:
{{with .Old}}    was: {{.}}
{{end}}{{with .New}}    now: {{.}}
{{end}}{{end}}{{end}}{{with .Links}}
The whole change: {{.Diff}}
{{end}}
{{end}}--
You receive this because of policywatch subscription {{.SubscriptionID}}.
Stop it with: policywatch subscribe remove {{.SubscriptionID}}
`))

var htmlEmail = htmltemplate.Must(htmltemplate.New("html").Funcs(emailFuncs).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>policywatch</title></head>
<body style="font-family: sans-serif; line-height: 1.4; max-width: 50em">
{{with .Intro}}<p>{{.}}</p>{{end}}
{{range .Changes}}<section style="margin-bottom: 2em">
<h2 style="font-size: 1.2em">{{.Title}}: {{.Class}}{{with .Magnitude}} ({{.}}){{end}} change</h2>
<p style="color: #555">Captured {{date .To.CapturedAt}}; the version before is of {{date .From.CapturedAt}}.</p>
<p><strong>{{.Summary}}</strong><br>+{{.Stats.WordsAdded}} −{{.Stats.WordsRemoved}} words</p>
{{if .Sections}}<h3 style="font-size: 1em">Sections</h3><ul>{{range .Sections}}<li>{{section .}}</li>{{end}}</ul>{{end}}
{{if .Substitutions}}<h3 style="font-size: 1em">Replaced throughout</h3><ul>{{range .Substitutions}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Effective}}<h3 style="font-size: 1em">When it takes effect</h3><ul>{{range .Effective}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Sentences}}<h3 style="font-size: 1em">Sentences that changed</h3><ul>{{range .Sentences}}<li>In ‘{{.Section}}’:
{{with .Old}}<br><del style="color: #a00">{{.}}</del>{{end}}{{with .New}}<br><ins style="color: #070">{{.}}</ins>{{end}}</li>{{end}}</ul>{{end}}
{{if .Excerpt}}<h3 style="font-size: 1em">What changed</h3>
<div style="border-left: 3px solid #ccc; padding-left: 1em">{{.Excerpt}}</div>
{{if .ExcerptTruncated}}<p><em>The excerpt is cut short.</em></p>{{end}}{{end}}
{{with .Links}}<p><a href="{{.Diff}}">The whole change</a> · <a href="{{.Document}}">The document’s history</a></p>{{end}}
</section>
{{end}}<hr>
<p style="color: #555; font-size: 0.9em">You receive this because of policywatch subscription {{.SubscriptionID}}.
Stop it with <code>policywatch subscribe remove {{.SubscriptionID}}</code>.</p>
</body></html>
`))
