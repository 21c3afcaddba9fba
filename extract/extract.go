package extract

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrNoText is returned when an input yields no text at all: an empty
// document is never a valid version.
var ErrNoText = errors.New("no text found")

// Options are a declaration's rules and the capture's URL. The rules apply
// to HTML only, in Open Terms Archive's order: Filters on the whole page,
// then Remove, then Select. Select, when set, is the content: the selected
// elements and ranges in declared order (each element once); otherwise the
// page's main content is guessed. BaseURL, when set, is the absolute URL
// the content was fetched from: relative link targets (in HTML and
// Markdown) are resolved against it, else kept as they are.
type Options struct {
	Select  []Selector
	Remove  []Selector
	Filters []Filter
	BaseURL string
	// JSONPointer (RFC 6901, e.g. "/privacy") names the field holding the
	// text in JSON content, or in the JSON that the selected elements of an
	// HTML page hold; the field's string is then extracted as a page of its
	// own (its format sniffed).
	JSONPointer string
	// RemoveQueryParams names query parameters to drop from link URLs, on
	// top of the known tracking ones (utm_*, fbclid, …): Open Terms
	// Archive's removeQueryParams filter, for parameters that rotate.
	RemoveQueryParams []string
	// Type is the declared document's type. Without Select, on an HTML
	// page that holds several documents (a legal hub's tabs, accordions or
	// sections), the part that is this type is taken; see
	// docs/EXTRACTION.md. The zero value looks for no type.
	Type DocumentType
	// Language (a BCP 47 tag, "fr-CA") is the language to keep where a
	// page without Select offers its text in several; when empty, the
	// language the BaseURL names (/fr/, ?lang=fr), else the page's lang.
	Language string
}

// hasHTMLRules reports rules that only HTML content can satisfy.
func (o Options) hasHTMLRules() bool {
	return len(o.Select) > 0 || len(o.Remove) > 0 || len(o.Filters) > 0
}

type format int

const (
	formatHTML format = iota
	formatMarkdown
	formatPlain
	formatJSON
	formatPDF
)

// Extract turns captured bytes into a Document. contentType is a MIME type,
// possibly with parameters ("text/html; charset=windows-1252"); when it is
// empty the format is sniffed from the content.
func Extract(content []byte, contentType string, opts Options) (*Document, error) {
	return extract(content, contentType, opts, nil)
}

func extract(content []byte, contentType string, opts Options, ex *Explanation) (*Document, error) {
	kind, charset, err := formatOf(content, contentType)
	if err != nil {
		return nil, err
	}
	if binary := binaryKind(content); binary != "" && kind != formatPDF {
		return nil, &BinaryError{Kind: binary}
	}
	resolve, err := newLinkResolver(opts.BaseURL, opts.RemoveQueryParams)
	if err != nil {
		return nil, err
	}
	var doc *Document
	switch kind {
	case formatHTML:
		doc, err = parseHTML(decodeHTML(content, charset), opts, resolve, ex)
		if err != nil {
			return nil, err
		}
	case formatPDF:
		if opts.hasHTMLRules() || opts.JSONPointer != "" {
			return nil, fmt.Errorf("declaration rules (select, remove, filters) and JSON pointers do not apply to PDF content")
		}
		paragraphs, err := pdfParagraphs(content)
		if err != nil {
			return nil, err
		}
		doc = pdfDocument(paragraphs)
	case formatJSON:
		if opts.hasHTMLRules() {
			return nil, fmt.Errorf("declaration rules (select, remove, filters) need HTML content, got JSON")
		}
		doc, err = extractJSON(decodeText(content, charset), opts)
		if err != nil {
			return nil, err
		}
	default:
		if opts.hasHTMLRules() {
			return nil, fmt.Errorf("declaration rules (select, remove, filters) need HTML content, got %s", formatName(kind))
		}
		if opts.JSONPointer != "" {
			return nil, fmt.Errorf("a JSON pointer needs JSON content or an HTML selection holding JSON, got %s", formatName(kind))
		}
		text := decodeText(content, charset)
		if kind == formatMarkdown {
			doc = parseMarkdown(text, resolve)
		} else {
			doc = parsePlainText(text)
		}
	}
	repairKeepingEmphasis(doc)
	if !documentHasText(doc) {
		return nil, ErrNoText
	}
	return doc, nil
}

