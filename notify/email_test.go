package notify

import (
	"context"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/daytest"
	"github.com/policywatch/policywatch/store"
)

// parsedMail is a received message, decoded: the subject and both parts.
type parsedMail struct {
	header     mail.Header
	subject    string
	text, html string
}

func parseMail(t *testing.T, raw string) parsedMail {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, raw)
	}
	p := parsedMail{header: m.Header}
	if p.subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatalf("Subject %q: %v", m.Header.Get("Subject"), err)
	}
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(part) // quoted-printable, decoded by the reader
		if err != nil {
			t.Fatal(err)
		}
		body := strings.ReplaceAll(string(raw), "\r\n", "\n") // lines end in CRLF on the wire
		switch ct := part.Header.Get("Content-Type"); ct {
		case "text/plain; charset=utf-8":
			p.text = body
		case "text/html; charset=utf-8":
			p.html = body
		default:
			t.Errorf("unexpected part %q", ct)
		}
	}
	// html/template writes some characters as references ("+" as "&#43;").
	p.html = html.UnescapeString(p.html)
	if p.text == "" || p.html == "" {
		t.Fatalf("a part is missing: text %d bytes, HTML %d bytes", len(p.text), len(p.html))
	}
	return p
}

func smtpConfig(s *smtpServer) *SMTPConfig {
	c := &SMTPConfig{Host: "127.0.0.1", Port: s.port(), User: s.user, Password: s.password,
		From: "policywatch <alerts@policywatch.example.org>", Timeout: 5 * time.Second}
	if s.tls != nil {
		c.TLS = s.clientTLS()
	}
	return c
}

func TestEmailOneMessagePerChangeOverSTARTTLS(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	srv := startSMTP(t, true, "alerts", "s3cret")
	sub := subscribe(t, st, Request{Email: "desk@example.org"})
	out := recordRebrand(t, st)
	w := newWorker(t, st, Options{Now: newClock().Now, SMTP: smtpConfig(srv), BaseURL: "https://pw.example.org"})
	if pass := runOnce(t, w); pass.Delivered != 1 {
		t.Fatalf("pass: %+v", pass)
	}
	msgs := srv.messages()
	if len(msgs) != 1 || !msgs[0].tls || msgs[0].to[0] != "<desk@example.org>" || msgs[0].from != "<alerts@policywatch.example.org>" {
		t.Fatalf("messages: %+v", msgs)
	}
	if a := srv.auths(); len(a) != 1 || !a[0].tls || !a[0].ok {
		t.Errorf("AUTH: %+v, want one, over TLS", a)
	}
	m := parseMail(t, msgs[0].data)
	changes, err := st.Changes(ctx, store.ChangeFilter{DocumentID: out.DocumentID})
	if err != nil || len(changes) != 1 {
		t.Fatal(changes, err)
	}
	c := changes[0]
	if !strings.Contains(m.subject, "X / Trackers Policy changed: ") || !strings.Contains(m.subject, "Twitter → X") {
		t.Errorf("subject %q", m.subject)
	}
	if raw := m.header.Get("Subject"); !strings.Contains(raw, "=?utf-8?q?") {
		t.Errorf("the non-ASCII subject is not encoded: %q", raw)
	}
	for name, body := range map[string]string{"text": m.text, "HTML": m.html} {
		for _, want := range []string{c.Summary, "Twitter → X", "/documents/", "subscribe remove " + itoa(sub.ID)} {
			if !strings.Contains(body, want) {
				t.Errorf("the %s part does not say %q:\n%s", name, want, body)
			}
		}
	}
	if c.Excerpt == "" || !strings.Contains(m.html, html.UnescapeString(c.Excerpt)) {
		t.Errorf("the HTML part lacks the stored excerpt (%d bytes)", len(c.Excerpt))
	}
	if strings.Contains(m.text, "<ins") || strings.Contains(m.text, "<del") {
		t.Errorf("the text part holds HTML")
	}
	if id := m.header.Get("Message-ID"); !strings.Contains(id, deliveriesOf(t, st, store.DeliveryFilter{})[0].WebhookID) {
		t.Errorf("Message-ID %q is not the delivery's id", id)
	}
}

