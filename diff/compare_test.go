package diff

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

func TestCookiePolicyRebrandFindsTwitterToX(t *testing.T) {
	old := markdownDocument(t, historyDir+"/cookies-policy/2022-11-23T00-34-28Z.md")
	new := markdownDocument(t, historyDir+"/cookies-policy/2023-09-20T18-34-47Z.md")
	r := Compare(old, new)

	if r.Class == Identical || !r.Changed() {
		t.Fatalf("class %s, Changed %v; want a change", r.Class, r.Changed())
	}
	if r.Class != Rebrand {
		t.Errorf("class %s, want %s; reasons %q", r.Class, Rebrand, r.Reasons())
	}
	if len(r.Substitutions) == 0 || r.Substitutions[0].From != "Twitter" || r.Substitutions[0].To != "X" || r.Substitutions[0].Count <= 5 {
		t.Fatalf("substitutions %+v, want Twitter → X first with count > 5", r.Substitutions)
	}
	// "Tweet" once and "Tweets" once fold into one pair seen twice.
	if !slices.Contains(r.Substitutions, Substitution{From: "Tweet", To: "post", Count: 2}) {
		t.Errorf("substitutions %+v, want Tweet → post ×2", r.Substitutions)
	}
	if r.Stats.WordsAdded != r.Stats.WordsRemoved || r.Stats.WordsAdded < 40 {
		t.Errorf("stats %+v, want as many words added as removed, at least 40", r.Stats)
	}
	if summary := r.Summary(); !strings.HasPrefix(summary, "Twitter → X ×") || !strings.Contains(summary, "Tweet → post ×2") {
		t.Errorf("summary %q", summary)
	}
	// The title heading is reworded too.
	first := r.Sections[0]
	if opsText(first.Heading, Delete) != "How cookies are used on Twitter" || opsText(first.Heading, Insert) != "How cookies are used on X" {
		t.Errorf("first heading ops %+v", first.Heading)
	}
}

func TestOnlyTwitterToXIsRebrand(t *testing.T) {
	old := doc([]string{"About Twitter", "Twitter's rules apply on Twitter.", "Log in to Twitter."})
	new := doc([]string{"About X", "X's rules apply on X.", "Log in to X."})
	r := Compare(old, new)
	if r.Class != Rebrand {
		t.Fatalf("class %s, want rebrand; substitutions %+v", r.Class, r.Substitutions)
	}
	want := []Substitution{{From: "Twitter", To: "X", Count: 4}}
	if !reflect.DeepEqual(r.Substitutions, want) {
		t.Fatalf("substitutions %+v, want %+v", r.Substitutions, want)
	}
	if got := r.Reasons(); len(got) == 0 || got[0] != "1 substitution covers every edit" {
		t.Errorf("reasons %q", got)
	}
}

func TestStyleOnlyIsCosmetic(t *testing.T) {
	old := doc([]string{"Terms", "We don't sell \"your data\" - ever.", "Read  the   policy."})
	new := doc([]string{"Terms", "We don’t sell “your data” — ever.", "Read\u00a0the policy."})
	r := Compare(old, new)
	if r.Class != Cosmetic {
		t.Fatalf("class %s, want cosmetic; reasons %q", r.Class, r.Reasons())
	}
	if r.Stats.WordsAdded != 0 || r.Stats.WordsRemoved != 0 || r.Stats.Similarity != 100 {
		t.Errorf("stats %+v: style changes are no words added or removed", r.Stats)
	}
	if len(r.Substitutions) != 0 {
		t.Errorf("substitutions %+v, want none for style changes", r.Substitutions)
	}
	if !r.Changed() || !strings.HasPrefix(r.Summary(), "style only") {
		t.Errorf("Changed %v, summary %q", r.Changed(), r.Summary())
	}
}

func TestNewSentenceIsSubstantive(t *testing.T) {
	old := doc([]string{"Sharing", "We share data with partners."})
	new := doc([]string{"Sharing", "We share data with partners. We also sell it to advertisers."})
	r := Compare(old, new)
	if r.Class != Substantive {
		t.Fatalf("class %s, want substantive", r.Class)
	}
	if r.Stats.WordsAdded != 6 || r.Stats.WordsRemoved != 0 || r.Stats.WordsUnchanged != 6 {
		t.Errorf("stats %+v, want 6 added, 0 removed, 6 unchanged (heading included)", r.Stats)
	}
	if got := r.Reasons(); !slices.Contains(got, "6 words added in 1 section") {
		t.Errorf("reasons %q", got)
	}
	if got := r.Summary(); got != "+6 −0 words" {
		t.Errorf("summary %q", got)
	}
}

