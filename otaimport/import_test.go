package otaimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/store"
)

const (
	snapshotFile = "Acme/Privacy Policy.html"
	versionFile  = "Acme/Privacy Policy.md"
)

// page is an Acme privacy page: the declaration selected #legacy until
// 2023-02-15 and main since; the nav around it is noise.
func page(nav, legacy, main string) string {
	return fmt.Sprintf(`<html><body><nav><a href="/">%s</a></nav><div id="legacy"><h1>Privacy</h1><p>%s</p></div><main><h1>Privacy</h1><p>%s</p></main></body></html>`, nav, legacy, main)
}

// collection is a small OTA collection on disk: declarations and a
// snapshots repository, the versions repository citing its commits.
type collection struct {
	declarations, snapshots, versions string
	snapshotHashes                    []string
}

func newCollection(t *testing.T) collection {
	t.Helper()
	root := t.TempDir()
	c := collection{declarations: filepath.Join(root, "declarations"), snapshots: filepath.Join(root, "snapshots"), versions: filepath.Join(root, "versions")}
	writeFiles(t, c.declarations, map[string]string{
		"Acme.json":         `{"name": "Acme Corp", "terms": {"Privacy Policy": {"fetch": "https://acme.example/privacy", "select": "main"}}}`,
		"Acme.history.json": `{"Privacy Policy": [{"fetch": "https://acme.example/old-privacy", "select": "#legacy", "validUntil": "2023-02-15T00:00:00Z"}]}`,
	})
	record := func(prefix string) string { return prefix + " Acme Privacy Policy" }
	buildRepo(t, c.snapshots, []fakeCommit{
		{day("2023-01-01T00:00:00Z"), record("First record of"), map[string]string{snapshotFile: page("Home", "We collect your e-mail.", "Draft A")}},
		{day("2023-01-05T00:00:00Z"), "First record of Acme Terms of Service", map[string]string{"Acme/Terms of Service.html": "<html><body><h1>Terms</h1><p>Be nice.</p></body></html>"}},
		// Outside what the declaration of February selects: no new version.
		{day("2023-02-01T00:00:00Z"), record("Record new changes of"), map[string]string{snapshotFile: page("Start", "We collect your e-mail.", "Draft B")}},
		{day("2023-02-20T00:00:00Z"), "Update README", map[string]string{"README.md": "# Acme snapshots\n"}},
		{day("2023-03-01T00:00:00Z"), record("Record new changes of"), map[string]string{snapshotFile: page("Start", "old", "We collect your e-mail and your phone number.")}},
		// Two captures sharing one date, as in older collections.
		{day("2023-04-01T12:00:00Z"), record("Record new changes of"), map[string]string{snapshotFile: page("Start", "old", "We collect your phone number.")}},
		{day("2023-04-01T12:00:00Z"), record("Record new changes of"), map[string]string{snapshotFile: page("Start", "old", "We collect nothing.")}},
	})
	c.snapshotHashes = commitHashes(t, c.snapshots)
	h := c.snapshotHashes
	cite := "This version was recorded after extracting from snapshot https://github.com/OpenTermsArchive/acme-snapshots/commit/"
	buildRepo(t, c.versions, []fakeCommit{
		{day("2023-01-01T00:00:00Z"), record("First record of") + "\n\n" + cite + h[0], map[string]string{versionFile: "# Privacy\n\nWe collect your e-mail.\n"}},
		{day("2023-03-01T00:00:00Z"), record("Record new changes of") + "\n\n" + cite + h[4][:7], map[string]string{versionFile: "# Privacy\n\nWe collect your e-mail and your phone number.\n"}},
		// A declaration upgrade recorded years after the snapshot it cites.
		{day("2025-12-10T12:30:27Z"), record("Apply technical or declaration upgrade on") + "\n\n" + h[6] + "\n", map[string]string{versionFile: "# Privacy\n\nWe collect nothing.\n"}},
	})
	return c
}

type testEnv struct {
	st *store.Store
	im *Importer
}

func newEnv(t *testing.T, declDir string) testEnv {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	im := &Importer{Store: st, Archive: archive.New(st)}
	if declDir != "" {
		services, problems, err := declaration.LoadDir(declDir)
		if err != nil || declaration.HasErrors(problems) {
			t.Fatalf("declarations: %v %v", err, problems)
		}
		im.Declarations = services
	}
	return testEnv{st: st, im: im}
}

type recorded struct {
	At   time.Time
	Text string
}

