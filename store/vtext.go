package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unsafe"
)

// A version's texts (canonical Markdown, then the sections JSON) are
// stored as one content, markdown || sections, split at markdown_bytes,
// compressed against the texts of an earlier version of the same document
// (textBaseSeq in delta.go), and checked against their SHA-256
// on every read. Rows of older releases keep plain columns until compact.

// textLayout names the base of each new position of a chain of texts: a
// variable so that tests can write texts as older releases laid them out
// (baseSeq), for compact to lay them out again.
var textLayout = textBaseSeq

// packedText is what a versions row says about its packed texts.
type packedText struct {
	packed        bool // false: the plain columns hold the texts
	frame         []byte
	sum           []byte
	base          int64 // 0: a frame of its own
	markdownBytes int64
}

// textKey is the cache key of texts with this SHA-256; it cannot collide
// with a snapshot's key, which is hex.
func textKey(sum []byte) string { return "v" + string(sum) }

// unpackVersion fills v.Markdown and v.Sections from p, reading bases
// through q.
func (s *Store) unpackVersion(ctx context.Context, q querier, v *Version, p packedText) error {
	content, split, err := s.texts(ctx, q, v.ID, p)
	if err != nil || content == nil {
		return err
	}
	v.Markdown = string(content[:split])
	v.Sections = nil
	if rest := content[split:]; len(rest) > 0 {
		v.Sections = append([]byte(nil), rest...) // the cache keeps its own
	}
	return nil
}

// unpackSections is unpackVersion for a page that shows the sections
// only: v.Markdown is left empty and v.Sections is the cache's bytes, not
// a copy, with no room to append into them (a version page copied 90 KB
// it never wrote to).
func (s *Store) unpackSections(ctx context.Context, q querier, v *Version, p packedText) error {
	content, split, err := s.texts(ctx, q, v.ID, p)
	if err != nil || content == nil {
		return err
	}
	v.Markdown = ""
	v.Sections = nil
	if rest := content[split:]; len(rest) > 0 {
		v.Sections = rest[:len(rest):len(rest)]
	}
	return nil
}

// texts returns the packed texts of version id and where its Markdown
// ends in them; nil when the row keeps plain columns. The slice may be the
// cache's and must not be modified.
func (s *Store) texts(ctx context.Context, q querier, id int64, p packedText) (content []byte, split int, err error) {
	if !p.packed {
		return nil, 0, nil
	}
	if content, err = s.packedContent(ctx, q, id, p); err != nil {
		return nil, 0, err
	}
	if p.markdownBytes < 0 || p.markdownBytes > int64(len(content)) {
		return nil, 0, fmt.Errorf("texts of version %d: Markdown of %d bytes in %d bytes of texts: stored texts are damaged", id, p.markdownBytes, len(content))
	}
	return content, int(p.markdownBytes), nil
}

// packedContent returns the texts (markdown || sections) of version id;
// the slice may be the cache's and must not be modified.
func (s *Store) packedContent(ctx context.Context, q querier, id int64, p packedText) ([]byte, error) {
	first, err := textLink(id, p)
	if err != nil {
		return nil, err
	}
	return s.unchain(first, func(ref, name string) (link, error) {
		id, err := strconv.ParseInt(ref, 10, 64)
		if err != nil {
			return link{}, err
		}
		base, err := readPackedText(ctx, q, id)
		if errors.Is(err, sql.ErrNoRows) {
			return link{}, fmt.Errorf("%s is missing: stored texts are damaged", name)
		}
		if err != nil {
			return link{}, err
		}
		return textLink(id, base)
	})
}

func textLink(id int64, p packedText) (link, error) {
	l := link{name: fmt.Sprintf("texts of version %d", id), frame: p.frame, size: -1}
	if len(p.sum) != sha256.Size || !p.packed {
		return link{}, fmt.Errorf("%s: no SHA-256 of the packed texts: stored texts are damaged", l.name)
	}
	copy(l.sum[:], p.sum)
	l.key = textKey(p.sum)
	if p.base != 0 {
		l.base = strconv.FormatInt(p.base, 10)
		l.baseName = fmt.Sprintf("texts of version %d", p.base)
	}
	return l, nil
}

func readPackedText(ctx context.Context, q querier, id int64) (packedText, error) {
	var p packedText
	err := q.QueryRowContext(ctx,
		"SELECT packed, packed_hash, ifnull(packed_base, 0), markdown_bytes FROM versions WHERE id = ? AND packed_hash IS NOT NULL", id,
	).Scan(&p.frame, &p.sum, &p.base, &p.markdownBytes)
	p.packed = err == nil
	return p, err
}

// packTexts compresses a new version's texts against the version at the
// end of its document's chain of texts, and returns the columns to store.
func (t *Tx) packTexts(documentID int64, markdown string, sections []byte) (packedRow, error) {
	if len(sections) > 0 && !json.Valid(sections) {
		return packedRow{}, errors.New("sections are not valid JSON")
	}
	// The Markdown is only read, never kept: a view of the string's bytes
	// spares a copy as large as the document.
	return t.packContent(documentID, unsafe.Slice(unsafe.StringData(markdown), len(markdown)), sections)
}

// packedRow is the packed_* columns of a versions row.
type packedRow struct {
	frame []byte
	sum   []byte
	base  sql.NullInt64
	depth int
	seq   int64
}

// packContent packs the texts whose content is the concatenation of parts.
func (t *Tx) packContent(documentID int64, parts ...[]byte) (packedRow, error) {
	h := sha256.New()
	size := 0
	for _, p := range parts {
		h.Write(p)
		size += len(p)
	}
	r := packedRow{sum: h.Sum(nil), depth: 1}
	if err := t.tx.QueryRowContext(t.ctx,
		"SELECT ifnull(max(packed_seq), 0) + 1 FROM versions WHERE document_id = ?", documentID).Scan(&r.seq); err != nil {
		return packedRow{}, fmt.Errorf("end of the texts of document %d: %w", documentID, err)
	}
	var baseContent []byte
	baseDepth := 0
	// Texts too large to be compressed against a base get a frame of their
	// own (codec.encode): reading the base would only cost a copy of it.
	if at := textLayout(r.seq); at != 0 && size <= maxDeltaBytes {
		var baseID int64
		err := t.tx.QueryRowContext(t.ctx,
			"SELECT id, packed_depth FROM versions WHERE document_id = ? AND packed_seq = ?", documentID, at).Scan(&baseID, &baseDepth)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return packedRow{}, fmt.Errorf("position %d of the texts of document %d: %w", at, documentID, err)
		case baseDepth < maxDepth:
			p, err := readPackedText(t.ctx, t.tx, baseID)
			if err != nil {
				return packedRow{}, fmt.Errorf("texts of version %d: %w", baseID, err)
			}
			if baseContent, err = t.store.packedContent(t.ctx, t.tx, baseID, p); err != nil {
				return packedRow{}, err
			}
			r.base = sql.NullInt64{Int64: baseID, Valid: true}
		}
	}
	frame, delta, err := t.store.codec.encode(parts, baseContent)
	if err != nil {
		return packedRow{}, fmt.Errorf("texts of %d bytes: %w", size, err)
	}
	r.frame = frame
	if delta {
		r.depth = baseDepth + 1
	} else {
		r.base = sql.NullInt64{}
	}
	if size <= t.store.cache.largest() {
		content := make([]byte, 0, size)
		for _, p := range parts {
			content = append(content, p...)
		}
		t.store.cache.put(textKey(r.sum), content)
	}
	return r, nil
}
