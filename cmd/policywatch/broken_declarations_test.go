package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// brokenJSON is a declaration file cut short: a JSON syntax error.
const brokenJSON = `{"name": "Broken", "terms": {"Privacy Policy": {"fetch": "https://broken.example/p"`

// policySite serves a real-sized policy at every path, counting requests.
func policySite(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "<html><body><main>"+policyBody(false)+"</main></body></html>")
	}))
	t.Cleanup(ts.Close)
	return ts, &hits
}

func declarationsDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	return dir
}

// One broken file no longer stops the crawl of every other service.
func TestCrawlGoesOnPastABrokenFileAndFails(t *testing.T) {
	ts, hits := policySite(t)
	decls := declarationsDir(t, map[string]string{
		"Broken.json": brokenJSON,
		"Good.json":   declarationOf("Good", "Privacy Policy", ts.URL+"/privacy", "main"),
		// One faulty document; the other document of the file is crawled.
		"Half.json": fmt.Sprintf(`{"name": "Half", "terms": {"Imprint": {"fetch": %q}, "Privacy Policy": {"fetch": %q, "select": "div["}}}`, ts.URL+"/imprint", ts.URL+"/half"),
	})
	db := filepath.Join(t.TempDir(), "pw.db")
	r := runCommand(t, nil, "crawl", "--db", db, "--declarations", decls, "--delay", "0", "--allow-private-networks")
	if r.code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitFailure, r.stdout, r.stderr)
	}
	for _, want := range []string{"Good / Privacy Policy", "Half / Imprint", "2 documents: 2 new versions"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	broken, half := filepath.Join(decls, "Broken.json"), filepath.Join(decls, "Half.json")
	for _, want := range []string{
		broken + ":1:84: JSON syntax error: the file ends before the JSON value is complete",
		half + `:1:`, `terms["Privacy Policy"].select: invalid CSS selector "div["`,
		"policywatch crawl: errors in 2 declaration files of " + decls,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if hits.Load() != 2 {
		t.Errorf("%d pages fetched, want the 2 valid documents'", hits.Load())
	}
	if logs := logJSON(t, db); len(logs) != 2 || logs[0].Service != "Good" || logs[1].Service != "Half" || logs[1].Type != "Imprint" {
		t.Errorf("recorded %+v, want Good / Privacy Policy and Half / Imprint", logs)
	}
}

// A --service whose file is broken is not "undeclared": the message says
// files were left out.
func TestCrawlOfAServiceWhoseFileIsBroken(t *testing.T) {
	decls := declarationsDir(t, map[string]string{"Broken.json": brokenJSON, "Good.json": declarationOf("Good", "Privacy Policy", "https://good.example/p", "")})
	r := runCommand(t, nil, "crawl", "--db", filepath.Join(t.TempDir(), "pw.db"), "--declarations", decls, "--service", "Broken")
	if r.code != exitFailure || !strings.Contains(r.stderr, `no service "Broken" is declared (declared: Good) (1 file with errors left out, see above)`) {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// reextract re-extracts the valid services' documents, leaves those of the
// broken file alone, and fails at the end.
func TestReextractGoesOnPastABrokenFileAndFails(t *testing.T) {
	ts, _ := policySite(t)
	f := newCrawlFixture(t, map[string]string{
		"A.json": declarationOf("A", "Privacy Policy", ts.URL+"/a", "main"),
		"B.json": declarationOf("B", "Privacy Policy", ts.URL+"/b", "main"),
	})
	f.crawl()
	f.st.Close()
	broken := filepath.Join(f.decls, "B.json")
	if err := os.WriteFile(broken, []byte(brokenJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCommand(t, nil, "reextract", "--db", f.dbPath, "--declarations", f.decls)
	if r.code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitFailure, r.stdout, r.stderr)
	}
	for _, want := range []string{"A / Privacy Policy: unchanged, 1 versions", "B / Privacy Policy: skipped", "2 documents re-extracted"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, want := range []string{broken + ":1:84: JSON syntax error", "policywatch reextract: errors in 1 declaration file of " + f.decls} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// serve --every logs the broken file and keeps crawling and serving.
func TestServeEveryGoesOnPastABrokenFile(t *testing.T) {
	ts, _ := policySite(t)
	decls := declarationsDir(t, map[string]string{"Broken.json": brokenJSON, "Good.json": declarationOf("Good", "Privacy Policy", ts.URL+"/p", "")})
	db := filepath.Join(t.TempDir(), "pw.db")
	stop, logs := serveInBackgroundLogged(t, "--db", db, "--declarations", decls, "--every", "1h", "--delay", "0", "--allow-private-networks")
	waitForCrawlStates(t, db, 1)
	if code := stop(); code != exitOK {
		t.Errorf("serve exited with %d, want %d: a broken file is no reason to stop\n%s", code, exitOK, logs)
	}
	text := logs.String()
	for _, want := range []string{"level=ERROR", filepath.Join(decls, "Broken.json") + ":1:84: JSON syntax error", "crawling 1 documents every 1h0m0s"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q:\n%s", want, text)
		}
	}
	if recorded := logJSON(t, db); len(recorded) != 1 || recorded[0].Service != "Good" || len(recorded[0].Versions) != 1 {
		t.Errorf("recorded %+v, want Good's privacy policy", recorded)
	}
}
