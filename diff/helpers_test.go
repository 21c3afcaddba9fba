package diff

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

// historyDir holds the dated Markdown versions of X's policies.
const historyDir = "../demo/twitter-x-history"

var (
	markdownLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	markdownEmphasis = strings.NewReplacer("**", "", "__", "")
	listMarker       = regexp.MustCompile(`^\s*(?:[*+-]|\d+[.)])\s+`)
	atxHeading       = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	setextUnderline  = regexp.MustCompile(`^\s*(=+|-+)\s*$`)
)

// markdownDocument turns a history Markdown file into a Document, crudely:
// sections at ATX headings and at lines underlined by === or ---,
// paragraph blocks at blank lines, one list-item block per "* " line,
// links reduced to their text and ** emphasis dropped.
func markdownDocument(t testing.TB, path string) *extract.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return parseMarkdown(string(data))
}

func parseMarkdown(text string) *extract.Document {
	doc := &extract.Document{}
	current := extract.Section{}
	var stack []string
	var lines []string
	var kind extract.BlockKind
	flushBlock := func() {
		if len(lines) > 0 {
			joined := markdownEmphasis.Replace(markdownLink.ReplaceAllString(strings.Join(lines, " "), "$1"))
			current.Blocks = append(current.Blocks, extract.Block{Kind: kind, Text: strings.Join(strings.Fields(joined), " ")})
		}
		lines = nil
	}
	startSection := func(level int, heading string) {
		flushBlock()
		if len(current.Path) > 0 || len(current.Blocks) > 0 {
			doc.Sections = append(doc.Sections, current)
		}
		for len(stack) >= level {
			stack = stack[:len(stack)-1]
		}
		for len(stack) < level-1 {
			stack = append(stack, "")
		}
		stack = append(stack, heading)
		current = extract.Section{Path: append([]string(nil), stack...), Level: level}
	}
	all := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(all); i++ {
		line := all[i]
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			startSection(len(m[1]), m[2])
			continue
		}
		if strings.TrimSpace(line) != "" && len(lines) == 0 && i+1 < len(all) {
			if m := setextUnderline.FindStringSubmatch(all[i+1]); m != nil && !listMarker.MatchString(line) {
				level := 1
				if m[1][0] == '-' {
					level = 2
				}
				startSection(level, strings.TrimSpace(line))
				i++
				continue
			}
		}
		switch {
		case strings.TrimSpace(line) == "":
			flushBlock()
		case listMarker.MatchString(line):
			flushBlock()
			kind = extract.ListItem
			lines = append(lines, listMarker.ReplaceAllString(line, ""))
		default:
			if len(lines) == 0 {
				kind = extract.Paragraph
			}
			lines = append(lines, line)
		}
	}
	flushBlock()
	doc.Sections = append(doc.Sections, current)
	return doc
}

// historyFiles lists the Markdown versions of one document, oldest first.
func historyFiles(t testing.TB, document string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(historyDir, document, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no history files for %s: %v", document, err)
	}
	return files
}

// doc builds a Document from sections given as heading path (slash
// separated, "" for none) followed by paragraph texts.
func doc(sections ...[]string) *extract.Document {
	d := &extract.Document{}
	for _, s := range sections {
		sec := extract.Section{}
		if s[0] != "" {
			sec.Path = strings.Split(s[0], "/")
			sec.Level = len(sec.Path)
		}
		for _, text := range s[1:] {
			sec.Blocks = append(sec.Blocks, extract.Block{Kind: extract.Paragraph, Text: text})
		}
		d.Sections = append(d.Sections, sec)
	}
	return d
}

// sides rebuilds one side of a Result: for every section not only on the
// other side, its heading and the text of each of its paragraphs, from
// Equal ops plus Delete ops (old side) or Insert ops (new side).
func sides(r *Result, old bool) [][]string {
	skipSection, skipParagraph, own := Added, Added, Delete
	if !old {
		skipSection, skipParagraph, own = Removed, Removed, Insert
	}
	// Sections come in the new document's order; the old side's moved
	// sections go back to their old places.
	ordered := slices.Clone(r.Sections)
	if old {
		ordered = slices.DeleteFunc(ordered, func(s Section) bool { return s.Status == Added })
		slices.SortStableFunc(ordered, func(a, b Section) int { return a.OldIndex - b.OldIndex })
	}
	var out [][]string
	for _, s := range ordered {
		if s.Status == skipSection {
			continue
		}
		heading := ""
		if len(s.Path) > 0 {
			heading = s.Path[len(s.Path)-1]
		}
		if len(s.Heading) > 0 {
			heading = opsText(s.Heading, own)
		}
		texts := []string{heading}
		for _, p := range s.Paragraphs {
			if p.Status != skipParagraph {
				texts = append(texts, opsText(p.Ops, own))
			}
		}
		out = append(out, texts)
	}
	return out
}

func opsText(ops []Op, own OpKind) string {
	var b strings.Builder
	for _, op := range ops {
		if op.Kind == Equal || op.Kind == own {
			b.WriteString(op.Text)
		}
	}
	return b.String()
}

// documentSides is what sides should give back for a Document.
func documentSides(d *extract.Document) [][]string {
	var out [][]string
	if d == nil {
		return out
	}
	for _, s := range d.Sections {
		heading := strings.ToValidUTF8(s.Heading(), "\uFFFD")
		texts := []string{heading}
		for _, b := range s.Blocks {
			texts = append(texts, blockText(b))
		}
		out = append(out, texts)
	}
	return out
}

// documentWords counts the words of a Document's headings and blocks.
func documentWords(d *extract.Document) int {
	n := 0
	for _, s := range documentSides(d) {
		for _, text := range s {
			n += countWords(text)
		}
	}
	return n
}

// editOps counts Insert and Delete ops anywhere in a Result.
func editOps(r *Result) int {
	n := 0
	for _, s := range r.Sections {
		for _, op := range s.Heading {
			if op.Kind != Equal {
				n++
			}
		}
		for _, p := range s.Paragraphs {
			for _, op := range p.Ops {
				if op.Kind != Equal {
					n++
				}
			}
		}
	}
	return n
}
