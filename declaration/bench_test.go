package declaration

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoadDir loads 1,000 copies of the real Twitter declaration (8
// documents, 25 sources each).
func BenchmarkLoadDir(b *testing.B) {
	twitter, err := os.ReadFile("testdata/ota/Twitter.json")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := range 1000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("service-%04d.json", i)), twitter, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		services, _, err := LoadDir(dir)
		if err != nil || len(services) != 1000 {
			b.Fatalf("%d services, %v", len(services), err)
		}
	}
}
