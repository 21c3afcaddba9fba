package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestExportThenImportDataset(t *testing.T) {
	repo, decl := otaRepo(t, 12)
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	mustRun(t, "import-ota", "--db", db, "--declarations", decl, "--snapshots", repo)

	zip := filepath.Join(dir, "collection.zip")
	r := mustRun(t, "export", "--db", db, "--format", "ota", zip)
	if !strings.Contains(r.stdout, "12 versions") {
		t.Errorf("export: %s", r.stdout)
	}
	fresh := filepath.Join(dir, "fresh.db")
	r = mustRun(t, "import-ota", "--db", fresh, "--declarations", decl, "--dataset", zip)
	if !strings.Contains(r.stdout, "12 captures recorded, 12 new versions") {
		t.Errorf("import-ota --dataset: %s", r.stdout)
	}
	got, want := snapshotOf(t, fresh), snapshotOf(t, db)
	if len(got) != len(want) {
		t.Fatalf("%d documents after the round trip, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s after the round trip:\n%s\nwant\n%s", k, got[k], w)
		}
	}

	// JSON Lines and WARC of one service, from a date.
	jsonl := filepath.Join(dir, "out.jsonl")
	r = mustRun(t, "export", "--db", db, "--format", "jsonl", "--service", "Service 1", "--from", "2021-01-01T05:00:00Z", jsonl)
	if !strings.Contains(r.stdout, "2 versions") {
		t.Errorf("export jsonl: %s", r.stdout)
	}
	warc := filepath.Join(dir, "out.warc.gz")
	r = mustRun(t, "export", "--db", db, "--format", "warc", warc)
	if !strings.Contains(r.stdout, "12 captures") {
		t.Errorf("export warc: %s", r.stdout)
	}
	if b, _ := os.ReadFile(warc); len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("%s is not gzipped", warc)
	}

	// An OUT that exists is refused, and left as it was.
	before, _ := os.ReadFile(jsonl)
	res := runCommand(t, nil, "export", "--db", db, "--format", "jsonl", jsonl)
	if res.code != exitFailure || !strings.Contains(res.stderr, "already exists: give --force") {
		t.Errorf("export over an existing file: exit %d, %s", res.code, res.stderr)
	}
	if after, _ := os.ReadFile(jsonl); string(after) != string(before) {
		t.Error("the existing file was changed")
	}
	mustRun(t, "export", "--db", db, "--format", "jsonl", "--force", jsonl)
	if after, _ := os.ReadFile(jsonl); strings.Count(string(after), "\n") != 12 {
		t.Errorf("--force: %d lines, want 12", strings.Count(string(after), "\n"))
	}
	// Nothing to export: an error, and no file.
	none := filepath.Join(dir, "none.zip")
	if res := runCommand(t, nil, "export", "--db", db, "--format", "ota", "--service", "Nobody", none); res.code != exitFailure || !strings.Contains(res.stderr, "nothing to export") {
		t.Errorf("export of nothing: exit %d, %s", res.code, res.stderr)
	}
	if _, err := os.Stat(none); err == nil {
		t.Error("an export of nothing left a file")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	for _, args := range [][]string{
		{"export", "--db", db, jsonl},
		{"export", "--db", db, "--format", "csv", jsonl},
		{"export", "--db", db, "--format", "ota"},
	} {
		if res := runCommand(t, nil, args...); res.code != exitUsage {
			t.Errorf("%v: exit %d, want a usage error", args, res.code)
		}
	}
}

// --type and --to select what is exported: one type, given by an alias,
// up to the end of a day given as a bare date.
func TestExportByTypeUpToADate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	importedHistory(t, &cookiesAndPrivacyTemplate, db)
	var want []string // the cookie policy's versions up to the end of 2022-11-23
	for _, d := range logJSON(t, db) {
		for _, v := range d.Versions {
			if d.Type == "Trackers Policy" && !v.CapturedAt.After(time.Date(2022, 11, 23, 23, 59, 59, 0, time.UTC)) {
				want = append(want, v.CapturedAt.UTC().Format(time.RFC3339Nano))
			}
		}
	}
	if len(want) < 2 {
		t.Fatalf("the history has %d cookie-policy versions up to 2022-11-23", len(want))
	}
	out := filepath.Join(dir, "cookies.jsonl")
	r := mustRun(t, "export", "--db", db, "--format", "jsonl", "--type", "Cookies Policy", "--to", "2022-11-23", out)
	if !strings.Contains(r.stdout, fmt.Sprintf("%d versions", len(want))) {
		t.Errorf("export: %s; want %d versions", r.stdout, len(want))
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(fileBytes(t, out))), "\n") {
		var l struct {
			Type       string `json:"type"`
			CapturedAt string `json:"captured_at"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		if l.Type != "Trackers Policy" {
			t.Errorf("a %s version in an export of the cookie policy", l.Type)
		}
		got = append(got, l.CapturedAt)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || !slices.Contains(got, "2022-11-23T00:34:28Z") {
		t.Errorf("exported %v, want %v (2022-11-23 included)", got, want)
	}
	// The same selection of raw captures.
	warc := filepath.Join(dir, "cookies.warc")
	r = mustRun(t, "export", "--db", db, "--format", "warc", "--type", "Trackers Policy", "--to", "2022-11-23", warc)
	if files, _ := filepath.Glob(cookiesHistory + "/2022-*"); !strings.Contains(r.stdout, fmt.Sprintf("%d captures", len(files))) {
		t.Errorf("export warc: %s; want the %d captures of 2022", r.stdout, len(files))
	}
	if strings.Contains(string(fileBytes(t, warc)), "X Privacy Policy") {
		t.Error("the WARC of the cookie policy holds the privacy policy")
	}
}

// A crawled capture leaves as a response record with the headers the site
// sent.
func TestExportWARCOfACrawl(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	site := newEditablePolicySite(t)
	mustRun(t, site.crawlArgs(db)...)
	out := filepath.Join(t.TempDir(), "crawl.warc")
	mustRun(t, "export", "--db", db, "--format", "warc", "--type", "Privacy Policy", out)
	warc := string(fileBytes(t, out))
	for _, want := range []string{"WARC-Type: response", "Content-Type: application/http;msgtype=response", "HTTP/1.1 200 OK\r\n", "Date: ", "Content-Type: text/html; charset=utf-8\r\n"} {
		if !strings.Contains(warc, want) {
			t.Errorf("the WARC lacks %q:\n%.1500s", want, warc)
		}
	}
}
