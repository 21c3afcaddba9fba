package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/archive"
)

// realRepos turns one real history into OTA's repositories: a snapshots
// repository with a commit per capture, dated by its file name, and a
// versions repository whose commits cite the snapshot commits as OTA's do.
func realRepos(t *testing.T, dir string, want otaExpectation) (snapshots, versions string) {
	t.Helper()
	// expected.json also names each OTA version's own file (its time).
	var own struct {
		Versions []struct {
			OTAVersion string `json:"ota_version"`
		} `json:"ota_versions_in_window"`
	}
	if err := json.Unmarshal(fileBytes(t, filepath.Join(dir, "expected.json")), &own); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	snapshots, versions = filepath.Join(root, "snapshots"), filepath.Join(root, "versions")
	names, _ := filepath.Glob(filepath.Join(dir, "snapshots", "*.html"))
	slices.Sort(names)
	var stream bytes.Buffer
	file := want.Service + "/" + want.Type
	for _, name := range names {
		at, ok := archive.DateFromName(name)
		if !ok {
			t.Fatalf("%s: no date", name)
		}
		content := fileBytes(t, name)
		msg := "Record new changes of " + want.Service + " " + want.Type
		fmt.Fprintf(&stream, "commit refs/heads/main\nauthor Bot <b@example.org> %d +0000\ncommitter Bot <b@example.org> %d +0000\ndata %d\n%s\nM 100644 inline %s.html\ndata %d\n%s\n",
			at.Unix(), at.Unix(), len(msg), msg, file, len(content), content)
	}
	fastImport(t, snapshots, &stream)
	hashes := strings.Fields(gitOutput(t, snapshots, "rev-list", "--reverse", "HEAD"))
	stream.Reset()
	for k, v := range want.Versions {
		otaVersion := own.Versions[k].OTAVersion
		at, _ := archive.DateFromName(otaVersion + ".md")
		snapAt, _ := archive.DateFromName(v.Snapshot + ".html")
		cited := ""
		for i, name := range names {
			if t2, _ := archive.DateFromName(name); t2.Equal(snapAt) {
				cited = hashes[i]
			}
		}
		content := fileBytes(t, filepath.Join(dir, "versions", otaVersion+".md"))
		msg := v.Subject + "\n\nThis version was recorded after extracting from snapshot https://github.com/OpenTermsArchive/dating-snapshots/commit/" + cited + "\n"
		fmt.Fprintf(&stream, "commit refs/heads/main\nauthor Bot <b@example.org> %d +0000\ncommitter Bot <b@example.org> %d +0000\ndata %d\n%s\nM 100644 inline %s.md\ndata %d\n%s\n",
			at.Unix(), at.Unix(), len(msg), msg, file, len(content), content)
	}
	if stream.Len() > 0 {
		fastImport(t, versions, &stream)
	}
	return snapshots, versions
}

func fastImport(t *testing.T, repo string, stream *bytes.Buffer) {
	t.Helper()
	os.MkdirAll(repo, 0o755)
	for _, args := range [][]string{{"init", "--quiet", "--initial-branch=main"}, {"fast-import", "--quiet"}} {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		if args[0] == "fast-import" {
			cmd.Stdin = stream
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// TestImportOTARealHistories imports each real history as OTA keeps it —
// a snapshots repository and the published declarations, filters and
// past declarations included — and asserts the versions fall where Open
// Terms Archive's do. Its versions repository, dated by the snapshots
// cited, puts a declaration upgrade of 2025 at its snapshot of 2023.
func TestImportOTARealHistories(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(otaHistories, "*", "*", "*", "expected.json"))
	if len(files) != 3 {
		t.Fatalf("want the 3 real histories, found %d", len(files))
	}
	for _, expectedFile := range files {
		dir := filepath.Dir(expectedFile)
		var want otaExpectation
		if err := json.Unmarshal(fileBytes(t, expectedFile), &want); err != nil {
			t.Fatal(err)
		}
		t.Run(want.Service, func(t *testing.T) {
			snapshots, versions := realRepos(t, dir, want)
			db := filepath.Join(t.TempDir(), "pw.db")
			r := mustRun(t, "import-ota", "--db", db, "--declarations", filepath.Join(dir, "declarations"), "--snapshots", snapshots)
			if !strings.Contains(r.stdout, "40 commits read: 40 captures recorded") || strings.Contains(r.stdout, "without a declaration") {
				t.Errorf("import-ota: %s", r.stdout)
			}
			logs := logJSON(t, db)
			if len(logs) != 1 {
				t.Fatalf("%d documents, want 1", len(logs))
			}
			var got []string
			for _, v := range logs[0].Versions {
				got = append(got, v.CapturedAt.UTC().Format("2006-01-02T15-04-05Z"))
			}
			slices.Sort(got)
			wantAt := append([]string{want.Window[0]}, want.textChanges()...)
			if !slices.Equal(got, wantAt) {
				t.Errorf("versions at %q, want exactly %q (Open Terms Archive's)", got, wantAt)
			}
			if n := len(logs[0].Failures); n > 0 {
				t.Errorf("%d captures failed: %+v", n, logs[0].Failures)
			}
			if len(want.Versions) == 0 {
				return
			}
			textDB := filepath.Join(t.TempDir(), "text.db")
			mustRun(t, "import-ota", "--db", textDB, "--declarations", filepath.Join(dir, "declarations"), "--versions", versions, "--snapshots", snapshots, "--text")
			logs = logJSON(t, textDB)
			if len(logs) != 1 || len(logs[0].Versions) != len(want.Versions) {
				t.Fatalf("--text: %+v", logs)
			}
			if at := logs[0].Versions[0].CapturedAt.UTC().Format("2006-01-02T15-04-05Z"); at != want.Versions[0].Snapshot {
				t.Errorf("--text: the version is dated %s, want its snapshot's %s", at, want.Versions[0].Snapshot)
			}
		})
	}
}