// history returns a document's versions, oldest first, and its number of fetches.
func history(t *testing.T, st *store.Store, service, typ string) ([]recorded, int) {
	t.Helper()
	ctx := context.Background()
	docs, err := st.Documents(ctx, store.DocumentFilter{Service: service, Type: typ})
	if err != nil || len(docs) != 1 {
		t.Fatalf("document %s / %s: %v (%d found)", service, typ, err, len(docs))
	}
	summaries, err := st.Versions(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []recorded
	for i := len(summaries) - 1; i >= 0; i-- {
		v, err := st.Version(ctx, summaries[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recorded{v.CapturedAt, v.Markdown})
	}
	fetches, err := st.Fetches(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return out, len(fetches)
}

func checkHistory(t *testing.T, got []recorded, want []recorded) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d versions, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || !strings.Contains(got[i].Text, want[i].Text) {
			t.Errorf("version %d = %s %q, want %s containing %q", i+1, got[i].At.Format(time.RFC3339Nano), got[i].Text, want[i].At.Format(time.RFC3339Nano), want[i].Text)
		}
	}
}

var wantSnapshotHistory = []recorded{
	{day("2023-01-01T00:00:00Z"), "We collect your e-mail."},
	{day("2023-03-01T00:00:00Z"), "We collect your e-mail and your phone number."},
	{day("2023-04-01T12:00:00Z"), "We collect your phone number."},
	{day("2023-04-01T12:00:00Z").Add(time.Nanosecond), "We collect nothing."},
}

func TestSnapshotsWithDeclarations(t *testing.T) {
	c := newCollection(t)
	env := newEnv(t, c.declarations)
	ctx := context.Background()
	sum, err := env.im.Snapshots(ctx, c.snapshots)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Commits != 7 || sum.Captures != 6 || sum.NewVersions != 5 || sum.Failed != 0 || sum.Resumed {
		t.Errorf("summary = %+v; want 7 commits, 6 captures, 5 new versions (4 + the terms)", sum)
	}
	if len(sum.Undeclared) != 1 || sum.Undeclared[0] != "Acme Corp/Terms of Service" {
		t.Errorf("undeclared = %v; want the terms of service", sum.Undeclared)
	}
	got, fetches := history(t, env.st, "Acme Corp", "Privacy Policy")
	checkHistory(t, got, wantSnapshotHistory)
	if strings.Contains(got[0].Text, "Home") || strings.Contains(got[0].Text, "Draft") {
		t.Errorf("the first version holds what its declaration left out: %q", got[0].Text)
	}
	docs, _ := env.st.Documents(ctx, store.DocumentFilter{Service: "Acme Corp", Type: "Privacy Policy"})
	if docs[0].URL != "https://acme.example/privacy" {
		t.Errorf("document URL = %q, want the declared one", docs[0].URL)
	}

	// A second run finds nothing to do and changes nothing.
	again, err := env.im.Snapshots(ctx, c.snapshots)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Resumed || again.Commits != 0 || again.Captures != 0 {
		t.Errorf("second run = %+v; want it resumed at the end, with nothing to do", again)
	}
	// Even from the beginning (cursors forgotten), recording is idempotent:
	// the same captures at the same times, shared dates included.
	if err := env.st.DeleteImportCursors(ctx, sum.Source); err != nil {
		t.Fatal(err)
	}
	if _, err := env.im.Snapshots(ctx, c.snapshots); err != nil {
		t.Fatal(err)
	}
	got2, fetches2 := history(t, env.st, "Acme Corp", "Privacy Policy")
	checkHistory(t, got2, wantSnapshotHistory)
	if fetches2 != fetches || fetches != 5 {
		t.Errorf("fetches: %d after the first run, %d after re-running from the start; want 5 both", fetches, fetches2)
	}
}

func TestSnapshotsStoppedHalfWayResume(t *testing.T) {
	c := newCollection(t)
	// Stopped after the third commit, and between the two captures that
	// share one date (the second must still come a nanosecond later).
	for _, stop := range []int{3, 6} {
		t.Run(fmt.Sprintf("stopped after %d commits", stop), func(t *testing.T) {
			env := newEnv(t, c.declarations)
			ctx, cancel := context.WithCancel(context.Background())
			env.im.Progress = func(done, total int) {
				if done == stop {
					cancel() // as if the process stopped there
				}
			}
			sum, err := env.im.Snapshots(ctx, c.snapshots)
			if !errors.Is(err, context.Canceled) || sum.Commits != stop {
				t.Fatalf("first run: %d commits, error %v; want %d and context.Canceled", sum.Commits, err, stop)
			}
			cursor, ok, err := env.st.ImportCursor(context.Background(), sum.Source, "")
			if err != nil || !ok || cursor.Position != c.snapshotHashes[stop-1] {
				t.Fatalf("cursor after %d commits = %+v (ok %v, %v); want commit %s", stop, cursor, ok, err, c.snapshotHashes[stop-1])
			}
			env.im.Progress = nil
			rest, err := env.im.Snapshots(context.Background(), c.snapshots)
			if err != nil {
				t.Fatal(err)
			}
			if !rest.Resumed || rest.Commits != 7-stop {
				t.Errorf("second run read %d commits (resumed %v); want the %d left", rest.Commits, rest.Resumed, 7-stop)
			}
			got, fetches := history(t, env.st, "Acme Corp", "Privacy Policy")
			checkHistory(t, got, wantSnapshotHistory)
			if fetches != 5 {
				t.Errorf("%d fetches, want 5", fetches)
			}
		})
	}
}

func TestVersionsDatedByCommitOrSnapshot(t *testing.T) {
	c := newCollection(t)
	ctx := context.Background()

	own := newEnv(t, c.declarations)
	if _, err := own.im.Versions(ctx, c.versions, VersionsOptions{}); err != nil {
		t.Fatal(err)
	}
	got, _ := history(t, own.st, "Acme Corp", "Privacy Policy")
	checkHistory(t, got, []recorded{
		{day("2023-01-01T00:00:00Z"), "We collect your e-mail."},
		{day("2023-03-01T00:00:00Z"), "phone number"},
		{day("2025-12-10T12:30:27Z"), "We collect nothing."},
	})

	bySnapshot := newEnv(t, "") // no declarations: the service keeps its ID
	sum, err := bySnapshot.im.Versions(ctx, c.versions, VersionsOptions{SnapshotsDir: c.snapshots})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Captures != 3 || sum.NewVersions != 3 {
		t.Errorf("summary = %+v; want 3 captures, 3 versions", sum)
	}
	got, _ = history(t, bySnapshot.st, "Acme", "Privacy Policy")
	checkHistory(t, got, []recorded{
		{day("2023-01-01T00:00:00Z"), "We collect your e-mail."},
		{day("2023-03-01T00:00:00Z"), "phone number"},
		{day("2023-04-01T12:00:00Z"), "We collect nothing."}, // its snapshot's date
	})
}

func TestNotOTAShaped(t *testing.T) {
	root := t.TempDir()
	code := filepath.Join(root, "code")
	buildRepo(t, code, []fakeCommit{{day("2024-01-01T00:00:00Z"), "init", map[string]string{"src/main.go": "package main\n", "README.md": "hi\n"}}})
	c := newCollection(t)
	plain := filepath.Join(root, "plain")
	writeFiles(t, plain, map[string]string{"Acme/Privacy Policy.html": "<p>x</p>"})
	empty := filepath.Join(root, "empty")
	importStream(t, empty, new(bytes.Buffer))

	env := newEnv(t, "")
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func() (Summary, error)
		want string
	}{
		{"code repository", func() (Summary, error) { return env.im.Snapshots(ctx, code) }, "not an Open Terms Archive snapshots repository"},
		{"versions given as snapshots", func() (Summary, error) { return env.im.Snapshots(ctx, c.versions) }, "give it as --versions"},
		{"snapshots given as versions", func() (Summary, error) { return env.im.Versions(ctx, c.snapshots, VersionsOptions{}) }, "give it as --snapshots"},
		{"not a repository", func() (Summary, error) { return env.im.Snapshots(ctx, plain) }, "not a git repository"},
		{"no commits", func() (Summary, error) { return env.im.Versions(ctx, empty, VersionsOptions{}) }, "has no commits"},
		{"missing", func() (Summary, error) { return env.im.Snapshots(ctx, filepath.Join(root, "nope")) }, "no such file"},
		{"dataset of code", func() (Summary, error) { return env.im.Dataset(ctx, code) }, "not an Open Terms Archive dataset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v; want one saying %q", err, tc.want)
			}
		})
	}
	if docs, _ := env.st.Documents(ctx, store.DocumentFilter{}); len(docs) != 0 {
		t.Errorf("bad input recorded %d documents", len(docs))
	}
}

