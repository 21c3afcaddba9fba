package web

import (
	"reflect"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

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
