package storetest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/store"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var policy = archive.DocumentRef{Service: "Example", Type: "Privacy Policy"}

func record(ctx context.Context, st *store.Store, day int, text string) (archive.Outcome, error) {
	return archive.New(st).Record(ctx, policy, archive.Capture{
		At:     time.Date(2026, 1, day, 12, 0, 0, 0, time.UTC),
		Source: "import", ContentType: "text/markdown", Content: []byte(text),
	})
}

func versionsOf(t *testing.T, st *store.Store) int {
	t.Helper()
	docs, err := st.Documents(context.Background(), store.DocumentFilter{})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents: %v, %v", docs, err)
	}
	return docs[0].Versions
}

// A template is filled once per pass; each copy starts from what was
// filled, with what Fill returned, and what one test writes to its copy
// is not in the next one's; removed, it is filled again.
func TestTemplateIsFilledOnceAndCopiedApart(t *testing.T) {
	fills := 0
	tp := storetest.Template{Fill: func(ctx context.Context, db string) (any, error) {
		fills++
		st, err := store.Open(ctx, db)
		if err != nil {
			return nil, err
		}
		out, err := record(ctx, st, 1, "# Policy\n\nWe keep your data.\n")
		if closeErr := st.Close(); err == nil {
			err = closeErr
		}
		return out.VersionID, err
	}}
	for i := range 2 {
		db, facts := tp.Copy(t, "copy.db")
		st := storetest.OpenAt(t, db)
		if versions := versionsOf(t, st); versions != 1 {
			t.Fatalf("copy %d: %d versions, want the template's 1", i, versions)
		}
		if _, err := st.Version(context.Background(), facts.(int64)); err != nil {
			t.Fatalf("copy %d: the version Fill recorded: %v", i, err)
		}
		if _, err := record(context.Background(), st, 2+i, "# Policy\n\nWe sell your data.\n"); err != nil {
			t.Fatal(err)
		}
		if versions := versionsOf(t, st); versions != 2 {
			t.Fatalf("copy %d: %d versions after recording a change, want 2", i, versions)
		}
	}
	if fills != 1 {
		t.Errorf("filled %d times, want once", fills)
	}
	// Removed (as after a pass), it is filled again when next copied.
	storetest.RemoveTemplates()
	db, _ := tp.Copy(t, "again.db")
	if versions := versionsOf(t, storetest.OpenAt(t, db)); fills != 2 || versions != 1 {
		t.Errorf("after RemoveTemplates: filled %d times in all, want 2; the copy has %d versions, want 1", fills, versions)
	}
}
