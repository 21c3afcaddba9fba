package archive

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/internal/storetest"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

// TestSectionsReadOneAtATimeCompareAsDecoded: the sections of the demo's
// versions, read one section at a time as large ones are, compare as the
// documents DecodeSections reads; JSON the stream does not read as
// json.Unmarshal would is read whole instead.
func TestSectionsReadOneAtATimeCompareAsDecoded(t *testing.T) {
	storetest.StoreFree(t)
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
	// prepareSections still reads it.
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
		got, err := prepareSections([]byte(strings.Repeat(" ", streamSectionsFrom) + raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if cmp, want := diff.ComparePrepared(got, diff.Prepare(decoded(stored[0]))), diff.Compare(decoded([]byte(raw)), decoded(stored[0])); !reflect.DeepEqual(cmp, want) {
			t.Errorf("%s: prepareSections reads it otherwise than DecodeSections", raw)
		}
	}
}

// TestRandomSectionsReadOneAtATimeCompareAsDecoded: documents built at
// random from every kind of block, hostile text included, read one section
// at a time compare with another as they do decoded whole.
func TestRandomSectionsReadOneAtATimeCompareAsDecoded(t *testing.T) {
	storetest.StoreFree(t)
	r := rand.New(rand.NewPCG(11, 17))
	pieces := []string{"We keep", " data", "\"quoted\"", "<b>&amp;</b>", "back\\slash", "\u2028", "é", "😀", "\x00", "\t", "Twitter", "X", "post", " ", "\n"}
	text := func() string {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	randomDoc := func() *extract.Document {
		d := &extract.Document{}
		if r.IntN(2) == 0 {
			d.Title = text()
		}
		for range r.IntN(6) {
			s := extract.Section{Level: r.IntN(4)}
			for range s.Level {
				s.Path = append(s.Path, text())
			}
			if s.Level == 1 && r.IntN(2) == 0 {
				s.Path[0] = d.Title // the title shown as the first heading
			}
			for range r.IntN(5) {
				b := extract.Block{Text: text()}
				switch r.IntN(4) {
				case 0:
					b.Kind = extract.Paragraph
					if r.IntN(2) == 0 {
						b.Links = []extract.Link{{Text: b.Text, URL: "https://example.org/" + text()}}
					}
					if r.IntN(2) == 0 {
						b.Emphasis = []extract.Emphasis{{Kind: extract.Strong, Start: 0, End: len(b.Text)}}
					}
				case 1:
					b.Kind, b.Depth, b.Ordered = extract.ListItem, r.IntN(3), r.IntN(2) == 0
				case 2:
					b.Kind, b.Text, b.Cells, b.Header = extract.TableRow, "", []string{text(), text()}, r.IntN(2) == 0
				default:
					b.Kind = extract.Preformatted
				}
				s.Blocks = append(s.Blocks, b)
			}
			d.Sections = append(d.Sections, s)
		}
		return d
	}
	other := randomDoc()
	for i := range 300 {
		d := randomDoc()
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		streamed, err := streamSections(raw)
		if err != nil {
			t.Fatalf("document %d: %v\n%s", i, err, raw)
		}
		decoded, err := DecodeSections(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := diff.ComparePrepared(streamed, diff.Prepare(other)), diff.Compare(&decoded, other); !reflect.DeepEqual(got, want) {
			t.Fatalf("document %d read one section at a time compares otherwise than decoded:\n%s", i, raw)
		}
		if got := diff.ComparePrepared(streamed, diff.Prepare(&decoded)); got.Stats.SectionsChanged != 0 || got.Stats.WordsAdded+got.Stats.WordsRemoved != 0 {
			t.Fatalf("document %d read one section at a time differs from itself decoded: %+v\n%s", i, got.Stats, raw)
		}
	}
}
