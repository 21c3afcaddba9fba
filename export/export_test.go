package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/otaimport"
	"github.com/policywatch/policywatch/store"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func page(text string) []byte {
	return []byte("<html><body><nav>Menu</nav><main><h1>Privacy</h1><h2>Data</h2><p>" + text + "</p><ul><li>e-mail</li><li>phone</li></ul></main></body></html>")
}

// seeded is a database with two documents: Acme's privacy policy crawled
// (one page seen twice unchanged, two captures a nanosecond apart; the
// last one fetched before fetches kept their headers), and Beta's terms
// imported from Open Terms Archive as Markdown.
func seeded(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ar := archive.New(st)
	acme := archive.DocumentRef{Service: "Acme", Type: "Privacy Policy", URL: "https://acme.example/privacy"}
	headers := func(date, etag string) string {
		return "Date: " + date + "\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\nLast-Modified: Sun, 01 Jan 2023 00:00:00 GMT\r\nETag: " + etag + "\r\n"
	}
	for _, c := range []archive.Capture{
		{At: at("2023-01-01T00:00:00Z"), Content: page("We collect your e-mail."), Headers: headers("Sun, 01 Jan 2023 00:00:00 GMT", `"v1"`)},
		{At: at("2023-02-01T00:00:00Z"), Content: page("We collect your e-mail."), Headers: headers("Wed, 01 Feb 2023 00:00:00 GMT", `"v1"`)}, // unchanged: the same snapshot
		{At: at("2023-03-01T10:00:00Z"), Content: page("We collect your **phone**, and *more*."), Headers: headers("Wed, 01 Mar 2023 10:00:00 GMT", `"v2"`)},
		{At: at("2023-03-01T10:00:00.000000001Z"), Content: page("We collect nothing.")},
	} {
		c.Source, c.ContentType, c.URL, c.Status = capture.Crawl, "text/html; charset=utf-8", acme.URL, 200
		if _, err := ar.Record(context.Background(), acme, c); err != nil {
			t.Fatal(err)
		}
	}
	beta := archive.DocumentRef{Service: "Beta", Type: "Terms of Service"}
	for _, c := range []archive.Capture{
		{At: at("2022-05-05T05:05:05Z"), Content: []byte("# Terms\n\n## Use\n\nBe kind.\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")},
		{At: at("2024-06-06T06:06:06Z"), Content: []byte("# Terms\n\n## Use\n\nBe kind and fair.\n\n> Quoted.\n")},
	} {
		c.Source, c.ContentType = capture.OTA, "text/markdown"
		if _, err := ar.Record(context.Background(), beta, c); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

type recorded struct{ service, kind, at, text string }

func allVersions(t *testing.T, st *store.Store) []recorded {
	t.Helper()
	ctx := context.Background()
	docs, err := st.Documents(ctx, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []recorded
	for _, d := range docs {
		vs, _ := st.Versions(ctx, d.ID)
		for i := len(vs) - 1; i >= 0; i-- {
			v, _ := st.Version(ctx, vs[i].ID)
			out = append(out, recorded{d.Service, d.Type, v.CapturedAt.Format(time.RFC3339Nano), v.Markdown})
		}
	}
	return out
}

func TestOTADatasetRoundTrip(t *testing.T) {
	st := seeded(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "acme-dataset.zip")
	var n int
	err := WriteFile(out, false, func(f *os.File) (err error) {
		n, err = OTA(ctx, st, Filter{}, "acme-dataset", f)
		return err
	})
	if err != nil || n != 5 {
		t.Fatalf("OTA: %d versions, %v; want 5", n, err)
	}
	z, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var readme string
	for _, f := range z.File {
		names = append(names, f.Name)
		if strings.HasSuffix(f.Name, "README.md") {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			readme = string(b)
		}
	}
	z.Close()
	want := []string{
		"acme-dataset/Acme/Privacy Policy/2023-01-01T00-00-00Z.md",
		"acme-dataset/Acme/Privacy Policy/2023-03-01T10-00-00Z.md",
		"acme-dataset/Acme/Privacy Policy/2023-03-01T10-00-00.000000001Z.md",
		"acme-dataset/Beta/Terms of Service/2022-05-05T05-05-05Z.md",
		"acme-dataset/Beta/Terms of Service/2024-06-06T06-06-06Z.md",
		"acme-dataset/README.md",
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("zip holds\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range []string{"5 versions of the documents of 2 services", "2 versions come from [Open Terms Archive]", "ODC-BY 1.0", "3 versions were captured by the policywatch installation"} {
		if !strings.Contains(readme, s) {
			t.Errorf("README lacks %q:\n%s", s, readme)
		}
	}

	// Imported into a fresh database, the dataset gives the same versions:
	// same documents, dates (to the nanosecond) and texts.
	fresh, err := store.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	im := &otaimport.Importer{Store: fresh, Archive: archive.New(fresh)}
	sum, err := im.Dataset(ctx, out)
	if err != nil || sum.NewVersions != 5 {
		t.Fatalf("Dataset: %+v, %v", sum, err)
	}
	got, orig := allVersions(t, fresh), allVersions(t, st)
	if len(got) != len(orig) {
		t.Fatalf("%d versions after the round trip, want %d", len(got), len(orig))
	}
	for i := range orig {
		if got[i] != orig[i] {
			t.Errorf("version %d after the round trip:\n%+v\nwant\n%+v", i, got[i], orig[i])
		}
	}
}

func TestJSONL(t *testing.T) {
	st := seeded(t)
	var buf bytes.Buffer
	n, err := JSONL(context.Background(), st, Filter{Service: "Acme", From: at("2023-02-01T00:00:00Z")}, &buf)
	if err != nil || n != 2 {
		t.Fatalf("JSONL: %d, %v; want 2 versions", n, err)
	}
	sc := bufio.NewScanner(&buf)
	var lines []Line
	for sc.Scan() {
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	l := lines[0]
	if l.Service != "Acme" || l.Type != "Privacy Policy" || l.URL != "https://acme.example/privacy" || l.CapturedAt != "2023-03-01T10:00:00Z" ||
		l.Class == "" || l.Summary == "" || !strings.Contains(l.Markdown, "phone") || len(l.Snapshot) != 64 {
		t.Errorf("first line = %+v", l)
	}
	if lines[1].CapturedAt != "2023-03-01T10:00:00.000000001Z" {
		t.Errorf("second line captured at %s", lines[1].CapturedAt)
	}
	if _, err := JSONL(context.Background(), st, Filter{Service: "Nobody"}, io.Discard); !errors.Is(err, ErrNothing) {
		t.Errorf("JSONL of no document: %v, want ErrNothing", err)
	}
}

// warcRecord is a record as readWARC, a reader written here from the WARC
// 1.1 specification and independent of gowarc, sees it.
type warcRecord struct {
	version string
	headers map[string]string
	block   []byte
}

func readWARC(t *testing.T, r io.Reader) []warcRecord {
	t.Helper()
	br := bufio.NewReader(r)
	var records []warcRecord
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF && line == "" {
			return records
		}
		if err != nil {
			t.Fatalf("record %d: %v", len(records)+1, err)
		}
		rec := warcRecord{version: strings.TrimRight(line, "\r\n"), headers: map[string]string{}}
		if rec.version != "WARC/1.1" {
			t.Fatalf("record %d starts %q, want WARC/1.1", len(records)+1, rec.version)
		}
		for {
			h, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(h, "\r\n") {
				t.Fatalf("header line %q does not end with CRLF", h)
			}
			h = strings.TrimSuffix(h, "\r\n")
			if h == "" {
				break
			}
			name, value, ok := strings.Cut(h, ":")
			if !ok {
				t.Fatalf("header line %q", h)
			}
			rec.headers[strings.ToLower(name)] = strings.TrimSpace(value)
		}
		length, err := strconv.Atoi(rec.headers["content-length"])
		if err != nil {
			t.Fatalf("Content-Length %q", rec.headers["content-length"])
		}
		rec.block = make([]byte, length)
		if _, err := io.ReadFull(br, rec.block); err != nil {
			t.Fatal(err)
		}
		end := make([]byte, 4)
		if _, err := io.ReadFull(br, end); err != nil || string(end) != "\r\n\r\n" {
			t.Fatalf("record %d does not end with CRLF CRLF: %q", len(records)+1, end)
		}
		records = append(records, rec)
	}
}

func TestWARCReadBack(t *testing.T) {
	st := seeded(t)
	ctx := context.Background()
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip %v", gz), func(t *testing.T) {
			var buf bytes.Buffer
			n, err := WARC(ctx, st, Filter{}, WARCOptions{Software: "policywatch test", Gzip: gz}, &buf)
			if err != nil || n != 6 {
				t.Fatalf("WARC: %d, %v; want 6 captures", n, err)
			}
			var r io.Reader = &buf
			if gz {
				zr, err := gzip.NewReader(&buf) // reads every member in turn
				if err != nil {
					t.Fatal(err)
				}
				r = zr
			}
			records := readWARC(t, r)
			if len(records) != 7 {
				t.Fatalf("%d records, want warcinfo and 6 captures", len(records))
			}
			if records[0].headers["warc-type"] != "warcinfo" || !strings.Contains(string(records[0].block), "software: policywatch test") {
				t.Errorf("first record: %+v %q", records[0].headers, records[0].block)
			}
			wantDates := []string{"2023-01-01T00:00:00Z", "2023-02-01T00:00:00Z", "2023-03-01T10:00:00Z", "2023-03-01T10:00:00.000000001Z"}
			wantServerDates := []string{"Sun, 01 Jan 2023 00:00:00 GMT", "Wed, 01 Feb 2023 00:00:00 GMT", "Wed, 01 Mar 2023 10:00:00 GMT", ""}
			for i, rec := range records[1:5] { // Acme's crawled captures
				h := rec.headers
				if h["warc-target-uri"] != "https://acme.example/privacy" || h["warc-date"] != wantDates[i] || h["warc-warcinfo-id"] != records[0].headers["warc-record-id"] {
					t.Errorf("capture %d headers: %v", i+1, h)
				}
				if h["content-type"] != "application/http;msgtype=response" {
					t.Errorf("capture %d: content type %q, want an HTTP response", i+1, h["content-type"])
				}
				blockSum := sha256.Sum256(rec.block)
				if h["warc-block-digest"] != "sha256:"+hex.EncodeToString(blockSum[:]) {
					t.Errorf("capture %d: block digest %s, computed %x", i+1, h["warc-block-digest"], blockSum)
				}
				// The block read as what it claims to be, by net/http.
				block := bufio.NewReader(bytes.NewReader(rec.block))
				resp, err := http.ReadResponse(block, nil)
				if err != nil {
					t.Fatalf("capture %d: the block is not an HTTP response: %v\n%q", i+1, err, rec.block)
				}
				var payload []byte
				if h["warc-type"] == "revisit" {
					// The head alone: its Content-Length is the payload's
					// the record refers to.
					payload, _ = io.ReadAll(block)
				} else if payload, err = io.ReadAll(resp.Body); err != nil {
					t.Fatalf("capture %d: %v", i+1, err)
				}
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || resp.Header.Get("Date") != wantServerDates[i] {
					t.Errorf("capture %d: HTTP %d, headers %v", i+1, resp.StatusCode, resp.Header)
				}
				if i < 3 && (resp.Header.Get("Server") != "nginx" || resp.Header.Get("Last-Modified") != "Sun, 01 Jan 2023 00:00:00 GMT" || resp.Header.Get("ETag") == "") {
					t.Errorf("capture %d: the original headers are not all there: %v", i+1, resp.Header)
				}
				if i == 1 { // the unchanged page of February: its own head, no payload
					if h["warc-type"] != "revisit" || h["warc-refers-to"] != records[1].headers["warc-record-id"] || len(payload) != 0 ||
						h["warc-payload-digest"] != records[1].headers["warc-payload-digest"] || !strings.HasSuffix(h["warc-profile"], "/identical-payload-digest") ||
						resp.Header.Get("Content-Length") != records[1].httpHeader(t).Get("Content-Length") {
						t.Errorf("February's capture: %v", h)
					}
					continue
				}
				payloadSum := sha256.Sum256(payload)
				if h["warc-type"] != "response" || h["warc-payload-digest"] != "sha256:"+hex.EncodeToString(payloadSum[:]) {
					t.Errorf("capture %d: %v (payload digest computed %x)", i+1, h, payloadSum)
				}
				if !bytes.Contains(payload, []byte("<main>")) || resp.Header.Get("Content-Length") != strconv.Itoa(len(payload)) {
					t.Errorf("capture %d: the payload is not the raw page: %q", i+1, payload)
				}
			}
			// Beta's terms came from Open Terms Archive, with no HTTP
			// exchange: resource records of the bytes.
			for i, rec := range records[5:] {
				h := rec.headers
				sum := sha256.Sum256(rec.block)
				digest := "sha256:" + hex.EncodeToString(sum[:])
				if h["warc-type"] != "resource" || h["warc-block-digest"] != digest || h["warc-payload-digest"] != digest ||
					!strings.HasPrefix(h["content-type"], "text/markdown") || !bytes.HasPrefix(rec.block, []byte("# Terms")) {
					t.Errorf("Beta's capture %d: %v %q", i+1, h, rec.block)
				}
			}
		})
	}
}

// httpHeader reads the HTTP head of a response or revisit record's block.
func (r warcRecord) httpHeader(t *testing.T) http.Header {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(r.block)), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header
}

func TestWriteFileNothingHalfWritten(t *testing.T) {
	st := seeded(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	os.WriteFile(out, []byte("precious"), 0o644)
	write := func(f Filter) func(*os.File) error {
		return func(w *os.File) error { _, err := JSONL(context.Background(), st, f, w); return err }
	}
	if err := WriteFile(out, false, write(Filter{})); err == nil || !strings.Contains(err.Error(), "already exists: give --force") {
		t.Errorf("over an existing file: %v", err)
	}
	if err := WriteFile(out, true, write(Filter{Service: "Nobody"})); !errors.Is(err, ErrNothing) {
		t.Errorf("an export that fails: %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "precious" {
		t.Errorf("the existing file was touched: %q", b)
	}
	if err := WriteFile(out, true, write(Filter{})); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte(`"service":"Acme"`)) {
		t.Errorf("--force did not replace the file: %.80q", b)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.zip"), false, write(Filter{})); err == nil {
		t.Error("an export into a missing directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %v; want only out.jsonl, no temporary file", names)
	}
}
