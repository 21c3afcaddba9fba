package extract

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden from the current extractor")

// TestGolden compares the canonical Markdown of every fixture capture
// with the reviewed copy in testdata/golden. After a deliberate change of
// output, run go test ./extract -run Golden -update, review the diff of
// testdata/golden, and bump Release.
func TestGolden(t *testing.T) {
	cases := []struct {
		golden, input string
		opts          Options
	}{
		{"twitter-business-partners.md", "twitter-business-partners.txt", Options{}},
		{"twitter-cookies-policy.md", "twitter-cookies-policy.md", Options{}},
		{"twitter-dev-help-privacy.md", "twitter-dev-help-privacy.html", Options{}},
		{"twitter-dev-help-privacy-json.md", "twitter-dev-help-privacy.html", Options{Select: CSS("pre"), JSONPointer: "/privacy"}},
		{"x-cookies-policy.md", "x-cookies-policy.txt", Options{}},
		{"x-data-processing.md", "x-data-processing.txt", Options{}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			got := extractFile(t, fixtures+c.input, c.opts).Markdown()
			path := filepath.Join("testdata", "golden", c.golden)
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s: output differs from %s; run go test ./extract -run Golden -update and review the diff", c.input, path)
			}
		})
	}
}
