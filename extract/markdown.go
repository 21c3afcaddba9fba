package extract

import (
	"regexp"
	"strings"
)

// Markdown block syntax understood by the parser. The renderer escapes a
// paragraph's first character whenever lineKind says the line would be read
// as anything but paragraph text.
var (
	atxHeading    = regexp.MustCompile(`^(#{1,6})(?:[ \t]+(.*))?$`)
	listMarker    = regexp.MustCompile(`^([-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)`)
	thematicBreak = regexp.MustCompile(`^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	setextLine    = regexp.MustCompile(`^(?:=+|-+)[ \t]*$`)
	fenceOpen     = regexp.MustCompile("^(`{3,}|~{3,})")
	tableCellSep  = regexp.MustCompile(`^:?-+:?$`)
)

type lineClass int

const (
	plainLine lineClass = iota
	fenceLine
	headingLine
	breakLine
	listLine
	tableLine
	quoteLine
	setextUnderline
)

// classifyLine says what a line (with its indentation already removed)
// starts, ignoring context.
func classifyLine(line string) lineClass {
	if line == "" {
		return plainLine
	}
	switch line[0] {
	case '`', '~':
		if m := fenceOpen.FindString(line); m != "" && !(m[0] == '`' && strings.Contains(line[len(m):], "`")) {
			return fenceLine
		}
	case '#':
		if atxHeading.MatchString(line) {
			return headingLine
		}
	case '|':
		return tableLine
	case '>':
		return quoteLine
	}
	// Breaks, list markers and setext underlines all start with one of
	// these; most lines are prose and need no regular expression.
	if c := line[0]; !strings.ContainsRune("*-_+=", rune(c)) && (c < '0' || c > '9') {
		return plainLine
	}
	if thematicBreak.MatchString(line) {
		return breakLine
	}
	if listMarker.MatchString(line) {
		return listLine
	}
	if setextLine.MatchString(line) {
		return setextUnderline
	}
	return plainLine
}

// indentation returns the width of a line's leading whitespace (a tab
// counts to the next multiple of four) and the rest of the line.
func indentation(line string) (int, string) {
	width := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			width++
		case '\t':
			width += 4 - width%4
		default:
			return width, line[i:]
		}
	}
	return width, ""
}

// markdownParser turns Markdown lines into a document.
type markdownParser struct {
	doc    docBuilder
	inline inlineParser

	paragraph []string // raw lines of the open paragraph

	itemOpen    bool
	item        []string // raw lines of the open list item
	itemDepth   int
	itemOrdered bool
	listIndents []int // marker indentation of the open list levels
	blankSeen   bool  // a blank line since the last text line

	fence       string // the open code fence, "" when none
	fenceIndent int
	code        []string

	inTable bool
}

func parseMarkdown(text string, resolve linkResolver) *Document {
	p := &markdownParser{inline: inlineParser{resolve: resolve}}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := stripHTMLComments(strings.Split(text, "\n"))
	p.inline.refs = collectDefinitions(lines)
	for i := 0; i < len(lines); i++ {
		i = p.line(lines, i)
	}
	p.closeAll()
	return p.doc.document(p.doc.firstLevelOneHeading())
}

