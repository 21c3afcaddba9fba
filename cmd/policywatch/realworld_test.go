package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// otaHistories holds real capture histories: three documents × 40 raw
// captures, their declarations, and the snapshots at which Open Terms
// Archive recorded a version (testdata/ota-histories/README.md).
const otaHistories = "../../testdata/ota-histories"

// otaExpectation is a history's expected.json.
type otaExpectation struct {
	Service  string   `json:"service"`
	Type     string   `json:"type"`
	Window   []string `json:"window"`
	Versions []struct {
		Snapshot string `json:"snapshot"`
		Subject  string `json:"subject"`
	} `json:"ota_versions_in_window"`
}

// textChanges are the snapshots where Open Terms Archive recorded a change
// of text; its other commits ("Apply technical or declaration upgrade")
// re-extract an existing snapshot and change nothing a reader sees.
func (e otaExpectation) textChanges() []string {
	var out []string
	for _, v := range e.Versions {
		for _, prefix := range []string{"Record", "Update", "First", "Start"} {
			if strings.HasPrefix(v.Subject, prefix) {
				out = append(out, v.Snapshot)
				break
			}
		}
	}
	return out
}

// TestRealHistoriesGiveOpenTermsArchiveVersions imports each real history,
// re-extracts it with its published declarations, and asserts the versions
// fall exactly where Open Terms Archive's do: a version at the first
// capture of the window, then one at each snapshot whose text changed, and
// none anywhere else — no rotating token, obfuscated address or filter
// left undone may make a false version.
func TestRealHistoriesGiveOpenTermsArchiveVersions(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(otaHistories, "*", "*", "*", "expected.json"))
	if err != nil || len(dirs) != 3 {
		t.Fatalf("want the 3 real histories in %s, found %d (%v)", otaHistories, len(dirs), err)
	}
	for _, expectedFile := range dirs {
		dir := filepath.Dir(expectedFile)
		var want otaExpectation
		if err := json.Unmarshal(fileBytes(t, expectedFile), &want); err != nil {
			t.Fatalf("%s: %v", expectedFile, err)
		}
		t.Run(want.Service, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "history.db")
			r := runCommand(t, nil, "import", "--db", db, "--service", want.Service, "--type", want.Type, filepath.Join(dir, "snapshots"))
			if r.code != exitOK {
				t.Fatalf("import: exit %d: %s", r.code, r.stderr)
			}
			r = runCommand(t, nil, "reextract", "--db", db, "--declarations", filepath.Join(dir, "declarations"))
			if r.code != exitOK {
				t.Fatalf("reextract: exit %d: %s\n%s", r.code, r.stderr, r.stdout)
			}
			if strings.Contains(r.stdout, "could not be read") || strings.Contains(r.stdout, "skipped") {
				t.Errorf("reextract left captures out:\n%s", r.stdout)
			}
			logs := logJSON(t, db)
			if len(logs) != 1 {
				t.Fatalf("want 1 document, got %d", len(logs))
			}
			var got []string
			for _, v := range logs[0].Versions {
				got = append(got, v.CapturedAt.UTC().Format("2006-01-02T15-04-05Z"))
			}
			slices.Sort(got)
			wantAt := append([]string{want.Window[0]}, want.textChanges()...)
			slices.Sort(wantAt)
			if !slices.Equal(got, wantAt) {
				t.Errorf("versions at %q, want exactly %q (Open Terms Archive's)", got, wantAt)
			}
			if n := len(logs[0].Failures); n > 0 {
				t.Errorf("%d captures failed: %+v", n, logs[0].Failures)
			}
		})
	}
}

// TestRealHistoriesDeclarationsParse guards the fixture itself: every
// history's declarations load without errors, so the test above measures
// extraction, not a declaration we could not read.
func TestRealHistoriesDeclarationsParse(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(otaHistories, "*", "*", "*", "declarations"))
	for _, dir := range dirs {
		r := runCommand(t, nil, "check", "--declarations", dir)
		if r.code != exitOK {
			t.Errorf("check %s: exit %d: %s%s", dir, r.code, r.stdout, r.stderr)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) == 0 {
			t.Errorf("%s is empty", dir)
		}
	}
}
