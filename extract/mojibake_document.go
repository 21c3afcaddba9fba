package extract

import "strings"

// Mojibake is repaired on the decoded input, where a whole page gives the
// context. Structure can still bring the halves of a sequence together
// afterwards (an inline tag or a control character between them is gone
// from the extracted text), and the text read again from the canonical
// Markdown would then be repaired differently. repairDocument finishes the
// job on the extracted text, so that the output is a fixed point.

// Each round repairs one layer of text encoded wrongly several times
// ("ÂÂ¢" → "Â¢" → "¢"), so rounds go on until nothing changes; every
// round that changes something shortens the text or replaces a lossy "â"
// by punctuation that starts no sequence, so this ends.
func repairDocument(d *Document) {
	if !documentHasLeadRune(d) {
		return
	}
	for {
		joined := documentStrings(d)
		if !containsLeadRune(joined) || !hasMojibake(joined) {
			return
		}
		quoteOpen := false
		fix := func(s *string) {
			if containsLeadRune(*s) {
				*s = normalizeRepaired(repairSequences(*s, &quoteOpen))
			}
		}
		fix(&d.Title)
		for i := range d.Sections {
			section := &d.Sections[i]
			for j := range section.Path {
				fix(&section.Path[j])
			}
			for k := range section.Blocks {
				block := &section.Blocks[k]
				if block.Kind == Preformatted {
					if containsLeadRune(block.Text) {
						block.Text = repairSequences(block.Text, &quoteOpen)
					}
				} else {
					fix(&block.Text)
				}
				for c := range block.Cells {
					fix(&block.Cells[c])
				}
				for l := range block.Links {
					fix(&block.Links[l].Text)
				}
				block.Links = placeableLinks(block)
			}
		}
		if joined == documentStrings(d) {
			return
		}
	}
}

// normalizeRepaired normalises a repaired one-line text again (a repair
// can leave a lossy quote next to a space).
func normalizeRepaired(s string) string { return normalizeText(s) }

// documentStrings joins every text of d, one per line.
func documentStrings(d *Document) string {
	var b strings.Builder
	b.WriteString(d.Title)
	for _, s := range d.Sections {
		for _, p := range s.Path {
			b.WriteString("\n" + p)
		}
		for _, bl := range s.Blocks {
			b.WriteString("\n" + bl.Text)
			for _, c := range bl.Cells {
				b.WriteString("\n" + c)
			}
			for _, l := range bl.Links {
				b.WriteString("\n" + l.Text)
			}
		}
	}
	return b.String()
}

// documentHasLeadRune is the fast path: most documents have no character
// that can start a sequence.
func documentHasLeadRune(d *Document) bool {
	if containsLeadRune(d.Title) {
		return true
	}
	for _, s := range d.Sections {
		for _, p := range s.Path {
			if containsLeadRune(p) {
				return true
			}
		}
		for _, b := range s.Blocks {
			if containsLeadRune(b.Text) {
				return true
			}
			for _, c := range b.Cells {
				if containsLeadRune(c) {
					return true
				}
			}
		}
	}
	return false
}
