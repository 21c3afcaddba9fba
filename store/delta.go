package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Captures of one page differ by a few bytes (tokens, timestamps), so each
// is stored as a zstd frame with an earlier capture of the same document
// as raw dictionary. A chain is the captures one document stored, or its
// version texts, in storage order, at positions 1, 2, 3…; the position
// decides the base (see baseSeq). Measured on 520 captures made of real
// 105 KB pages: a plain chain takes 78 KB but reads in O(n) frames; runs
// of 16 with keyframes chained to the previous keyframe and a full frame
// every 16 keyframes (31 frames deep) take 159 KB, the full frames (~40 KB
// each) being most of it; keyframes as skip-deltas need no full frame
// after the first and take 97 KB, 21 frames deep (delta_bench_test.go
// has the benchmarks).

// runLength is K: every K-th position is a keyframe, the others are
// compressed against the position before them.
const runLength = 16

// maxDepth bounds the frames one read decodes. The layout stays far below
// it (15 + log2(n/16) + 1: 32 frames for a million captures); a base whose
// depth would pass it gets a full frame instead, whatever the rows say.
const maxDepth = 64

// maxDeltaBytes: larger contents or bases get a frame of their own, which
// bounds the encoder's memory (the dictionary is indexed whole).
const maxDeltaBytes = 32 << 20

// maxChainFrames bounds a walk over stored bases, so that a damaged row
// (a base pointing back into its own chain) is an error, not a hang.
const maxChainFrames = 4 * maxDepth

// baseSeq returns the position that position seq is compressed against, 0
// for none. Inside a run of K, the previous position; keyframe k (position
// kK+1) against keyframe k with its lowest set bit cleared, as Subversion's
// skip-deltas do: so keyframe k reads through popcount(k) keyframes, and
// only position 1 is a full frame.
func baseSeq(seq int64) int64 {
	if seq <= 1 {
		return 0
	}
	i := seq - 1
	if i%runLength != 0 {
		return seq - 1
	}
	k := i / runLength
	return (k-k&-k)*runLength + 1
}

// textBaseSeq is baseSeq for version texts, which pages read far more
// often than captures are read: every position is compressed against the
// position with its lowest set bit cleared (counting from 0), Subversion's
// skip-deltas throughout, so reading position n decodes popcount(n-1)+1
// frames: 2.5 on average over a 20-version history, where runs of 16 decode
// 8, each frame and its row read costing ~0.1 ms on a page. The deltas span
// 2-3 versions on average instead of one, a few hundred bytes more a
// version on texts of tens of KB (BENCHMARKS.md).
func textBaseSeq(seq int64) int64 {
	if seq <= 1 {
		return 0
	}
	i := seq - 1
	return i&(i-1) + 1
}

// bestFrom is the content size from which frames are made at zstd's best
// level. The best level re-indexes its 34 MB of match tables for every
// dictionary, ~10 ms a frame whatever its size; on smaller contents the
// better level (4 MB of tables, ~1-2 ms) makes frames a few per cent
// larger, tens of bytes for near-identical captures.
const bestFrom = 64 << 10

// hugeFrom is the size from which contents go back to the better level:
// the best level's state grows with the content (tens of MB of history
// and tables for a 20 MB page), the better level's stays small.
const hugeFrom = 4 << 20

// codec holds the zstd state. Encoders are used inside write transactions,
// which the single writer connection serialises; mu makes that explicit,
// since changing the delta encoder's dictionary is not safe concurrently.
// Decoders that take a dictionary are pooled, one per concurrent read.
type codec struct {
	mu       sync.Mutex
	small    *encoders // for contents under bestFrom
	large    *encoders
	fastest  *encoders     // for every content, when set (FasterCompression)
	plain    *zstd.Decoder // frames of their own; safe for concurrent use
	decoders chan *zstd.Decoder
	closed   bool
}

// encoders are the two encoders of one level.
type encoders struct {
	full  *zstd.Encoder // no dictionary
	delta *zstd.Encoder // its dictionary is replaced for every frame
}

