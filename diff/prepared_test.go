package diff

import (
	"reflect"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// TestComparePreparedIsCompare: documents prepared whole, or section by
// section as a reader of stored sections does, compare as the documents
// do, also when one Prepared is compared again with other versions (a
// comparison fills in word ids of its own). Titles shown or hidden by a
// level-1 heading of the same text are included.
func TestComparePreparedIsCompare(t *testing.T) {
	files := historyFiles(t, "privacy-policy")
	if len(files) < 6 {
		t.Fatalf("%d privacy policies, want at least 6", len(files))
	}
	var docs []*extract.Document
	for _, f := range files[:6] {
		docs = append(docs, markdownDocument(t, f))
	}
	titled := *docs[2]
	titled.Title = "Privacy Policy, titled"
	hidden := *docs[3]
	hidden.Title = "Hidden title"
	hidden.Sections = append([]extract.Section{{Path: []string{"Hidden title"}, Level: 1}}, hidden.Sections...)
	docs = append(docs, &titled, &hidden, nil)

	bySection := func(d *extract.Document) *Prepared {
		if d == nil {
			return nil
		}
		p := NewPrepared()
		for _, s := range d.Sections {
			p.AddSection(s)
		}
		p.SetTitle(d.Title) // after the sections, as JSON may say it
		return p
	}
	held := bySection(docs[0]) // compared with every other version, in turn
	for i := 1; i < len(docs); i++ {
		want := Compare(docs[i-1], docs[i])
		if got := ComparePrepared(bySection(docs[i-1]), bySection(docs[i])); !reflect.DeepEqual(got, want) {
			t.Errorf("versions %d → %d: prepared section by section, the comparison differs", i-1, i)
		}
		if got, want := ComparePrepared(held, Prepare(docs[i])), Compare(docs[0], docs[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("version 0 → %d: a Prepared compared again, the comparison differs", i)
		}
	}
	// The title is a section of its own where the Markdown shows it.
	for i, d := range docs[:len(docs)-1] {
		sections := Prepare(d).finish()
		if shown := d.ShownTitle(); (len(sections) == len(d.Sections)+1) != (shown != "") || shown != "" && sections[0].heading != shown {
			t.Errorf("document %d (title %q, shown %q): %d sections prepared from %d", i, d.Title, shown, len(sections), len(d.Sections))
		}
	}

	// Renamed sections are paired by their words, whose ids each
	// comparison gives in the order it meets them: a Prepared compared
	// first as the old side, then as the new one, must not keep the ids of
	// the first comparison.
	base := doc([]string{"How we use data", "We use your data to run the service."},
		[]string{"Who we share it with", "We share data with partners we trust."})
	renamed := doc([]string{"Cookies", "Cookies remember settings and measure visits."},
		[]string{"How we use your data", "We use your data to run and improve the service."},
		[]string{"Who we share your data with", "We share data with partners we trust and advertisers."})
	reordered := doc([]string{"Partners", "Advertisers and partners we trust get data."},
		[]string{"How data is used", "The service runs on the data you give us."})
	shared := Prepare(base)
	if got, want := ComparePrepared(shared, Prepare(renamed)), Compare(base, renamed); !reflect.DeepEqual(got, want) {
		t.Error("renamed sections: the prepared comparison differs")
	}
	if got, want := ComparePrepared(Prepare(reordered), shared), Compare(reordered, base); !reflect.DeepEqual(got, want) {
		t.Error("renamed sections, a Prepared compared again as the new side: the comparison differs")
	}
}
