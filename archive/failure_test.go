package archive

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// The case: remove main takes #policy with it, so select #policy
// matches nothing. The class comes from the extractor's typed error, and
// the message — stored with the fetch, printed by crawl — names the rule
// once, with no "extract: extract:" in front.
func TestFailureMessagesNameTheirClassOnce(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "Acme", Type: "Privacy Policy"}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	page := []byte(`<html><body><main><div id="policy"><h1>Privacy</h1><p>We keep your name.</p></div></main></body></html>`)
	for _, c := range []struct {
		name        string
		capture     Capture
		class       capture.Class
		wantMessage string
	}{
		{"select #policy, remove main", Capture{ContentType: "text/html", Content: page,
			Rules: extract.Options{Select: extract.CSS("#policy"), Remove: extract.CSS("main")}},
			capture.SelectorMissing, `select "#policy" matched nothing`},
		// A message is the extractor's, whole: the rule it names is the
		// one declared, even when its text reads like a prefix.
		{"a selector holding 'extract: '", Capture{ContentType: "text/html", Content: page,
			Rules: extract.Options{Select: extract.CSS(`[title="extract: terms"]`)}},
			capture.SelectorMissing, `select "[title=\"extract: terms\"]" matched nothing`},
		{"JSON without a pointer", Capture{ContentType: "application/json", Content: []byte(`{"privacy": "We keep your name."}`)},
			capture.Extract, "JSON content needs a JSON pointer naming the field that holds the text (such as /privacy)"},
	} {
		c.capture.At, c.capture.Source = at, capture.Crawl
		at = at.Add(time.Hour)
		_, err := a.Record(context.Background(), ref, c.capture)
		if got := FailureClass(err); got != c.class {
			t.Errorf("%s: class %q (%v), want %q", c.name, got, err, c.class)
			continue
		}
		var fe *FailureError
		if !errors.As(err, &fe) || fe.Message != c.wantMessage {
			t.Errorf("%s: message %q, want %q", c.name, fe.Message, c.wantMessage)
		}
		if want := string(c.class) + ": " + c.wantMessage; !strings.HasSuffix(err.Error(), want) || strings.Count(err.Error(), "extract: ") > 1+strings.Count(c.wantMessage, "extract: ") {
			t.Errorf("%s: error %q, want it to end %q, the class named once", c.name, err, want)
		}
	}
	docs, _ := st.Documents(context.Background(), store.DocumentFilter{Service: "Acme"})
	fetches, err := st.Fetches(context.Background(), docs[0].ID)
	if err != nil || len(fetches) != 3 {
		t.Fatalf("fetches %+v, %v", fetches, err)
	}
	for _, f := range fetches {
		if strings.HasPrefix(f.Error, "extract: ") || strings.HasPrefix(f.Error, string(capture.SelectorMissing)) {
			t.Errorf("stored message %q carries a prefix: the class is stored beside it (%q)", f.Error, f.ErrorClass)
		}
	}
}
