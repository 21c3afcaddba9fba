package extract

import (
	"regexp"
	"strings"
)

// Links in Markdown: written as [text](url) at their place in the text,
// read back from [text](url "title"), [text][ref], [text][] and, when a
// definition names it, [text]. Text around links is escaped more strictly
// than elsewhere (every bracket and backslash), so that no bracket of the
// text can pair with a link's own.

// renderLinked renders text holding the placed links as inline Markdown;
// in a table cell, pipes are escaped too.
func renderLinked(text string, placed []placedLink, inTable bool) string {
	if len(placed) == 0 {
		escaped := escapeInline(text)
		if inTable {
			escaped = strings.ReplaceAll(escaped, "|", `\|`)
		}
		return escaped
	}
	var b strings.Builder
	b.Grow(len(text) + 32*len(placed))
	pos := 0
	for _, p := range placed {
		segment := escapeLinkedText(text[pos:p.start], inTable)
		if strings.HasSuffix(segment, "!") {
			// "![" would open an image.
			segment = segment[:len(segment)-1] + `\!`
		}
		b.WriteString(segment)
		writeLink(&b, p.link, inTable)
		pos = p.end
	}
	b.WriteString(escapeLinkedText(text[pos:], inTable))
	return b.String()
}

func writeLink(b *strings.Builder, l Link, inTable bool) {
	b.WriteByte('[')
	b.WriteString(escapeLinkedText(l.Text, inTable))
	b.WriteString("](")
	b.WriteString(destinationMarkdown(l.URL, inTable))
	b.WriteByte(')')
}

// linkFits reports whether a link's Markdown stays within the distance the
// parser looks for its closing brackets (measured as in a table cell,
// the longer form).
func linkFits(l Link) bool {
	return len(l.Text)+len(l.URL) < maxLinkScan/2-4 ||
		len(escapeLinkedText(l.Text, true))+2 <= maxLinkScan && len(destinationMarkdown(l.URL, true))+2 <= maxLinkScan
}

// escapeLinkedText escapes text in a block holding links: as escapeInline,
// plus every backslash and square bracket.
func escapeLinkedText(text string, inTable bool) string {
	escaped := escapeInlineMode(text, true)
	if inTable {
		escaped = strings.ReplaceAll(escaped, "|", `\|`)
	}
	return escaped
}

