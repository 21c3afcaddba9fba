package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// legacySchema is the last schema version before captures were chained.
const legacySchema = 4

// legacyCapture is one capture as an older release recorded it, with the
// version it made, if any.
type legacyCapture struct {
	service  string
	content  []byte
	at       time.Time
	markdown string // "" for no version
	sections []byte
}

// legacyHistory is a mix of real captures: two documents' own, one
// capture shared by both, and a third document's versions with texts.
func legacyHistory(t testing.TB) []legacyCapture {
	t.Helper()
	at := date("2023-01-01T00:00:00Z")
	var list []legacyCapture
	add := func(c legacyCapture) {
		c.at = at.Add(time.Duration(len(list)) * time.Hour)
		list = append(list, c)
	}
	bumble := otaCaptures(t, "Bumble", "Terms of Service")[:18] // past a keyframe
	cmb := otaCaptures(t, "Coffee Meets Bagel", "Copyright Claims Policy")[:6]
	for i, c := range bumble {
		add(legacyCapture{service: "Bumble", content: c})
		if i < len(cmb) {
			add(legacyCapture{service: "CMB", content: cmb[i]})
		}
	}
	add(legacyCapture{service: "CMB", content: bumble[3]}) // the same bytes as Bumble's fourth
	markdown, sections := demoTexts(t)
	for i := range 8 {
		add(legacyCapture{service: "X", content: []byte(markdown[i]), markdown: markdown[i], sections: sections[i]})
	}
	return list
}

// writeLegacyDB makes the database an older release would have made of
// history: the migrations up to legacySchema, each snapshot compressed
// alone at zstd's default level, version texts in the plain columns. The
// statements are those of that release.
func writeLegacyDB(t testing.TB, path string, history []legacyCapture) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list[:legacySchema] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("migration %s: %v", m.name, err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, legacySchema)); err != nil {
		t.Fatal(err)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	for _, c := range history {
		hash := HashContent(c.content)
		stmts := []struct {
			sql  string
			args []any
		}{
			{"INSERT INTO services (name) VALUES (?) ON CONFLICT (name) DO NOTHING", []any{c.service}},
			{"INSERT INTO documents (service_id, type, url) VALUES ((SELECT id FROM services WHERE name = ?), 'Privacy Policy', '') ON CONFLICT DO NOTHING", []any{c.service}},
			{"INSERT INTO snapshots (hash, content_type, size, compressed) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
				[]any{hash, "text/html", len(c.content), enc.EncodeAll(c.content, nil)}},
			{`INSERT INTO fetches (document_id, at, source, url, status, error_class, error, snapshot_hash)
				VALUES ((SELECT d.id FROM documents d JOIN services s ON s.id = d.service_id WHERE s.name = ?), ?, 'import', '', 200, '', '', ?)`,
				[]any{c.service, c.at.UTC().Format(timeLayout), hash}},
		}
		if c.markdown != "" {
			stmts = append(stmts, struct {
				sql  string
				args []any
			}{`INSERT INTO versions (document_id, captured_at, snapshot_hash, extractor, markdown, markdown_bytes, sections, text_hash, words)
				VALUES ((SELECT d.id FROM documents d JOIN services s ON s.id = d.service_id WHERE s.name = ?), ?, ?, 'old', ?, ?, ?, ?, 100)`,
				[]any{c.service, c.at.UTC().Format(timeLayout), hash, c.markdown, len(c.markdown), string(c.sections), HashContent([]byte(c.markdown))}})
		}
		for _, st := range stmts {
			if _, err := db.Exec(st.sql, st.args...); err != nil {
				t.Fatalf("legacy row: %v\n%s", err, st.sql)
			}
		}
	}
}

// checkHistory opens path as a fresh store (nothing cached) and checks that
// every capture and version of history reads back byte-identical.
func checkHistory(t testing.TB, path string, history []legacyCapture) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open after: %v", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	var table string
	var rowid, parent any
	var fk int
	switch err := s.readers.QueryRow("PRAGMA foreign_key_check").Scan(&table, &rowid, &parent, &fk); {
	case err == nil:
		t.Fatalf("foreign key broken: a row of %s (rowid %v) names a missing row of %v", table, rowid, parent)
	case !errors.Is(err, sql.ErrNoRows):
		t.Fatal(err)
	}
	versions := 0
	for i, c := range history {
		snap, err := s.Snapshot(ctx, HashContent(c.content))
		if err != nil {
			t.Fatalf("capture %d (%s): %v", i, c.service, err)
		}
		if !bytes.Equal(snap.Content, c.content) {
			t.Fatalf("capture %d (%s) reads back other bytes", i, c.service)
		}
		if c.markdown == "" {
			continue
		}
		versions++
		var v *VersionSummary
		var sections []byte
		err = s.Write(ctx, func(tx *Tx) error {
			var err error
			if v, err = tx.VersionAt(documentID(t, s, c.service), c.at); err != nil || v == nil {
				return err
			}
			sections, err = tx.VersionSections(v.ID)
			return err
		})
		if err != nil || v == nil {
			t.Fatalf("version of capture %d: %v, %v", i, v, err)
		}
		full, err := s.Version(ctx, v.ID)
		if err != nil {
			t.Fatalf("version of capture %d: %v", i, err)
		}
		summary, readerSections, err := s.VersionSections(ctx, v.ID)
		if err != nil {
			t.Fatalf("sections of capture %d: %v", i, err)
		}
		if full.Markdown != c.markdown || !bytes.Equal(full.Sections, c.sections) || !bytes.Equal(sections, c.sections) || v.Bytes != len(c.markdown) ||
			!bytes.Equal(readerSections, c.sections) || summary.Bytes != len(c.markdown) {
			t.Fatalf("version of capture %d reads back other texts", i)
		}
	}
	var n int
	if err := s.readers.QueryRow("SELECT count(*) FROM versions").Scan(&n); err != nil || n != versions {
		t.Fatalf("%d versions, %v; want %d", n, err, versions)
	}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
