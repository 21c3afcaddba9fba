package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// benchCapture is one capture file of a document's history.
type benchCapture struct {
	document string
	name     string // the file's name: its capture time
	content  []byte
}

// benchHistory reads the captures of the given document directories,
// each oldest first.
func benchHistory(b *testing.B, pattern string, dirs ...string) []benchCapture {
	b.Helper()
	var list []benchCapture
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil || len(names) == 0 {
			b.Fatalf("%s: %v (%d files)", dir, err, len(names))
		}
		sort.Strings(names)
		for _, name := range names {
			content, err := os.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			list = append(list, benchCapture{document: filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir), name: filepath.Base(name), content: content})
		}
	}
	return list
}

func otaBenchHistory(b *testing.B) []benchCapture {
	var dirs []string
	for _, d := range []string{"Bumble/Terms of Service", "ChristianMingle/Privacy Policy", "Coffee Meets Bagel/Copyright Claims Policy"} {
		dirs = append(dirs, filepath.Join("..", "testdata", "ota-histories", "dating", d, "snapshots"))
	}
	return benchHistory(b, "*.html", dirs...)
}

func demoBenchHistory(b *testing.B) []benchCapture {
	dir := filepath.Join("..", "demo", "twitter-x-history")
	return benchHistory(b, "*.md", filepath.Join(dir, "cookies-policy"), filepath.Join(dir, "privacy-policy"))
}

// BenchmarkStoredBytesOTA and BenchmarkStoredBytesDemo report the bytes
// stored per capture: before (each capture alone, as the previous release
// stored it) and after (chains), as zstd frames and as the SQLite file,
// next to git (a commit per capture, then git gc --aggressive: the pack),
// to zstd -19 --patch-from chained over each document's distinct
// captures, and to the store's own encoder in a plain chain (no
// keyframe), measured in the same run on the same files. Run with
// -benchtime=1x: one measurement is the result.
func BenchmarkStoredBytesOTA(b *testing.B)  { benchStoredBytes(b, otaBenchHistory(b)) }
func BenchmarkStoredBytesDemo(b *testing.B) { benchStoredBytes(b, demoBenchHistory(b)) }

func benchStoredBytes(b *testing.B, history []benchCapture) {
	n := float64(len(history))
	for b.Loop() {
		before, beforeFile := storeBefore(b, history)
		after, afterFile := storeAfter(b, history)
		b.ReportMetric(float64(before)/n, "B/capture-before")
		// Files are measured less an empty one: tables and indexes take a
		// page each (~140 KB) however little they hold.
		b.ReportMetric(float64(beforeFile)/n, "file-B/capture-before")
		b.ReportMetric(float64(after)/n, "B/capture-after")
		b.ReportMetric(float64(afterFile)/n, "file-B/capture-after")
		plain := plainChain(b, history)
		b.ReportMetric(float64(plain)/n, "B/capture-plain-chain")
		if z, err := zstdPatchChain(b, history); err != nil {
			b.Logf("zstd -19 --patch-from left out: %v", err)
		} else {
			b.ReportMetric(float64(z)/n, "B/capture-zstd19-chain")
			b.ReportMetric(float64(after)/float64(z), "after/zstd19")
			b.ReportMetric(float64(plain)/float64(z), "plain-chain/zstd19")
		}
		if g, err := gitPack(b, history); err != nil {
			b.Logf("git gc --aggressive left out: %v", err)
		} else {
			b.ReportMetric(float64(g)/n, "B/capture-git-pack")
		}
		raw := 0
		for _, c := range history {
			raw += len(c.content)
		}
		b.ReportMetric(float64(raw)/n, "B/capture-raw")
	}
}

