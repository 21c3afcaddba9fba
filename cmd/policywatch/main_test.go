package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/internal/storetest"
	"github.com/policywatch/policywatch/wayback"
)

// result is what one run of the command gave.
type result struct {
	code           int
	stdout, stderr string
}

// runCommand runs policywatch in-process with args and the given
// environment variables.
func runCommand(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), env, args)
	return result{code, stdout.String(), stderr.String()}
}

func (r result) oneStderrLine(t *testing.T) string {
	t.Helper()
	first, _, _ := strings.Cut(strings.TrimSpace(r.stderr), "\n")
	if first == "" {
		t.Fatalf("no error message on stderr (exit %d)", r.code)
	}
	return first
}

const cookiesHistory = "../../demo/twitter-x-history/cookies-policy"

// runAll runs the commands in turn, for what tests share; it stops at the
// first that fails, saying what it printed.
func runAll(ctx context.Context, commands ...[]string) error {
	for _, args := range commands {
		var stdout, stderr bytes.Buffer
		env := &environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		if code := run(ctx, env, args); code != exitOK {
			return fmt.Errorf("%s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
		}
	}
	return nil
}

// Databases into which import recorded the demo's cookie policy
// (importArgs), and its privacy policy after it: made once, since tests
// that start from them would each spend seconds on it under the race
// detector, and copied for each (importedHistory).
var (
	cookiesTemplate = storetest.Template{Fill: func(ctx context.Context, db string) (any, error) {
		return nil, runAll(ctx, importArgs(db, cookiesHistory))
	}}
	cookiesAndPrivacyTemplate = storetest.Template{Fill: func(ctx context.Context, db string) (any, error) {
		return nil, runAll(ctx, importArgs(db, cookiesHistory),
			[]string{"import", "--db", db, "--service", "X", "--type", "Privacy Policy", privacyHistory})
	}}
)

// importedHistory puts at db a copy of what template's imports made.
func importedHistory(t *testing.T, template *storetest.Template, db string) {
	t.Helper()
	made, _ := template.Copy(t, "imported.db")
	copyDB(t, made, db)
}

func importArgs(db string, files ...string) []string {
	return append([]string{"import", "--db", db, "--service", "X", "--type", "Cookies Policy"}, files...)
}

func logJSON(t *testing.T, db string) []documentLog {
	t.Helper()
	r := runCommand(t, nil, "log", "--db", db, "--json")
	if r.code != 0 {
		t.Fatalf("log: exit %d: %s", r.code, r.stderr)
	}
	var logs []documentLog
	if err := json.Unmarshal([]byte(r.stdout), &logs); err != nil {
		t.Fatalf("log --json printed invalid JSON: %v\n%s", err, r.stdout)
	}
	return logs
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVersion(t *testing.T) {
	r := runCommand(t, nil, "--version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "policywatch ") || !strings.Contains(r.stdout, "extractor extract-") || !strings.Contains(r.stdout, "diff diff-") {
		t.Errorf("--version: exit %d, output %q", r.code, r.stdout)
	}
}

func TestHelpAndUnknownCommands(t *testing.T) {
	r := runCommand(t, nil, "--help")
	if r.code != exitOK || !strings.Contains(r.stdout, "import") || !strings.Contains(r.stdout, "demo") {
		t.Errorf("--help: exit %d, output %q", r.code, r.stdout)
	}
	for _, name := range []string{"demo", "serve", "import", "log"} {
		r := runCommand(t, nil, name, "--help")
		if r.code != exitOK || !strings.Contains(r.stdout, "Usage: policywatch "+name) || !strings.Contains(r.stdout, "POLICYWATCH_DB") {
			t.Errorf("%s --help: exit %d, output %q", name, r.code, r.stdout)
		}
	}
	if r := runCommand(t, nil); r.code != exitUsage {
		t.Errorf("no arguments: exit %d, want %d", r.code, exitUsage)
	}
	r = runCommand(t, nil, "frobnicate")
	if r.code != exitUsage || !strings.Contains(r.oneStderrLine(t), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestImportCookieHistoryThenLog(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	r := runCommand(t, nil, importArgs(db, cookiesHistory)...)
	if r.code != exitOK {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "recorded 39 of 39 captures") {
		t.Errorf("import summary missing: %s", r.stdout)
	}
	logs := logJSON(t, db)
	if len(logs) != 1 || logs[0].Service != "X" || logs[0].Type != "Trackers Policy" {
		t.Fatalf("log: %+v, want one document X / Trackers Policy (\"Cookies Policy\" by its canonical name)", logs)
	}
	versions := logs[0].Versions
	if len(versions) < 30 || len(versions) > 39 {
		t.Fatalf("%d versions from 39 captures", len(versions))
	}
	if newest, oldest := versions[0].CapturedAt, versions[len(versions)-1].CapturedAt; !newest.After(oldest) {
		t.Errorf("log is not newest first: %s … %s", newest, oldest)
	}
	var rebrand *versionLog
	for i, v := range versions {
		if v.CapturedAt.Format("2006-01-02") == "2023-09-20" {
			rebrand = &versions[i]
		}
	}
	if rebrand == nil || !strings.Contains(rebrand.Summary, "Twitter → X") {
		t.Errorf("the 2023-09-20 version's change does not name Twitter → X: %+v", rebrand)
	}

	text := runCommand(t, nil, "log", "--db", db, "--service", "X", "--type", "Cookies Policy")
	if text.code != 0 || !strings.Contains(text.stdout, "X / Trackers Policy") || !strings.Contains(text.stdout, "2023-09-20") {
		t.Errorf("log text: exit %d\n%s", text.code, text.stdout)
	}
	// The May–June 2024 links went back and forth: the log says so.
	flips, reverts := 0, 0
	for _, v := range versions {
		if v.FlipFlop {
			flips++
		}
		if v.RevertsTo != nil && v.RevertsTo.CapturedAt.Before(v.CapturedAt) {
			reverts++
		}
	}
	if flips < 14 || reverts < 14 {
		t.Errorf("log --json marks %d flip-flops and %d reverts, want at least 14 of each", flips, reverts)
	}
	for _, want := range []string{"(reverts to the version of 2024-05-16 06:39) [flip-flop]", " kB "} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("log text lacks %q:\n%s", want, text.stdout)
		}
	}
}

func TestLogSaysOneVersion(t *testing.T) {
	db := filepath.Join(t.TempDir(), "one.db")
	if r := runCommand(t, nil, importArgs(db, cookiesHistory+"/2022-11-23T00-34-28Z.md")...); r.code != exitOK {
		t.Fatalf("import: %s", r.stderr)
	}
	r := runCommand(t, nil, "log", "--db", db)
	if r.code != exitOK || !strings.Contains(r.stdout, "\n1 version\n") {
		t.Errorf("log of one version: exit %d\n%s", r.code, r.stdout)
	}
}

func TestImportSameFileTwiceMakesOneVersion(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	capture := filepath.Join(cookiesHistory, "2022-11-23T00-34-28Z.md")
	for i := 0; i < 2; i++ {
		if r := runCommand(t, nil, importArgs(db, capture)...); r.code != exitOK {
			t.Fatalf("import %d: exit %d: %s", i, r.code, r.stderr)
		}
	}
	// The same text respaced, captured a day later: still no new version.
	respaced := strings.ReplaceAll(string(fileBytes(t, capture)), ". ", ".  \t")
	later := filepath.Join(dir, "2022-11-24T00-00-00Z.md")
	if err := os.WriteFile(later, []byte(respaced), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCommand(t, nil, importArgs(db, later)...); r.code != exitOK {
		t.Fatalf("import respaced: exit %d: %s", r.code, r.stderr)
	}
	if logs := logJSON(t, db); len(logs[0].Versions) != 1 {
		t.Errorf("%d versions, want 1", len(logs[0].Versions))
	}
}

func TestImportWithDateAndEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	page := filepath.Join(t.TempDir(), "policy.html")
	if err := os.WriteFile(page, []byte("<html><body><main><h1>Privacy</h1><p>We keep your data.</p></main></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCommand(t, map[string]string{"POLICYWATCH_DB": db}, "import", "--service", "Example", page, "--type", "Privacy Policy", "--date", "2024-05-06T07:08:09Z")
	if r.code != exitOK {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	logs := logJSON(t, db)
	if len(logs) != 1 || len(logs[0].Versions) != 1 || logs[0].Versions[0].CapturedAt.Format("2006-01-02T15:04:05Z07:00") != "2024-05-06T07:08:09Z" {
		t.Errorf("log %+v: want one version captured 2024-05-06T07:08:09Z", logs)
	}
}

func TestBadInputLeavesTheDatabaseAlone(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pw.db")
	if r := runCommand(t, nil, importArgs(db, filepath.Join(cookiesHistory, "2022-11-23T00-34-28Z.md"))...); r.code != exitOK {
		t.Fatalf("import: %s", r.stderr)
	}
	runCommand(t, nil, "log", "--db", db) // let SQLite settle its WAL into the file
	before := fileBytes(t, db)
	undated := filepath.Join(dir, "policy.md")
	if err := os.WriteFile(undated, []byte("# Policy\n\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name     string
		args     []string
		code     int
		mentions string
	}{
		{"missing file", importArgs(db, filepath.Join(dir, "nope.md")), exitFailure, "nope.md"},
		{"undated file", importArgs(db, undated), exitFailure, "policy.md"},
		{"bad date", append(importArgs(db, undated)[:7:7], "--date", "yesterday", undated), exitUsage, `"yesterday"`},
		{"unknown flag", append(importArgs(db), "--colour", undated), exitUsage, "colour"},
		{"relative url", append(importArgs(db, undated), "--url", "x.com/privacy"), exitUsage, "x.com/privacy"},
		{"no service", []string{"import", "--db", db, "--type", "T", undated}, exitUsage, "--service"},
		{"no files", importArgs(db), exitUsage, "FILE"},
		{"log of a missing database", []string{"log", "--db", filepath.Join(dir, "missing.db")}, exitFailure, "missing.db"},
		{"log of an unknown service", []string{"log", "--db", db, "--service", "Nobody"}, exitFailure, "Nobody"},
	}
	for _, tc := range cases {
		r := runCommand(t, nil, tc.args...)
		if r.code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tc.name, r.code, tc.code, r.stderr)
			continue
		}
		if line := r.oneStderrLine(t); !strings.Contains(line, tc.mentions) {
			t.Errorf("%s: first stderr line %q does not mention %s", tc.name, line, tc.mentions)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !os.IsNotExist(err) {
		t.Error("log created the missing database")
	}
	if !bytes.Equal(before, fileBytes(t, db)) {
		t.Error("a failed command changed the database file")
	}
	if logs := logJSON(t, db); len(logs) != 1 || len(logs[0].Versions) != 1 {
		t.Errorf("stored history changed: %+v", logs)
	}
}

func TestCorruptDatabaseIsReportedAndUntouched(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "corrupt.db")
	garbage := bytes.Repeat([]byte("this is not a database\n"), 400)
	if err := os.WriteFile(db, garbage, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		importArgs(db, filepath.Join(cookiesHistory, "2022-11-23T00-34-28Z.md")),
		{"log", "--db", db},
	} {
		r := runCommand(t, nil, args...)
		if r.code != exitFailure || !strings.Contains(r.oneStderrLine(t), db) {
			t.Errorf("%s on a corrupt database: exit %d, stderr %q", args[0], r.code, r.stderr)
		}
	}
	if !bytes.Equal(garbage, fileBytes(t, db)) {
		t.Error("the corrupt database file was modified")
	}
}

// TestReadOnlyCommandsNeverWriteTheDatabase: log and diff on a 0-byte file
// used to write a schema into it.
func TestReadOnlyCommandsNeverWriteTheDatabase(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"log", "--db", empty}, {"diff", "--db", empty, "1", "2"}} {
		r := runCommand(t, nil, args...)
		if r.code != exitFailure || !strings.Contains(r.stderr, "empty file") {
			t.Errorf("%s on a 0-byte file: exit %d, %q", args[0], r.code, r.stderr)
		}
		if info, _ := os.Stat(empty); info.Size() != 0 {
			t.Fatalf("%s wrote %d bytes into the empty file", args[0], info.Size())
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"20MB": 20_000_000, "512KiB": 512 << 10, "1048576": 1 << 20, "2 GiB": 2 << 30, "100b": 100} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-5MB", "lots", "20XB", "99999999999GB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
	r := runCommand(t, nil, append(importArgs(filepath.Join(t.TempDir(), "x.db"), cookiesHistory), "--max-size", "lots")...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--max-size") {
		t.Errorf("bad --max-size: exit %d, %q", r.code, r.stderr)
	}
}

func TestRediffRecomputesNothingOnAFreshDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	if r := runCommand(t, nil, importArgs(db, cookiesHistory)...); r.code != exitOK {
		t.Fatalf("import: %s", r.stderr)
	}
	r := runCommand(t, nil, "rediff", "--db", db)
	if r.code != exitOK || !strings.Contains(r.stdout, "0 documents had older derived data") {
		t.Errorf("rediff: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestImportRefusesA200MBFileWithoutReadingIt: a generated 200 MB file
// (sparse: it takes no disk) is refused by its size, naming the file, the
// limit and the flag that raises it, and nothing is stored.
func TestImportRefusesA200MBFileWithoutReadingIt(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "2023-01-01T00-00-00Z.html")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(200 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	db := filepath.Join(dir, "big.db")
	r := runCommand(t, nil, importArgs(db, big)...)
	if r.code == exitOK || !strings.Contains(r.stderr, "2023-01-01T00-00-00Z.html") || !strings.Contains(r.stderr, "--max-size") {
		t.Fatalf("import of 200 MB: exit %d, stderr %q; want a refusal naming the file and --max-size", r.code, r.stderr)
	}
	if r := runCommand(t, nil, "log", "--db", db); !strings.Contains(r.stderr, "empty") && !strings.Contains(r.stderr, "no such file") {
		t.Errorf("after the refusal, log says: %q %q; want an empty or no database", r.stdout, r.stderr)
	}
}

// Every command that records captures takes the crawler's limit for a page
// by default: one constant, capture.MaxBytes (20 MiB, not 20,000,000 bytes).
func TestCaptureSizeLimitsAreOne(t *testing.T) {
	for _, name := range []string{"import", "import-ota", "backfill"} {
		r := runCommand(t, nil, name, "--help")
		_, after, ok := strings.Cut(r.stdout, "--max-size SIZE")
		_, def, ok2 := strings.Cut(after, "(default ")
		def, _, ok3 := strings.Cut(def, ")")
		if !ok || !ok2 || !ok3 {
			t.Fatalf("%s --help shows no --max-size default:\n%s", name, r.stdout)
		}
		if n, err := parseSize(def); err != nil || n != capture.MaxBytes {
			t.Errorf("%s --max-size defaults to %q = %d bytes, want the crawler's %d", name, def, n, capture.MaxBytes)
		}
	}
	if !strings.Contains(runCommand(t, nil, "crawl", "--help").stdout, fmt.Sprintf("in MiB after decompression (default %d)", capture.MaxBytes>>20)) {
		t.Error("crawl --max-body-mb does not default to capture.MaxBytes")
	}
	if archive.DefaultMaxCaptureBytes != capture.MaxBytes || wayback.DefaultMaxBody != capture.MaxBytes {
		t.Error("import and the Wayback client do not share capture.MaxBytes") // the crawler: crawler.TestTheDefaultLimitIsCaptureMaxBytes
	}
}
