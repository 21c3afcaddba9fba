package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFullWriteReadBack(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)

	services, err := s.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 1 || services[0].Name != "X" || services[0].Documents != 1 {
		t.Errorf("Services = %+v, want X with 1 document", services)
	}

	docs, err := s.Documents(ctx, DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := Document{ID: sd.doc.ID, Service: "X", Type: "Cookies Policy", URL: sd.doc.URL, Versions: 2, LastChange: sd.newAt}
	if len(docs) != 1 || !sameDocument(docs[0], want) {
		t.Errorf("Documents = %+v, want [%+v]", docs, want)
	}
	doc, err := s.Document(ctx, sd.doc.ID)
	if err != nil || !sameDocument(doc, want) {
		t.Errorf("Document(%d) = %+v, %v; want %+v", sd.doc.ID, doc, err, want)
	}
	if doc.LastChange.Location() != time.UTC {
		t.Errorf("LastChange location = %v, want UTC", doc.LastChange.Location())
	}

	versions, err := s.Versions(ctx, sd.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].ID != sd.v2 || versions[1].ID != sd.v1 {
		t.Fatalf("Versions = %+v, want v2 then v1", versions)
	}
	newest := versions[0]
	if !newest.CapturedAt.Equal(sd.newAt) || newest.Bytes != len(sd.newContent) || newest.Words != 500 ||
		newest.SnapshotHash != sd.hashNew || newest.Extractor != "test-1" {
		t.Errorf("newest summary = %+v", newest)
	}
	if c := newest.Change; c == nil || c.ID != sd.change || c.FromVersionID != sd.v1 || c.ToVersionID != sd.v2 ||
		c.Class != "rebrand" || c.WordsAdded != 120 || c.WordsRemoved != 1600 || string(c.Substitutions) != sd.substitutions {
		t.Errorf("newest change = %+v", c)
	}
	if versions[1].Change != nil {
		t.Errorf("first version has change %+v, want nil", versions[1].Change)
	}

	v, err := s.Version(ctx, sd.v2)
	if err != nil {
		t.Fatal(err)
	}
	if v.Markdown != string(sd.newContent) || string(v.Sections) != sd.sectionsJSONv2 ||
		v.TextHash != HashContent(sd.newContent) || !v.CapturedAt.Equal(sd.newAt) || v.DocumentID != sd.doc.ID {
		t.Errorf("Version(%d) = %+v", sd.v2, v)
	}
	if v.CapturedAt.Nanosecond() != 123456789 {
		t.Errorf("captured-at lost precision: %v", v.CapturedAt)
	}

	changes, err := s.Changes(ctx, ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 {
		t.Fatalf("Changes = %+v, want 1", changes)
	}
	e := changes[0]
	if e.Service != "X" || e.DocumentType != "Cookies Policy" || !e.FromAt.Equal(sd.oldAt) || !e.ToAt.Equal(sd.newAt) ||
		e.Summary != "Twitter → X ×37" || e.ID != sd.change {
		t.Errorf("change entry = %+v", e)
	}

	snap, err := s.Snapshot(ctx, sd.hashOld)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap.Content, sd.oldContent) || snap.ContentType != "text/markdown" || snap.Size != int64(len(sd.oldContent)) {
		t.Errorf("Snapshot = type %q size %d, content equal %v", snap.ContentType, snap.Size, bytes.Equal(snap.Content, sd.oldContent))
	}

	fetches, err := s.Fetches(ctx, sd.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fetches) != 2 || fetches[0].ID != sd.fetchFailed || fetches[1].ID != sd.fetchOK {
		t.Fatalf("Fetches = %+v, want failed (newer) then ok", fetches)
	}
	failed := fetches[0]
	if failed.SnapshotHash != "" || failed.Status != 503 || failed.ErrorClass != "http" || failed.Source != "crawl" ||
		!failed.At.Equal(sd.failedAt) || failed.Error != "503 Service Unavailable" {
		t.Errorf("failed fetch = %+v", failed)
	}
	if fetches[1].SnapshotHash != sd.hashNew || fetches[1].Status != 200 {
		t.Errorf("ok fetch = %+v", fetches[1])
	}
}

