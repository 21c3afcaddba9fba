package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
)

func TestLoadRecordsTheWholeBundle(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	calls, lastTotal := 0, 0
	sum, err := Load(ctx, archive.New(st), func(done, total int) { calls, lastTotal = done, total })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Captures != 39+25+5 || calls != sum.Captures || lastTotal != sum.Captures {
		t.Errorf("loaded %d captures (progress %d/%d), want 69", sum.Captures, calls, lastTotal)
	}
	if sum.Documents != len(Sources()) {
		t.Errorf("%d documents, want %d", sum.Documents, len(Sources()))
	}

	docs, err := st.Documents(ctx, store.DocumentFilter{Service: "X", Type: "Trackers Policy"})
	if err != nil || len(docs) != 1 {
		t.Fatalf("X / Trackers Policy (its cookie policy): %v, %v", docs, err)
	}
	versions, err := st.Versions(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	byDay := map[string]store.VersionSummary{}
	for _, v := range versions {
		byDay[v.CapturedAt.Format("2006-01-02")] = v
	}
	before, ok1 := byDay["2022-11-23"]
	rebrand, ok2 := byDay["2023-09-20"]
	if !ok1 || !ok2 {
		t.Fatalf("X / Trackers Policy lacks the versions of 2022-11-23 and 2023-09-20: %d versions", len(versions))
	}
	if rebrand.Change == nil || rebrand.Change.FromVersionID != before.ID {
		t.Fatalf("the 2023-09-20 version does not follow the 2022-11-23 one: %+v", rebrand.Change)
	}
	if !strings.Contains(rebrand.Change.Summary, "Twitter → X") {
		t.Errorf("rebrand summary %q lacks Twitter → X", rebrand.Change.Summary)
	}

	// Loading again into the same database records nothing new.
	again, err := Load(ctx, archive.New(st), nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Versions != 0 {
		t.Errorf("second load made %d new versions, want 0", again.Versions)
	}
}
