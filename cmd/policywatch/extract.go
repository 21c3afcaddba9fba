package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/extract"
)

func init() {
	register(command{"extract", "[--select CSS]... [--remove CSS]... [--type TYPE] [--lang L] [--explain] [--json-pointer P] [--format markdown|json] FILE|-",
		"print the text policywatch extracts from a file, to write and check declarations", runExtract})
}

// ruleList collects a repeated --select or --remove: each value is a CSS
// selector, or an Open Terms Archive range selector written as JSON
// ({"startBefore": "#a", "endBefore": "#b"}).
type ruleList []extract.Selector

func (l *ruleList) String() string {
	names := make([]string, len(*l))
	for i, s := range *l {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}

func (l *ruleList) Set(value string) error {
	if strings.HasPrefix(strings.TrimSpace(value), "{") {
		var r extract.Range
		decoder := json.NewDecoder(strings.NewReader(value))
		decoder.DisallowUnknownFields()
		if err := decoder.Decode(&r); err != nil {
			return fmt.Errorf("range selector %s: %v (want {\"startBefore\"|\"startAfter\": CSS, \"endBefore\"|\"endAfter\": CSS})", value, err)
		}
		*l = append(*l, extract.Selector{Range: &r})
		return nil
	}
	if strings.TrimSpace(value) == "" {
		return errors.New("empty selector")
	}
	*l = append(*l, extract.Selector{CSS: value})
	return nil
}

func runExtract(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "extract")
	var selects, removes ruleList
	fs.Var(&selects, "select", "take only the elements this `CSS` selector matches (repeatable; a JSON range selector also works)")
	fs.Var(&removes, "remove", "leave out the elements this `CSS` selector matches, before --select (repeatable)")
	pointer := fs.String("json-pointer", "", "the field holding the text in JSON content or in the selected elements, e.g. `/privacy`")
	format := fs.String("format", "markdown", "what to print: markdown (the canonical text versions are compared on) or json (the sections and blocks)")
	contentType := fs.String("content-type", "", "the content `TYPE` of the input, e.g. text/html; charset=windows-1252 (default: from the file name, else sniffed)")
	baseURL := fs.String("url", "", "the `URL` the page was fetched from, to make its links absolute")
	docType := fs.String("type", "", "the document `TYPE` to take from a page that holds several documents, e.g. \"Privacy Policy\" (Open Terms Archive's names and aliases)")
	lang := fs.String("lang", "", "the `LANGUAGE` to keep where a page offers its text in several, e.g. fr (default: the one the --url names, else the page's lang)")
	explain := fs.Bool("explain", false, "say on standard error what part of the page was taken and why, with select and remove rules that take it")
	rest, err := parseFlags(env, fs, args, `
Extracts the text of one captured page — HTML, Markdown, plain text or JSON —
exactly as policywatch records it, and prints it. Use it to write and check a
declaration's select and remove rules before adding it. FILE - reads
standard input.

CSS selectors follow Open Terms Archive's declarations: --remove is applied
first, then --select keeps the matching elements in the order of the
--select options, each element once. A range
selector, such as --select '{"startBefore": "#terms", "endBefore": "footer"}',
takes everything between two elements. Without --select the main content is
found automatically (navigation, headers, footers, cookie banners and the
like are left out).

A page may hold more than one document: a legal hub with the terms, the
privacy policy and the cookie policy as tabs, accordions or sections; a
summary beside the full text; the same text twice (desktop and mobile);
several languages. Without --select, --type says which document to take:
the part whose tab, accordion title or heading names that type (in English,
French, German, Spanish, Italian, Portuguese or Dutch) is taken, the full
text rather than a summary; with or without --type, the first of two copies
and the --lang language (else the one the --url names, else the page's) are
kept. --explain says on standard error what was chosen and why, and prints
the select and remove rules that take the same part, to put in a
declaration.

Examples:
  policywatch extract page.html
  policywatch extract --type "Privacy Policy" --explain legal-hub.html
  policywatch extract --select pre --json-pointer /privacy page.html
  curl -s https://example.com/privacy | policywatch extract --url https://example.com/privacy -`)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want exactly one FILE (or - for standard input), got %d", len(rest))
	}
	if *format != "markdown" && *format != "json" {
		return usagef("--format %q: want markdown or json", *format)
	}
	name := rest[0]
	content, err := readInput(env, name)
	if err != nil {
		return err
	}
	kind := *contentType
	if kind == "" && name != "-" {
		kind = extract.ContentTypeForName(name)
	}
	opts := extract.Options{
		Select: selects, Remove: removes,
		JSONPointer: *pointer, BaseURL: *baseURL, Language: *lang,
	}
	if *docType != "" {
		t, ok := declaration.ExtractionType(*docType)
		if !ok {
			hint := ""
			if close := declaration.ClosestType(*docType); close != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", close)
			}
			return usagef("--type %q is not a document type Open Terms Archive knows%s; see https://github.com/OpenTermsArchive/terms-types", *docType, hint)
		}
		opts.Type = t
	}
	doc, explanation, err := extract.Explain(content, kind, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", displayName(name), err)
	}
	if *explain {
		how := explanation.String()
		if explanation.Content == "" {
			how = "Not an HTML page: the whole text is the document.\n"
		}
		fmt.Fprint(env.stderr, how)
	}
	if *format == "json" {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(doc)
	}
	_, err = io.WriteString(env.stdout, doc.Markdown())
	return err
}

// readInput reads FILE, or standard input for "-".
func readInput(env *environment, name string) ([]byte, error) {
	if name == "-" {
		in := env.stdin
		if in == nil {
			in = os.Stdin
		}
		content, err := io.ReadAll(in)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %v", err)
		}
		return content, nil
	}
	content, err := os.ReadFile(name)
	if err != nil {
		return nil, err // *PathError names the file and the problem
	}
	return content, nil
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
