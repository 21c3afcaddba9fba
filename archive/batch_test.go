package archive

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// cookieHistory is the demo's cookie-policy captures, oldest first.
func cookieHistory(t *testing.T) []Capture {
	t.Helper()
	entries, err := fs.ReadDir(bundle, cookiesDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var captures []Capture
	for _, n := range names {
		at, ok := DateFromName(n)
		if !ok {
			t.Fatalf("%s: no date", n)
		}
		captures = append(captures, markdownCapture(at, string(readBundle(t, path.Join(cookiesDir, n)))))
	}
	return captures
}

// archiveContents is what an archive holds of its documents, ids
// included: two archives recorded the same way hold the same.
func archiveContents(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&b, "document %d %s / %s, %d versions\n", d.ID, d.Service, d.Type, d.Versions)
		vs, err := st.Versions(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range vs {
			v, err := st.Version(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			texts := sha256.Sum256(append([]byte(v.Markdown), v.Sections...))
			v.Markdown, v.Sections = "", nil
			fmt.Fprintf(&b, "version %+v, texts %x\nmark flip-flop %v with %d", v, texts[:8], s.Mark.FlipFlop, s.Mark.FlipFlopWith)
			for _, to := range []*store.VersionRef{s.Mark.RevertsTo, s.Mark.ReturnsTo} {
				if to != nil {
					fmt.Fprintf(&b, ", to %d of %s", to.ID, to.CapturedAt)
				} else {
					b.WriteString(", to none")
				}
			}
			b.WriteByte('\n')
		}
		changes, err := st.Changes(ctx, store.ChangeFilter{DocumentID: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			fmt.Fprintf(&b, "change %+v\n", c)
		}
		fetches, err := st.Fetches(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fetches {
			fmt.Fprintf(&b, "fetch %+v\n", f)
		}
	}
	return b.String()
}

// TestRecordBatchStoresWhatRecordStores: the demo's cookie-policy history
// (its first 20 captures, with flip-flops), with a capture of the same text again, an
// older capture arriving late and one that cannot be extracted, recorded
// in batches, gives the archive that Record gives capture by capture:
// the same versions, changes (stories, excerpts), marks and fetches.
func TestRecordBatchStoresWhatRecordStores(t *testing.T) {
	history := cookieHistory(t)[:20] // to mid-2024: the rebrand and the flip-flops
	captures := append([]Capture(nil), history...)
	again := history[12]
	again.At = again.At.Add(1)
	late := history[3]
	late.At = history[2].At.Add(-1) // same text as a later version, captured before the one before it
	broken := Capture{At: history[15].At.Add(2), Source: "import", ContentType: "application/octet-stream", Content: []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0}}
	captures = append(captures[:13], append([]Capture{again}, captures[13:]...)...)
	captures = append(captures, late, broken)

	one, oneStore := newArchive(t)
	ctx := context.Background()
	var oneErrs int
	for _, c := range captures {
		if _, err := one.Record(ctx, cookiesRef, c); err != nil {
			oneErrs++
		}
	}
	batched, batchedStore := newArchive(t)
	var outcomes []Outcome
	var batchErrs error
	for start := 0; start < len(captures); start += 9 {
		outs, err := batched.RecordBatch(ctx, cookiesRef, captures[start:min(start+9, len(captures))])
		batchErrs = errors.Join(batchErrs, err)
		outcomes = append(outcomes, outs...)
	}
	if oneErrs != 1 || batchErrs == nil || strings.Count(batchErrs.Error(), "recording") != 1 {
		t.Errorf("the capture that cannot be extracted: Record failed %d times, RecordBatch said %v; want it once", oneErrs, batchErrs)
	}
	if len(outcomes) != len(captures) {
		t.Fatalf("%d outcomes for %d captures", len(outcomes), len(captures))
	}
	want, got := archiveContents(t, oneStore), archiveContents(t, batchedStore)
	if got != want {
		wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
		for i := range min(len(wl), len(gl)) {
			if wl[i] != gl[i] {
				t.Fatalf("batched archive differs at line %d:\n%.600s\nwant\n%.600s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("batched archive has %d lines, want %d", len(gl), len(wl))
	}
	if !strings.Contains(want, "flip-flop true") || !strings.Contains(want, "Story:") {
		t.Error("the history holds no flip-flop or no story: the test compares too little")
	}
}

func TestRecordBatchRefusesWhatItCannotHold(t *testing.T) {
	a, st := newArchive(t)
	ctx := context.Background()
	large := Capture{At: day(t, "2024-01-01"), ContentType: "text/plain", Content: []byte(strings.Repeat("word ", largeCapture/5+1))}
	if _, err := a.RecordBatch(ctx, cookiesRef, []Capture{large}); err == nil || !strings.Contains(err.Error(), "one by one") {
		t.Errorf("a batch with a capture of %d bytes: %v; want it refused", len(large.Content), err)
	}
	var many []Capture
	page := []byte(strings.Repeat("word ", (largeCapture-1)/5))
	for i := range maxBatchBytes/len(page) + 1 {
		many = append(many, Capture{At: day(t, "2024-01-01").AddDate(0, 0, i), ContentType: "text/plain", Content: page})
	}
	if _, err := a.RecordBatch(ctx, cookiesRef, many); err == nil || !strings.Contains(err.Error(), "smaller batches") {
		t.Errorf("a batch of %d captures of %d bytes: %v; want it refused", len(many), len(page), err)
	}
	if _, err := a.RecordBatch(ctx, DocumentRef{Type: "Privacy Policy"}, []Capture{markdownCapture(day(t, "2024-01-01"), "# T\n\ntext")}); err == nil {
		t.Error("a batch for a document without a service was accepted")
	}
	if docs, err := st.Documents(ctx, store.DocumentFilter{}); err != nil || len(docs) != 0 {
		t.Errorf("refused batches stored %v, %v", docs, err)
	}
}

// TestRecordBatchUsesTheChangesItComputed: in a batch of captures in
// order, every change but the first comes from the computation before
// the transaction, and equals the one computed inside it.
func TestRecordBatchUsesTheChangesItComputed(t *testing.T) {
	history := cookieHistory(t)[:12]
	items := make([]batchItem, len(history))
	for i, c := range history {
		items[i] = batchItem{c: withDefaults(cookiesRef, c), at: c.At.UTC()}
	}
	if err := prepareBatch(context.Background(), items, cookiesRef.Type); err != nil {
		t.Fatal(err)
	}
	computed := 0
	for i, it := range items {
		if it.change == nil {
			continue
		}
		computed++
		// What Record computes: both documents read back from their
		// stored sections.
		fromDoc, err := decodeDocument(items[i-1].candidate)
		if err != nil {
			t.Fatal(err)
		}
		toDoc, err := decodeDocument(it.candidate)
		if err != nil {
			t.Fatal(err)
		}
		want, err := changeOf(0, 0, 0, diff.Compare(fromDoc, toDoc))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*it.change, want) {
			t.Errorf("change into capture %d computed before the transaction:\n%+v\nwant\n%+v", i, *it.change, want)
		}
	}
	if computed < 8 {
		t.Errorf("%d changes computed before the transaction for %d captures, want most", computed, len(items))
	}
}
