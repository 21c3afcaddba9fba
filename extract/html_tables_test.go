package extract

import (
	"os"
	"slices"
	"testing"
)

// TestTableCellsHoldingLists: a data table whose cells list items stays a
// table, each cell's items parted by itemSeparator; a table holding
// headings, nested tables or role=presentation is layout, walked as
// blocks.
func TestTableCellsHoldingLists(t *testing.T) {
	page := `<main><table>
<tr><th>Category</th><th>Shared with</th></tr>
<tr><td>Identifiers</td><td>Shared with:<ul><li>Other users</li><li>Service providers<ul><li>hosting</li><li>payments</li></ul></li><li>Advertisers</li></ul></td></tr>
<tr><td><ol><li>Only</li></ol></td><td>Text <b>after</b></td></tr>
</table>
<table role="presentation"><tr><td><p>Layout paragraph.</p><ul><li>Layout item</li></ul></td></tr></table></main>`
	doc := extractHTML(t, page, Options{})
	var rows [][]string
	for _, b := range doc.Sections[0].Blocks {
		if b.Kind == TableRow {
			rows = append(rows, b.Cells)
		}
	}
	want := [][]string{
		{"Category", "Shared with"},
		{"Identifiers", "Shared with: Other users • Service providers • hosting • payments • Advertisers"},
		{"Only", "Text after"},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows %q, want %q", rows, want)
	}
	if b := findBlock(t, doc, "Layout item"); b.Kind != ListItem {
		t.Errorf("item of a layout table: %+v", b)
	}
	findBlock(t, doc, "Layout paragraph.")
}

// TestListTableOfRealPolicy: Coffee Meets Bagel's table of who receives
// each category of personal information lists the recipients in each
// cell; OTA keeps it a table, and so do we.
func TestListTableOfRealPolicy(t *testing.T) {
	content, err := os.ReadFile("../testdata/ota-histories/dating/Coffee Meets Bagel/Copyright Claims Policy/snapshots/2023-07-27T12-32-14Z.html")
	if err != nil {
		t.Fatal(err)
	}
	// The privacy policy's declaration of the time: a range of the page.
	doc, err := Extract(content, "text/html", Options{Select: []Selector{{Range: &Range{StartBefore: "#av_section_3", EndBefore: "#av_section_4"}}}})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, s := range doc.Sections {
		for _, b := range s.Blocks {
			if b.Kind == TableRow && len(b.Cells) >= 2 {
				found[b.Cells[0]] = b.Cells[1]
			}
		}
	}
	for category, recipients := range map[string]string{
		"Identifiers":      "Other users • Service providers • Advertising partners",
		"Geolocation data": "Service providers",
		"Professional or employment related information": "Other users • Service providers",
	} {
		if found[category] != recipients {
			t.Errorf("row %q: %q, want %q", category, found[category], recipients)
		}
	}
}
