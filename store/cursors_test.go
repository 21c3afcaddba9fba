package store

import (
	"context"
	"testing"
)

func TestImportCursors(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := context.Background()
	if got, err := s.ImportCursors(ctx, "wayback"); err != nil || len(got) != 0 {
		t.Fatalf("ImportCursors on a new database = %v, %v; want none", got, err)
	}
	at := date("2023-09-20T18:34:47.000000001Z")
	origin := date("2023-09-20T18:34:47Z")
	for _, c := range []ImportCursor{
		{Source: "ota-snapshots:abc", Position: "c1"},
		{Source: "ota-snapshots:abc", Document: "X/Privacy Policy", Position: "c1", At: at, OriginAt: origin},
		{Source: "ota-snapshots:abc", Position: "c2"}, // replaces the first
		{Source: "wayback", Document: "X/Privacy Policy", Position: "20230920183447"},
	} {
		if err := s.PutImportCursor(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ImportCursors(ctx, "ota-snapshots:abc")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[""].Position != "c2" {
		t.Fatalf("cursors = %+v; want the repository's at c2 and one document's", got)
	}
	doc := got["X/Privacy Policy"]
	if doc.Position != "c1" || !doc.At.Equal(at) || !doc.OriginAt.Equal(origin) {
		t.Errorf("document cursor = %+v; want c1 at %s (origin %s)", doc, at, origin)
	}
	if _, ok, err := s.ImportCursor(ctx, "wayback", "X/Privacy Policy"); err != nil || !ok {
		t.Errorf("wayback cursor: ok %v, %v", ok, err)
	}
	if err := s.DeleteImportCursors(ctx, "ota-snapshots:abc"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ImportCursors(ctx, "ota-snapshots:abc"); len(got) != 0 {
		t.Errorf("after DeleteImportCursors: %+v", got)
	}
	if err := s.PutImportCursor(ctx, ImportCursor{Document: "x"}); err == nil {
		t.Error("a cursor without a source was stored")
	}
}
