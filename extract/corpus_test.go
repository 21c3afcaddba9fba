package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusCase is a page's sidecar file: the text that must survive
// extraction, the text that must not, and the declaration rules to use.
type corpusCase struct {
	Survive     []string `json:"survive"`
	Gone        []string `json:"gone"`
	ContentType string   `json:"contentType"`
	Options     struct {
		Select       []string `json:"select"`
		Remove       []string `json:"remove"`
		SelectRanges []Range  `json:"selectRanges"`
		RemoveRanges []Range  `json:"removeRanges"`
	} `json:"options"`
}

func (c corpusCase) options() Options {
	o := Options{Select: CSS(c.Options.Select...), Remove: CSS(c.Options.Remove...)}
	for i := range c.Options.SelectRanges {
		o.Select = append(o.Select, Selector{Range: &c.Options.SelectRanges[i]})
	}
	for i := range c.Options.RemoveRanges {
		o.Remove = append(o.Remove, Selector{Range: &c.Options.RemoveRanges[i]})
	}
	return o
}

// TestCorpus extracts every page of testdata/corpus — pages made to
// imitate consent managers, help centres and policy layouts — and checks
// what must and must not survive in the canonical Markdown.
func TestCorpus(t *testing.T) {
	pages, err := filepath.Glob("testdata/corpus/*.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 15 {
		t.Fatalf("corpus has %d pages, want at least 15", len(pages))
	}
	for _, page := range pages {
		name := strings.TrimSuffix(filepath.Base(page), ".html")
		t.Run(name, func(t *testing.T) {
			c := readCorpusCase(t, strings.TrimSuffix(page, ".html")+".json")
			content, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Extract(content, c.ContentType, c.options())
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			md := doc.Markdown()
			for _, s := range c.Survive {
				if !strings.Contains(md, s) {
					t.Errorf("lost %q", s)
				}
			}
			for _, s := range c.Gone {
				if strings.Contains(md, s) {
					t.Errorf("kept %q", s)
				}
			}
			if t.Failed() {
				t.Logf("Markdown:\n%s", md)
			}
			// The canonical Markdown reads back as the same Markdown.
			again, err := Extract([]byte(md), "text/markdown", Options{})
			if err != nil || again.Markdown() != md {
				t.Errorf("Markdown does not read back the same (err %v)", err)
			}
		})
	}
}

func readCorpusCase(t *testing.T, path string) corpusCase {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c corpusCase
	decoder := json.NewDecoder(strings.NewReader(string(raw)))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(c.Survive) == 0 {
		t.Fatalf("%s: no text that must survive", path)
	}
	return c
}
