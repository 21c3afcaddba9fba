package store

import (
	"context"
	"testing"
)

// Versions lists each version's text hash, as Version gives it, so that a
// history can find versions with equal texts without loading them.
func TestVersionsCarryTextHash(t *testing.T) {
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	list, err := s.Versions(context.Background(), sd.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("%d versions, want 2", len(list))
	}
	for _, summary := range list {
		full, err := s.Version(context.Background(), summary.ID)
		if err != nil {
			t.Fatal(err)
		}
		if summary.TextHash == "" || summary.TextHash != full.TextHash {
			t.Errorf("version %d: Versions gives text hash %q, Version %q", summary.ID, summary.TextHash, full.TextHash)
		}
	}
	if list[0].TextHash == list[1].TextHash {
		t.Error("two different texts share a hash")
	}
}