func TestCitations(t *testing.T) {
	msg := "Record new changes of X Privacy Policy\n\nThis version was recorded after extracting from and assembling the following snapshots from 2 source documents:\n- https://github.com/OpenTermsArchive/x-snapshots/commit/0123456789abcdef0123456789abcdef01234567\n- https://github.com/OpenTermsArchive/x-snapshots/commit/fedcba9\n"
	dates := newSnapshotDates(map[string]time.Time{
		"0123456789abcdef0123456789abcdef01234567": day("2023-01-01T00:00:00Z"),
		"fedcba9876543210fedcba9876543210fedcba98": day("2023-01-02T00:00:00Z"),
	})
	if at, ok := dates.versionDate(msg); !ok || !at.Equal(day("2023-01-02T00:00:00Z")) {
		t.Errorf("a combined version is dated %s (%v); want its latest snapshot's", at, ok)
	}
	if _, ok := dates.versionDate("Record new changes of deadbeef0 Privacy Policy\n\nno snapshot here"); ok {
		t.Error("a message citing nothing known was dated")
	}
	for p, want := range map[string]bool{
		"X/Privacy Policy.html": true, "X/Privacy Policy #2.html": true, "X/Cookies Policy.pdf": true,
		"README.md": false, "X/Notes.md": false, ".github/workflows/x.yml": false, "X/Y/Privacy Policy.md": false,
	} {
		if _, ok := parseDocPath(p); ok != want {
			t.Errorf("parseDocPath(%q) ok = %v, want %v", p, ok, want)
		}
	}
}
