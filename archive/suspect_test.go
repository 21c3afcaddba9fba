package archive

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
)

func longPolicy(paragraphs int) string {
	var b strings.Builder
	b.WriteString("# Privacy Policy\n\n")
	for i := range paragraphs {
		b.WriteString("We keep the data of feature ")
		b.WriteString(strings.Repeat("x", i%7+1))
		b.WriteString(" for as long as your account exists, and delete it when you ask.\n\n")
	}
	return b.String()
}

func crawlCapture(at time.Time, text string) Capture {
	c := markdownCapture(at, text)
	c.Source = "crawl"
	return c
}

func TestSuspectShrinkIsHeldUntilConfirmed(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "X", Type: "Privacy Policy"}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	full, cut := longPolicy(40), longPolicy(8)
	out := record(t, a, ref, crawlCapture(t0, full))

	_, err := a.Record(context.Background(), ref, crawlCapture(t0.Add(time.Hour), cut))
	if FailureClass(err) != capture.Suspect {
		t.Fatalf("a capture with 20%% of the text: %v, want a suspect failure", err)
	}
	if n := len(versionsOf(t, st, out.DocumentID)); n != 1 {
		t.Fatalf("%d versions after a suspect capture", n)
	}
	// Back to normal: the hold is dropped, nothing new.
	if o := record(t, a, ref, crawlCapture(t0.Add(2*time.Hour), full)); o.NewVersion {
		t.Fatal("the full text again made a new version")
	}
	// Shrunk once more: held again, since the previous hold was dropped.
	if _, err := a.Record(context.Background(), ref, crawlCapture(t0.Add(3*time.Hour), cut)); FailureClass(err) != capture.Suspect {
		t.Fatalf("shrunk again: %v", err)
	}
	// Confirmed by the next fetch: a version.
	if o := record(t, a, ref, crawlCapture(t0.Add(4*time.Hour), cut)); !o.NewVersion {
		t.Fatal("the confirmed short text did not become a version")
	}
	if n := len(versionsOf(t, st, out.DocumentID)); n != 2 {
		t.Errorf("%d versions, want 2", n)
	}
	fetches, err := st.Fetches(context.Background(), out.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	suspects := 0
	for _, f := range fetches {
		if f.ErrorClass == string(capture.Suspect) {
			suspects++
			if f.SnapshotHash == "" || !strings.Contains(f.Error, "shrank") {
				t.Errorf("suspect fetch %+v: its bytes must be kept and the message explain", f)
			}
		}
	}
	if suspects != 2 {
		t.Errorf("%d suspect fetches, want 2", suspects)
	}
}

func TestImportsAreNotHeldAndTheThresholdIsSettable(t *testing.T) {
	a, st := newArchive(t)
	ref := DocumentRef{Service: "X", Type: "Privacy Policy"}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	record(t, a, ref, markdownCapture(t0, longPolicy(40)))
	if o := record(t, a, ref, markdownCapture(t0.Add(time.Hour), longPolicy(8))); !o.NewVersion {
		t.Error("an imported shorter text was held: imports are deliberate")
	}
	if err := a.SetShrinkThreshold(0.9); err != nil {
		t.Fatal(err)
	}
	if o := record(t, a, ref, crawlCapture(t0.Add(2*time.Hour), longPolicy(2))); !o.NewVersion {
		t.Error("with a 90 % threshold, losing 75 % was held")
	}
	if err := a.SetShrinkThreshold(0); err == nil {
		t.Error("threshold 0 accepted")
	}
	_ = st
}

func TestSelectorMissingAndEmptyAreTold(t *testing.T) {
	a, _ := newArchive(t)
	ref := DocumentRef{Service: "X", Type: "Privacy Policy"}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	page := Capture{At: at, Source: "crawl", ContentType: "text/html",
		Content: []byte("<html><body><div class='new-layout'><p>Policy text here.</p></div></body></html>"),
		Rules:   extract.Options{Select: extract.CSS("main")}}
	_, err := a.Record(context.Background(), ref, page)
	if FailureClass(err) != capture.SelectorMissing || !strings.Contains(err.Error(), `"main"`) {
		t.Errorf("missing selector: %v", err)
	}
	blank := Capture{At: at.Add(time.Hour), Source: "crawl", ContentType: "text/html", Content: []byte("<html><body><main> </main></body></html>")}
	_, err = a.Record(context.Background(), ref, blank)
	if FailureClass(err) != capture.Empty || !errors.Is(err, extract.ErrNoText) {
		t.Errorf("empty page: %v", err)
	}
}

func TestCombinedCaptureIsOneSnapshotOfAllParts(t *testing.T) {
	parts := []Part{
		{URL: "https://example.com/a", ContentType: "text/html", Content: []byte("<html><body><article><h1>A</h1><p>First part text.</p></article><nav>menu</nav></body></html>")},
		{URL: "https://example.com/b", ContentType: "text/html; charset=windows-1252", Content: []byte("<html><body><section><h1>B</h1><p>Second part caf\xe9.</p></section></body></html>")},
	}
	content, contentType, err := CombineParts(parts)
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := CombineParts(parts)
	if string(again) != string(content) {
		t.Error("combining the same parts twice gave different snapshots")
	}
	if !strings.Contains(string(content), "caf\xe9") {
		t.Error("the combined snapshot does not hold the raw bytes")
	}
	a, st := newArchive(t)
	ref := DocumentRef{Service: "X", Type: "Privacy Policy"}
	c := Capture{At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Source: "crawl", ContentType: contentType, Content: content,
		PartRules: []extract.Options{{Select: extract.CSS("article")}, {Select: extract.CSS("section")}}}
	out := record(t, a, ref, c)
	v, err := st.Version(context.Background(), out.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Markdown, "First part text.") || !strings.Contains(v.Markdown, "Second part café.") || strings.Contains(v.Markdown, "menu") {
		t.Errorf("combined version:\n%s", v.Markdown)
	}
	c.At = c.At.Add(time.Hour)
	c.PartRules[1] = extract.Options{Select: extract.CSS("#gone")}
	if _, err := a.Record(context.Background(), ref, c); FailureClass(err) != capture.SelectorMissing || !strings.Contains(err.Error(), "part 2") {
		t.Errorf("a combined capture whose part 2 lost its selector: %v", err)
	}
	if n := len(versionsOf(t, st, out.DocumentID)); n != 1 {
		t.Errorf("%d versions, want 1", n)
	}
	if _, _, err := CombineParts([]Part{parts[0], {URL: "https://example.com/c"}}); err == nil {
		t.Error("an empty part was combined")
	}
}
