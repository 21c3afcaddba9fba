package extract

import "strings"

// Mojibake is repaired on the decoded input, where a whole page gives the
// context. Structure can still bring the halves of a sequence together
// afterwards (an inline tag or a control character between them is gone
// from the extracted text), and the text read again from the canonical
// Markdown would then be repaired differently. repairDocument finishes the
// job on the extracted text, so that the output is a fixed point: the
// document is the unit of evidence for lossy damage, each of its texts the
// unit that re-encodes whole or not.

// maxRepairRounds bounds the rounds over the document; a round changes
// something only when normalisation brought new neighbours together.
const maxRepairRounds = 4

func repairDocument(d *Document) {
	if !documentHasLeadByte(d) {
		return
	}
	lossy := false
	eachDocumentString(d, func(s *string, _ bool) {
		lossy = lossy || strings.IndexByte(*s, 0xC3) >= 0 && lossyEvidence(*s)
	})
	for range maxRepairRounds {
		changed := false
		quoteOpen := false
		eachDocumentString(d, func(s *string, pre bool) {
			if strings.IndexByte(*s, 0xC3) < 0 {
				return
			}
			fixed := repairText(*s, lossy, &quoteOpen)
			if fixed == *s {
				return
			}
			if !pre {
				// A repair can leave a lossy quote next to a space.
				fixed = normalizeText(fixed)
			}
			*s, changed = fixed, true
		})
		if !changed {
			return
		}
		for i := range d.Sections {
			for k := range d.Sections[i].Blocks {
				block := &d.Sections[i].Blocks[k]
				block.Links = placeableLinks(block)
			}
		}
	}
}

// eachDocumentString calls fn with every text of d in reading order; pre
// marks preformatted text, which keeps its line breaks.
func eachDocumentString(d *Document, fn func(s *string, pre bool)) {
	fn(&d.Title, false)
	for i := range d.Sections {
		section := &d.Sections[i]
		for j := range section.Path {
			fn(&section.Path[j], false)
		}
		for k := range section.Blocks {
			block := &section.Blocks[k]
			fn(&block.Text, block.Kind == Preformatted)
			for c := range block.Cells {
				fn(&block.Cells[c], false)
			}
			for l := range block.Links {
				fn(&block.Links[l].Text, false)
			}
		}
	}
}

// documentHasLeadByte is the fast path: most documents have no character
// that can start a sequence (every one is encoded as 0xC3 0x82–0xB4).
func documentHasLeadByte(d *Document) bool {
	found := false
	eachDocumentString(d, func(s *string, _ bool) {
		found = found || strings.IndexByte(*s, 0xC3) >= 0
	})
	return found
}