// destinationMarkdown writes a URL as a link destination: as it is when it
// holds no space, parenthesis, angle bracket or backslash, else in <…>
// with '<', '>' and '\' escaped.
func destinationMarkdown(u string, inTable bool) string {
	if strings.ContainsFunc(u, func(r rune) bool {
		return isSpaceRune(r) || r < 0x20 || r == 0x7F || strings.ContainsRune(`()<>\`, r)
	}) {
		var b strings.Builder
		b.Grow(len(u) + 8)
		b.WriteByte('<')
		for i := 0; i < len(u); i++ {
			if c := u[i]; c == '<' || c == '>' || c == '\\' || inTable && c == '|' {
				b.WriteByte('\\')
			}
			b.WriteByte(u[i])
		}
		b.WriteByte('>')
		return b.String()
	}
	if inTable {
		return strings.ReplaceAll(u, "|", `\|`)
	}
	return u
}

// parseDestination reads a link's "(destination "title")" starting at the
// '(' at i: the destination is <…> or a run without spaces and with
// balanced parentheses; backslash escapes are resolved; the title is
// dropped. It returns the destination and the index just past the ')'.
func parseDestination(s string, i int) (dest string, end int, ok bool) {
	limit := min(len(s), i+maxLinkScan)
	j := skipBlanks(s, i+1, limit)
	var raw string
	if j < limit && s[j] == '<' {
		start := j + 1
		for j = start; ; j++ {
			if j >= limit || s[j] == '<' || s[j] == '\n' {
				return "", 0, false
			}
			if s[j] == '\\' && j+1 < limit && isASCIIPunct(s[j+1]) {
				j++
			} else if s[j] == '>' {
				break
			}
		}
		raw = s[start:j]
		j++
	} else {
		start, depth := j, 0
	scan:
		for ; j < limit; j++ {
			switch c := s[j]; {
			case c == '\\' && j+1 < limit && isASCIIPunct(s[j+1]):
				j++
			case c == '(':
				depth++
			case c == ')':
				if depth == 0 {
					break scan
				}
				depth--
			case c <= ' ' || c == 0x7F:
				break scan
			}
		}
		if depth != 0 {
			return "", 0, false
		}
		raw = s[start:j]
	}
	k := skipBlanks(s, j, limit)
	if k > j && k < limit && (s[k] == '"' || s[k] == '\'' || s[k] == '(') {
		closing := s[k]
		if closing == '(' {
			closing = ')'
		}
		for k++; k < limit && s[k] != closing; k++ {
			if s[k] == '\\' {
				k++
			}
		}
		if k >= limit {
			return "", 0, false
		}
		k = skipBlanks(s, k+1, limit)
	}
	if k >= limit || s[k] != ')' {
		return "", 0, false
	}
	return unescapeBackslashes(raw), k + 1, true
}

func skipBlanks(s string, i, limit int) int {
	for i < limit && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
		i++
	}
	return i
}

// linkDefinition is a link reference definition line: [label]: url "title".
var linkDefinition = regexp.MustCompile(`^ {0,3}\[((?:[^\[\]\\]|\\.)+)\]:[ \t]*(<(?:[^<>\\\n]|\\.)*>|\S+)(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$`)

// collectDefinitions reads the link reference definitions of a document
// and blanks their lines, which are not text. A definition starts a block
// (it cannot interrupt a paragraph) and is never inside fenced code; the
// first definition of a label wins.
func collectDefinitions(lines []string) map[string]string {
	var refs map[string]string
	fence := ""
	blockStart := true
	for i, line := range lines {
		indent, trimmed := indentation(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence[:1]) && strings.Trim(trimmed, fence[:1]) == "" && len(trimmed) >= len(fence) {
				fence = ""
			}
			blockStart = false
			continue
		}
		first := byte(0)
		if trimmed != "" {
			first = trimmed[0]
		}
		if indent < 4 && (first == '`' || first == '~') && classifyLine(trimmed) == fenceLine {
			fence = fenceOpen.FindString(trimmed)
			blockStart = false
			continue
		}
		if blockStart && indent < 4 && looksLikeDefinition(trimmed) {
			if m := linkDefinition.FindStringSubmatch(line); m != nil {
				label := normalizeLabel(m[1])
				if _, seen := refs[label]; !seen && label != "" {
					if refs == nil {
						refs = make(map[string]string)
					}
					refs[label] = definitionDestination(m[2])
				}
				lines[i] = ""
				continue
			}
		}
		blockStart = isBlankLine(line) || first == '#' && indent < 4 && atxHeading.MatchString(trimmed)
	}
	return refs
}

// looksLikeDefinition is the cheap test before linkDefinition's.
func looksLikeDefinition(line string) bool {
	return strings.HasPrefix(line, "[") && strings.Contains(line, "]:")
}

// definitionDestination resolves a definition's <…> or bare destination.
func definitionDestination(raw string) string {
	if strings.HasPrefix(raw, "<") && strings.HasSuffix(raw, ">") && len(raw) >= 2 {
		raw = raw[1 : len(raw)-1]
	}
	return unescapeBackslashes(raw)
}

// unescapeBackslashes resolves backslash escapes of ASCII punctuation.
func unescapeBackslashes(raw string) string {
	if !strings.Contains(raw, `\`) {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\\' && i+1 < len(raw) && isASCIIPunct(raw[i+1]) {
			i++
		}
		b.WriteByte(raw[i])
	}
	return b.String()
}

// normalizeLabel matches reference labels case-insensitively, with
// whitespace runs collapsed.
func normalizeLabel(label string) string {
	return strings.ToLower(strings.Join(strings.Fields(label), " "))
}
