package diff

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func cookieRebrand(t *testing.T) *Result {
	t.Helper()
	old := markdownDocument(t, historyDir+"/cookies-policy/2022-11-23T00-34-28Z.md")
	new := markdownDocument(t, historyDir+"/cookies-policy/2023-09-20T18-34-47Z.md")
	return Compare(old, new)
}

func TestViewFoldsSubstitutions(t *testing.T) {
	r := cookieRebrand(t)
	folded, all := r.View(false), r.View(true)
	if folded.Changes != 0 {
		t.Errorf("folded view has %d changed rows, want 0 for a pure rebrand", folded.Changes)
	}
	if all.Changes == 0 {
		t.Fatal("the view with everything shows no change")
	}
	var substituted, inserted int
	for _, s := range folded.Sections {
		for _, row := range s.Rows {
			for _, span := range row.Inline {
				if span.Kind == SpanSubstituted && span.Text == "X" && span.Was == "Twitter" {
					substituted++
				}
			}
		}
	}
	for _, s := range all.Sections {
		for _, row := range s.Rows {
			for _, span := range row.Inline {
				if span.Kind == SpanInsert && span.Text == "X" {
					inserted++
				}
			}
		}
	}
	if substituted < 30 || inserted != substituted {
		t.Errorf("%d folded Twitter → X spans, %d inserted X spans with --all; want the same, at least 30", substituted, inserted)
	}
}

// Every view, folded or not, shows each side's text exactly.
func TestViewSidesRebuildBothDocuments(t *testing.T) {
	pairs := append(generatedPairs(300), historyPairs(t)...)
	for _, p := range pairs {
		r := Compare(p.old, p.new)
		for _, all := range []bool{false, true} {
			var news []string
			oldsAt := map[int][]string{} // by the section's old index
			v := r.View(all)
			for i, s := range v.Sections {
				for _, row := range s.Rows {
					if row.Status != Added {
						at := r.Sections[i].OldIndex
						oldsAt[at] = append(oldsAt[at], spanText(row.Old))
					}
					if row.Status != Removed {
						news = append(news, spanText(row.New))
						if got := spanText(row.Inline); !row.Changed && !all && got != spanText(row.New) {
							t.Fatalf("%s: folded inline row %q differs from its new side %q", p.name, got, spanText(row.New))
						}
					}
				}
			}
			var olds []string
			for i := range len(r.Sections) {
				olds = append(olds, oldsAt[i]...)
			}
			if want := blockTexts(sides(r, true)); strings.Join(olds, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%s (all %v): old side of the view differs", p.name, all)
			}
			if want := blockTexts(sides(r, false)); strings.Join(news, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%s (all %v): new side of the view differs", p.name, all)
			}
		}
	}
}

// blockTexts flattens the paragraph texts of sides in result order.
func blockTexts(sections [][]string) []string {
	var out []string
	for _, s := range sections {
		out = append(out, s[1:]...)
	}
	return out
}

func TestWriteText(t *testing.T) {
	r := cookieRebrand(t)
	var plain, all, colour bytes.Buffer
	if err := r.WriteText(&plain, TextOptions{Old: "a.md", New: "b.md"}); err != nil {
		t.Fatal(err)
	}
	out := plain.String()
	for _, want := range []string{"--- a.md\n+++ b.md\n", "rebrand: Twitter → X ×", "replaced throughout: Twitter → X ×", "--all shows them", "% similar\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") || strings.Contains(out, "{+") {
		t.Errorf("plain folded output has colours or edits:\n%s", out)
	}
	if err := r.WriteText(&all, TextOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(all.String(), "[-Twitter-]{+X+}") || !strings.Contains(all.String(), "@@ How cookies are used on ") {
		t.Errorf("--all output lacks word edits or section lines:\n%s", all.String())
	}
	if err := r.WriteText(&colour, TextOptions{All: true, Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(colour.String(), ansiRed+"Twitter"+ansiReset+ansiGreen+"X"+ansiReset) {
		t.Errorf("colour output lacks red/green edits")
	}
	removed := Compare(doc([]string{"A", "Gone paragraph here.", "Kept."}), doc([]string{"A", "Kept.", "Brand new paragraph."}))
	var b bytes.Buffer
	_ = removed.WriteText(&b, TextOptions{})
	if !strings.Contains(b.String(), "\n- Gone paragraph here.\n") || !strings.Contains(b.String(), "\n+ Brand new paragraph.\n") {
		t.Errorf("removed and added paragraphs not shown as - and + lines:\n%s", b.String())
	}
}

func TestWriteHTML(t *testing.T) {
	r := Compare(doc([]string{"Terms", "Twitter <script>alert(1)</script> rules.", "Use Twitter today.", "More."}),
		doc([]string{"Terms", "X <script>alert(1)</script> rules.", "Use X today.", "More. And more words here now."}))
	var inline, side bytes.Buffer
	if err := r.WriteHTML(&inline, HTMLOptions{Title: "T"}); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&side, HTMLOptions{Title: "T", SideBySide: true, All: true}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"inline": inline.String(), "side": side.String()} {
		if strings.Contains(out, "<script>") || !strings.Contains(out, "&lt;script&gt;") {
			t.Errorf("%s: crawled text not escaped", name)
		}
		if !strings.Contains(out, `<a href="#s1">Terms</a>`) {
			t.Errorf("%s: no section navigation", name)
		}
	}
	if !strings.Contains(inline.String(), `<span class="substituted" title="was: Twitter">X</span>`) || !strings.Contains(inline.String(), "<ins>More. And more words here now.</ins>") {
		t.Errorf("inline page lacks a folded substitution or the insertion:\n%s", inline.String())
	}
	if !strings.Contains(side.String(), `<table class="side">`) || !strings.Contains(side.String(), `<td class="old"><del>Twitter</del>`) {
		t.Errorf("side-by-side page lacks its table or the deletion on the left:\n%s", side.String())
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := cookieRebrand(t).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Class         Class          `json:"class"`
		Summary       string         `json:"summary"`
		Reasons       []string       `json:"reasons"`
		Substitutions []Substitution `json:"substitutions"`
		Sections      []Section      `json:"sections"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Class != Rebrand || !strings.HasPrefix(got.Summary, "Twitter → X") || len(got.Reasons) == 0 || len(got.Sections) == 0 {
		t.Fatalf("JSON %+v", got)
	}
	if !strings.Contains(b.String(), `"folded": "substitution"`) {
		t.Errorf("JSON ops do not mark folded substitutions")
	}
}
