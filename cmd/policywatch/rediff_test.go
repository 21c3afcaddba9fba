package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

const privacyHistory = "../../demo/twitter-x-history/privacy-policy"

// derivedData is what rediff computes of a document: its changes and its
// versions' marks, by version id.
type derivedData struct {
	changes map[int64]store.Change
	marks   map[int64]store.HistoryMark
}

func readDerived(t *testing.T, db string, documentID int64) derivedData {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	versions, err := st.Versions(ctx, documentID)
	if err != nil {
		t.Fatal(err)
	}
	d := derivedData{changes: map[int64]store.Change{}, marks: map[int64]store.HistoryMark{}}
	for _, v := range versions {
		d.marks[v.ID] = v.Mark
	}
	changes, err := st.Changes(ctx, store.ChangeFilter{DocumentID: documentID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		c.Change.ID = 0 // compared by the versions it joins
		d.changes[c.ToVersionID] = c.Change
	}
	return d
}

func documentIDOf(t *testing.T, db, service, docType string) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, err := st.Documents(ctx, store.DocumentFilter{Service: service, Type: docType})
	if err != nil || len(docs) != 1 {
		t.Fatalf("document %s / %s: %v, %v", service, docType, docs, err)
	}
	return docs[0].ID
}

// TestRediffRecomputesStaleChangesAndMarks: changes and marks left by an
// older release (other stamps, other summaries and classes, marks gone)
// are computed again by rediff, as a fresh import computed them, for the
// document that holds them only; a second run finds nothing to do.
func TestRediffRecomputesStaleChangesAndMarks(t *testing.T) {
	db := filepath.Join(t.TempDir(), "stale.db")
	importedHistory(t, &cookiesAndPrivacyTemplate, db)
	cookies := documentIDOf(t, db, "X", "Trackers Policy")
	privacy := documentIDOf(t, db, "X", "Privacy Policy")
	fresh, freshPrivacy := readDerived(t, db, cookies), readDerived(t, db, privacy)
	marked := 0
	for _, m := range fresh.marks {
		if m != (store.HistoryMark{}) {
			marked++
		}
	}
	if len(fresh.changes) < 10 || marked == 0 {
		t.Fatalf("the cookie policy's history has %d changes and %d marked versions: too few to test rediff", len(fresh.changes), marked)
	}

	// As an older release left the cookie policy: other stamps, other
	// derived values, no marks.
	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"UPDATE changes SET class = 'substantive', magnitude = 'major', summary = 'stale summary', story = '', excerpt = '', differ = 'diff-2020.1.1' WHERE document_id = ?",
		"DELETE FROM history_marks WHERE document_id = ?",
		"UPDATE documents SET marks_release = 'marks-2020.1.1' WHERE id = ?",
	} {
		if _, err := raw.Exec(q, cookies); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	if stale := readDerived(t, db, cookies); reflect.DeepEqual(stale, fresh) {
		t.Fatal("the stale rows read as the fresh ones: the test changes nothing")
	}

	r := runCommand(t, nil, "rediff", "--db", db)
	if r.code != exitOK {
		t.Fatalf("rediff: exit %d: %s", r.code, r.stderr)
	}
	t.Logf("rediff:\n%s", r.stdout)
	perDocument := fmt.Sprintf("X / Trackers Policy: %d changes recomputed, marks of %d versions written\n", len(fresh.changes), marked)
	total := fmt.Sprintf("1 documents had older derived data: %d changes recomputed, marks of %d versions written\n", len(fresh.changes), marked)
	if !strings.Contains(r.stdout, perDocument) || !strings.Contains(r.stdout, total) || strings.Contains(r.stdout, "Privacy Policy") {
		t.Errorf("rediff said:\n%s\nwant %q and %q, and nothing of the privacy policy", r.stdout, perDocument, total)
	}
	after := readDerived(t, db, cookies)
	for to, want := range fresh.changes {
		got := after.changes[to]
		if got.Differ != diff.Release || !reflect.DeepEqual(got, want) {
			t.Errorf("change into version %d after rediff:\n%+v\nwant, as the import computed it,\n%+v", to, got, want)
		}
	}
	if !reflect.DeepEqual(after.marks, fresh.marks) {
		t.Errorf("marks after rediff:\n%+v\nwant\n%+v", after.marks, fresh.marks)
	}
	if !reflect.DeepEqual(readDerived(t, db, privacy), freshPrivacy) {
		t.Error("rediff changed the privacy policy, whose derived data was current")
	}
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := st.Documents(ctx, store.DocumentFilter{StaleFor: archive.CurrentReleases()})
	st.Close()
	if err != nil || len(stale) != 0 {
		t.Errorf("after rediff, documents with older derived data: %v, %v; want none", stale, err)
	}

	r = runCommand(t, nil, "rediff", "--db", db)
	if r.code != exitOK || !strings.Contains(r.stdout, "0 documents had older derived data") {
		t.Errorf("a second rediff: exit %d, %q %q; want nothing to do", r.code, r.stdout, r.stderr)
	}
}
