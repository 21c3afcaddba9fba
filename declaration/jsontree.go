package declaration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// encoding/json's Unmarshal forgets where each value was, and a user fixing a
// declaration needs a line and column for every problem, not just for syntax
// errors. So declarations are first read into this small tree whose nodes
// keep their byte offset.

type nodeKind int

const (
	kindNull nodeKind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k nodeKind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// node is one JSON value and where it starts in the file.
type node struct {
	kind    nodeKind
	offset  int
	str     string // kindString
	num     string // kindNumber, as written
	boolean bool   // kindBool
	items   []*node
	members []member
}

// member is one "key": value pair of an object, in file order.
type member struct {
	key       string
	keyOffset int
	value     *node
}

// syntaxError is a JSON syntax error at a byte offset.
type syntaxError struct {
	offset int
	msg    string
}

func (e *syntaxError) Error() string { return e.msg }

// parseTree reads data, which must hold exactly one JSON value.
func parseTree(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &treeParser{data: data, dec: dec}
	root, err := p.value()
	if err != nil {
		return nil, err
	}
	if start := p.nextStart(); start < len(data) {
		return nil, &syntaxError{start, "unexpected content after the end of the JSON value"}
	}
	return root, nil
}

type treeParser struct {
	data []byte
	dec  *json.Decoder
}

// nextStart is the offset of the next token: the decoder's position moved
// past whitespace and the separators it has not consumed yet.
func (p *treeParser) nextStart() int {
	i := int(p.dec.InputOffset())
	for i < len(p.data) {
		switch p.data[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

func (p *treeParser) token() (json.Token, int, error) {
	start := p.nextStart()
	tok, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, start, &syntaxError{int(se.Offset), "JSON syntax error: " + se.Error()}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, start, &syntaxError{len(p.data), "JSON syntax error: the file ends before the JSON value is complete"}
		}
		return nil, start, &syntaxError{start, "JSON syntax error: " + err.Error()}
	}
	return tok, start, nil
}

func (p *treeParser) value() (*node, error) {
	tok, start, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.valueFrom(tok, start)
}

func (p *treeParser) valueFrom(tok json.Token, start int) (*node, error) {
	n := &node{offset: start}
	switch t := tok.(type) {
	case nil:
		n.kind = kindNull
	case bool:
		n.kind, n.boolean = kindBool, t
	case json.Number:
		n.kind, n.num = kindNumber, string(t)
	case string:
		n.kind, n.str = kindString, t
	case json.Delim:
		switch t {
		case '[':
			n.kind = kindArray
			for p.dec.More() {
				item, err := p.value()
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
		case '{':
			n.kind = kindObject
			for p.dec.More() {
				keyTok, keyStart, err := p.token()
				if err != nil {
					return nil, err
				}
				key, _ := keyTok.(string)
				value, err := p.value()
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{key, keyStart, value})
			}
		default:
			return nil, &syntaxError{start, fmt.Sprintf("JSON syntax error: unexpected %q", t)}
		}
		if _, _, err := p.token(); err != nil { // the closing ] or }
			return nil, err
		}
	}
	return n, nil
}

// decoded is n as encoding/json decodes a value into an any: nil, bool,
// float64, string, []any or map[string]any.
func (n *node) decoded() any {
	switch n.kind {
	case kindBool:
		return n.boolean
	case kindNumber:
		f, _ := strconv.ParseFloat(n.num, 64)
		return f
	case kindString:
		return n.str
	case kindArray:
		items := make([]any, len(n.items))
		for i, item := range n.items {
			items[i] = item.decoded()
		}
		return items
	case kindObject:
		members := make(map[string]any, len(n.members))
		for _, m := range n.members {
			members[m.key] = m.value.decoded()
		}
		return members
	}
	return nil
}

// lineColumn turns a byte offset into a 1-based line and a 1-based column
// counted in characters, as editors show them.
func lineColumn(data []byte, offset int) (line, column int) {
	if offset > len(data) {
		offset = len(data)
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}
