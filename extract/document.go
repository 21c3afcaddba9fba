// Package extract turns captured bytes (HTML, Markdown, plain text, JSON,
// PDF) into a Document: a title and a list of sections, each holding the
// blocks of text under one heading. A Document renders to canonical
// Markdown, which is what versions are compared on and stored as.
//
// Where things live, by file name (docs/EXTRACTION.md says how a page
// becomes a Document, and where and why we differ from Open Terms Archive):
//
//   - extract.go: the entry point, Extract: format detection, then one
//     reader per format, then the repairs every format shares.
//   - document*.go: the model every reader builds (Document, Section,
//     Block, Link, Emphasis), the inline text readers collect a block's
//     text, links and emphasis in, the builder that nests headings into
//     sections and makes emphasis canonical, and the canonical Markdown
//     rendering and comparison key.
//   - html*.go: the HTML reader: declaration rules (select, remove,
//     ranges), main-content guess, noise, headings, the DOM walk.
//   - hub*.go, explain.go: without select, the part of a page that is the
//     declared document when the page holds several (legal hubs, a summary
//     beside the full text, languages), copies left out, and the
//     explanation of that choice (Explain).
//   - markdown*.go, plain*.go, json.go, pdf.go: the other readers; the
//     Markdown files also write inline Markdown (links, emphasis).
//   - decode.go, mojibake*.go, normalize.go: bytes to text (charsets,
//     mis-decoded text repaired) and whitespace normalisation.
//   - links*.go: link targets (resolution, tracking parameters) and their
//     place in a block's text, shared by every reader.
//
// extract does no network and no database access.
package extract

// Release names the extractor's behaviour. It is stored with every version,
// so that versions made by an older release can be regenerated from their
// snapshots when the extractor improves. Change it whenever the output for
// some input changes.
const Release = "extract-2026.12.4"

// Document is the canonical, structured content of one capture.
type Document struct {
	Title    string    `json:"title,omitempty"`
	Sections []Section `json:"sections"`
}

// Section is the run of blocks under one heading. Path holds the headings
// from the top of the document down to and including this one's own; the
// first section has an empty Path when text comes before any heading.
type Section struct {
	Path   []string `json:"path,omitempty"`
	Level  int      `json:"level,omitempty"` // heading level 1–6; 0 before any heading
	Blocks []Block  `json:"blocks,omitempty"`
}

// Heading is the section's own heading, the last element of its Path.
func (s Section) Heading() string {
	if len(s.Path) == 0 {
		return ""
	}
	return s.Path[len(s.Path)-1]
}

// BlockKind says what a block is.
type BlockKind string

const (
	Paragraph    BlockKind = "paragraph"
	ListItem     BlockKind = "list-item"
	TableRow     BlockKind = "table-row"
	Preformatted BlockKind = "pre"
)

// Block is one paragraph, list item, table row or preformatted text.
// Text is plain text with whitespace normalised, links reduced to their
// text and emphasis markers left out: what a reader reads, what words are
// counted and searched in. The links are listed in Links, the bold and
// italic spans in Emphasis.
type Block struct {
	Kind     BlockKind  `json:"kind"`
	Text     string     `json:"text,omitempty"`
	Cells    []string   `json:"cells,omitempty"`    // TableRow only
	Header   bool       `json:"header,omitempty"`   // TableRow: a header row
	Depth    int        `json:"depth,omitempty"`    // ListItem: nesting, 0 = top level
	Ordered  bool       `json:"ordered,omitempty"`  // ListItem: numbered list
	Links    []Link     `json:"links,omitempty"`    // in order of appearance in Text (or the row's Cells)
	Emphasis []Emphasis `json:"emphasis,omitempty"` // by Cell, then Start; never in Preformatted
}

// WithoutEmphasis is the block with its emphasis left out: two blocks
// whose Markdown differs only in emphasis have the same Markdown without
// it.
func (b Block) WithoutEmphasis() Block {
	b.Emphasis = nil
	return b
}

// Link is one hyperlink of a block. Text is the link's text as it appears
// in the block's Text (normalised the same way, never empty); URL is its
// target, resolved against Options.BaseURL when that is set. Links without
// a target worth following (empty, fragment-only, javascript:) are not
// listed.
type Link struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// EmphasisKind says how a span is emphasised.
type EmphasisKind string

const (
	Strong EmphasisKind = "strong" // <strong>, <b>; **text** in Markdown
	Em     EmphasisKind = "em"     // <em>, <i>; *text* in Markdown
)

// Emphasis is a span of a block's text in bold (Strong) or italics (Em):
// bytes Start to End of the block's Text, or of Cells[Cell] in a table
// row. A span is never empty and has no whitespace at its edges; spans of
// one kind never overlap, and touch only where a span of the other kind
// or a link begins or ends (Markdown cannot say more); a span crossing a
// link or a span of the other kind is cut there, so that the spans and
// links of a block nest. Headings carry no emphasis.
type Emphasis struct {
	Kind  EmphasisKind `json:"kind"`
	Cell  int          `json:"cell,omitempty"`
	Start int          `json:"start"`
	End   int          `json:"end"`
}