func sameDocument(a, b Document) bool {
	return a.ID == b.ID && a.Service == b.Service && a.Type == b.Type && a.URL == b.URL &&
		a.Versions == b.Versions && a.LastChange.Equal(b.LastChange)
}

func TestReadFiltersAndOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	sd := writeSeed(t, s)
	var google Document
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		if _, err = tx.EnsureDocument("X", "Privacy Policy", ""); err != nil {
			return err
		}
		google, err = tx.EnsureDocument("Google", "Privacy Policy", "https://policies.google.com/privacy")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	services, err := s.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 2 || services[0].Name != "Google" || services[1].Name != "X" || services[1].Documents != 2 {
		t.Errorf("Services = %+v, want Google then X (2 documents)", services)
	}

	all, err := s.Documents(ctx, DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, d := range all {
		order = append(order, d.Service+"/"+d.Type)
	}
	if got := strings.Join(order, ", "); got != "Google/Privacy Policy, X/Cookies Policy, X/Privacy Policy" {
		t.Errorf("Documents order = %s", got)
	}
	for _, d := range all {
		if d.Type == "Privacy Policy" && (d.Versions != 0 || !d.LastChange.IsZero()) {
			t.Errorf("document without versions = %+v", d)
		}
	}
	onlyX, _ := s.Documents(ctx, DocumentFilter{Service: "X"})
	privacy, _ := s.Documents(ctx, DocumentFilter{Type: "Privacy Policy"})
	xCookies, _ := s.Documents(ctx, DocumentFilter{Service: "X", Type: "Cookies Policy"})
	if len(onlyX) != 2 || len(privacy) != 2 || len(xCookies) != 1 || xCookies[0].ID != sd.doc.ID {
		t.Errorf("filtered documents: service X %d, privacy %d, X cookies %+v", len(onlyX), len(privacy), xCookies)
	}
	sameURL, _ := s.Documents(ctx, DocumentFilter{URL: sd.doc.URL})
	if len(sameURL) != 1 || sameURL[0].ID != sd.doc.ID {
		t.Errorf("documents fetched from %s: %+v", sd.doc.URL, sameURL)
	}

	for _, f := range []ChangeFilter{{Service: "Google"}, {DocumentID: google.ID}} {
		if got, err := s.Changes(ctx, f); err != nil || len(got) != 0 {
			t.Errorf("Changes(%+v) = %d entries, %v; want none", f, len(got), err)
		}
	}
	if got, err := s.Changes(ctx, ChangeFilter{Service: "X", DocumentID: sd.doc.ID, Limit: 1}); err != nil || len(got) != 1 {
		t.Errorf("Changes(X, doc, limit 1) = %d entries, %v", len(got), err)
	}
	if got, err := s.Versions(ctx, google.ID); err != nil || len(got) != 0 {
		t.Errorf("Versions of a document without versions = %v, %v; want empty", got, err)
	}
}

