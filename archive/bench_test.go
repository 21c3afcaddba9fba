package archive

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchCapture is a ~53 KB capture: the August 2024 cookie policy (Markdown).
func benchCapture(b *testing.B) string {
	text := string(readBundle(b, cookiesDir+"/2024-08-16T00-36-31Z.md"))
	if len(text) < 45_000 || len(text) > 60_000 {
		b.Fatalf("benchmark capture is %d bytes, want about 50 KB", len(text))
	}
	return text
}

// BenchmarkRecordUnchanged records a 50 KB capture whose text is already the
// latest version: snapshot, extraction and comparison, no new version.
func BenchmarkRecordUnchanged(b *testing.B) {
	a, _ := newArchive(b)
	text := benchCapture(b)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	record(b, a, cookiesRef, markdownCapture(start, text))
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// Trailing whitespace: a new snapshot, the same text.
		c := markdownCapture(start.Add(time.Duration(i+1)*time.Minute), text+strings.Repeat(" ", i%64+1))
		if out := record(b, a, cookiesRef, c); out.NewVersion {
			b.Fatal("unchanged capture made a new version")
		}
	}
}

// BenchmarkRecordNewVersion records a 50 KB capture with one sentence edited:
// snapshot, extraction, a new version and the diff against the previous one.
func BenchmarkRecordNewVersion(b *testing.B) {
	a, _ := newArchive(b)
	text := benchCapture(b)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	record(b, a, cookiesRef, markdownCapture(start, text))
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		edited := strings.Replace(text, "Cookies", fmt.Sprintf("Cookies (edit %d)", i), 1)
		if out := record(b, a, cookiesRef, markdownCapture(start.Add(time.Duration(i+1)*time.Minute), edited)); !out.NewVersion {
			b.Fatal("edited capture made no new version")
		}
	}
}
