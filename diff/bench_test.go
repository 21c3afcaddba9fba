package diff

import (
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// benchmarkDocument repeats the paragraphs of one document's history, in
// file order, until the text reaches size bytes, in sections of 40.
func benchmarkDocument(b testing.TB, document string, size int) *extract.Document {
	b.Helper()
	var paragraphs []string
	for _, file := range historyFiles(b, document) {
		for _, s := range markdownDocument(b, file).Sections {
			for _, block := range s.Blocks {
				paragraphs = append(paragraphs, block.Text)
			}
		}
	}
	d := &extract.Document{}
	total := 0
	for i := 0; total < size; i++ {
		if i%40 == 0 {
			d.Sections = append(d.Sections, extract.Section{Path: []string{"Section " + strings.Repeat("I", 1+i/40%5)}, Level: 1})
		}
		text := paragraphs[i%len(paragraphs)]
		s := &d.Sections[len(d.Sections)-1]
		s.Blocks = append(s.Blocks, extract.Block{Kind: extract.Paragraph, Text: text})
		total += len(text)
	}
	return d
}

// changeWords replaces the given share of a document's words.
func changeWords(d *extract.Document, share float64, seed int64) *extract.Document {
	rng := rand.New(rand.NewSource(seed))
	out := &extract.Document{}
	for _, s := range d.Sections {
		c := extract.Section{Path: s.Path, Level: s.Level}
		for _, block := range s.Blocks {
			tokens := tokenize(block.Text)
			for i, token := range tokens {
				if isWord(token) && rng.Float64() < share {
					tokens[i] = "changed"
				}
			}
			c.Blocks = append(c.Blocks, extract.Block{Kind: block.Kind, Text: strings.Join(tokens, "")})
		}
		out.Sections = append(out.Sections, c)
	}
	return out
}

func BenchmarkCompare100KB2Percent(b *testing.B) {
	old := benchmarkDocument(b, "privacy-policy", 100_000)
	new := changeWords(old, 0.02, 1)
	b.SetBytes(100_000)
	b.ResetTimer()
	for b.Loop() {
		if r := Compare(old, new); r.Stats.WordsAdded == 0 {
			b.Fatal("no change found")
		}
	}
}

func BenchmarkCompareUnrelated100KB(b *testing.B) {
	// Same section headings, but the cookie policy's paragraphs against the
	// privacy policy's: every paragraph pair has to be weighed.
	old := benchmarkDocument(b, "privacy-policy", 100_000)
	new := benchmarkDocument(b, "cookies-policy", 100_000)
	b.SetBytes(100_000)
	b.ResetTimer()
	for b.Loop() {
		if r := Compare(old, new); r.Class != Substantive {
			b.Fatal("unrelated documents not substantive")
		}
	}
}

func BenchmarkCompare1MB2Percent(b *testing.B) {
	old := benchmarkDocument(b, "privacy-policy", 1_000_000)
	new := changeWords(old, 0.02, 1)
	b.SetBytes(1_000_000)
	b.ResetTimer()
	for b.Loop() {
		if r := Compare(old, new); r.Stats.WordsAdded == 0 {
			b.Fatal("no change found")
		}
	}
}

// The same pairs through git's word diff, for comparison in the same run
// (git reads the two files and writes its diff to a pipe we discard).
func BenchmarkGitWordDiff100KB2Percent(b *testing.B) {
	old := benchmarkDocument(b, "privacy-policy", 100_000)
	benchmarkGitWordDiff(b, old, changeWords(old, 0.02, 1))
}

func BenchmarkGitWordDiffUnrelated100KB(b *testing.B) {
	benchmarkGitWordDiff(b, benchmarkDocument(b, "privacy-policy", 100_000), benchmarkDocument(b, "cookies-policy", 100_000))
}

func BenchmarkGitWordDiff1MB2Percent(b *testing.B) {
	old := benchmarkDocument(b, "privacy-policy", 1_000_000)
	benchmarkGitWordDiff(b, old, changeWords(old, 0.02, 1))
}

func benchmarkGitWordDiff(b *testing.B, old, new *extract.Document) {
	git, err := exec.LookPath("git")
	if err != nil {
		b.Skip("git not installed")
	}
	dir := b.TempDir()
	oldPath, newPath := filepath.Join(dir, "old.md"), filepath.Join(dir, "new.md")
	if err := os.WriteFile(oldPath, []byte(old.Markdown()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(newPath, []byte(new.Markdown()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(old.Markdown())))
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(git, "diff", "--no-index", "--no-color", "--word-diff", oldPath, newPath)
		cmd.Stdout = io.Discard
		// git diff exits 1 when the files differ.
		if err := cmd.Run(); err == nil {
			b.Fatal("git found no difference")
		} else if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
			b.Fatalf("git diff: %v", err)
		}
	}
}
