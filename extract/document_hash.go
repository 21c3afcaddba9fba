package extract

import (
	"crypto/sha256"
	"hash"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ComparisonHash is the SHA-256 of ComparisonKeyOf(markdown), computed
// piece by piece without building the key: for a large document the key
// would be one more copy of its whole text in memory.
func ComparisonHash(markdown string) [sha256.Size]byte {
	h := &foldingHasher{h: sha256.New()}
	for len(markdown) > 0 {
		// Pieces end after a line break: no fold spans one.
		end := min(len(markdown), hashPiece)
		if end < len(markdown) {
			if k := strings.LastIndexByte(markdown[:end], '\n'); k > 0 {
				end = k + 1
			} else if k := strings.IndexByte(markdown[end:], '\n'); k >= 0 {
				end += k + 1
			} else {
				end = len(markdown)
			}
		}
		h.write(typographicFolds.Replace(markdown[:end]))
		markdown = markdown[end:]
	}
	var sum [sha256.Size]byte
	h.h.Sum(sum[:0])
	return sum
}

// hashPiece is the size of the pieces ComparisonHash folds at a time.
const hashPiece = 64 << 10

// foldingHasher collapses whitespace as collapseSpaces does, across the
// pieces written to it, into a hash.
type foldingHasher struct {
	h            hash.Hash
	pendingSpace bool
	wrote        bool
	buf          []byte
}

func (f *foldingHasher) write(s string) {
	out := f.buf[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c >= '\t' && c <= '\r':
				f.pendingSpace = f.wrote || len(out) > 0
				i++
			case c < 0x20 || c == 0x7F:
				i++
			default:
				j := i + 1
				for j < len(s) && s[j] > ' ' && s[j] < 0x7F {
					j++
				}
				if f.pendingSpace {
					out = append(out, ' ')
					f.pendingSpace = false
				}
				out = append(out, s[i:j]...)
				i = j
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpaceRune(r):
			f.pendingSpace = f.wrote || len(out) > 0
		case isZeroWidth(r), unicode.IsControl(r):
		default:
			if f.pendingSpace {
				out = append(out, ' ')
				f.pendingSpace = false
			}
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	if len(out) > 0 {
		f.wrote = true
		f.h.Write(out)
	}
	f.buf = out
}