// decoderOptions bound what one frame may decode to (a damaged or hostile
// row must not exhaust memory).
var decoderOptions = []zstd.DOption{zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxSnapshotBytes)}

// newCodec makes the decoders, and the encoders when write is set.
func newCodec(write bool) (*codec, error) {
	c := &codec{decoders: make(chan *zstd.Decoder, readerConns+1)}
	var err error
	if c.plain, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxSnapshotBytes)); err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	if !write {
		return c, nil
	}
	if c.small, err = newEncoders(zstd.SpeedBetterCompression); err == nil {
		c.large, err = newEncoders(zstd.SpeedBestCompression)
	}
	if err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// useOptions sets up the encoders the options ask for.
func (c *codec) useOptions(o options) error {
	if !o.fastest || c.small == nil {
		return nil
	}
	var err error
	c.fastest, err = newEncoders(zstd.SpeedFastest)
	return err
}

func newEncoders(level zstd.EncoderLevel) (*encoders, error) {
	// No frame checksum: every content is checked against its SHA-256.
	opts := []zstd.EOption{zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false)}
	var e encoders
	var err error
	if e.full, err = zstd.NewWriter(nil, opts...); err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	// Made with a dictionary so that replacing it keeps the encoder's state.
	if e.delta, err = zstd.NewWriter(nil, append(opts, zstd.WithEncoderDictRaw(0, placeholderDict))...); err != nil {
		e.full.Close()
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	return &e, nil
}

func (e *encoders) close() error { return errors.Join(e.full.Close(), e.delta.Close()) }

func (c *codec) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, e := range []*encoders{c.small, c.large, c.fastest} {
		if e != nil {
			errs = append(errs, e.close())
		}
	}
	if c.plain != nil {
		c.plain.Close()
	}
	for {
		select {
		case d := <-c.decoders:
			d.Close()
		default:
			return errors.Join(errs...)
		}
	}
}

// encode compresses content, the concatenation of parts, against base
// (nil: no base) and returns the frame and whether it needs base to be
// read. The frame is decoded again and compared before it is returned:
// what is stored is known to read back. A delta that is not smaller than
// content's own frame is not kept; the own frame is only tried when the
// delta is not obviously small, to spare a second encoding. The parts are
// never joined: a version's texts are its Markdown and its sections, each
// as large as the document.
func (c *codec) encode(parts [][]byte, base []byte) (frame []byte, delta bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.large == nil {
		return nil, false, ErrReadOnly
	}
	if c.closed {
		return nil, false, errors.New("zstd encoder: closed")
	}
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	if len(parts) > 1 && size < streamCheckFrom {
		// Small: one copy costs less than streaming through the encoder.
		parts = [][]byte{bytes.Join(parts, nil)}
	}
	var e *encoders
	switch {
	case c.fastest != nil:
		e = c.fastest
	case size >= hugeFrom:
		// Encoders are made for a huge content and let go with it: their
		// state grows with the content (a 20 MB page left ~30 MB of
		// history and buffers for the life of the store), and making them
		// costs little beside compressing it.
		if e, err = newEncoders(zstd.SpeedBetterCompression); err != nil {
			return nil, false, err
		}
		defer e.close()
	case size < bestFrom:
		e = c.small
	default:
		e = c.large
	}
	if len(base) > 0 && size > 0 && len(base) <= maxDeltaBytes && size <= maxDeltaBytes {
		if frame, err = encodeDelta(e.delta, parts, base); err != nil {
			return nil, false, err
		}
		delta = true
		if len(frame) > size/16 {
			own, err := encodeFull(e.full, parts)
			if err != nil {
				return nil, false, err
			}
			if len(own) <= len(frame) {
				frame, delta = own, false
			}
		}
	} else if frame, err = encodeFull(e.full, parts); err != nil {
		return nil, false, err
	}
	if !delta {
		base = nil
	}
	if err := c.decodesTo(frame, base, delta, parts, size); err != nil {
		return nil, false, fmt.Errorf("zstd frame of %d bytes does not decode to its %d bytes of content (%v)", len(frame), size, err)
	}
	return frame, delta, nil
}