// storeBefore stores history as the previous release did and returns the
// bytes of its frames and of its file.
func storeBefore(b *testing.B, history []benchCapture) (frames, file int64) {
	path := filepath.Join(b.TempDir(), "before.db")
	var legacy []legacyCapture
	at := date("2020-01-01T00:00:00Z")
	for i, c := range history {
		legacy = append(legacy, legacyCapture{service: c.document, content: c.content, at: at.Add(time.Duration(i) * time.Hour)})
	}
	writeLegacyDB(b, path, legacy)
	if err := rawDB(b, path).QueryRow("SELECT sum(length(compressed)) FROM snapshots").Scan(&frames); err != nil {
		b.Fatal(err)
	}
	empty := filepath.Join(b.TempDir(), "empty.db")
	writeLegacyDB(b, empty, nil)
	return frames, fileSize(b, path) - fileSize(b, empty)
}

// storeAfter records history through the store, a transaction a capture as
// archive.Record does, and returns the bytes of its frames and its file.
func storeAfter(b *testing.B, history []benchCapture) (frames, file int64) {
	path := filepath.Join(b.TempDir(), "after.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	at := date("2020-01-01T00:00:00Z")
	for i, c := range history {
		record(b, s, c.document, c.content, at.Add(time.Duration(i)*time.Hour))
	}
	if err := s.readers.QueryRow("SELECT sum(length(compressed)) FROM snapshots").Scan(&frames); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil { // checkpoints and removes the WAL
		b.Fatal(err)
	}
	empty := filepath.Join(b.TempDir(), "empty.db")
	if s, err = Open(context.Background(), empty); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return frames, fileSize(b, path) - fileSize(b, empty)
}

func fileSize(b *testing.B, path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return info.Size()
}

// plainChain compresses each document's distinct captures as the store's
// codec does, each against the one before it, with no keyframe: the
// smallest this encoder makes them, whatever a read would cost.
func plainChain(b *testing.B, history []benchCapture) int64 {
	c, err := newCodec(true)
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	var total int64
	prev := map[string][]byte{}
	seen := map[[32]byte]bool{}
	for _, h := range history {
		sum := sha256.Sum256(h.content)
		if seen[sum] {
			continue
		}
		seen[sum] = true
		frame, _, err := c.encode([][]byte{h.content}, prev[h.document])
		if err != nil {
			b.Fatal(err)
		}
		total += int64(len(frame))
		prev[h.document] = h.content
	}
	return total
}

// zstdPatchChain compresses each document's distinct captures with the zstd
// program, the first alone and each other against the previous one.
func zstdPatchChain(b *testing.B, history []benchCapture) (int64, error) {
	if _, err := exec.LookPath("zstd"); err != nil {
		return 0, err
	}
	dir := b.TempDir()
	var total int64
	prev := map[string]string{}
	seen := map[[32]byte]bool{}
	for i, c := range history {
		sum := sha256.Sum256(c.content)
		if seen[sum] {
			continue // stored once, as policywatch does
		}
		seen[sum] = true
		file := filepath.Join(dir, fmt.Sprint(i))
		if err := os.WriteFile(file, c.content, 0o644); err != nil {
			return 0, err
		}
		args := []string{"-19", "-q", "-c"}
		if p, ok := prev[c.document]; ok {
			args = append(args, "--patch-from="+p)
		}
		cmd := exec.Command("zstd", append(args, file)...)
		out, err := cmd.Output()
		if err != nil {
			return 0, fmt.Errorf("zstd %s: %w", strings.Join(args, " "), err)
		}
		total += int64(len(out))
		prev[c.document] = file
	}
	return total, nil
}

// gitPack commits each capture over the previous one of its document, in
// history's order, runs git gc --aggressive and returns the pack's size.
func gitPack(b *testing.B, history []benchCapture) (int64, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return 0, err
	}
	dir := b.TempDir()
	git := func(args ...string) error {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=bench", "-c", "user.email=bench@example.org",
			"-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := git("init", "-q"); err != nil {
		return 0, err
	}
	for i, c := range history {
		file := filepath.Join(dir, filepath.FromSlash(c.document), "capture")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(file, c.content, 0o644); err != nil {
			return 0, err
		}
		if err := git("add", "-A"); err != nil {
			return 0, err
		}
		if err := git("commit", "-q", "--allow-empty", "-m", fmt.Sprintf("%d %s", i, c.name)); err != nil {
			return 0, err
		}
	}
	if err := git("gc", "--aggressive", "-q"); err != nil {
		return 0, err
	}
	packs, err := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
	if err != nil || len(packs) == 0 {
		return 0, fmt.Errorf("no pack after git gc: %v", err)
	}
	var total int64
	for _, p := range packs {
		total += fileSize(b, p)
	}
	return total, nil
}

