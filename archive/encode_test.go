package archive

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/policywatch/policywatch/internal/storetest"

	"github.com/policywatch/policywatch/extract"
)

// TestDocumentsEncodeAsMarshalDoes: the block-by-block encoding gives the
// bytes json.Marshal gives, on every demo version and on edge cases, also
// when it empties the document as it goes.
func TestDocumentsEncodeAsMarshalDoes(t *testing.T) {
	storetest.StoreFree(t)
	files, _ := filepath.Glob("../demo/twitter-x-history/*/*.md")
	docs := []*extract.Document{
		{Sections: []extract.Section{}},
		{Title: "Only a title", Sections: []extract.Section{{}}},
		{Sections: []extract.Section{{Path: []string{"A"}, Level: 1}, {Blocks: []extract.Block{{Kind: extract.Paragraph, Text: "<b>&"}}}}},
	}
	for _, f := range files {
		doc, err := extract.Extract(readBundle(t, "twitter-x-history/"+filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)), "text/markdown", extract.Options{})
		if err == nil {
			docs = append(docs, doc)
		}
	}
	for i, d := range docs {
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, release := range []bool{false, true} {
			var got bytes.Buffer
			if err := encodeDocument(&got, d, release); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("document %d (release %v) encodes as\n%.300s\nwant\n%.300s", i, release, got.Bytes(), want)
			}
		}
		// Released, the document holds nothing of its sections.
		for k, s := range d.Sections {
			if s.Heading() != "" || len(s.Blocks) > 0 {
				t.Errorf("document %d: section %d still holds %q and %d blocks once encoded with release", i, k, s.Heading(), len(s.Blocks))
			}
		}
	}
}
