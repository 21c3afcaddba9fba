package export

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/policywatch/policywatch/store"
)

// WARCOptions describe the WARC file written.
type WARCOptions struct {
	Software string // who wrote it, for the warcinfo record
	Filename string // the file's name, for the warcinfo record
	Gzip     bool   // each record its own gzip member (.warc.gz)
}

// A capture that came over HTTP (a crawl, the Wayback Machine) is a
// response record: an HTTP response rebuilt from what the fetch kept — its
// status, the response headers kept with it (capture.KeptHeaders; from the
// Wayback Machine, the site's own, which it replays as X-Archive-Orig-*),
// the snapshot's content type when they lack one, and the length of the
// body as stored (decoded) — then the raw bytes. A capture that came with
// no HTTP exchange (an import, Open Terms Archive, the demo) or that
// combines several pages is a resource record of its bytes: a response
// record would claim an exchange nobody saw. A capture whose bytes were
// already written (the same page seen unchanged) is a revisit record of
// profile identical-payload-digest pointing at the first, holding its own
// HTTP headers when it has them. Digests are SHA-256 in base16, the
// community's recommendation for algorithms other than SHA-1; the payload
// digest is the snapshot's own hash.
const revisitProfile = gowarc.ProfileIdenticalPayloadDigestV1_1

// combinedType is the media type of a capture combining several pages
// (archive.CombineParts).
const combinedType = "multipart/mixed"

// WARC writes a WARC 1.1 file of the selected raw captures: a warcinfo
// record, then each capture with bytes, by document then time. It returns
// the number of captures written.
func WARC(ctx context.Context, st *store.Store, f Filter, opts WARCOptions, w io.Writer) (int, error) {
	docs, err := documents(ctx, st, f)
	if err != nil {
		return 0, err
	}
	ww := &warcWriter{w: bufio.NewWriterSize(w, 1<<16), gzip: opts.Gzip}
	info, err := warcinfo(opts)
	if err != nil {
		return 0, err
	}
	infoID, err := ww.write(gowarc.Warcinfo, info, nil)
	if err != nil {
		return 0, err
	}
	written := map[string]firstCapture{} // by snapshot hash
	n := 0
	for _, d := range docs {
		fetches, err := st.Fetches(ctx, d.ID)
		if err != nil {
			return n, err
		}
		sort.SliceStable(fetches, func(i, j int) bool { return fetches[i].At.Before(fetches[j].At) })
		for _, fe := range fetches {
			if fe.SnapshotHash == "" || !f.includes(fe.At) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return n, err
			}
			target := targetURI(d, fe)
			headers := [][2]string{
				{gowarc.WarcTargetURI, target},
				{gowarc.WarcDate, fe.At.UTC().Format(time.RFC3339Nano)},
				{gowarc.WarcWarcinfoID, infoID},
				{gowarc.WarcPayloadDigest, "sha256:" + fe.SnapshotHash},
				{"Policywatch-Service", d.Service},
				{"Policywatch-Type", d.Type},
				{"Policywatch-Source", fe.Source},
			}
			if first, ok := written[fe.SnapshotHash]; ok {
				headers = append(headers,
					[2]string{gowarc.WarcProfile, revisitProfile},
					[2]string{gowarc.WarcRefersTo, first.id},
					[2]string{gowarc.WarcRefersToTargetURI, first.target},
					[2]string{gowarc.WarcRefersToDate, first.at.UTC().Format(time.RFC3339Nano)})
				var block []byte
				if first.http && fe.Status > 0 {
					block = httpHead(fe, first.contentType, first.size)
					headers = append(headers, [2]string{gowarc.ContentType, httpResponseType})
				} else {
					headers = append(headers, [2]string{gowarc.WarcBlockDigest, "sha256:" + emptySHA256})
				}
				if _, err := ww.write(gowarc.Revisit, block, headers); err != nil {
					return n, fmt.Errorf("capture of %s / %s at %s: %w", d.Service, d.Type, fe.At.Format(time.RFC3339), err)
				}
				n++
				continue
			}
			snap, err := st.Snapshot(ctx, fe.SnapshotHash)
			if err != nil {
				return n, err
			}
			contentType := snap.ContentType
			if contentType == "" {
				contentType = "application/octet-stream"
			}
			kind, block := gowarc.Resource, snap.Content
			overHTTP := fe.Status >= 100 && fe.Status <= 599 && !isCombined(contentType)
			if overHTTP {
				kind = gowarc.Response
				block = append(httpHead(fe, contentType, len(snap.Content)), snap.Content...)
				headers = append(headers, [2]string{gowarc.ContentType, httpResponseType})
			} else {
				headers = append(headers,
					[2]string{gowarc.ContentType, contentType},
					[2]string{gowarc.WarcBlockDigest, "sha256:" + fe.SnapshotHash})
			}
			id, err := ww.write(kind, block, headers)
			if err != nil {
				return n, fmt.Errorf("capture of %s / %s at %s: %w", d.Service, d.Type, fe.At.Format(time.RFC3339), err)
			}
			written[fe.SnapshotHash] = firstCapture{id: id, target: target, at: fe.At, http: overHTTP, contentType: contentType, size: len(snap.Content)}
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("%w: no captures%s", ErrNothing, describe(f))
	}
	return n, ww.w.Flush()
}

