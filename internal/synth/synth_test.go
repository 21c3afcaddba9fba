package synth

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// generate makes a small archive in a temporary file and returns its store.
func generate(t *testing.T, opts Options) (*store.Store, Summary) {
	t.Helper()
	st, err := store.OpenWith(context.Background(), filepath.Join(t.TempDir(), "synth.db"), store.FasterCompression())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sum, err := Generate(context.Background(), archive.New(st), opts)
	if err != nil {
		t.Fatal(err)
	}
	return st, sum
}

// TestGenerateMakesTheArchiveRecordMakes: the documents and versions asked
// for, each version after the first with its change (a story, stamped
// with this diff release), marks computed by this release and among them
// flip-flops, texts of real policies with the service's name in them;
// the same seed makes the same texts.
func TestGenerateMakesTheArchiveRecordMakes(t *testing.T) {
	ctx := context.Background()
	opts := Options{Documents: 4, Versions: 80, Seed: 5}
	st, sum := generate(t, opts)
	if sum.Documents != 4 || sum.Versions != 80 || sum.Services != 1 {
		t.Fatalf("summary %+v, want 4 documents of a service and 80 versions", sum)
	}
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil || len(docs) != 4 {
		t.Fatalf("documents %v, %v", docs, err)
	}
	versions, flipFlops, reverts := 0, 0, 0
	var hashes []string
	for _, d := range docs {
		versions += d.Versions
		vs, err := st.Versions(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vs {
			hashes = append(hashes, v.TextHash)
			if v.Mark.FlipFlop {
				flipFlops++
			}
			if v.Mark.RevertsTo != nil {
				reverts++
			}
			if i == len(vs)-1 { // the first version, listed last
				if v.Change != nil {
					t.Errorf("%s / %s: its first version has a change", d.Service, d.Type)
				}
				continue
			}
			var story diff.Story
			if v.Change == nil || v.Change.Differ != diff.Release || json.Unmarshal(v.Change.Story, &story) != nil || story.Line == "" {
				t.Fatalf("%s / %s, version %d: change %+v, want one with its story, by %s", d.Service, d.Type, v.ID, v.Change, diff.Release)
			}
		}
		latest, err := st.Version(ctx, vs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(latest.Markdown, d.Service) || len(latest.Markdown) < 2000 {
			t.Errorf("%s / %s: latest text of %d bytes does not name the service", d.Service, d.Type, len(latest.Markdown))
		}
	}
	// Each return to the text before the last is a revert, and a
	// flip-flop of two versions.
	if versions != 80 || sum.Returns == 0 || reverts < sum.Returns || flipFlops < sum.Returns+1 {
		t.Errorf("%d versions, %d returns, marked as %d reverts and %d versions in flip-flops; want 80 versions, and returns marked",
			versions, sum.Returns, reverts, flipFlops)
	}
	stale, err := st.Documents(ctx, store.DocumentFilter{StaleFor: archive.CurrentReleases()})
	if err != nil || len(stale) != 0 {
		t.Errorf("documents with derived data of another release: %v, %v", stale, err)
	}

	// Documents are numbered as workers reach them: compare them by name.
	again, _ := generate(t, opts)
	var hashesAgain []string
	for _, d := range docs {
		same, err := again.Documents(ctx, store.DocumentFilter{Service: d.Service, Type: d.Type})
		if err != nil || len(same) != 1 {
			t.Fatalf("%s / %s made again: %v, %v", d.Service, d.Type, same, err)
		}
		vs, err := again.Versions(ctx, same[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			hashesAgain = append(hashesAgain, v.TextHash)
		}
	}
	if strings.Join(hashes, ",") != strings.Join(hashesAgain, ",") {
		t.Error("the same seed made other texts")
	}
}

func TestGenerateRefusesTooFewVersions(t *testing.T) {
	if _, err := Generate(context.Background(), nil, Options{Documents: 10, Versions: 5}); err == nil || !strings.Contains(err.Error(), "a version each") {
		t.Errorf("10 documents and 5 versions: %v", err)
	}
}

func TestNameInReplacesWholeWordsOnly(t *testing.T) {
	got := nameIn("X and Twitter: Tweets on X, Xbox, XML, Twitter's", "Acme")
	if want := "Acme and Acme: Posts on Acme, Xbox, XML, Acme's"; got != want {
		t.Errorf("nameIn = %q, want %q", got, want)
	}
}
