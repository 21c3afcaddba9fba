package diff

import (
	"runtime"
	"testing"
)

// allocatedBy returns the bytes fn allocates.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Memory grows linearly with the input: ten times the text may take at
// most fifteen times the allocations (a quadratic growth would take 100).
func TestMemoryGrowsLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1 MB documents")
	}
	small := benchmarkDocument(t, "privacy-policy", 100_000)
	large := benchmarkDocument(t, "privacy-policy", 1_000_000)
	smallNew, largeNew := changeWords(small, 0.02, 1), changeWords(large, 0.02, 1)
	smallBytes := allocatedBy(func() { Compare(small, smallNew) })
	largeBytes := allocatedBy(func() { Compare(large, largeNew) })
	t.Logf("Compare allocates %d B for 100 KB, %d B for 1 MB (×%.1f)", smallBytes, largeBytes, float64(largeBytes)/float64(smallBytes))
	if largeBytes > 15*smallBytes {
		t.Errorf("1 MB allocates %d B, more than 15 × the %d B of 100 KB", largeBytes, smallBytes)
	}
}