// line handles lines[i] and returns the index of the last line consumed.
func (p *markdownParser) line(lines []string, i int) int {
	raw := strings.TrimRight(lines[i], " \t")
	if p.fence != "" {
		p.fencedLine(raw)
		return i
	}
	if isBlankLine(raw) {
		p.closeParagraph()
		p.inTable = false
		p.blankSeen = true
		return i
	}
	indent, line := indentation(raw)
	class := classifyLine(line)

	// A setext underline wins over a thematic break or list marker.
	if len(p.paragraph) > 0 && !p.itemOpen && indent < 4 && setextLine.MatchString(line) {
		level := 2
		if line[0] == '=' {
			level = 1
		}
		text := p.headingText(strings.Join(p.paragraph, " "))
		p.paragraph = p.paragraph[:0]
		p.doc.heading(level, text)
		return i
	}

	// After a blank line, text indented under an open list item continues it.
	if p.itemOpen && p.blankSeen && class != listLine && indent >= p.listIndents[len(p.listIndents)-1]+2 {
		p.item = append(p.item, line)
		p.blankSeen = false
		return i
	}
	if indent >= 4 && len(p.paragraph) == 0 && !p.itemOpen {
		return p.indentedCode(lines, i)
	}
	if indent >= 4 && p.itemOpen && !p.blankSeen && class != listLine {
		p.item = append(p.item, line) // lazy continuation
		return i
	}
	switch class {
	case fenceLine:
		p.closeAll()
		p.fence = fenceOpen.FindString(line)
		p.fenceIndent = indent
		return i
	case headingLine:
		p.closeAll()
		m := atxHeading.FindStringSubmatch(line)
		p.doc.heading(len(m[1]), p.headingText(stripClosingHashes(m[2])))
		return i
	case breakLine:
		p.closeAll()
		return i
	case listLine:
		// An ordered item interrupts a paragraph only when it starts at 1,
		// so that a wrapped line starting "2016. " stays text.
		if len(p.paragraph) == 0 || line[0] < '0' || line[0] > '9' || strings.HasPrefix(line, "1.") || strings.HasPrefix(line, "1)") {
			p.listItem(indent, line)
			return i
		}
	case tableLine:
		p.tableRow(line)
		return i
	case quoteLine:
		line = strings.TrimLeft(line, "> \t")
		if isBlankLine(line) {
			p.closeParagraph()
			return i
		}
	}
	p.textLine(line)
	return i
}

func (p *markdownParser) textLine(line string) {
	p.inTable = false
	if p.itemOpen && !p.blankSeen {
		p.item = append(p.item, line)
		return
	}
	p.closeList()
	p.blankSeen = false
	p.paragraph = append(p.paragraph, line)
}

func (p *markdownParser) listItem(indent int, line string) {
	p.closeParagraph()
	p.closeItem()
	p.inTable = false
	for len(p.listIndents) > 0 && indent < p.listIndents[len(p.listIndents)-1]+2 {
		p.listIndents = p.listIndents[:len(p.listIndents)-1]
	}
	p.itemDepth = len(p.listIndents)
	p.listIndents = append(p.listIndents, indent)
	marker := listMarker.FindString(line)
	p.itemOrdered = marker[0] >= '0' && marker[0] <= '9'
	p.itemOpen = true
	p.blankSeen = false
	p.item = append(p.item[:0], line[len(marker):])
}

func (p *markdownParser) tableRow(line string) {
	p.closeParagraph()
	p.closeList()
	raw := splitTableRow(line)
	if p.inTable && isSeparatorRow(raw) {
		if last := p.doc.lastBlock(); last != nil && last.Kind == TableRow {
			last.Header = true
		}
		return
	}
	cells := make([]string, len(raw))
	var links []Link
	var emphasis []Emphasis
	for i, c := range raw {
		var cellLinks []Link
		var cellEmphasis []Emphasis
		cells[i], cellLinks, cellEmphasis = p.inline.parse(c)
		links = append(links, cellLinks...)
		emphasis = appendCellEmphasis(emphasis, cellEmphasis, i)
	}
	p.doc.add(Block{Kind: TableRow, Cells: cells, Links: links, Emphasis: emphasis})
	p.inTable = true
}

func (p *markdownParser) fencedLine(raw string) {
	_, trimmed := indentation(raw)
	if strings.HasPrefix(trimmed, p.fence[:1]) && strings.Trim(trimmed, p.fence[:1]) == "" && len(trimmed) >= len(p.fence) {
		p.doc.add(Block{Kind: Preformatted, Text: normalizePre(strings.Join(p.code, "\n"))})
		p.fence, p.code = "", nil
		return
	}
	p.code = append(p.code, removeIndent(raw, p.fenceIndent))
}

// indentedCode reads an indented code block starting at lines[i].
func (p *markdownParser) indentedCode(lines []string, i int) int {
	p.closeAll()
	var code []string
	last := i
	for j := i; j < len(lines); j++ {
		line := strings.TrimRight(lines[j], " \t")
		if isBlankLine(line) {
			code = append(code, "")
			continue
		}
		if indent, _ := indentation(line); indent < 4 {
			break
		}
		code = append(code, removeIndent(line, 4))
		last = j
	}
	p.doc.add(Block{Kind: Preformatted, Text: normalizePre(strings.Join(code, "\n"))})
	return last
}

