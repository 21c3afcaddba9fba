package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/policywatch/policywatch/internal/storetest"

	"github.com/policywatch/policywatch/extract"
)

// TestDecodeSectionsReadsWhatEncodingJSONReads: the faster decoder gives
// the documents encoding/json gives, from every version of X's two
// real histories and from hostile texts stored as the store stores them, and a
// document that is not JSON is still refused.
func TestDecodeSectionsReadsWhatEncodingJSONReads(t *testing.T) {
	storetest.SkipSlowOnPostgres(t, "it decodes the sections the demo histories' import stored, which either engine gives back byte for byte; recording those histories on PostgreSQL is TestRecordCookieHistoryKeepsOneVersionPerDistinctText's and TestPrivacyPolicyRevertsToTwitterTextAndBack's")
	compare := func(what string, raw []byte) {
		t.Helper()
		var want extract.Document
		wantErr := json.Unmarshal(raw, &want)
		got, err := DecodeSections(raw)
		if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DecodeSections = %+v, %v; encoding/json says %+v, %v", what, got, err, want, wantErr)
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
		if _, err := DecodeSections([]byte(bad)); err == nil {
			t.Errorf("DecodeSections(%q): no error", bad)
		}
	}

	compared := 0
	for _, history := range []*storetest.Template{recordedPrivacyHistory, recordedCookieHistory} {
		_, st, docID, versions := copyHistory(t, history)
		for date, vs := range versions {
			v, err := st.Version(context.Background(), vs.ID)
			if err != nil {
				t.Fatal(err)
			}
			compare(fmt.Sprintf("document %d, version of %s", docID, date), v.Sections)
			compared++
		}
	}
	if compared < 50 {
		t.Errorf("compared %d versions: the two histories have more", compared)
	}
}