func TestNoPasswordOverPlainTextUnlessInsecure(t *testing.T) {
	st := openStore(t)
	srv := startSMTP(t, false, "alerts", "s3cret") // offers no STARTTLS
	subscribe(t, st, Request{Email: "desk@example.org"})
	recordRebrand(t, st)
	clk := newClock()
	w := newWorker(t, st, Options{Now: clk.Now, SMTP: smtpConfig(srv)})
	if pass := runOnce(t, w); pass.Retrying != 1 {
		t.Fatalf("pass: %+v", pass)
	}
	d := deliveriesOf(t, st, store.DeliveryFilter{})[0]
	if !strings.Contains(d.LastError, "refusing to send the password") || len(srv.auths()) != 0 || len(srv.messages()) != 0 {
		t.Fatalf("error %q; the server saw %d AUTH and %d messages", d.LastError, len(srv.auths()), len(srv.messages()))
	}
	insecure := smtpConfig(srv)
	insecure.Insecure = true
	clk.Advance(time.Hour)
	if pass := runOnce(t, newWorker(t, st, Options{Now: clk.Now, SMTP: insecure})); pass.Delivered != 1 {
		t.Fatalf("with Insecure: %+v", pass)
	}
}

func TestEmailWaitsWithoutSMTP(t *testing.T) {
	st := openStore(t)
	subscribe(t, st, Request{Email: "desk@example.org"})
	recordRebrand(t, st)
	if pass := runOnce(t, newWorker(t, st, Options{Now: newClock().Now})); pass.Attempts != 0 {
		t.Fatalf("without SMTP: %+v", pass)
	}
	if d := deliveriesOf(t, st, store.DeliveryFilter{})[0]; d.State != store.StatePending || d.Attempts != 0 {
		t.Errorf("delivery %+v", d.Delivery)
	}
}

func TestDailyDigestOnceADay(t *testing.T) {
	daytest.AwayFromMidnight(t)
	st := openStore(t)
	srv := startSMTP(t, true, "", "")
	subscribe(t, st, Request{Email: "desk@example.org", Digest: true})
	recordRebrand(t, st)
	second := recordFile(t, st, "2024-05-16T06-39-10Z.md", "crawl")
	if second.Change == nil {
		t.Fatal("no second change")
	}
	clk := newClock()
	w := newWorker(t, st, Options{Now: clk.Now, SMTP: smtpConfig(srv)})
	if pass := runOnce(t, w); pass.Attempts != 0 {
		t.Fatalf("a digest went out before the day ended: %+v", pass)
	}
	clk.Advance(24 * time.Hour)
	if pass := runOnce(t, w); pass.Delivered != 2 || pass.Attempts != 2 {
		t.Fatalf("digest pass: %+v", pass)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one digest", len(msgs))
	}
	m := parseMail(t, msgs[0].data)
	if m.subject != "policywatch daily digest: 2 changes (X / Trackers Policy)" {
		t.Errorf("subject %q", m.subject)
	}
	for _, d := range deliveriesOf(t, st, store.DeliveryFilter{}) {
		for name, body := range map[string]string{"text": m.text, "HTML": m.html} {
			if !strings.Contains(body, d.Alert.Change.Summary) {
				t.Errorf("the digest's %s part lacks %q", name, d.Alert.Change.Summary)
			}
		}
	}
	if !strings.Contains(m.text, "Twitter → X") || !strings.Contains(m.text, "2 changes recorded since the last digest") {
		t.Errorf("text part:\n%s", m.text)
	}

	// Another change the same (test) day waits for the next day's digest.
	recordFile(t, st, "2024-05-17T00-38-40Z.md", "crawl")
	clk.Set(daytest.LaterTheSameDay(clk.Now()))
	if pass := runOnce(t, w); pass.Attempts != 0 || len(srv.messages()) != 1 {
		t.Fatalf("a second digest on one day: %+v", pass)
	}
	clk.Advance(24 * time.Hour)
	if pass := runOnce(t, w); pass.Delivered != 1 || len(srv.messages()) != 2 {
		t.Fatalf("next day: %+v, %d messages", pass, len(srv.messages()))
	}
	if m := parseMail(t, srv.messages()[1].data); !strings.HasPrefix(m.subject, "policywatch daily digest: 1 change (") {
		t.Errorf("second digest subject %q", m.subject)
	}
}
