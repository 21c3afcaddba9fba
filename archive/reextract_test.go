package archive

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

var reextractRef = DocumentRef{Service: "Example", Type: "Privacy Policy"}

// recordThree records three captures: two texts, the second seen twice.
func recordThree(t *testing.T, a *Archive) {
	t.Helper()
	record(t, a, reextractRef, markdownCapture(day(t, "2024-01-01"), "# Policy\n\nWe collect your name.\n"))
	record(t, a, reextractRef, markdownCapture(day(t, "2024-02-01"), "# Policy\n\nWe collect your name and email.\n"))
	record(t, a, reextractRef, markdownCapture(day(t, "2024-03-01"), "# Policy\n\nWe collect your name and email.\n"))
}

// rawDB opens the store's database for changes no store method makes:
// what an older extractor would have left behind.
func rawDB(t *testing.T, st *store.Store) *sql.DB {
	t.Helper()
	return storetest.RawDB(t, st)
}

func exec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

type historyRow struct {
	id        int64
	extractor string
	markdown  string
}

func history(t *testing.T, st *store.Store) ([]historyRow, []store.ChangeEntry) {
	t.Helper()
	ctx := context.Background()
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents: %v %v", docs, err)
	}
	summaries, err := st.Versions(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var rows []historyRow
	for _, s := range summaries {
		v, err := st.Version(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, historyRow{v.ID, v.Extractor, v.Markdown})
	}
	changes, err := st.Changes(ctx, store.ChangeFilter{DocumentID: docs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	return rows, changes
}

func TestReextractKeepsHistoryWhenNothingChanges(t *testing.T) {
	a, st := newArchive(t)
	recordThree(t, a)
	exec(t, rawDB(t, st), "UPDATE versions SET extractor = 'extract-old'")
	before, changesBefore := history(t, st)
	if len(before) != 2 || len(changesBefore) != 1 {
		t.Fatalf("setup: %d versions, %d changes", len(before), len(changesBefore))
	}

	results, err := a.Reextract(context.Background(), ReextractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].Rewritten || results[0].Before != 2 || results[0].After != 2 {
		t.Fatalf("results %+v, want one document left as it was", results)
	}
	after, changesAfter := history(t, st)
	for i := range after {
		if after[i].id != before[i].id || after[i].markdown != before[i].markdown || after[i].extractor != extract.Release {
			t.Errorf("version %d: %+v, was %+v; want the same id and text, extractor %s", i, after[i], before[i], extract.Release)
		}
	}
	if len(changesAfter) != 1 || changesAfter[0].ID != changesBefore[0].ID {
		t.Errorf("changes %+v, want the same change %d", changesAfter, changesBefore[0].ID)
	}
}

func TestReextractRewritesWhatAnOlderExtractorGotWrong(t *testing.T) {
	a, st := newArchive(t)
	recordThree(t, a)
	db := rawDB(t, st)
	// The older extractor saw both texts as one: only the first version and
	// no change, and it garbled that version's text.
	exec(t, db, "DELETE FROM changes")
	exec(t, db, "DELETE FROM versions WHERE id <> (SELECT min(id) FROM versions)")
	exec(t, db, "UPDATE versions SET markdown = 'garbled', text_hash = 'old', extractor = 'extract-old'")

	results, err := a.Reextract(context.Background(), ReextractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || !results[0].Rewritten || results[0].Before != 1 || results[0].After != 2 {
		t.Fatalf("results %+v, want the history rewritten from 1 to 2 versions", results)
	}
	rows, changes := history(t, st)
	var texts []string
	for _, r := range rows {
		texts = append(texts, r.markdown)
		if r.extractor != extract.Release {
			t.Errorf("version %d made by %q", r.id, r.extractor)
		}
	}
	// Versions are listed newest first.
	if want := []string{"# Policy\n\nWe collect your name and email.\n", "# Policy\n\nWe collect your name.\n"}; !slices.Equal(texts, want) {
		t.Errorf("versions %q, want %q", texts, want)
	}
	if len(changes) != 1 || changes[0].WordsAdded != 2 || changes[0].FromVersionID != rows[1].id || changes[0].ToVersionID != rows[0].id {
		t.Errorf("changes %+v, want one change adding 2 words from the older to the newer version", changes)
	}

	// Running it again changes nothing.
	again, err := a.Reextract(context.Background(), ReextractOptions{})
	if err != nil || again[0].Rewritten {
		t.Errorf("second run: %+v %v, want nothing rewritten", again, err)
	}
	if rows2, _ := history(t, st); !slices.Equal(rows, rows2) {
		t.Errorf("second run changed the versions: %+v → %+v", rows, rows2)
	}
}

func TestReextractReadsCapturesThatFailedBefore(t *testing.T) {
	a, st := newArchive(t)
	recordThree(t, a)
	db := rawDB(t, st)
	// The last capture failed with the older extractor: no version for it.
	exec(t, db, "DELETE FROM changes")
	exec(t, db, "DELETE FROM versions WHERE id <> (SELECT min(id) FROM versions)")
	exec(t, db, "UPDATE fetches SET error_class = 'extract', error = 'old extractor failed' WHERE at > '2024-01-15'")

	results, err := a.Reextract(context.Background(), ReextractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !results[0].Rewritten || results[0].After != 2 {
		t.Errorf("results %+v, want the failed captures to give the second version", results)
	}
}

func TestReextractSkipsCrawledDocumentsWithoutRules(t *testing.T) {
	a, st := newArchive(t)
	recordThree(t, a)
	for _, source := range []capture.Source{capture.Wayback, capture.OTA, capture.Crawl} {
		exec(t, rawDB(t, st), "UPDATE fetches SET source = '"+string(source)+"'")
		results, err := a.Reextract(context.Background(), ReextractOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if results[0].Skipped == "" || results[0].Rewritten {
			t.Errorf("%s captures: results %+v, want the document skipped", source, results)
		}
	}
	withRules, err := a.Reextract(context.Background(), ReextractOptions{
		Rules: func(store.Document, time.Time) (extract.Options, bool) { return extract.Options{}, true },
	})
	if err != nil || withRules[0].Skipped != "" {
		t.Errorf("with rules: %+v %v, want it re-extracted", withRules, err)
	}
}
