package extract

import (
	"bytes"
	"fmt"
)

// Binary content — an image, an archive, a compressed body nobody
// decompressed, random bytes saved as .html — read as text gives thousands
// of nonsense "words", and would become a version. It is refused before any
// reader sees it.

// BinaryError says that content is not text, and what it looks like.
type BinaryError struct {
	Kind string // "gzip-compressed data", "a PNG image", "binary data", …
}

func (e *BinaryError) Error() string {
	return fmt.Sprintf("the content is %s, not a text document", e.Kind)
}

// magicNumbers start files of formats that are never a policy's text;
// only signatures no text plausibly starts with (others are caught by
// their control bytes).
var magicNumbers = []struct {
	prefix []byte
	kind   string
}{
	{[]byte{0x1f, 0x8b}, "gzip-compressed data"},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd-compressed data"},
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0x00}, "xz-compressed data"},
	{[]byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}, "a 7-Zip archive"},
	{[]byte("PK\x03\x04"), "a ZIP archive (or an office document)"},
	{[]byte("\x89PNG\r\n\x1a\n"), "a PNG image"},
	{[]byte{0xff, 0xd8, 0xff}, "a JPEG image"},
	{[]byte("GIF87a"), "a GIF image"},
	{[]byte("GIF89a"), "a GIF image"},
	{[]byte("wOFF"), "a web font"},
	{[]byte("wOF2"), "a web font"},
	{[]byte("\x7fELF"), "an executable"},
	{[]byte{0x00, 0x00, 0x00}, "binary data"},
}

// binarySample is how much of the content is looked at.
const binarySample = 8 << 10

// maxControlShare is the share of control bytes (NUL, and C0 controls
// other than tab, line breaks, form feed and escape) above which content
// is binary: text in any charset has almost none. A few stray ones
// (minControls) do not make a short text binary.
const (
	maxControlShare = 0.01
	minControls     = 4
)

// binaryKind names what binary content looks like, or returns "" for text.
// Text with a UTF-16 or UTF-32 byte-order mark is text. (PDF, binary as
// it is, has a reader of its own: Extract does not ask.)
func binaryKind(content []byte) string {
	if hasWideBOM(content) {
		return ""
	}
	for _, m := range magicNumbers {
		if bytes.HasPrefix(content, m.prefix) {
			return m.kind
		}
	}
	sample := content[:min(len(content), binarySample)]
	controls := 0
	for _, b := range sample {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v' && b != 0x1b {
			controls++
		}
	}
	if controls >= minControls && float64(controls) > maxControlShare*float64(len(sample)) {
		return "binary data"
	}
	return ""
}

func hasWideBOM(content []byte) bool {
	return bytes.HasPrefix(content, []byte{0xff, 0xfe}) || bytes.HasPrefix(content, []byte{0xfe, 0xff}) ||
		bytes.HasPrefix(content, []byte{0x00, 0x00, 0xfe, 0xff})
}
