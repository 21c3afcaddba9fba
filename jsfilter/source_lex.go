package jsfilter

import (
	"fmt"
	"strings"
)

// A small JavaScript tokenizer: just enough to find the module syntax
// (export, import) at the top level of a filter file without being fooled
// by strings, comments, template literals or regular expressions. goja
// parses the result afterwards, so this never has to judge validity.

type tokenKind int

const (
	tokIdent tokenKind = iota
	tokString
	tokTemplate
	tokRegexp
	tokNumber
	tokPunct
)

type token struct {
	kind       tokenKind
	start, end int    // byte offsets in the source
	text       string // the token's source text
	depth      int    // bracket depth: 0 is the top level (an opener and its closer share a depth)
}

type lexer struct {
	src   string
	pos   int
	depth int
	toks  []token
	last  *token // the last significant token, for regexp-or-division
}

// lexSource returns the tokens of src outside template substitutions.
func lexSource(src string) ([]token, error) {
	lx := &lexer{src: src}
	if err := lx.run(true, false); err != nil {
		return nil, err
	}
	return lx.toks, nil
}

// run scans tokens until the end of input, or, when inSubst, until the `}`
// that closes a template substitution (consumed). Tokens are recorded only
// when emit is set.
func (lx *lexer) run(emit, inSubst bool) error {
	base := lx.depth
	for {
		lx.skipSpaceAndComments()
		if lx.pos >= len(lx.src) {
			if inSubst {
				return lx.errorf(lx.pos, "unterminated template literal")
			}
			return nil
		}
		c := lx.src[lx.pos]
		start := lx.pos
		var kind tokenKind
		depth := lx.depth
		switch {
		case c == '"' || c == '\'':
			if err := lx.skipString(c); err != nil {
				return err
			}
			kind = tokString
		case c == '`':
			if err := lx.skipTemplate(); err != nil {
				return err
			}
			kind = tokTemplate
		case isIdentStart(c):
			for lx.pos < len(lx.src) && isIdentPart(lx.src[lx.pos]) {
				lx.pos++
			}
			kind = tokIdent
		case c >= '0' && c <= '9' || c == '.' && lx.pos+1 < len(lx.src) && isDigit(lx.src[lx.pos+1]):
			lx.skipNumber(start)
			kind = tokNumber
		case c == '/' && lx.regexpAllowed():
			if err := lx.skipRegexp(); err != nil {
				return err
			}
			kind = tokRegexp
		default:
			lx.pos++
			kind = tokPunct
			switch c {
			case '(', '[', '{':
				lx.depth++
			case ')', ']', '}':
				if c == '}' && inSubst && lx.depth == base {
					return nil
				}
				lx.depth--
				depth = lx.depth
			}
		}
		t := token{kind: kind, start: start, end: lx.pos, text: lx.src[start:lx.pos], depth: depth}
		lx.last = &t
		if emit {
			lx.toks = append(lx.toks, t)
		}
	}
}

func (lx *lexer) errorf(offset int, format string, args ...any) error {
	line, col := lineCol(lx.src, offset)
	return fmt.Errorf("%d:%d: %s", line, col, fmt.Sprintf(format, args...))
}

func (lx *lexer) skipSpaceAndComments() {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
		case strings.HasPrefix(lx.src[lx.pos:], "//"):
			end := strings.IndexByte(lx.src[lx.pos:], '\n')
			if end < 0 {
				lx.pos = len(lx.src)
			} else {
				lx.pos += end
			}
		case strings.HasPrefix(lx.src[lx.pos:], "/*"):
			end := strings.Index(lx.src[lx.pos+2:], "*/")
			if end < 0 {
				lx.pos = len(lx.src)
			} else {
				lx.pos += 2 + end + 2
			}
		case strings.HasPrefix(lx.src[lx.pos:], "\u00a0"), strings.HasPrefix(lx.src[lx.pos:], "\ufeff"):
			lx.pos += len(string([]rune(lx.src[lx.pos:])[0]))
		default:
			return
		}
	}
}

func (lx *lexer) skipString(quote byte) error {
	start := lx.pos
	lx.pos++
	for lx.pos < len(lx.src) {
		switch lx.src[lx.pos] {
		case '\\':
			lx.pos += 2
		case quote:
			lx.pos++
			return nil
		case '\n':
			return lx.errorf(start, "unterminated string")
		default:
			lx.pos++
		}
	}
	return lx.errorf(start, "unterminated string")
}

func (lx *lexer) skipTemplate() error {
	start := lx.pos
	lx.pos++
	for lx.pos < len(lx.src) {
		switch {
		case lx.src[lx.pos] == '\\':
			lx.pos += 2
		case lx.src[lx.pos] == '`':
			lx.pos++
			return nil
		case strings.HasPrefix(lx.src[lx.pos:], "${"):
			lx.pos += 2
			saved := lx.last
			lx.last = nil
			if err := lx.run(false, true); err != nil {
				return err
			}
			lx.last = saved
		default:
			lx.pos++
		}
	}
	return lx.errorf(start, "unterminated template literal")
}

func (lx *lexer) skipNumber(start int) {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		if isIdentPart(c) || c == '.' {
			lx.pos++
			continue
		}
		// An exponent's sign: 1e-5 (not in hexadecimal literals, where e is a digit).
		prev := lx.src[lx.pos-1]
		if (c == '-' || c == '+') && (prev == 'e' || prev == 'E') && !strings.HasPrefix(strings.ToLower(lx.src[start:lx.pos]), "0x") {
			lx.pos++
			continue
		}
		return
	}
}

// regexpAllowed says whether a `/` here starts a regular expression rather
// than a division: after an operand (a name, literal, `)`, `]` or `}`) it
// divides, after an operator or keyword it starts a literal.
func (lx *lexer) regexpAllowed() bool {
	if lx.last == nil {
		return true
	}
	switch lx.last.kind {
	case tokNumber, tokString, tokTemplate, tokRegexp:
		return false
	case tokIdent:
		switch lx.last.text {
		case "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await":
			return true
		}
		return false
	}
	switch lx.last.text {
	case ")", "]", "}":
		return false
	}
	return true
}

func (lx *lexer) skipRegexp() error {
	start := lx.pos
	lx.pos++
	inClass := false
	for lx.pos < len(lx.src) {
		switch c := lx.src[lx.pos]; {
		case c == '\\':
			lx.pos += 2
			continue
		case c == '\n':
			return lx.errorf(start, "unterminated regular expression")
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			lx.pos++
			for lx.pos < len(lx.src) && isIdentPart(lx.src[lx.pos]) {
				lx.pos++
			}
			return nil
		}
		lx.pos++
	}
	return lx.errorf(start, "unterminated regular expression")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c == '\\' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

// lineCol gives the 1-based line and column (in characters) of a byte offset.
func lineCol(src string, offset int) (line, col int) {
	if offset > len(src) {
		offset = len(src)
	}
	before := src[:offset]
	line = strings.Count(before, "\n") + 1
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return line, len([]rune(before[lineStart:])) + 1
}
