package otaimport

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/store"
)

// A 2022 collection holds each Community Guidelines subtype as a file of
// its own; today's declaration combines their pages into one document.
// Each file is one page of it, never the whole: it is imported as the
// document Open Terms Archive kept it as, extracted with its own page's
// rules, and two pages never make one document's false second version.
func TestRetiredSubtypesAreImportedAsTheirOwnDocuments(t *testing.T) {
	root := t.TempDir()
	decl, snaps, versions := filepath.Join(root, "declarations"), filepath.Join(root, "snapshots"), filepath.Join(root, "versions")
	writeFiles(t, decl, map[string]string{
		"Facebook.json": `{"name": "Facebook", "terms": {
			"Community Guidelines": {"fetch": "https://fb.example/standards", "select": "main"},
			"Community Guidelines - Hate Speech": {"fetch": "https://fb.example/hate", "select": "#hate"},
			"Community Guidelines - Spam": {"fetch": "https://fb.example/spam", "select": "#spam"}}}`,
	})
	page := func(id, text string) string {
		return `<html><body><main><h1>Standards</h1><p>Not this part.</p></main><div id="` + id + `"><h1>Rules</h1><p>` + text + `</p></div></body></html>`
	}
	buildRepo(t, snaps, []fakeCommit{
		{day("2022-03-01T00:00:00Z"), "First record of Facebook Community Guidelines - Hate Speech",
			map[string]string{"Facebook/Community Guidelines - Hate Speech.html": page("hate", "We remove attacks on people.")}},
		{day("2022-03-02T00:00:00Z"), "First record of Facebook Community Guidelines - Spam",
			map[string]string{"Facebook/Community Guidelines - Spam.html": page("spam", "Do not post one link again and again.")}},
	})
	buildRepo(t, versions, []fakeCommit{
		{day("2022-03-01T00:00:00Z"), "First record of Facebook Community Guidelines - Hate Speech",
			map[string]string{"Facebook/Community Guidelines - Hate Speech.md": "# Rules\n\nWe remove attacks on people.\n"}},
		{day("2022-03-02T00:00:00Z"), "First record of Facebook Community Guidelines - Spam",
			map[string]string{"Facebook/Community Guidelines - Spam.md": "# Rules\n\nDo not post one link again and again.\n"}},
	})
	for name, run := range map[string]func(*Importer) (Summary, error){
		"snapshots": func(im *Importer) (Summary, error) { return im.Snapshots(context.Background(), snaps) },
		"versions": func(im *Importer) (Summary, error) {
			return im.Versions(context.Background(), versions, VersionsOptions{})
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := newEnv(t, decl)
			sum, err := run(env.im)
			if err != nil || sum.Captures != 2 || sum.NewVersions != 2 || len(sum.Undeclared) != 0 {
				t.Fatalf("import: %+v, %v; want 2 captures, 2 new versions, all declared", sum, err)
			}
			for typ, text := range map[string]string{
				"Community Guidelines - Hate Speech": "We remove attacks on people.",
				"Community Guidelines - Spam":        "Do not post one link again and again.",
			} {
				got, _ := history(t, env.st, "Facebook", typ)
				if len(got) != 1 || !strings.Contains(got[0].Text, text) || strings.Contains(got[0].Text, "Not this part") {
					t.Errorf("%s: versions %v, want one with only its own page's selection %q", typ, got, text)
				}
			}
			docs, err := env.st.Documents(context.Background(), store.DocumentFilter{Service: "Facebook"})
			if err != nil || len(docs) != 2 {
				t.Errorf("documents %+v, %v; want the two subtypes only: no capture was of the whole Community Guidelines", docs, err)
			}
		})
	}
}
