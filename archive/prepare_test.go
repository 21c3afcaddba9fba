package archive

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

// TestSectionsReadOneAtATimeCompareAsDecoded: the sections of the demo's
// versions, read one section at a time as large ones are, compare as the
// documents DecodeSections reads; JSON the stream does not read as
// json.Unmarshal would is read whole instead.
func TestSectionsReadOneAtATimeCompareAsDecoded(t *testing.T) {
	files, _ := filepath.Glob("../demo/twitter-x-history/privacy-policy/*.md")
	if len(files) < 10 {
		t.Fatalf("%d demo privacy policies, want at least 10", len(files))
	}
	var stored [][]byte
	for i, f := range files[:10] {
		doc, err := extract.Extract(readBundle(t, "twitter-x-history/privacy-policy/"+filepath.Base(f)), "text/markdown", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if i == 4 {
			doc.Title = "A title the Markdown shows"
		}
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, raw)
	}
	decoded := func(raw []byte) *extract.Document {
		t.Helper()
		doc, err := DecodeSections(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &doc
	}
	for i := 1; i < len(stored); i++ {
		from, err := streamSections(stored[i-1])
		if err != nil {
			t.Fatalf("version %d: %v", i-1, err)
		}
		to, err := streamSections(stored[i])
		if err != nil {
			t.Fatalf("version %d: %v", i, err)
		}
		if got, want := diff.ComparePrepared(from, to), diff.Compare(decoded(stored[i-1]), decoded(stored[i])); !reflect.DeepEqual(got, want) {
			t.Errorf("versions %d → %d read one section at a time compare otherwise than decoded", i-1, i)
		}
	}

	// The title after the sections, or none; sections null or empty.
	section := `{"path":["Data"],"level":1,"blocks":[{"kind":"paragraph","text":"We keep data."}]}`
	for _, raw := range []string{
		`{"sections":[` + section + `],"title":"Policy"}`,
		`{"sections":[` + section + `]}`,
		`{"title":"Policy","sections":null}`,
		`{"sections":[]}`,
		`{}`,
	} {
		p, err := streamSections([]byte(raw))
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if got, want := diff.ComparePrepared(p, diff.Prepare(decoded(stored[0]))), diff.Compare(decoded([]byte(raw)), decoded(stored[0])); !reflect.DeepEqual(got, want) {
			t.Errorf("%s read one section at a time compares otherwise than decoded", raw)
		}
	}
	// What the stream leaves to json.Unmarshal: it says so, and
	// PrepareSections still reads it.
	for _, raw := range []string{
		`{"title":"A","title":"B","sections":[]}`,
		`{"Title":"Policy","sections":[]}`,
		`{"sections":[` + section + `]} {}`,
		`[]`,
	} {
		if _, err := streamSections([]byte(raw)); err == nil {
			t.Errorf("%s: read one section at a time, no error", raw)
		}
	}
	for _, raw := range []string{`{"title":"A","title":"B","sections":[]}`, `{"Title":"Policy","sections":[` + section + `]}`} {
		got, err := PrepareSections([]byte(strings.Repeat(" ", streamSectionsFrom) + raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if cmp, want := diff.ComparePrepared(got, diff.Prepare(decoded(stored[0]))), diff.Compare(decoded([]byte(raw)), decoded(stored[0])); !reflect.DeepEqual(cmp, want) {
			t.Errorf("%s: PrepareSections reads it otherwise than DecodeSections", raw)
		}
	}
}
