package diff

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestWriteUnifiedSmall(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"
	var b bytes.Buffer
	if err := WriteUnified(&b, "old.md", "new.md", old, new); err != nil {
		t.Fatal(err)
	}
	want := "--- old.md\n+++ new.md\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -8,3 +8,4 @@\n h\n i\n j\n+k\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	_ = WriteUnified(&b, "a", "b", "x\ny", "x\nz")
	if want := "--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n"; b.String() != want {
		t.Errorf("without final newline: got\n%s\nwant\n%s", b.String(), want)
	}
}

// applyUnified applies a unified diff to old, as patch would, checking
// every context and removed line.
func applyUnified(t *testing.T, old, patch string) string {
	t.Helper()
	oldLines := strings.SplitAfter(old, "\n")
	var out []string
	at := 0 // next old line to copy
	lines := strings.SplitAfter(patch, "\n")[2:]
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "@@ ") {
			var start int
			fields := strings.Fields(l)
			start, _ = strconv.Atoi(strings.Split(strings.TrimPrefix(fields[1], "-"), ",")[0])
			if strings.HasSuffix(fields[1], ",0") {
				start++
			}
			for at < start-1 {
				out = append(out, oldLines[at])
				at++
			}
			continue
		}
		text := l[1:]
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], `\ No newline`) {
			text = strings.TrimSuffix(text, "\n")
			i++
		}
		switch l[0] {
		case ' ', '-':
			if oldLines[at] != text {
				t.Fatalf("line %d: patch says %q, old has %q", at+1, text, oldLines[at])
			}
			at++
			if l[0] == ' ' {
				out = append(out, text)
			}
		case '+':
			out = append(out, text)
		}
	}
	out = append(out, oldLines[at:]...)
	return strings.Join(out, "")
}

func TestWriteUnifiedRebuildsTheNewText(t *testing.T) {
	names := []string{"2022-07-11T15-00-43Z.md", "2022-09-07T00-33-22Z.md", "2023-09-20T18-34-47Z.md", "2024-05-16T06-39-10Z.md", "2024-08-16T00-36-31Z.md", "2026-07-08T01-15-36Z.md"}
	for i := 1; i < len(names); i++ {
		a, err := os.ReadFile(historyDir + "/cookies-policy/" + names[i-1])
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(historyDir + "/cookies-policy/" + names[i])
		if err != nil {
			t.Fatal(err)
		}
		var patch bytes.Buffer
		if err := WriteUnified(&patch, names[i-1], names[i], string(a), string(b)); err != nil {
			t.Fatal(err)
		}
		if got := applyUnified(t, string(a), patch.String()); got != string(b) {
			t.Errorf("%s → %s: the patch does not rebuild the new text", names[i-1], names[i])
		}
		if !strings.Contains(patch.String(), "\n@@ -") {
			t.Errorf("%s → %s: no hunk", names[i-1], names[i])
		}
	}
	var same bytes.Buffer
	_ = WriteUnified(&same, "a", "b", "x\n", "x\n")
	if same.String() != "--- a\n+++ b\n" {
		t.Errorf("equal texts: %q", same.String())
	}
}
