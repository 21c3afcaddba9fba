package extract

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func TestBinaryContentIsRefused(t *testing.T) {
	random := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("<html><body><p>We collect your name.</p></body></html>"))
	w.Close()
	png := append([]byte("\x89PNG\r\n\x1a\n"), random[:100]...)
	for name, c := range map[string]struct {
		content     []byte
		contentType string
	}{
		"random bytes saved as .html": {random, "text/html"},
		"random bytes, no type":       {random, ""},
		"a gzip body":                 {gz.Bytes(), "text/html"},
		"a PNG":                       {png, ""},
		"UTF-16 without BOM":          {[]byte("W\x00e\x00 \x00c\x00o\x00l\x00l\x00e\x00c\x00t\x00"), "text/plain"},
	} {
		_, err := Extract(c.content, c.contentType, Options{})
		var be *BinaryError
		if !errors.As(err, &be) {
			t.Errorf("%s: error %v, want a BinaryError", name, err)
		}
	}
}

func TestTextIsNeverTakenForBinary(t *testing.T) {
	// Every real capture the project holds, in every encoding it has.
	var files []string
	for _, pattern := range []string{"../demo/twitter-x/*", "../demo/twitter-x-history/*/*.md", "testdata/corpus/*.html", "../testdata/ota-histories/*/*/*/snapshots/*.html"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) < 100 {
		t.Fatalf("found only %d captures", len(files))
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if kind := binaryKind(content); kind != "" {
			t.Errorf("%s taken for %s", f, kind)
		}
	}
	for _, text := range []string{
		"\xff\xfeW\x00e\x00", // UTF-16 with its byte-order mark
		"Caf\xe9 cr\xe8me",   // Latin-1
		"\x1b[1mBold\x1b[0m terminal text",
		"A stray \x01 control byte\x00 or two",
		"MZ Corp. privacy notice",
		"",
	} {
		if kind := binaryKind([]byte(text)); kind != "" {
			t.Errorf("%q taken for %s", text, kind)
		}
	}
}
