package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/store"
)

func TestImportDecompressesGzipAndRefusesBinary(t *testing.T) {
	a, st := newArchive(t)
	dir := t.TempDir()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(readBundle(t, cookiesDir+"/2022-11-23T00-34-28Z.md"))
	w.Close()
	os.WriteFile(filepath.Join(dir, "2022-11-23T00-34-28Z.md.gz"), gz.Bytes(), 0o644)
	random := make([]byte, 5<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	os.WriteFile(filepath.Join(dir, "2023-01-01T00-00-00Z.html"), random, 0o644)

	files, err := CollectFiles(os.DirFS(dir), []string{"."}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := a.RecordFiles(context.Background(), cookiesRef, files, "import", nil)
	if sum.NewVersions != 1 {
		t.Errorf("the .gz capture: %d new versions, want 1", sum.NewVersions)
	}
	if FailureClass(err) != capture.Binary || !strings.Contains(err.Error(), "2023-01-01T00-00-00Z.html") {
		t.Errorf("random bytes: %v, want a %q failure naming the file", err, capture.Binary)
	}
	versions, _ := st.Versions(context.Background(), sum.DocumentID)
	if len(versions) != 1 || versions[0].Words < 100 {
		t.Errorf("versions %+v: want the one decompressed text", versions)
	}
	fetches, _ := st.Fetches(context.Background(), sum.DocumentID)
	failed := 0
	for _, f := range fetches {
		if f.ErrorClass == string(capture.Binary) {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d binary fetches recorded, want 1 (the bytes are kept, as a failed capture)", failed)
	}
}

func TestImportRefusesFilesOverTheLimit(t *testing.T) {
	a, st := newArchive(t)
	dir := t.TempDir()
	big := bytes.Repeat([]byte("We collect your name. "), 10000) // 220 KB
	os.WriteFile(filepath.Join(dir, "2023-01-01.txt"), big, 0o644)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(bytes.Repeat([]byte("a"), 1<<20)) // a small file that decompresses to 1 MB
	w.Close()
	os.WriteFile(filepath.Join(dir, "2023-01-02.txt.gz"), gz.Bytes(), 0o644)
	a.SetMaxCaptureBytes(100 << 10)
	for _, name := range []string{"2023-01-01.txt", "2023-01-02.txt.gz"} {
		files, err := CollectFiles(os.DirFS(dir), []string{name}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.RecordFiles(context.Background(), cookiesRef, files, "import", nil)
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "limit") {
			t.Errorf("%s: %v, want refused over the limit", name, err)
		}
	}
	if docs, _ := st.Documents(context.Background(), store.DocumentFilter{}); len(docs) != 0 {
		t.Errorf("something was stored for refused files: %+v", docs)
	}
}