// encodeFull compresses parts as one frame of their own. A huge content
// goes through the encoder's stream, as parts do, never through
// EncodeAll: each keeps a history buffer of its own, as large as the
// window, for the life of the encoder.
func encodeFull(enc *zstd.Encoder, parts [][]byte) ([]byte, error) {
	if len(parts) == 1 && len(parts[0]) < hugeFrom {
		return enc.EncodeAll(parts[0], nil), nil
	}
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	// The frame's header says the content's size, so that reading it makes
	// room for it at once (decodedSize) rather than growing through every
	// size up to it.
	var buf bytes.Buffer
	enc.ResetContentSize(&buf, int64(size))
	return streamParts(enc, &buf, parts)
}

// encodeDelta compresses parts with base as raw dictionary. It streams
// rather than calling EncodeAll: at the best level a dictionary change
// rebuilds tens of MB of match tables, and EncodeAll would do it twice
// (for the stream state that ResetWithOptions resets, then for its own).
// The encoder keeps a reference to base until the next frame.
func encodeDelta(enc *zstd.Encoder, parts [][]byte, base []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := enc.ResetWithOptions(&buf, zstd.WithEncoderDictRaw(0, base)); err != nil {
		return nil, fmt.Errorf("zstd dictionary of %d bytes: %w", len(base), err)
	}
	frame, err := streamParts(enc, &buf, parts)
	if err == nil && len(base) >= hugeFrom {
		// A huge base is let go at once rather than at the next frame: a
		// version placed after its capture would otherwise be compared
		// and stored beside a capture-sized copy nothing reads.
		err = enc.ResetWithOptions(nil, zstd.WithEncoderDictRaw(0, placeholderDict))
	}
	return frame, err
}

// placeholderDict is the delta encoders' dictionary between frames.
var placeholderDict = []byte("policywatch")

// streamParts writes parts to enc, reset to write into buf, and ends the
// frame.
func streamParts(enc *zstd.Encoder, buf *bytes.Buffer, parts [][]byte) ([]byte, error) {
	for _, p := range parts {
		if _, err := enc.Write(p); err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return buf.Bytes(), nil
}

// streamCheckFrom is the size from which decodesTo compares the frame with
// its content as it decodes, instead of decoding a second copy.
const streamCheckFrom = 1 << 20

// decodesTo checks that frame decodes to the concatenation of parts (size
// bytes in all).
func (c *codec) decodesTo(frame, base []byte, withBase bool, parts [][]byte, size int) error {
	if size < streamCheckFrom && len(parts) == 1 {
		check, err := c.decode(frame, base, withBase, int64(size))
		if err != nil {
			return err
		}
		if !bytes.Equal(check, parts[0]) {
			return errors.New("different bytes")
		}
		return nil
	}
	var d *zstd.Decoder
	var err error
	if size >= hugeFrom { // as decodeOnce: its history is let go with it
		if d, err = newDecoder(base, withBase); err == nil {
			defer d.Close()
		}
	} else if d, err = c.decoder(base, withBase); err == nil {
		defer c.release(d)
	}
	if err != nil {
		return err
	}
	if err := d.Reset(bytes.NewReader(frame)); err != nil {
		return err
	}
	cmp := &partsComparer{parts: parts}
	if _, err := io.Copy(cmp, d); err != nil {
		return err
	}
	if !cmp.done() {
		return fmt.Errorf("decoded %d bytes, want %d", cmp.seen, size)
	}
	return nil
}

// partsComparer is a writer that checks what is written against parts, in
// order.
type partsComparer struct {
	parts [][]byte
	seen  int // bytes checked so far
	i     int // the part being compared
	off   int // offset in it
}

func (p *partsComparer) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		for p.i < len(p.parts) && p.off == len(p.parts[p.i]) {
			p.i, p.off = p.i+1, 0
		}
		if p.i == len(p.parts) {
			return 0, fmt.Errorf("decoded more than the %d bytes of content", p.seen)
		}
		part := p.parts[p.i][p.off:]
		k := min(len(part), len(b))
		if !bytes.Equal(part[:k], b[:k]) {
			return 0, fmt.Errorf("decoded bytes differ from the content after byte %d", p.seen)
		}
		p.off, p.seen, b = p.off+k, p.seen+k, b[k:]
	}
	return n, nil
}

