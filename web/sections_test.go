package web

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// TestDecodeSectionsReadsWhatEncodingJSONReads: the faster decoder gives
// the documents encoding/json gives, from every version of the demo
// archive and from hostile texts stored as the store stores them, and a
// document that is not JSON is still refused.
func TestDecodeSectionsReadsWhatEncodingJSONReads(t *testing.T) {
	compare := func(what string, raw []byte) {
		t.Helper()
		var want extract.Document
		wantErr := json.Unmarshal(raw, &want)
		got, err := decodeSections(raw)
		if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decodeSections = %+v, %v; encoding/json says %+v, %v", what, got, err, want, wantErr)
		}
	}
	hostile := "<script>\"x\"</script> & 'q' \u2028\u2029 \U0001F600 \x00\x1f é \ufffd \\ / +"
	doc := extract.Document{Title: hostile, Sections: []extract.Section{{
		Path: []string{hostile, ""}, Level: 3,
		Blocks: []extract.Block{
			{Kind: extract.Paragraph, Text: hostile, Links: []extract.Link{{Text: "x", URL: "https://example.com/?a=1&b=\"2\""}},
				Emphasis: []extract.Emphasis{{Kind: "strong", Start: 0, End: 8}}},
			{Kind: extract.ListItem, Text: hostile, Depth: 3, Ordered: true},
			{Kind: extract.TableRow, Cells: []string{hostile, "", "b"}, Header: true},
			{Kind: extract.Preformatted, Text: hostile},
		},
	}}}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	compare("hostile texts", raw)
	compare("escapes written by hand", []byte(`{"title":"\u00e9\ud83d\ude00\n\t\"","sections":[{"path":["a\/b"],"level":2,"blocks":[{"kind":"paragraph","text":"\u003cb\u003e"}]}]}`))
	compare("invalid UTF-8", []byte("{\"title\":\"\xff\xfe ok\"}"))
	compare("no sections", []byte(`{}`))
	for _, bad := range []string{"", "{", `{"sections":[}`, `[]`, `{"sections":"x"}`} {
		if _, err := decodeSections([]byte(bad)); err == nil {
			t.Errorf("decodeSections(%q): no error", bad)
		}
	}

	ctx := context.Background()
	site := readDemoSite(t)
	docs, err := site.st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, d := range docs {
		versions, err := site.st.Versions(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, vs := range versions {
			v, err := site.st.Version(ctx, vs.ID)
			if err != nil {
				t.Fatal(err)
			}
			compare(versionPath(d.ID, v.ID), v.Sections)
			compared++
		}
	}
	if compared < 30 {
		t.Errorf("compared %d versions: the demo archive has more", compared)
	}
}
