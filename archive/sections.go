package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	gojson "github.com/goccy/go-json"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

// DecodeSections reads a version's stored sections (an extract.Document as
// JSON). github.com/goccy/go-json decodes them about eight times as fast as
// encoding/json (459 against 59 MB/s on the demo's versions), whose
// decoding was a fifth of a version page's CPU and a sixth of a diff's on
// the 200,000-version archive. The JSON is the store's own, written by
// encoding/json; a test checks that both decoders read the same documents
// from real versions and from hostile texts. Should goccy refuse one,
// encoding/json decides.
func DecodeSections(raw []byte) (extract.Document, error) {
	var doc extract.Document
	if err := gojson.Unmarshal(raw, &doc); err == nil {
		return doc, nil
	}
	doc = extract.Document{}
	err := json.Unmarshal(raw, &doc)
	return doc, err
}

// streamSectionsFrom is the size of stored sections from which
// prepareSections reads them one section at a time: decoded whole, the
// 24 MB of sections of a 20 MB page took ~70 MB, twice over while a
// change was computed.
const streamSectionsFrom = 4 << 20

// prepareSections reads a version's stored sections as diff.ComparePrepared
// compares them. Large ones are decoded one section at a time (by
// encoding/json, which decides for DecodeSections too), so that the whole
// document is never held; the others, and any the stream cannot read, as
// DecodeSections reads them.
func prepareSections(raw []byte) (*diff.Prepared, error) {
	if len(raw) >= streamSectionsFrom {
		if p, err := streamSections(raw); err == nil {
			return p, nil
		}
	}
	doc, err := DecodeSections(raw)
	if err != nil {
		return nil, err
	}
	return diff.Prepare(&doc), nil
}

// streamSections reads an extract.Document's JSON section by section. It
// refuses what json.Unmarshal might read otherwise (a key given twice, or
// in other letters) rather than guess: the store writes neither.
func streamSections(raw []byte) (*diff.Prepared, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	p := diff.NewPrepared()
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("key %q given twice", key)
		}
		seen[key] = true
		switch key {
		case "title":
			var title string
			if err := dec.Decode(&title); err != nil {
				return nil, err
			}
			p.SetTitle(title)
		case "sections":
			if err := streamSectionList(dec, p); err != nil {
				return nil, err
			}
		default: // json.Unmarshal would match keys in other cases too: let it
			return nil, fmt.Errorf("unexpected key %q", key)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more after the document")
	}
	return p, nil
}

// streamSectionList reads the sections' array (or null) into p.
func streamSectionList(dec *json.Decoder, p *diff.Prepared) error {
	tok, err := dec.Token()
	if err != nil || tok == nil { // null: no sections
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("sections: %v, want an array", tok)
	}
	for dec.More() {
		var s extract.Section
		if err := dec.Decode(&s); err != nil {
			return err
		}
		p.AddSection(s)
	}
	return expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("%v, want %v", tok, want)
	}
	return nil
}