type firstCapture struct {
	id, target string
	at         time.Time
	// Of the capture written whole: whether it was an HTTP response, its
	// content type and size, which an identical capture's revisit record
	// repeats in its own HTTP headers.
	http        bool
	contentType string
	size        int
}

// httpResponseType is the content type of a response record's block.
const httpResponseType = "application/http;msgtype=response"

func isCombined(contentType string) bool {
	media, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(media), combinedType)
}

// httpHead rebuilds the head of the HTTP response a fetch received: the
// status line, the headers it kept (a Content-Type from the snapshot when
// they hold none) and the length of the body as stored, then the blank
// line.
func httpHead(fe store.Fetch, contentType string, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", fe.Status, http.StatusText(fe.Status))
	kept := fe.Headers
	if !hasHeader(kept, "Content-Type") {
		kept = "Content-Type: " + contentType + "\r\n" + kept
	}
	b.WriteString(kept)
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", size)
	return []byte(b.String())
}

// hasHeader says whether an HTTP header block has a line named name.
func hasHeader(block, name string) bool {
	for _, line := range strings.Split(block, "\r\n") {
		if n, _, ok := strings.Cut(line, ":"); ok && strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// targetURI is the URL a capture was fetched from; for an import that
// named none, the document's, else a URN naming the document.
func targetURI(d store.Document, fe store.Fetch) string {
	for _, u := range []string{fe.URL, d.URL} {
		if parsed, err := url.Parse(u); err == nil && parsed.IsAbs() {
			return u
		}
	}
	return "urn:policywatch:" + url.PathEscape(d.Service) + ":" + url.PathEscape(d.Type)
}

// warcinfo is the file's first record: application/warc-fields, with the
// field names the specification suggests, as it writes them.
func warcinfo(opts WARCOptions) ([]byte, error) {
	var b strings.Builder
	for _, f := range [][2]string{
		{"software", opts.Software},
		{"format", "WARC File Format 1.1"},
		{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{"filename", opts.Filename},
		{"description", "raw captures of documents (privacy policies, terms) exported from a policywatch database: crawled and Wayback Machine captures as response records whose HTTP head is rebuilt from the status and the headers kept (Content-Length is the body's as stored, decoded), others as resource records"},
	} {
		if f[1] == "" {
			continue
		}
		if strings.ContainsAny(f[1], "\r\n") {
			return nil, fmt.Errorf("warcinfo %s: %q holds a line break", f[0], f[1])
		}
		b.WriteString(f[0] + ": " + f[1] + "\r\n")
	}
	return []byte(b.String()), nil
}

type warcWriter struct {
	w    *bufio.Writer
	gzip bool
}

// write builds one record with gowarc, which checks the block digest
// against the content (a damaged snapshot fails here), and writes it.
func (ww *warcWriter) write(kind gowarc.RecordType, content []byte, headers [][2]string) (string, error) {
	id, err := newRecordID()
	if err != nil {
		return "", err
	}
	b := gowarc.NewRecordBuilder(kind, gowarc.WithStrictValidation(), gowarc.WithAddMissingDigest(true), gowarc.WithDefaultDigestAlgorithm("sha256"))
	b.AddWarcHeader(gowarc.WarcRecordID, id)
	for _, h := range headers {
		b.AddWarcHeader(h[0], h[1])
	}
	if kind == gowarc.Warcinfo {
		b.AddWarcHeader(gowarc.WarcDate, time.Now().UTC().Format(time.RFC3339))
		b.AddWarcHeader(gowarc.ContentType, "application/warc-fields")
	}
	if _, err := b.Write(content); err != nil {
		b.Close()
		return "", err
	}
	rec, validation, err := b.Build()
	if err != nil {
		return "", fmt.Errorf("WARC %s record: %w", kind, err)
	}
	defer rec.Close()
	if len(validation) > 0 {
		return "", fmt.Errorf("WARC %s record: %v", kind, validation)
	}
	var out io.Writer = ww.w
	var zw *gzip.Writer
	if ww.gzip {
		zw = gzip.NewWriter(ww.w)
		out = zw
	}
	if _, _, err := gowarc.NewMarshaler().Marshal(out, rec, 0); err != nil {
		return "", err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return "", err
		}
	}
	return id, nil
}

func newRecordID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", u[0:4], u[4:6], u[6:8], u[8:10], u[10:]), nil
}
