package extract

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// metaCharset finds <meta charset=…> or <meta http-equiv content="…;
// charset=…"> in the head of a page.
var metaCharset = regexp.MustCompile(`(?i)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)`)

// metaScanLimit is how far into an HTML page the <meta> charset is looked
// for; pages put many other tags before it, so this is wider than the
// 1,024 bytes of the WHATWG prescan.
const metaScanLimit = 8192

// decodeHTML turns an HTML page into UTF-8 text. Order: byte-order mark,
// the Content-Type charset, <meta> charset, valid UTF-8, and only then
// x/net/html/charset's sniffing (which reads only the first KB and would
// label a UTF-8 page with an ASCII-only first KB windows-1252).
func decodeHTML(content []byte, declared string) string {
	return repairMojibake(decodeHTMLCharset(content, declared))
}

// decodeHTMLCharset decodes by the first clue that names a known encoding.
func decodeHTMLCharset(content []byte, declared string) string {
	if text, ok := decodeBOM(content); ok {
		return text
	}
	if text, ok := decodeLabel(content, declared); ok {
		return text
	}
	head := content[:min(len(content), metaScanLimit)]
	if m := metaCharset.FindSubmatch(head); m != nil {
		label := strings.ToLower(string(m[1]))
		if strings.HasPrefix(label, "utf-16") {
			// A page that can be read as ASCII to find its meta is not UTF-16;
			// WHATWG says to take UTF-8.
			label = "utf-8"
		}
		if text, ok := decodeLabel(content, label); ok {
			return text
		}
	}
	if utf8.Valid(content) {
		return string(content)
	}
	enc, name, _ := charset.DetermineEncoding(content, "text/html")
	return decodeWith(content, enc, name)
}

// decodeText turns Markdown or plain text into UTF-8: byte-order mark,
// declared charset, valid UTF-8, else windows-1252 (the usual source of
// text that is not UTF-8).
func decodeText(content []byte, declared string) string {
	if text, ok := decodeBOM(content); ok {
		return repairMojibake(text)
	}
	if text, ok := decodeLabel(content, declared); ok {
		return repairMojibake(text)
	}
	if utf8.Valid(content) {
		return repairMojibake(string(content))
	}
	return repairMojibake(decodeWith(content, charmap.Windows1252, "windows-1252"))
}

func decodeBOM(content []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(content, bomUTF8):
		return strings.ToValidUTF8(string(content[len(bomUTF8):]), "\uFFFD"), true
	case bytes.HasPrefix(content, bomUTF16LE):
		return decodeWith(content, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "utf-16le"), true
	case bytes.HasPrefix(content, bomUTF16BE):
		return decodeWith(content, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf-16be"), true
	}
	return "", false
}

// decodeLabel decodes with the encoding a charset label names; unknown or
// empty labels report false so that the next clue is tried.
//
// A label naming Latin-1 or Windows-1252 (WHATWG reads both, and ASCII, as
// windows-1252) on content that is valid UTF-8 with non-ASCII characters
// is wrong: servers and templates label UTF-8 so, which is how most
// mojibake is made, while Windows-1252 text is valid UTF-8 only if every
// byte from 0x80 up happens to fall into UTF-8 sequences ("Ã©" written in
// Windows-1252, itself mojibake). Such content is read as UTF-8, exactly,
// instead of being garbled and then repaired, with the bytes Windows-1252
// leaves undefined lost.
func decodeLabel(content []byte, label string) (string, bool) {
	if strings.TrimSpace(label) == "" {
		return "", false
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return "", false
	}
	if name == "windows-1252" && !isASCII(content) && utf8.Valid(content) {
		return string(content), true
	}
	return decodeWith(content, enc, name), true
}

func isASCII(content []byte) bool {
	for _, c := range content {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func decodeWith(content []byte, enc encoding.Encoding, name string) string {
	if name == "utf-8" || enc == nil {
		return strings.ToValidUTF8(string(content), "\uFFFD")
	}
	out, err := enc.NewDecoder().Bytes(content)
	if err != nil {
		// Decoders replace bad input rather than fail; keep the bytes if one
		// does fail, repaired into valid UTF-8.
		return strings.ToValidUTF8(string(content), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// charsetParam returns the charset parameter of a media type's parameters.
func charsetParam(params map[string]string) string {
	return params["charset"]
}

// errUnknownType names a content type extract cannot read.
func errUnknownType(mediaType string) error {
	return fmt.Errorf("unsupported content type %q (want text/html, application/xhtml+xml, text/markdown, text/x-markdown, text/plain, application/json or application/pdf)", mediaType)
}
