package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/extract"
)

// combinedType is the media type of a capture made of several pages: a
// MIME multipart body whose parts are the pages exactly as fetched, so the
// snapshot still holds the servers' raw bytes.
const combinedType = "multipart/mixed"

// Part is one page of a combined capture.
type Part struct {
	URL         string
	ContentType string
	Content     []byte
}

// CombineParts makes one capture of several pages (Open Terms Archive's
// "combine"): the content and content type to put in a Capture, whose
// PartRules then hold each page's rules. The boundary is derived from the
// content, so the same pages always give the same snapshot.
func CombineParts(parts []Part) (content []byte, contentType string, err error) {
	if len(parts) == 0 {
		return nil, "", fmt.Errorf("archive: combining no parts")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	boundary := "policywatch-" + hashPrefix(parts)
	if err := w.SetBoundary(boundary); err != nil {
		return nil, "", err
	}
	for i, p := range parts {
		if len(p.Content) == 0 {
			return nil, "", fmt.Errorf("archive: part %d (%s) of a combined capture is empty", i+1, p.URL)
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Location", p.URL)
		if p.ContentType != "" {
			h.Set("Content-Type", p.ContentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := pw.Write(p.Content); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mime.FormatMediaType(combinedType, map[string]string{"boundary": boundary}), nil
}

func hashPrefix(parts []Part) string {
	var all bytes.Buffer
	for _, p := range parts {
		all.Write(p.Content)
	}
	return shortHash(all.Bytes())
}

// splitParts reads the pages of a combined capture.
func splitParts(content []byte, boundary string) ([]Part, error) {
	r := multipart.NewReader(bytes.NewReader(content), boundary)
	var parts []Part
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("archive: reading combined capture: %w", err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("archive: reading combined capture: %w", err)
		}
		parts = append(parts, Part{URL: p.Header.Get("Content-Location"), ContentType: p.Header.Get("Content-Type"), Content: body})
	}
}

// extractCapture extracts a capture of a document of type docType; a
// combined one is the concatenation of its pages, each extracted with its
// own rules, and fails if any page does.
func extractCapture(c Capture, rules extract.Options, docType string) (*extract.Document, error) {
	mediaType, params, err := mime.ParseMediaType(c.ContentType)
	if err != nil || mediaType != combinedType {
		return extract.Extract(c.Content, c.ContentType, withType(rules, docType))
	}
	parts, err := splitParts(c.Content, params["boundary"])
	if err != nil {
		return nil, err
	}
	combined := &extract.Document{}
	for i, p := range parts {
		partRules := rules
		if i < len(c.PartRules) {
			partRules = c.PartRules[i]
		}
		if partRules.BaseURL == "" && isAbsoluteURL(p.URL) {
			partRules.BaseURL = p.URL
		}
		doc, err := extract.Extract(p.Content, p.ContentType, withType(partRules, docType))
		if err != nil {
			return nil, fmt.Errorf("part %d (%s): %w", i+1, p.URL, err)
		}
		if combined.Title == "" {
			combined.Title = doc.Title
		}
		combined.Sections = append(combined.Sections, doc.Sections...)
	}
	return combined, nil
}

// withType adds the document's type to its rules, so that a page holding
// several documents (a legal hub's tabs, a summary beside the full text)
// gives the declared one: extract.Options.Type. Every path that records or
// re-extracts a capture goes through here. Rules with a type keep theirs;
// a type Open Terms Archive does not know looks for none.
func withType(rules extract.Options, docType string) extract.Options {
	if rules.Type.Name == "" {
		rules.Type, _ = declaration.ExtractionType(docType)
	}
	return rules
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}
