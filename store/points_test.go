package store

import (
	"context"
	"errors"
	"testing"
)

// TestVersionPointsAgreeWithVersions: the chart's points are the
// versions VersionsIn lists, in its order, with their changes' classes.
func TestVersionPointsAgreeWithVersions(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	points, err := s.VersionPoints(ctx, sd.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := s.VersionsIn(ctx, sd.doc.ID, VersionRange{})
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != len(versions) || len(points) != 2 {
		t.Fatalf("%d points for %d versions, want 2", len(points), len(versions))
	}
	for i, p := range points {
		v := versions[i]
		if p.ID != v.ID || !p.CapturedAt.Equal(v.CapturedAt) || p.Words != v.Words {
			t.Errorf("point %d: %+v, version %d of %s with %d words", i, p, v.ID, v.CapturedAt, v.Words)
		}
	}
	if p := points[0]; p.ID != sd.v2 || p.FromVersionID != sd.v1 || p.Class != "rebrand" {
		t.Errorf("newest point: %+v; want version %d, changed from %d, rebrand", p, sd.v2, sd.v1)
	}
	if p := points[1]; p.ID != sd.v1 || p.FromVersionID != 0 || p.Class != "" {
		t.Errorf("first point: %+v; want version %d without a change", p, sd.v1)
	}

	var empty Document
	if err := s.Write(ctx, func(tx *Tx) error {
		empty, err = tx.EnsureDocument("Nobody", "Privacy Policy", "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if points, err := s.VersionPoints(ctx, empty.ID); err != nil || len(points) != 0 {
		t.Errorf("a document without versions: %d points, %v", len(points), err)
	}
	if _, err := s.VersionPoints(ctx, empty.ID+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing document: %v, want ErrNotFound", err)
	}
}
