package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/store"
)

// searchCount is how many versions of how many documents a search finds.
func searchCount(t *testing.T, db, input string) (docs, versions int) {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	match, err := store.ParseQuery(input)
	if err != nil {
		t.Fatal(err)
	}
	hits, _, err := st.Search(context.Background(), store.SearchQuery{Match: match})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		versions += len(h.Versions)
	}
	return len(hits), versions
}

func clearSearch(t *testing.T, db string) {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(context.Background(), func(tx *store.Tx) error { return tx.ClearSearch() }); err != nil {
		t.Fatal(err)
	}
}

// A database whose versions are not indexed (one from before search)
// becomes searchable with search-index, and with reextract.
func TestSearchIndexAndReextractIndexVersions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	importedHistory(t, &cookiesTemplate, db)
	// "post" replaced "Tweet" in the rebrand of 2023-09-20: the word is in
	// the 32 versions from then on.
	_, want := searchCount(t, db, `"Tweets"`)
	if _, after := searchCount(t, db, `"posts"`); want == 0 || after == 0 {
		t.Fatalf("the imported history is not searchable: Tweets in %d versions, posts in %d", want, after)
	}

	clearSearch(t, db)
	if docs, _ := searchCount(t, db, `"Tweets"`); docs != 0 {
		t.Fatalf("cleared index still finds %d documents", docs)
	}
	r := runCommand(t, nil, "search-index", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "37 versions of 1 document indexed for search and measured") {
		t.Fatalf("search-index: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if _, got := searchCount(t, db, `"Tweets"`); got != want {
		t.Errorf("after search-index: Tweets in %d versions, want %d", got, want)
	}
	if r := runCommand(t, nil, "search-index", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "0 versions of 0 documents") {
		t.Errorf("second search-index: exit %d, %q", r.code, r.stdout)
	}
	if r := runCommand(t, nil, "search-index", "--rebuild", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "37 versions of 1 document") {
		t.Errorf("search-index --rebuild: exit %d, %q", r.code, r.stdout)
	}

	clearSearch(t, db)
	if r := runCommand(t, nil, "reextract", "--db", db); r.code != 0 {
		t.Fatalf("reextract: exit %d: %s", r.code, r.stderr)
	}
	if _, got := searchCount(t, db, `"Tweets"`); got != want {
		t.Errorf("after reextract: Tweets in %d versions, want %d", got, want)
	}
	if r := runCommand(t, nil, "search-index", "extra"); r.code != exitUsage {
		t.Errorf("extra argument: exit %d", r.code)
	}
}
