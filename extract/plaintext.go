package extract

import "strings"

// parsePlainText reads paragraphs separated by blank lines, joining the
// lines of each. Very long paragraphs — page text flattened onto one line —
// are split into one paragraph per sentence so that they read and diff well.
func parsePlainText(text string) *Document {
	var doc docBuilder
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var paragraph []string
	flush := func() {
		if len(paragraph) == 0 {
			return
		}
		joined := normalizeText(strings.Join(paragraph, " "))
		for _, sentence := range splitSentences(joined) {
			doc.add(Block{Kind: Paragraph, Text: sentence})
		}
		paragraph = paragraph[:0]
	}
	for _, line := range strings.Split(text, "\n") {
		if isBlankLine(line) {
			flush()
			continue
		}
		paragraph = append(paragraph, line)
	}
	flush()
	return doc.document("")
}
