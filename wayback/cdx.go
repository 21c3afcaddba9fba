package wayback

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/capture"
)

// Snapshot is one capture the CDX API lists.
type Snapshot struct {
	Timestamp string    // 14 digits, UTC: 20230920183447
	At        time.Time // the same, as a time
	Original  string    // the URL captured
	MimeType  string
	Status    int // 0 when the API did not say
	Digest    string
}

// timestampLayout is the CDX API's timestamp.
const timestampLayout = "20060102150405"

// Timestamp writes t as the CDX API does.
func Timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// Captures lists the successful captures of pageURL archived between from
// and to (zero for no bound), oldest first, one per run of identical
// contents (collapse=digest; the list is checked again here, in case the
// server gave more).
func (c *Client) Captures(ctx context.Context, pageURL string, from, to time.Time) ([]Snapshot, error) {
	q := url.Values{}
	q.Set("url", pageURL)
	q.Set("output", "json")
	q.Set("filter", "statuscode:200")
	q.Set("collapse", "digest")
	if !from.IsZero() {
		q.Set("from", Timestamp(from))
	}
	if !to.IsZero() {
		q.Set("to", Timestamp(to))
	}
	query := c.BaseURL + "/cdx/search/cdx?" + q.Encode()
	body, _, err := c.get(ctx, query, maxCDXBody)
	if err != nil {
		return nil, fmt.Errorf("listing the captures of %s: %w", pageURL, err)
	}
	snaps, err := parseCDX(body)
	if err != nil {
		return nil, fmt.Errorf("listing the captures of %s: %s: the answer is not what the CDX API returns: %w", pageURL, query, err)
	}
	return keep(snaps, from, to), nil
}

// parseCDX reads the CDX API's JSON output: an array of rows of strings,
// the first naming the fields; [] when nothing was captured.
func parseCDX(body []byte) ([]Snapshot, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil // the API answers nothing at all for some unknown URLs
	}
	var rows [][]string
	if err := json.Unmarshal(trimmed, &rows); err != nil {
		return nil, fmt.Errorf("not a JSON array of rows of strings (it starts %.60q): %v", trimmed, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	field := map[string]int{}
	for i, name := range rows[0] {
		field[name] = i
	}
	for _, need := range []string{"timestamp", "original"} {
		if _, ok := field[need]; !ok {
			return nil, fmt.Errorf("its first row %q does not name the field %q", rows[0], need)
		}
	}
	get := func(row []string, name string) string {
		if i, ok := field[name]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	snaps := make([]Snapshot, 0, len(rows)-1)
	for n, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			return nil, fmt.Errorf("row %d has %d fields, the first row %d", n+2, len(row), len(rows[0]))
		}
		s := Snapshot{Timestamp: get(row, "timestamp"), Original: get(row, "original"), MimeType: get(row, "mimetype"), Digest: get(row, "digest")}
		at, err := time.Parse(timestampLayout, s.Timestamp)
		if err != nil {
			return nil, fmt.Errorf("row %d: timestamp %q is not 14 digits (YYYYMMDDhhmmss)", n+2, s.Timestamp)
		}
		s.At = at.UTC()
		if u, err := url.Parse(s.Original); err != nil || !u.IsAbs() {
			return nil, fmt.Errorf("row %d: original %q is not an absolute URL", n+2, s.Original)
		}
		if code := get(row, "statuscode"); code != "" && code != "-" {
			if s.Status, err = strconv.Atoi(code); err != nil {
				return nil, fmt.Errorf("row %d: statuscode %q is not a number", n+2, code)
			}
		}
		snaps = append(snaps, s)
	}
	return snaps, nil
}

// keep sorts snaps by time and keeps the successful captures within
// [from, to], dropping each that has the digest of the one kept before it.
func keep(snaps []Snapshot, from, to time.Time) []Snapshot {
	sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].At.Before(snaps[j].At) })
	var out []Snapshot
	for _, s := range snaps {
		switch {
		case s.Status != 0 && s.Status != 200:
		case !from.IsZero() && s.At.Before(from.Truncate(time.Second)):
		case !to.IsZero() && s.At.After(to):
		case len(out) > 0 && s.Digest != "" && out[len(out)-1].Digest == s.Digest:
		default:
			out = append(out, s)
		}
	}
	return out
}

// Sample keeps at most one capture per period of length every, the first
// of each; periods are counted from the Unix epoch, so the same captures
// are kept whatever range was asked, run after run. every <= 0 keeps all.
func Sample(snaps []Snapshot, every time.Duration) []Snapshot {
	if every <= 0 {
		return snaps
	}
	var out []Snapshot
	last := int64(-1 << 62)
	for _, s := range snaps {
		period := s.At.UnixNano() / int64(every)
		if s.At.UnixNano() < 0 {
			period-- // floor for times before 1970
		}
		if period != last {
			out = append(out, s)
			last = period
		}
	}
	return out
}

// Page is a capture as the Archive replays it.
type Page struct {
	Content     []byte
	ContentType string
	// Headers are the site's own response headers the Archive kept, which
	// it replays as X-Archive-Orig-NAME, as an HTTP header block
	// (capture.HeaderBlock).
	Headers string
}

// origHeader prefixes the site's headers in the Archive's replay.
const origHeader = "X-Archive-Orig-"

// Fetch returns the raw bytes the Archive captured (the id_ address: the
// page as the site sent it, without the Archive's banner and rewritten
// links), their content type and the site's headers.
func (c *Client) Fetch(ctx context.Context, s Snapshot) (Page, error) {
	raw := c.BaseURL + "/web/" + s.Timestamp + "id_/" + s.Original
	body, header, err := c.get(ctx, raw, c.MaxBody)
	if err != nil {
		return Page{}, fmt.Errorf("fetching the capture of %s at %s: %w", s.Original, s.Timestamp, err)
	}
	contentType := header.Get("Content-Type")
	if contentType == "" {
		contentType = s.MimeType
	}
	orig := http.Header{}
	for name, values := range header {
		if site, ok := strings.CutPrefix(name, origHeader); ok && site != "" {
			orig[http.CanonicalHeaderKey(site)] = values
		}
	}
	if len(orig.Values("Content-Type")) == 0 && contentType != "" {
		orig.Set("Content-Type", contentType) // the id_ replay serves the site's own
	}
	return Page{Content: body, ContentType: contentType, Headers: capture.HeaderBlock(orig)}, nil
}