func TestSingleWordSwapIsNotASubstitution(t *testing.T) {
	r := Compare(doc([]string{"", "We may share your data."}), doc([]string{"", "We will share your data."}))
	if len(r.Substitutions) != 0 || r.Class != Substantive {
		t.Fatalf("class %s, substitutions %+v; a single swap is an ordinary edit", r.Class, r.Substitutions)
	}
}

func TestSectionsAddedRemovedAndInOrder(t *testing.T) {
	old := doc(
		[]string{"Intro", "Welcome to the service."},
		[]string{"Cookies", "We use cookies for login and for ads."},
		[]string{"Contact", "Write to us."},
	)
	new := doc(
		[]string{"Intro", "Welcome to the service."},
		[]string{"Your rights", "You may ask for a copy of everything we hold about you."},
		[]string{"Contact", "Write to us."},
	)
	r := Compare(old, new)
	var got []string
	for _, s := range r.Sections {
		got = append(got, strings.Join(s.Path, "/")+":"+string(s.Status))
	}
	want := []string{"Intro:unchanged", "Cookies:removed", "Your rights:added", "Contact:unchanged"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sections %q, want %q", got, want)
	}
	if p := r.Sections[1].Paragraphs[0]; p.Status != Removed || !reflect.DeepEqual(noWords(p.Ops), []Op{{Kind: Delete, Text: "We use cookies for login and for ads."}}) {
		t.Errorf("removed paragraph %+v", p)
	}
	if got := r.Reasons(); !slices.Contains(got, "1 section added") || !slices.Contains(got, "1 section removed") {
		t.Errorf("reasons %q", got)
	}
}

func TestRenamedSectionsAlign(t *testing.T) {
	old := doc(
		[]string{"Twitter Privacy Policy/Information you provide", "You give us your email address and your phone number when you sign up."},
		[]string{"Twitter Privacy Policy/How we share", "We share information with service providers."},
	)
	new := doc(
		[]string{"X Privacy Policy/Information you provide", "You give us your email address and your phone number when you sign up."},
		[]string{"X Privacy Policy/How we share information", "We share information with service providers."},
	)
	r := Compare(old, new)
	if len(r.Sections) != 2 {
		t.Fatalf("got %d sections, want the 2 aligned: %+v", len(r.Sections), r.Sections)
	}
	// Same last heading: aligned and unchanged, under the new path.
	if s := r.Sections[0]; s.Status != Unchanged || s.Path[0] != "X Privacy Policy" {
		t.Errorf("first section %+v", s)
	}
	// Heading reworded, same text: aligned by content, heading diffed.
	s := r.Sections[1]
	if s.Status != Changed || opsText(s.Heading, Delete) != "How we share" || opsText(s.Heading, Insert) != "How we share information" {
		t.Errorf("second section %+v", s)
	}
	if !slices.Contains(noWords(s.Heading), Op{Kind: Insert, Text: " information"}) {
		t.Errorf("heading ops %+v, want the inserted word only", s.Heading)
	}
}

func TestRewordedParagraphShowsWordEdits(t *testing.T) {
	old := doc([]string{"Data", "Intro line.", "We keep your messages for thirty days after you delete them, then we erase them.", "Outro line."})
	new := doc([]string{"Data", "Intro line.", "We keep your messages for ninety days after you delete them, then we erase them.", "Outro line."})
	r := Compare(old, new)
	paragraphs := r.Sections[0].Paragraphs
	if len(paragraphs) != 3 {
		t.Fatalf("got %d paragraphs, want 3 (one changed, not removed plus added)", len(paragraphs))
	}
	want := []Op{
		{Kind: Equal, Text: "We keep your messages for "},
		{Kind: Delete, Text: "thirty"},
		{Kind: Insert, Text: "ninety"},
		{Kind: Equal, Text: " days after you delete them, then we erase them."},
	}
	if p := paragraphs[1]; p.Status != Changed || !reflect.DeepEqual(noWords(p.Ops), want) {
		t.Fatalf("reworded paragraph %+v, want ops %+v", p, want)
	}
	if r.Stats != (Stats{WordsAdded: 1, WordsRemoved: 1, WordsUnchanged: 19, SectionsChanged: 1, Similarity: 95}) {
		t.Errorf("stats %+v", r.Stats)
	}
}