func TestChangesNewestFirstWithLimit(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	base := date("2020-01-01T00:00:00Z")
	err := s.Write(ctx, func(tx *Tx) error {
		doc, err := tx.EnsureDocument("X", "Privacy Policy", "")
		if err != nil {
			return err
		}
		var prev int64
		for i := range 5 {
			text := strings.Repeat("word ", i+1)
			hash, err := tx.PutSnapshot([]byte(text), "text/plain")
			if err != nil {
				return err
			}
			id, err := tx.AddVersion(Version{DocumentID: doc.ID, CapturedAt: base.AddDate(0, i, 0), SnapshotHash: hash,
				Extractor: "t", Markdown: text, TextHash: hash, Words: i + 1})
			if err != nil {
				return err
			}
			if prev != 0 {
				if _, err := tx.AddChange(Change{DocumentID: doc.ID, FromVersionID: prev, ToVersionID: id,
					Class: "substantive", Summary: "+1 word", WordsAdded: 1}); err != nil {
					return err
				}
			}
			prev = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Changes(ctx, ChangeFilter{})
	if err != nil || len(all) != 4 {
		t.Fatalf("Changes = %d, %v; want 4", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if !all[i-1].ToAt.After(all[i].ToAt) {
			t.Errorf("changes not newest first: %v then %v", all[i-1].ToAt, all[i].ToAt)
		}
	}
	if string(all[0].Substitutions) != "[]" {
		t.Errorf("empty substitutions stored as %q, want []", all[0].Substitutions)
	}
	two, err := s.Changes(ctx, ChangeFilter{Limit: 2})
	if err != nil || len(two) != 2 || two[0].ID != all[0].ID || two[1].ID != all[1].ID {
		t.Errorf("Changes(limit 2) = %+v, %v", two, err)
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	missingHash := HashContent([]byte("never stored"))
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"Version", func() error { _, err := s.Version(ctx, 42); return err }, "version 42: not found"},
		{"Document", func() error { _, err := s.Document(ctx, 7); return err }, "document 7: not found"},
		{"Versions", func() error { _, err := s.Versions(ctx, 7); return err }, "document 7: not found"},
		{"Fetches", func() error { _, err := s.Fetches(ctx, 8); return err }, "document 8: not found"},
		{"Snapshot", func() error { _, err := s.Snapshot(ctx, missingHash); return err }, "snapshot " + missingHash + ": not found"},
		{"Snapshot bad hash", func() error { _, err := s.Snapshot(ctx, "../etc"); return err }, `snapshot "../etc"`},
		{"SetVersionCapturedAt", func() error {
			return s.Write(ctx, func(tx *Tx) error { return tx.SetVersionCapturedAt(99, time.Now()) })
		}, "version 99: not found"},
	}
	for _, c := range cases {
		err := c.call()
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want ErrNotFound containing %q", c.name, err, c.want)
		}
	}
}

func TestChangesByClassAndMagnitude(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	base := date("2020-01-01T00:00:00Z")
	kinds := []struct{ class, magnitude string }{
		{"cosmetic", ""}, {"rebrand", "minor"}, {"substantive", "major"}, {"substantive", "minor"}, {"editorial", "minor"},
	}
	err := s.Write(ctx, func(tx *Tx) error {
		doc, err := tx.EnsureDocument("X", "Privacy Policy", "")
		if err != nil {
			return err
		}
		var prev int64
		for i := range len(kinds) + 1 {
			text := strings.Repeat("word ", i+1)
			hash, err := tx.PutSnapshot([]byte(text), "text/plain")
			if err != nil {
				return err
			}
			id, err := tx.AddVersion(Version{DocumentID: doc.ID, CapturedAt: base.AddDate(0, i, 0), SnapshotHash: hash,
				Extractor: "t", Markdown: text, TextHash: hash, Words: i + 1})
			if err != nil {
				return err
			}
			if prev != 0 {
				k := kinds[i-1]
				if _, err := tx.AddChange(Change{DocumentID: doc.ID, FromVersionID: prev, ToVersionID: id,
					Class: k.class, Magnitude: k.magnitude, Summary: "+1 word", WordsAdded: 1}); err != nil {
					return err
				}
			}
			prev = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	describe := func(list []ChangeEntry) string {
		var parts []string
		for _, e := range list {
			parts = append(parts, e.Class+"/"+e.Magnitude)
		}
		return strings.Join(parts, " ")
	}
	cases := []struct {
		f    ChangeFilter
		want string
	}{
		{ChangeFilter{Classes: []string{"substantive"}}, "substantive/minor substantive/major"},
		{ChangeFilter{Magnitudes: []string{"major"}}, "substantive/major"},
		{ChangeFilter{Classes: []string{"rebrand", "editorial"}}, "editorial/minor rebrand/minor"},
		{ChangeFilter{Classes: []string{"substantive"}, Magnitudes: []string{"minor"}}, "substantive/minor"},
		// The filter applies before the limit.
		{ChangeFilter{Magnitudes: []string{"minor"}, Limit: 2}, "editorial/minor substantive/minor"},
		{ChangeFilter{Classes: []string{"nothing"}}, ""},
	}
	for _, c := range cases {
		got, err := s.Changes(ctx, c.f)
		if err != nil {
			t.Fatalf("Changes(%+v): %v", c.f, err)
		}
		if describe(got) != c.want {
			t.Errorf("Changes(%+v) = %q, want %q", c.f, describe(got), c.want)
		}
	}
}
