package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// JSON captures (an API endpoint such as Twitter's old help/privacy.json,
// or a JSON example inside a page's <pre>) hold the policy as one string
// field; Options.JSONPointer names it.

// extractJSON takes the field the JSON pointer names and extracts its text.
func extractJSON(text string, opts Options) (*Document, error) {
	if opts.JSONPointer == "" {
		return nil, fmt.Errorf("JSON content needs a JSON pointer naming the field that holds the text (such as /privacy)")
	}
	var value any
	decoder := json.NewDecoder(strings.NewReader(text))
	decoder.UseNumber()
	if err := decoder.Decode(&value); err != nil {
		return nil, fmt.Errorf("reading JSON for pointer %q: %v", opts.JSONPointer, err)
	}
	field, err := resolveJSONPointer(value, opts.JSONPointer)
	if err != nil {
		return nil, err
	}
	s, ok := field.(string)
	if !ok {
		return nil, fmt.Errorf("JSON pointer %q names %s, not a string of text", opts.JSONPointer, jsonKind(field))
	}
	inner := Options{BaseURL: opts.BaseURL}
	return Extract([]byte(s), "", inner)
}

// extractSelectedJSON reads the text of the selected elements (or the
// main content) as JSON and extracts the field the pointer names.
func extractSelectedJSON(roots []*html.Node, opts Options) (*Document, error) {
	var b strings.Builder
	for _, r := range roots {
		if r.Type == html.TextNode {
			b.WriteString(r.Data)
			continue
		}
		preText(r, &b, guessedContent)
		b.WriteByte('\n')
	}
	return extractJSON(b.String(), opts)
}

// resolveJSONPointer follows an RFC 6901 pointer ("" is the whole value,
// "/a/0/b~1c" is a → element 0 → "b/c").
func resolveJSONPointer(value any, pointer string) (any, error) {
	if pointer == "" {
		return value, nil
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, fmt.Errorf("JSON pointer %q must start with /", pointer)
	}
	current := value
	for _, token := range strings.Split(pointer[1:], "/") {
		token = strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
		switch v := current.(type) {
		case map[string]any:
			next, ok := v[token]
			if !ok {
				return nil, fmt.Errorf("JSON pointer %q: no field %q", pointer, token)
			}
			current = next
		case []any:
			i, err := strconv.Atoi(token)
			if err != nil || i < 0 || i >= len(v) || token != strconv.Itoa(i) {
				return nil, fmt.Errorf("JSON pointer %q: %q is not an index of an array of %d", pointer, token, len(v))
			}
			current = v[i]
		default:
			return nil, fmt.Errorf("JSON pointer %q: %q goes into %s", pointer, token, jsonKind(current))
		}
	}
	return current, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a string"
}

// looksLikeJSON reports content that is a JSON object or array.
func looksLikeJSON(content []byte) bool {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(content, bomUTF8))
	return len(trimmed) > 1 && (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid(trimmed)
}
