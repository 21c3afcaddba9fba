package export

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/policywatch/policywatch/store"
)

// Line is one version in JSON Lines: a document's text as captured, and
// the change that led to it (empty for a document's first version).
type Line struct {
	Service    string `json:"service"`
	Type       string `json:"type"`
	URL        string `json:"url"`
	CapturedAt string `json:"captured_at"` // RFC 3339, UTC
	Class      string `json:"class"`
	Magnitude  string `json:"magnitude"`
	Summary    string `json:"summary"`
	Markdown   string `json:"markdown"`
	VersionID  int64  `json:"version_id"`
	Snapshot   string `json:"snapshot"` // SHA-256 of the raw capture
}

// JSONL writes one JSON object per version, by document then capture
// time, and returns how many it wrote.
func JSONL(ctx context.Context, st *store.Store, f Filter, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n, err := versions(ctx, st, f, func(v version) error {
		line := Line{
			Service: v.doc.Service, Type: v.doc.Type, URL: v.doc.URL,
			CapturedAt: v.summary.CapturedAt.UTC().Format(time.RFC3339Nano),
			Markdown:   v.full.Markdown, VersionID: v.summary.ID, Snapshot: v.summary.SnapshotHash,
		}
		if c := v.summary.Change; c != nil {
			line.Class, line.Magnitude, line.Summary = c.Class, c.Magnitude, c.Summary
		}
		return enc.Encode(line)
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}