// done says whether every part was seen whole.
func (p *partsComparer) done() bool {
	for p.i < len(p.parts) && p.off == len(p.parts[p.i]) {
		p.i, p.off = p.i+1, 0
	}
	return p.i == len(p.parts)
}

// decode decompresses one frame; withBase says it was compressed against
// base. size is what the row says it decodes to, -1 when it does not say.
func (c *codec) decode(frame, base []byte, withBase bool, size int64) ([]byte, error) {
	if size < -1 || size > maxSnapshotBytes {
		return nil, fmt.Errorf("implausible size %d", size)
	}
	var dst []byte
	if capacity := decodedSize(frame, base, withBase, size); capacity > 0 {
		dst = make([]byte, 0, capacity)
	}
	var out []byte
	var err error
	switch {
	case cap(dst) >= hugeFrom:
		out, err = decodeOnce(frame, base, withBase, dst)
	case !withBase:
		out, err = c.plain.DecodeAll(frame, dst)
	default:
		out, err = c.withDictionary(base, func(d *zstd.Decoder) ([]byte, error) {
			return d.DecodeAll(frame, dst)
		})
	}
	if err != nil {
		return nil, err
	}
	if size >= 0 && int64(len(out)) != size {
		return nil, fmt.Errorf("decompressed to %d bytes, recorded size is %d", len(out), size)
	}
	return out, nil
}

// decodeOnce decodes a huge frame with a decoder of its own, let go after:
// a decoder keeps what it decoded last as its history, which a pooled one
// would hold, tens of MB, until its next frame.
func decodeOnce(frame, base []byte, withBase bool, dst []byte) ([]byte, error) {
	d, err := newDecoder(base, withBase)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.DecodeAll(frame, dst)
}

