package extract

// docBuilder assembles sections from a flat stream of headings and blocks,
// as every input format produces them. It keeps the stack of open headings:
// a heading closes every open heading of the same or a deeper level, so
// same-level headings are siblings and a section's Path is the stack.
type docBuilder struct {
	sections []Section
	stack    []string
	levels   []int
}

// heading opens a new section; empty headings are ignored.
func (b *docBuilder) heading(level int, text string) {
	if text == "" {
		return
	}
	level = min(max(level, 1), 6)
	for len(b.levels) > 0 && b.levels[len(b.levels)-1] >= level {
		b.levels = b.levels[:len(b.levels)-1]
		b.stack = b.stack[:len(b.stack)-1]
	}
	b.levels = append(b.levels, level)
	b.stack = append(b.stack, text)
	path := make([]string, len(b.stack))
	copy(path, b.stack)
	b.sections = append(b.sections, Section{Path: path, Level: level})
}

// add appends a block to the current section, dropping blocks without text
// and links that its Markdown could not show.
// A list item is never more than one level deeper than the list item just
// before it (or at depth 0 after anything else), so that its Markdown
// indentation reads back as the same nesting.
func (b *docBuilder) add(block Block) {
	switch block.Kind {
	case TableRow:
		if allEmpty(block.Cells) {
			return
		}
	default:
		if block.Text == "" {
			return
		}
	}
	block.Links = placeableLinks(&block)
	canonicalEmphasis(&block)
	if len(b.sections) == 0 {
		b.sections = append(b.sections, Section{})
	}
	current := &b.sections[len(b.sections)-1]
	if block.Kind == ListItem {
		maxDepth := 0
		if n := len(current.Blocks); n > 0 && current.Blocks[n-1].Kind == ListItem {
			maxDepth = current.Blocks[n-1].Depth + 1
		}
		block.Depth = min(max(block.Depth, 0), maxDepth)
	} else {
		block.Depth = 0
		block.Ordered = false
	}
	current.Blocks = append(current.Blocks, block)
}

// lastBlock returns the last block added, or nil.
func (b *docBuilder) lastBlock() *Block {
	if len(b.sections) == 0 {
		return nil
	}
	blocks := b.sections[len(b.sections)-1].Blocks
	if len(blocks) == 0 {
		return nil
	}
	return &blocks[len(blocks)-1]
}

// hasText reports whether anything at all was extracted.
func (b *docBuilder) hasText() bool {
	for _, s := range b.sections {
		if s.Heading() != "" || len(s.Blocks) > 0 {
			return true
		}
	}
	return false
}

// firstLevelOneHeading is the text of the first h1, used as the title.
func (b *docBuilder) firstLevelOneHeading() string {
	for _, s := range b.sections {
		if s.Level == 1 {
			return s.Heading()
		}
	}
	return ""
}

func (b *docBuilder) document(title string) *Document {
	sections := b.sections
	if sections == nil {
		sections = []Section{}
	}
	return &Document{Title: title, Sections: sections}
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}
