package extract

import "strings"

// parsePlainText reads paragraphs separated by blank lines, joining the
// lines of each; short title-like lines become headings (plainHeadingLevel).
// Text flattened onto a line or two is split into one paragraph per
// sentence so that it reads and diffs well.
func parsePlainText(text string) *Document {
	var doc docBuilder
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = trimTextBoilerplate(text)
	type paragraph struct {
		text  string
		lines int
	}
	var paragraphs []paragraph
	var lines []string
	flush := func() {
		if len(lines) > 0 {
			paragraphs = append(paragraphs, paragraph{normalizeText(strings.Join(lines, " ")), len(lines)})
			lines = lines[:0]
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if isBlankLine(line) {
			flush()
			continue
		}
		lines = append(lines, line)
	}
	flush()
	// Text with paragraphs keeps them; page text flattened onto a line or
	// two is split into sentences instead.
	flattened := len(paragraphs) <= 3
	title := ""
	for i, p := range paragraphs {
		if level := plainHeadingLevel(p.text, p.lines, i == 0, i == len(paragraphs)-1); level > 0 {
			doc.heading(level, p.text)
			if level == 1 {
				title = p.text
			}
			continue
		}
		if !flattened {
			doc.add(Block{Kind: Paragraph, Text: p.text})
			continue
		}
		for _, sentence := range splitSentences(p.text) {
			doc.add(Block{Kind: Paragraph, Text: sentence})
		}
	}
	return doc.document(title)
}