// newDecoder makes a decoder, with base as its raw dictionary when withBase
// is set.
func newDecoder(base []byte, withBase bool) (*zstd.Decoder, error) {
	d, err := zstd.NewReader(nil, decoderOptions...)
	if err != nil || !withBase {
		return d, err
	}
	if err := d.ResetWithOptions(nil, zstd.WithDecoderDictRaw(0, base)); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// decodedSize is the room to make for what frame decodes to: the size
// the row says, else the one the frame's header says, else about its
// base's (a capture or a version's texts differ little from the one they
// are compressed against). Without it, decoding grows its output through
// every size up to the content's, copying it each time: about half the
// time a version's texts took to read.
func decodedSize(frame, base []byte, withBase bool, size int64) int64 {
	if size >= 0 {
		return size
	}
	var h zstd.Header
	if h.Decode(frame) == nil && h.HasFCS && h.FrameContentSize <= maxSnapshotBytes {
		return int64(h.FrameContentSize)
	}
	if withBase {
		return int64(len(base) + len(base)/8 + 512)
	}
	return 0
}

// withDictionary runs fn with a pooled decoder whose raw dictionary is base.
func (c *codec) withDictionary(base []byte, fn func(*zstd.Decoder) ([]byte, error)) ([]byte, error) {
	d, err := c.decoder(base, true)
	if err != nil {
		return nil, err
	}
	defer c.release(d)
	return fn(d)
}

// decoder returns a pooled decoder, with base as its raw dictionary when
// withBase is set; release gives it back.
func (c *codec) decoder(base []byte, withBase bool) (*zstd.Decoder, error) {
	var d *zstd.Decoder
	select {
	case d = <-c.decoders:
	default:
		return newDecoder(base, withBase)
	}
	if withBase {
		if err := d.ResetWithOptions(nil, zstd.WithDecoderDictRaw(0, base)); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

// release pools d again without its dictionary, so that the pool holds no
// old content.
func (c *codec) release(d *zstd.Decoder) {
	if d.ResetWithOptions(nil, zstd.WithDecoderDictDelete()) != nil {
		d.Close()
		return
	}
	select {
	case c.decoders <- d:
	default:
		d.Close()
	}
}

// link is one stored frame of a chain, as its row holds it.
type link struct {
	name     string   // what to call it in errors: "snapshot 3fa4…"
	key      string   // cache key of its content
	frame    []byte   // the zstd frame
	size     int64    // what it decodes to
	sum      [32]byte // SHA-256 of its content
	base     string   // reference of the link it was compressed against; "" for none
	baseKey  string   // that link's cache key when the reference tells it, else ""
	baseName string   // what to call that one in errors
}

// unchain returns the content of first, decoding its chain from the newest
// cached link (or from the frame of its own at the chain's start). fetch
// reads the link a reference names.
//
// Only first's content is checked against its SHA-256, not the links
// decoded on the way to it, which serve only as dictionaries: what unchain
// returns is still exactly the bytes first's content address names, and a
// damaged link on the way changes what first decodes to, which its check
// then refuses. Those links are cached as dictionaries only (get never
// returns them as content). Checking every link was a third of reading a
// version on a large archive (a chain is ~8 frames of ~60 KB). When the
// check fails, or a frame does not decode, the chain is read again
// checking every link and trusting no unchecked cache entry, so that the
// error names the frame that is damaged.
func (s *Store) unchain(first link, fetch func(ref, name string) (link, error)) ([]byte, error) {
	if content, verified, ok := s.cache.getDictionary(first.key); ok {
		if verified {
			return content, nil
		}
		if sha256.Sum256(content) == first.sum { // decoded on the way to another
			s.cache.put(first.key, content)
			return content, nil
		}
	}
	if content, err := s.unchainWith(first, fetch, false); err == nil {
		return content, nil
	}
	return s.unchainWith(first, fetch, true)
}

// unchainWith is unchain, checking every link against its SHA-256 and
// trusting only checked cache entries when careful is set, else only
// first (see unchain).
func (s *Store) unchainWith(first link, fetch func(ref, name string) (link, error), careful bool) ([]byte, error) {
	cached := func(key string) ([]byte, bool) {
		if careful {
			return s.cache.get(key)
		}
		content, _, ok := s.cache.getDictionary(key)
		return content, ok
	}
	links := []link{first}
	var content []byte
	for {
		l := links[len(links)-1]
		if l.base == "" {
			break
		}
		if len(links) > maxChainFrames {
			return nil, fmt.Errorf("%s: more than %d frames to decode: its bases loop (damaged rows)", first.name, maxChainFrames)
		}
		if c, ok := cached(l.baseKey); ok && l.baseKey != "" {
			content = c
			break
		}
		next, err := fetch(l.base, l.baseName)
		if err != nil {
			return nil, fmt.Errorf("%s: reading %s, the base of %s: %w", first.name, l.baseName, l.name, err)
		}
		if c, ok := cached(next.key); ok {
			content = c
			break
		}
		links = append(links, next)
	}
	for i := len(links) - 1; i >= 0; i-- {
		l := links[i]
		out, err := s.codec.decode(l.frame, content, l.base != "", l.size)
		if err != nil {
			return nil, fmt.Errorf("%s: decompress: %w", l.name, err)
		}
		if i > 0 && !careful {
			s.cache.putDictionary(l.key, out)
			content = out
			continue
		}
		if sum := sha256.Sum256(out); sum != l.sum {
			return nil, fmt.Errorf("%s: content hashes to %x: stored bytes are damaged", l.name, sum)
		}
		s.cache.put(l.key, out)
		content = out
	}
	return content, nil
}