// BenchmarkReadWorstCapture reads, with nothing cached, the capture that
// decodes the most frames: in a history of 520 captures of a real 244 KB
// page (the size of the page measured in issue #11), and at the depth the
// layout reaches for a million captures (32 frames).
func BenchmarkReadWorstCapture(b *testing.B) {
	pages := otaCaptures(b, "ChristianMingle", "Privacy Policy")
	capture := func(j int) []byte {
		p := pages[(j/13)%len(pages)] // 13 captures a text, as a page that changes every few days
		mid := len(p) / 2
		return bytes.Join([][]byte{p[:mid], fmt.Appendf(nil, "<!-- token %x -->", uint64(j)*0x9e3779b97f4a7c15), p[mid:]}, nil)
	}
	s, _ := openTestStore(b)
	ctx := context.Background()
	at := date("2020-01-01T00:00:00Z")
	var worst string
	var worstContent []byte
	worstDepth := 0
	for j := range 520 {
		c := capture(j)
		h := record(b, s, "ChristianMingle", c, at.Add(time.Duration(j)*time.Hour))
		if r := frameOf(b, s, h); r.depth > worstDepth {
			worst, worstContent, worstDepth = h, c, r.depth
		}
	}
	// A chain as deep as a million captures make it: 32 frames, each
	// compressed against the one before.
	var deep string
	var deepContent []byte
	err := s.Write(ctx, func(tx *Tx) error {
		base := ""
		for j := range 32 {
			c := capture(10000 + j)
			hash := HashContent(c)
			if _, err := tx.tx.Exec("INSERT INTO snapshots (hash, content_type, size, compressed) VALUES (?, 'text/html', ?, x'')", hash, len(c)); err != nil {
				return err
			}
			if err := tx.writeFrame(hash, c, base, j, sql.NullInt64{}, sql.NullInt64{}, ""); err != nil {
				return err
			}
			base, deep, deepContent = hash, hash, c
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if r := frameOf(b, s, deep); r.depth != 32 {
		b.Fatalf("deep chain has depth %d", r.depth)
	}
	for _, bench := range []struct {
		name    string
		hash    string
		content []byte
		depth   int
	}{{fmt.Sprintf("of-520/%d-frames", worstDepth), worst, worstContent, worstDepth}, {"of-a-million/32-frames", deep, deepContent, 32}} {
		b.Run(bench.name, func(b *testing.B) {
			b.SetBytes(int64(len(bench.content)))
			for b.Loop() {
				s.cache = newContentCache(contentCacheBytes) // nothing cached
				snap, err := s.Snapshot(ctx, bench.hash)
				if err != nil || !bytes.Equal(snap.Content, bench.content) {
					b.Fatalf("read: %v", err)
				}
			}
			b.ReportMetric(float64(bench.depth), "frames")
		})
	}
	b.Run("next-capture-warm", func(b *testing.B) {
		// Reading a history in order: the capture before is cached.
		var prev, next string
		if err := s.readers.QueryRow("SELECT base, hash FROM snapshots WHERE chain IS NOT NULL AND seq = 300").Scan(&prev, &next); err != nil {
			b.Fatal(err)
		}
		prevSnap, err := s.Snapshot(ctx, prev)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			s.cache = newContentCache(contentCacheBytes)
			s.cache.put(prev, prevSnap.Content)
			if _, err := s.Snapshot(ctx, next); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(1, "frames")
	})
}