func formatName(kind format) string {
	switch kind {
	case formatHTML:
		return "HTML"
	case formatMarkdown:
		return "Markdown"
	case formatJSON:
		return "JSON"
	case formatPDF:
		return "PDF"
	}
	return "plain text"
}

func documentHasText(d *Document) bool {
	for _, s := range d.Sections {
		if s.Heading() != "" || len(s.Blocks) > 0 {
			return true
		}
	}
	return false
}

// formatOf reads the media type (sniffing when it is empty) and its charset.
func formatOf(content []byte, contentType string) (format, string, error) {
	if strings.TrimSpace(contentType) == "" {
		return sniff(content), "", nil
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil && mediaType == "" {
		return 0, "", fmt.Errorf("invalid content type %q: %v", contentType, err)
	}
	charset := charsetParam(params)
	switch mediaType {
	case "text/html", "application/xhtml+xml":
		return formatHTML, charset, nil
	case "text/markdown", "text/x-markdown":
		return formatMarkdown, charset, nil
	case "text/plain":
		return formatPlain, charset, nil
	case "application/json", "text/json":
		return formatJSON, charset, nil
	case "application/pdf":
		return formatPDF, "", nil
	}
	if strings.HasSuffix(mediaType, "+json") {
		return formatJSON, charset, nil
	}
	return 0, "", errUnknownType(mediaType)
}

// ContentTypeForName gives the content type for a file name by its
// extension, or "" when the extension says nothing (Extract then sniffs).
func ContentTypeForName(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".xhtml":
		return "text/html"
	case ".md", ".markdown":
		return "text/markdown"
	case ".txt", ".text":
		return "text/plain"
	case ".json":
		return "application/json"
	case ".pdf":
		return "application/pdf"
	}
	return ""
}

const sniffLimit = 16 << 10

var (
	htmlStarts    = []string{"<!doctype", "<html", "<head", "<body"}
	htmlBlockTags = regexp.MustCompile(`(?i)<(?:p|div|h[1-6]|table|ul|ol|li|br|section|article|main|html|body|head|meta|title)[\s>/]`)
	markdownLines = regexp.MustCompile(`(?m)^(?:#{1,6}[ \t]+\S|[ \t]{0,3}(?:[-*+]|[0-9]{1,9}[.)])[ \t]+\S|[ \t]{0,3}(?:={3,}|-{3,})[ \t]*$|[ \t]{0,3}(?:` + "```" + `|~~~)|\|.*\|[ \t]*$)`)
)

// sniff guesses the format of content without a content type: HTML if it
// starts (after a BOM and whitespace) like an HTML page or has block tags
// in its first kilobyte, JSON if it is a JSON object or array, Markdown if it has Markdown headings, lists,
// setext underlines, fences or tables, else plain text.
func sniff(content []byte) format {
	if bytes.HasPrefix(content, []byte("%PDF-")) {
		return formatPDF
	}
	if looksLikeJSON(content) {
		return formatJSON
	}
	head := content[:min(len(content), sniffLimit)]
	head = bytes.TrimPrefix(head, bomUTF8)
	if text, ok := decodeBOM(head); ok && !bytes.HasPrefix(content, bomUTF8) {
		head = []byte(text)
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n\f")
	lower := bytes.ToLower(trimmed[:min(len(trimmed), 64)])
	for _, prefix := range htmlStarts {
		if bytes.HasPrefix(lower, []byte(prefix)) {
			return formatHTML
		}
	}
	if htmlBlockTags.Match(trimmed[:min(len(trimmed), 1024)]) {
		return formatHTML
	}
	if markdownLines.Match(head) {
		return formatMarkdown
	}
	return formatPlain
}
