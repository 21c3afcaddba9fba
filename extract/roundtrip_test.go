package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// roundTripInputs lists every history version and every fixture.
func roundTripInputs(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, pattern := range []string{
		"../demo/twitter-x-history/cookies-policy/*.md",
		"../demo/twitter-x-history/privacy-policy/*.md",
		"../demo/twitter-x/*.md",
		"../demo/twitter-x/*.txt",
		"../demo/twitter-x/*.html",
	} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, matches...)
	}
	if len(paths) < 64+5 {
		t.Fatalf("found %d inputs, want at least 69 (64 history versions and the fixtures)", len(paths))
	}
	return paths
}

// TestMarkdownRoundTrip: the canonical Markdown, read back as Markdown,
// renders to the same bytes and lists the same links.
func TestMarkdownRoundTrip(t *testing.T) {
	for _, path := range roundTripInputs(t) {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			doc := extractFile(t, path, Options{})
			first := doc.Markdown()
			again, err := Extract([]byte(first), "text/markdown", Options{})
			if err != nil {
				t.Fatalf("re-extracting the canonical Markdown: %v", err)
			}
			if second := again.Markdown(); second != first {
				t.Errorf("round trip changed the Markdown:\n%s", firstDifference(first, second))
			}
			if a, b := allLinks(doc), allLinks(again); !slices.Equal(a, b) {
				t.Errorf("links changed in the round trip: %d links, %d read back", len(a), len(b))
			}
			if a, b := allEmphasis(doc), allEmphasis(again); !slices.Equal(a, b) {
				t.Errorf("emphasis changed in the round trip: %d spans, %d read back", len(a), len(b))
			}
			if again.Title != doc.Title && doc.Title != "" {
				t.Errorf("title %q became %q", doc.Title, again.Title)
			}
		})
	}
}

// TestBlockMarkdownMatchesDocument: each block's Markdown appears as
// whole lines of the document's Markdown, in order (the diff package diffs
// these lines).
func TestBlockMarkdownMatchesDocument(t *testing.T) {
	for _, path := range roundTripInputs(t) {
		doc := extractFile(t, path, Options{})
		lines := strings.Split(doc.Markdown(), "\n")
		next := 0
		for _, s := range doc.Sections {
			for _, b := range s.Blocks {
				want := strings.Split(b.Markdown(), "\n")
				found := false
				for ; next+len(want) <= len(lines); next++ {
					if slices.Equal(lines[next:next+len(want)], want) {
						found = true
						next += len(want)
						break
					}
				}
				if !found {
					t.Fatalf("%s: block %q is not in the document's Markdown lines in order", path, b.Markdown())
				}
			}
		}
	}
}

func extractFile(t testing.TB, path string, opts Options) *Document {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Extract(content, ContentTypeForName(path), opts)
	if err != nil {
		t.Fatalf("Extract(%s): %v", path, err)
	}
	return doc
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  first:  %s\n  second: %s", i+1, x, y)
		}
	}
	return "(no line differs)"
}
