package extract

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestComparisonHashIsTheHashOfTheKey(t *testing.T) {
	files, _ := filepath.Glob("../demo/twitter-x-history/*/*.md")
	var texts []string
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Extract(content, "text/markdown", Options{})
		if err != nil {
			continue
		}
		texts = append(texts, doc.Markdown())
	}
	// Pieces cut at every size around the piece length, whitespace and
	// folds on the cuts, no line break at all.
	long := strings.Repeat("“quoted” — text\u00a0 \t with spaces\n", 5000)
	texts = append(texts, long, strings.ReplaceAll(long, "\n", " "), "  \n\n  ", "", " a", "a ", strings.Repeat("x", hashPiece)+"\n  \n"+strings.Repeat("y", 3))
	if len(texts) < 60 {
		t.Fatalf("only %d texts", len(texts))
	}
	for i, md := range texts {
		if got, want := ComparisonHash(md), sha256.Sum256([]byte(ComparisonKeyOf(md))); got != want {
			t.Errorf("text %d (%d bytes): the streamed hash differs from the key's", i, len(md))
		}
	}
}
