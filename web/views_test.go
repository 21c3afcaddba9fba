package web

import (
	"reflect"
	"testing"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

func para(status diff.Status, text string) diff.Row {
	span := []diff.Span{{Kind: diff.SpanEqual, Text: text}}
	return diff.Row{Status: status, Changed: status != diff.Unchanged, Inline: span, Old: span, New: span}
}

// shape describes items as "p:TEXT" for a visible paragraph and "fold:N"
// for a folded run of N.
func shape(items []diffItem) []string {
	var out []string
	for _, it := range items {
		if it.Row != nil {
			out = append(out, "p:"+it.Row.Inline[0].Text)
		} else {
			out = append(out, "fold:"+string(rune('0'+len(it.Folded))))
		}
	}
	return out
}

func TestFoldUnchangedKeepsOneParagraphOfContext(t *testing.T) {
	u, c := diff.Unchanged, diff.Changed
	cases := []struct {
		name  string
		paras []diff.Row
		want  []string
	}{
		{"long run before a change keeps the last as context",
			[]diff.Row{para(u, "a"), para(u, "b"), para(u, "c"), para(c, "X")},
			[]string{"fold:2", "p:c", "p:X"}},
		{"run between changes keeps both ends",
			[]diff.Row{para(c, "X"), para(u, "a"), para(u, "b"), para(u, "c"), para(u, "d"), para(c, "Y")},
			[]string{"p:X", "p:a", "fold:2", "p:d", "p:Y"}},
		{"short run stays visible",
			[]diff.Row{para(c, "X"), para(u, "a"), para(u, "b"), para(u, "c"), para(c, "Y")},
			[]string{"p:X", "p:a", "p:b", "p:c", "p:Y"}},
		{"trailing run keeps the first as context",
			[]diff.Row{para(c, "X"), para(u, "a"), para(u, "b"), para(u, "c")},
			[]string{"p:X", "p:a", "fold:2"}},
	}
	for _, tc := range cases {
		if got := shape(foldUnchanged(tc.paras)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestContentSectionsGroupsBlocks(t *testing.T) {
	doc := extract.Document{Sections: []extract.Section{
		{Blocks: []extract.Block{{Kind: extract.Paragraph, Text: "intro"}}},
		{Path: []string{"Top", "Sub"}, Level: 2, Blocks: []extract.Block{
			{Kind: extract.ListItem, Text: "one"},
			{Kind: extract.ListItem, Text: "two", Depth: 1},
			{Kind: extract.ListItem, Text: "first", Ordered: true},
			{Kind: extract.TableRow, Cells: []string{"a", "b"}, Header: true},
			{Kind: extract.TableRow, Cells: []string{"1", "2"}},
			{Kind: extract.Paragraph, Text: "p1"},
			{Kind: extract.Paragraph, Text: "p2"},
		}},
		{Path: []string{"Deep"}, Level: 6},
	}}
	got := contentSections(doc)
	if got[0].HeadingLevel != 0 || got[1].HeadingLevel != 3 || got[1].Heading != "Sub" || got[2].HeadingLevel != 6 {
		t.Errorf("heading levels %d %d %d, heading %q", got[0].HeadingLevel, got[1].HeadingLevel, got[2].HeadingLevel, got[1].Heading)
	}
	var kinds []string
	for _, g := range got[1].Groups {
		kinds = append(kinds, g.Kind+":"+string(rune('0'+len(g.Blocks))))
	}
	want := []string{"ul:2", "ol:1", "table:2", "p:1", "p:1"}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("groups %q, want %q", kinds, want)
	}
}