// headingText reads a heading's inline Markdown; headings are plain text,
// their links reduced to their text, their emphasis left out.
func (p *markdownParser) headingText(raw string) string {
	text, _, _ := p.inline.parse(raw)
	return text
}

func (p *markdownParser) closeParagraph() {
	if len(p.paragraph) == 0 {
		return
	}
	text, links, emphasis := p.inline.parse(strings.Join(p.paragraph, " "))
	p.doc.add(Block{Kind: Paragraph, Text: text, Links: links, Emphasis: emphasis})
	p.paragraph = p.paragraph[:0]
}

func (p *markdownParser) closeItem() {
	if !p.itemOpen {
		return
	}
	text, links, emphasis := p.inline.parse(strings.Join(p.item, " "))
	p.doc.add(Block{Kind: ListItem, Text: text, Links: links, Emphasis: emphasis, Depth: p.itemDepth, Ordered: p.itemOrdered})
	p.itemOpen = false
	p.item = p.item[:0]
}

func (p *markdownParser) closeList() {
	p.closeItem()
	p.listIndents = p.listIndents[:0]
}

func (p *markdownParser) closeAll() {
	p.closeParagraph()
	p.closeList()
	p.inTable = false
	p.blankSeen = false
	if p.fence != "" {
		// An unclosed fence runs to the end of the text.
		p.doc.add(Block{Kind: Preformatted, Text: normalizePre(strings.Join(p.code, "\n"))})
		p.fence, p.code = "", nil
	}
}

// stripClosingHashes removes an ATX heading's optional closing sequence:
// a run of '#' at the end preceded by a space (or making up the whole text).
func stripClosingHashes(s string) string {
	s = strings.TrimRight(s, " \t")
	trimmed := strings.TrimRight(s, "#")
	if trimmed == "" {
		return ""
	}
	if len(trimmed) < len(s) && (trimmed[len(trimmed)-1] == ' ' || trimmed[len(trimmed)-1] == '\t') {
		return strings.TrimRight(trimmed, " \t")
	}
	return s
}

// splitTableRow splits "| a | b |" into raw cells at unescaped pipes.
func splitTableRow(line string) []string {
	var cells []string
	start := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, line[start:i])
			start = i + 1
		}
	}
	cells = append(cells, line[start:])
	if len(cells) > 0 && strings.TrimSpace(cells[0]) == "" {
		cells = cells[1:]
	}
	if len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" && strings.HasSuffix(strings.TrimRight(line, " \t"), "|") {
		cells = cells[:len(cells)-1]
	}
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func isSeparatorRow(cells []string) bool {
	if len(cells) == 0 {
		return false
	}
	for _, c := range cells {
		if !tableCellSep.MatchString(c) {
			return false
		}
	}
	return true
}

// removeIndent removes up to n columns of leading spaces.
func removeIndent(line string, n int) string {
	i := 0
	for i < len(line) && i < n && line[i] == ' ' {
		i++
	}
	return line[i:]
}

// stripHTMLComments removes <!-- … --> comments, also across lines, outside
// fenced code; an escaped "\<!--" is text.
func stripHTMLComments(lines []string) []string {
	inComment := false
	fence := ""
	for i, line := range lines {
		if !inComment {
			_, trimmed := indentation(line)
			if fence != "" {
				if strings.HasPrefix(trimmed, fence[:1]) && strings.Trim(trimmed, fence[:1]) == "" && len(trimmed) >= len(fence) {
					fence = ""
				}
				continue
			}
			if m := fenceOpen.FindString(trimmed); m != "" && classifyLine(trimmed) == fenceLine {
				fence = m
				continue
			}
		}
		if !inComment && !strings.Contains(line, "<!--") {
			continue
		}
		var b strings.Builder
		for j := 0; j < len(line); {
			if inComment {
				k := strings.Index(line[j:], "-->")
				if k < 0 {
					break // the comment goes on past this line
				}
				j += k + 3
				inComment = false
				continue
			}
			if strings.HasPrefix(line[j:], "<!--") && (j == 0 || line[j-1] != '\\') {
				inComment = true
				j += 4
				continue
			}
			b.WriteByte(line[j])
			j++
		}
		lines[i] = b.String()
	}
	return lines
}
