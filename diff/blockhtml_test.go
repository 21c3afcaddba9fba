package diff

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// sameAsLineHTML checks WriteBlockHTML against LineHTML of the block's
// Markdown, and returns whether the block took the plain path.
func sameAsLineHTML(t *testing.T, blk extract.Block) bool {
	t.Helper()
	var got, plain strings.Builder
	WriteBlockHTML(&got, blk)
	fast := writePlainLinked(&plain, blk)
	if want := string(LineHTML(blk.Markdown())); got.String() != want {
		t.Fatalf("block %+v (plain path %v):\nWriteBlockHTML %s\nLineHTML       %s", blk, fast, got.String(), want)
	}
	return fast
}

func TestBlockHTMLIsLineHTMLOnRealBlocks(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(historyDir, "*", "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("history files: %v", err)
	}
	blocks, fast, linked := 0, 0, 0
	for _, name := range files {
		d := historyVersion(t, filepath.Base(filepath.Dir(name)), filepath.Base(name))
		for _, sec := range d.Sections {
			for _, blk := range sec.Blocks {
				if blk.Kind != extract.Paragraph && blk.Kind != extract.ListItem {
					continue
				}
				blocks++
				marked := len(blk.Links) > 0 || len(blk.Emphasis) > 0
				if sameAsLineHTML(t, blk) && marked {
					fast++
				}
				if marked {
					linked++
				}
			}
		}
	}
	t.Logf("%d blocks of %d files, %d of the %d with links or emphasis written from the block", blocks, len(files), fast, linked)
	if fast < linked*8/10 {
		t.Error("no block with links took the plain path: the test did not test it")
	}
}

func TestBlockHTMLIsLineHTMLOnRandomBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	words := []string{"data", "cookies", "X", "Twitter", "we", "share", "your", "information", "Help Center",
		"1.", "-", "+", "#", "&", "&amp;", "<b>", ">", "*", "_", "**", "`", "\\", "[", "]", "(", ")", "!", "|", "~", "\"", "'",
		"é", "—", "“quoted”", "http://x.com", "a_b", "2023.", ":", ";", "..."}
	urls := []string{"https://help.x.com/en/rules-and-policies/x-cookies", "http://www.example.com/", "mailto:privacy@x.com",
		"javascript:alert(1)", "https://x.com/a?b=1&c=2", "https://x.com/a#frag", "https://x.com/(paren)", "https://x.com/a b",
		"https://x.com/<tag>", "https://x.com/a\\b", "https://x.com/%7Euser", "https://x.com/ünï", "/relative/path", "https://x.com/" + strings.Repeat("long/", 20),
		`https://x.com/"quote"`, "https://x.com/a|b", "ftp://files.example"}
	fast, linked, emphasised := 0, 0, 0
	for range 30000 {
		n := 1 + r.IntN(12)
		parts := make([]string, n)
		for i := range parts {
			if r.IntN(12) == 0 {
				parts[i] = words[r.IntN(len(words))]
			} else {
				parts[i] = words[r.IntN(9)]
			}
		}
		text := strings.Join(parts, " ")
		blk := extract.Block{Kind: extract.Paragraph, Text: text}
		if r.IntN(3) == 0 {
			blk.Kind, blk.Depth, blk.Ordered = extract.ListItem, r.IntN(3), r.IntN(2) == 0
		}
		for range r.IntN(4) {
			var l extract.Link
			if r.IntN(6) == 0 {
				l.Text = "absent text"
			} else {
				i := r.IntN(n)
				l.Text = strings.Join(parts[i:i+1+r.IntN(min(3, n-i))], " ")
			}
			l.URL = urls[r.IntN(len(urls))]
			blk.Links = append(blk.Links, l)
		}
		for range max(0, r.IntN(6)-3) { // spans on words, some touching, some crossing links
			i := r.IntN(n)
			start := len(strings.Join(parts[:i], " "))
			if i > 0 {
				start++
			}
			end := start + len(parts[i])
			if r.IntN(4) == 0 && i+1 < n {
				end += 1 + len(parts[i+1])
			}
			if r.IntN(10) == 0 && end < len(text) {
				end++ // a space at its edge
			}
			kind := extract.Strong
			if r.IntN(2) == 0 {
				kind = extract.Em
			}
			blk.Emphasis = append(blk.Emphasis, extract.Emphasis{Kind: kind, Start: start, End: end})
		}
		marked := len(blk.Links) > 0 || len(blk.Emphasis) > 0
		if sameAsLineHTML(t, blk) && marked {
			fast++
			if len(blk.Emphasis) > 0 {
				emphasised++
			}
		}
		if marked {
			linked++
		}
	}
	t.Logf("%d of %d blocks with links or emphasis written from the block, %d of them with emphasis", fast, linked, emphasised)
	if fast < linked/10 || emphasised < fast/10 {
		t.Errorf("only %d of %d blocks with links or emphasis took the plain path, %d with emphasis: the test hardly tests it", fast, linked, emphasised)
	}
}

// BenchmarkBlockHTML writes the blocks with links or emphasis of the
// newest demo privacy policy as the version page does, beside
// BenchmarkLineHTML's reading back of their Markdown.
func BenchmarkBlockHTML(b *testing.B) {
	files := historyFiles(b, "privacy-policy")
	d := historyVersion(b, "privacy-policy", filepath.Base(files[len(files)-1]))
	var blocks []extract.Block
	for _, sec := range d.Sections {
		for _, blk := range sec.Blocks {
			if (blk.Kind == extract.Paragraph || blk.Kind == extract.ListItem) && (len(blk.Links) > 0 || len(blk.Emphasis) > 0) {
				blocks = append(blocks, blk)
			}
		}
	}
	for _, via := range []struct {
		name  string
		write func(*strings.Builder, extract.Block)
	}{
		{"from-block", WriteBlockHTML},
		{"via-markdown", func(sb *strings.Builder, blk extract.Block) { WriteLineHTML(sb, blk.Markdown()) }},
	} {
		b.Run(via.name, func(b *testing.B) {
			b.ReportAllocs()
			var sb strings.Builder
			for b.Loop() {
				sb.Reset()
				for _, blk := range blocks {
					via.write(&sb, blk)
				}
			}
			b.ReportMetric(float64(len(blocks)), "blocks")
		})
	}
}

// An unchanged row read into the pooled scratch writes what readRow's
// reading of its one equal op writes, on every side.
func TestScratchReadsAnUnchangedLineAsReadRow(t *testing.T) {
	sc := lineScratches.Get().(*lineScratch)
	defer sc.release()
	lines := 0
	for _, name := range historyFiles(t, "privacy-policy")[:8] {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			lines++
			for _, side := range []sideKind{sidePlain, sideInline, sideOld, sideNew} {
				var want, got strings.Builder
				readRow([]Op{{Kind: Equal, Text: line}}, false).write(&want, side)
				sc.readLine(line).write(&got, side)
				if got.String() != want.String() {
					t.Fatalf("line %q, side %v:\nscratch %s\nreadRow %s", line, side, got.String(), want.String())
				}
			}
		}
	}
	t.Logf("%d lines", lines)
}