func TestUnrelatedParagraphsAreNotPaired(t *testing.T) {
	old := doc([]string{"", "Cookies help us keep you logged in and show relevant ads."})
	new := doc([]string{"", "Arbitration applies to all disputes arising under these terms."})
	r := Compare(old, new)
	var statuses []Status
	for _, p := range r.Sections[0].Paragraphs {
		statuses = append(statuses, p.Status)
	}
	if !reflect.DeepEqual(statuses, []Status{Removed, Added}) {
		t.Fatalf("statuses %v, want removed then added", statuses)
	}
}

func TestHeavyRewriteReadsAsPhrases(t *testing.T) {
	const before, after = "Please read this part of the policy carefully. ", ". These rules apply to all users."
	old := doc([]string{"", before + "We may share your data with our partners today" + after})
	new := doc([]string{"", before + "You will never sell any information to third parties" + after})
	ops := Compare(old, new).Sections[0].Paragraphs[0].Ops
	want := []Op{
		{Kind: Equal, Text: before},
		{Kind: Delete, Text: "We may share your data with our partners today"},
		{Kind: Insert, Text: "You will never sell any information to third parties"},
		{Kind: Equal, Text: after},
	}
	if !reflect.DeepEqual(noWords(ops), want) {
		t.Fatalf("ops %+v\nwant %+v", ops, want)
	}
}

func TestNilDocuments(t *testing.T) {
	if r := Compare(nil, nil); r.Class != Identical || r.Changed() || len(r.Sections) != 0 || r.Summary() != "no change" {
		t.Fatalf("Compare(nil, nil) = %+v", r)
	}
	d := doc([]string{"Intro", "Two words."})
	r := Compare(nil, d)
	if r.Class != Substantive || r.Stats.WordsAdded != 3 || len(r.Sections) != 1 || r.Sections[0].Status != Added {
		t.Fatalf("Compare(nil, d) = %+v", r)
	}
	if r := Compare(d, nil); r.Stats.WordsRemoved != 3 || r.Sections[0].Status != Removed {
		t.Fatalf("Compare(d, nil) = %+v", r)
	}
	var none *Result
	if none.Changed() {
		t.Error("nil Result reports a change")
	}
}

func TestTableRowsCompareByCells(t *testing.T) {
	row := func(cells ...string) *extract.Document {
		return &extract.Document{Sections: []extract.Section{{Blocks: []extract.Block{{Kind: extract.TableRow, Cells: cells}}}}}
	}
	r := Compare(row("guest_id", "Twitter", "2 years"), row("guest_id", "X", "2 years"))
	want := []Op{{Kind: Equal, Text: "| guest_id | "}, {Kind: Delete, Text: "Twitter"}, {Kind: Insert, Text: "X"}, {Kind: Equal, Text: " | 2 years |"}}
	if ops := noWords(r.Sections[0].Paragraphs[0].Ops); !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops %+v, want %+v", ops, want)
	}
}

func TestResultJSONShape(t *testing.T) {
	data, err := json.Marshal(Compare(doc([]string{"", "a b"}), doc([]string{"", "a c"})))
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]json.RawMessage
	if err := json.Unmarshal(data, &shape); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"stats", "substitutions", "class", "sections"} {
		if _, ok := shape[key]; !ok {
			t.Errorf("JSON %s lacks %q", data, key)
		}
	}
	if string(shape["substitutions"]) != "[]" || string(shape["class"]) != `"editorial"` {
		t.Errorf("JSON %s: want substitutions [] and class editorial", data)
	}
	if !strings.Contains(string(data), `"path":[]`) || !strings.Contains(string(data), `{"op":"delete","text":"b"}`) {
		t.Errorf("JSON %s: want an empty path list and ops as {op, text}", data)
	}
}

func TestParagraphSplitIsCosmetic(t *testing.T) {
	old := doc([]string{"Terms", "First sentence here. Second sentence there."})
	new := doc([]string{"Terms", "First sentence here.", "Second sentence there."})
	if r := Compare(old, new); r.Class != Cosmetic {
		t.Fatalf("class %s, want cosmetic for a paragraph split in two", r.Class)
	}
	changed := doc([]string{"Terms", "First sentence here.", "Second sentence elsewhere."})
	if r := Compare(old, changed); r.Class != Editorial {
		t.Fatalf("class %s, want editorial when a word changes too", r.Class)
	}
}

// noWords is ops without their word counts, to compare with literals.
func noWords(ops []Op) []Op {
	out := make([]Op, len(ops))
	for i, op := range ops {
		op.Words = 0
		out[i] = op
	}
	return out
}
