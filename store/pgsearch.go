package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Full-text search on PostgreSQL. SQLite's FTS5 (unicode61, diacritics
// removed) cuts and folds words; PostgreSQL's own parser would read
// "x.com" or "user@example.org" as one word, and its unaccent is an
// extension the database owner may not have. So on PostgreSQL the words
// are cut and folded here, the way unicode61 does, and stored as a
// tsvector of their positions; a query in FTS5's syntax (ParseQuery) is
// turned into the tsquery that finds the same passages, and the snippet
// is cut here too.

// maxLexemePositions and maxPosition are PostgreSQL's limits on a tsvector.
const (
	maxLexemePositions = 256
	maxPosition        = 16383
	maxLexemeBytes     = 2046
)

// token is a word of a text: its folded form and where it is in the text.
type token struct {
	word       string
	start, end int // byte offsets in the text
}

// isWordRune says whether r is part of a word, as unicode61 reads words:
// letters, digits and marks.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// tokens cuts text into words, folded.
func tokens(text string) []token {
	var out []token
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, token{word: fold(text[start:i]), start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, token{word: fold(text[start:]), start: start, end: len(text)})
	}
	return out
}

// fold lowers a word's case and removes its diacritics ("Données" →
// "donnees").
func fold(word string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(word) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// tsvectorOf is the tsvector literal of a passage's words and positions.
func tsvectorOf(text string) string {
	positions := map[string][]int{}
	var order []string
	for i, tk := range tokens(text) {
		if tk.word == "" || len(tk.word) > maxLexemeBytes {
			continue
		}
		p := positions[tk.word]
		if p == nil {
			order = append(order, tk.word)
		}
		if len(p) < maxLexemePositions {
			positions[tk.word] = append(p, min(i+1, maxPosition))
		}
	}
	var b strings.Builder
	for _, w := range order {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(w))
		b.WriteByte(':')
		for j, p := range slices.Compact(positions[w]) {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p))
		}
	}
	return b.String()
}

// lexemeEscaper doubles what a tsvector or tsquery literal must escape.
// Made once: a Replacer builds its tables on first use, and a version's
// index quotes every word it holds.
var lexemeEscaper = strings.NewReplacer(`\`, `\\`, `'`, `''`)

// quoteLexeme quotes a word for a tsvector or tsquery literal.
func quoteLexeme(w string) string {
	if !strings.ContainsAny(w, `\'`) {
		return "'" + w + "'"
	}
	return "'" + lexemeEscaper.Replace(w) + "'"
}

// ftsQuery is a search query in FTS5's syntax, as ParseQuery writes it,
// read to be matched without FTS5.
type ftsQuery struct {
	tsquery string
	// terms are the words the snippet marks: each phrase's words in order,
	// the last a prefix when it ends in *.
	phrases []ftsPhrase
}

type ftsPhrase struct {
	words  []string
	prefix bool
}

// parseFTS reads a query in the part of FTS5's syntax ParseQuery writes:
// "strings" (a phrase; * after it: a prefix), AND, OR, NOT, parentheses,
// and strings side by side (AND). Its errors name what FTS5 would.
func parseFTS(query string) (ftsQuery, error) {
	p := &ftsParser{}
	if err := p.lex(query); err != nil {
		return ftsQuery{}, err
	}
	out, err := p.or()
	if err == nil && p.i < len(p.toks) {
		err = p.syntaxError()
	}
	if err != nil {
		return ftsQuery{}, err
	}
	return ftsQuery{tsquery: out, phrases: p.phrases}, nil
}

type ftsToken struct {
	kind   string // "str", "(", ")", "AND", "OR", "NOT"
	text   string
	prefix bool
}

type ftsParser struct {
	toks    []ftsToken
	i       int
	phrases []ftsPhrase
}

func (p *ftsParser) lex(q string) error {
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			p.toks = append(p.toks, ftsToken{kind: string(c)})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(q) {
					return fmt.Errorf("%w: unterminated string", ErrBadQuery)
				}
				if q[j] == '"' {
					if j+1 < len(q) && q[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(q[j])
				j++
			}
			i = j + 1
			t := ftsToken{kind: "str", text: b.String()}
			if i < len(q) && q[i] == '*' {
				t.prefix = true
				i++
			}
			p.toks = append(p.toks, t)
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\n\r()\"", rune(q[j])) {
				j++
			}
			word := q[i:j]
			i = j
			switch word {
			case "AND", "OR", "NOT":
				p.toks = append(p.toks, ftsToken{kind: word})
			default:
				t := ftsToken{kind: "str", text: strings.TrimSuffix(word, "*"), prefix: strings.HasSuffix(word, "*")}
				p.toks = append(p.toks, t)
			}
		}
	}
	return nil
}

func (p *ftsParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i].kind
	}
	return ""
}

func (p *ftsParser) syntaxError() error {
	near := ""
	if p.i < len(p.toks) {
		near = p.toks[p.i].kind
		if near == "str" {
			near = p.toks[p.i].text
		}
	}
	return fmt.Errorf("%w: syntax error near %q", ErrBadQuery, near)
}

func (p *ftsParser) or() (string, error) {
	left, err := p.and()
	if err != nil {
		return "", err
	}
	for p.peek() == "OR" {
		p.i++
		right, err := p.and()
		if err != nil {
			return "", err
		}
		left = "(" + left + " | " + right + ")"
	}
	return left, nil
}

func (p *ftsParser) and() (string, error) {
	left, err := p.not()
	if err != nil {
		return "", err
	}
	for {
		switch p.peek() {
		case "AND":
			p.i++
		case "str", "(":
		default:
			return left, nil
		}
		right, err := p.not()
		if err != nil {
			return "", err
		}
		left = "(" + left + " & " + right + ")"
	}
}

func (p *ftsParser) not() (string, error) {
	left, err := p.primary()
	if err != nil {
		return "", err
	}
	for p.peek() == "NOT" {
		p.i++
		right, err := p.primary()
		if err != nil {
			return "", err
		}
		left = "(" + left + " & !" + right + ")"
	}
	return left, nil
}

func (p *ftsParser) primary() (string, error) {
	switch p.peek() {
	case "(":
		p.i++
		inner, err := p.or()
		if err != nil {
			return "", err
		}
		if p.peek() != ")" {
			return "", p.syntaxError()
		}
		p.i++
		return inner, nil
	case "str":
		t := p.toks[p.i]
		p.i++
		var words []string
		for _, tk := range tokens(t.text) {
			if tk.word != "" {
				words = append(words, tk.word)
			}
		}
		if len(words) == 0 {
			// FTS5 finds nothing for a string without a word.
			return "('' & !'')", nil
		}
		p.phrases = append(p.phrases, ftsPhrase{words: words, prefix: t.prefix})
		parts := make([]string, len(words))
		for i, w := range words {
			parts[i] = quoteLexeme(w)
			if i == len(words)-1 && t.prefix {
				parts[i] += ":*"
			}
		}
		return "(" + strings.Join(parts, " <-> ") + ")", nil
	}
	return "", p.syntaxError()
}

// snippetWords is how many words a snippet holds, as FTS5's snippet() is
// asked for.
const snippetWords = 24

// snippet cuts the part of text around the best match of q's phrases:
// snippetWords words, each matched phrase between \x02 and \x03, "…"
// where the text goes on.
func snippet(text string, q ftsQuery) string {
	toks := tokens(text)
	if len(toks) == 0 {
		return ""
	}
	// Each matched phrase as the range of tokens it covers.
	type match struct{ first, last int }
	var matches []match
	for i := range toks {
		for _, ph := range q.phrases {
			if i+len(ph.words) > len(toks) {
				continue
			}
			ok := true
			for j, w := range ph.words {
				got := toks[i+j].word
				if got != w && !(ph.prefix && j == len(ph.words)-1 && strings.HasPrefix(got, w)) {
					ok = false
					break
				}
			}
			if ok {
				matches = append(matches, match{i, i + len(ph.words) - 1})
				break
			}
		}
	}
	// The window of snippetWords words that holds the most matches.
	start, best := 0, -1
	for s := 0; s < len(toks); s++ {
		n := 0
		for _, m := range matches {
			if m.first >= s && m.last < s+snippetWords {
				n++
			}
		}
		if n > best {
			start, best = s, n
		}
		if len(matches) == 0 || s+snippetWords >= len(toks) {
			break
		}
	}
	if len(matches) > 0 && best > 0 {
		// Start a little before the first match in the window, as FTS5 does.
		for _, m := range matches {
			if m.first >= start {
				start = max(0, min(m.first-2, len(toks)-snippetWords))
				break
			}
		}
	}
	end := min(len(toks), start+snippetWords) // tokens [start, end)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	pos := toks[start].start
	for _, m := range matches {
		if m.first < start || m.last >= end {
			continue
		}
		b.WriteString(text[pos:toks[m.first].start])
		b.WriteString("\x02")
		b.WriteString(text[toks[m.first].start:toks[m.last].end])
		b.WriteString("\x03")
		pos = toks[m.last].end
	}
	last := toks[end-1].end
	if end == len(toks) {
		last = len(text) // the text's own ending (a full stop)
		for last > pos && !utf8.ValidString(text[pos:last]) {
			last--
		}
	}
	b.WriteString(text[pos:last])
	if end < len(toks) {
		b.WriteString("…")
	}
	return b.String()
}
