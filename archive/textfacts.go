package archive

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/readability"
	"github.com/policywatch/policywatch/store"
)

// What a version's text gives beside its change: the passages that make it
// findable by full-text search, and its reading time and readability.
// Both are written in the transaction that places the version, stamped
// with TextFactsRelease; versions of an older release (or stored before
// search existed) are brought up to date by RefreshTextFacts.

// searchRelease names how a version is cut into passages for search.
const searchRelease = "search-2026.12.1"

// TextFactsRelease names the code that indexes and measures a version's
// text.
func TextFactsRelease() string { return searchRelease + "+" + readability.Release }

// passageBytes is about the most text one passage holds: a section, or a
// piece of a long one. A search's words must all be in one passage.
const passageBytes = 8 << 10

// textFacts is what is derived from a version's text: its measures
// (from the document, before the document is let go) and its Markdown,
// whose passages are indexed one at a time as they are cut, so that a
// huge version is never held twice over.
type textFacts struct {
	markdown string
	measures readability.Measures
}

// textFactsOf derives the facts of a document whose words were counted
// as words (the version's count) and whose Markdown is markdown.
func textFactsOf(doc *extract.Document, markdown string, words int) *textFacts {
	return &textFacts{markdown: markdown, measures: readability.Measure(doc, words)}
}

// write stores the facts of the version.
func (f *textFacts) write(tx *store.Tx, versionID int64) error {
	ix, err := tx.IndexVersion(versionID)
	if err != nil {
		return err
	}
	if err := passagesOf(f.markdown, ix.Add); err != nil {
		return err
	}
	if err := ix.Done(); err != nil {
		return err
	}
	m := f.measures
	return tx.SetReadability(versionID, store.Readability{Sentences: m.Sentences, Syllables: m.Syllables,
		ReadingSeconds: m.ReadingSeconds, Grade: m.Grade, Release: TextFactsRelease()})
}

// passagesOf cuts a version's canonical Markdown into passages and gives
// each to yield: each section's heading path and its blocks' text (what a
// reader reads: link targets and Markdown syntax are left out), a long
// section in pieces of about passageBytes, each starting with the heading
// path again.
func passagesOf(markdown string, yield func(string) error) error {
	var path []string // the headings in force, by level
	head := ""
	var b strings.Builder
	body := false // b holds text beyond head
	flush := func() error {
		if body {
			if err := yield(b.String()); err != nil {
				return err
			}
		}
		b.Reset()
		b.WriteString(head)
		body = false
		return nil
	}
	add := func(text string) error {
		text = strings.TrimSpace(text)
		for text != "" {
			if b.Len()+1+len(text) <= passageBytes {
				b.WriteString("\n" + text)
				body = true
				return nil
			}
			if body {
				if err := flush(); err != nil {
					return err
				}
				continue
			}
			// Text larger than a passage: cut at a space.
			cut := max(passageBytes-b.Len()-1, passageBytes/2)
			if cut >= len(text) {
				// Only a heading path longer than a passage leaves so little
				// room: the passage outgrows the bound by it, keeping the text whole.
				b.WriteString("\n" + text)
				body = true
				return nil
			}
			if k := strings.LastIndexByte(text[:cut], ' '); k > 0 {
				cut = k + 1
			}
			for cut < len(text) && !utf8.RuneStart(text[cut]) {
				cut++
			}
			b.WriteString("\n" + text[:cut])
			body = true
			text = strings.TrimSpace(text[cut:])
			if err := flush(); err != nil {
				return err
			}
		}
		return nil
	}
	fence := ""
	for rest := markdown; rest != ""; {
		line := rest
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			line, rest = rest[:nl], rest[nl+1:]
		} else {
			rest = ""
		}
		switch {
		case fence != "":
			if strings.HasPrefix(line, fence) && strings.Trim(line, fence[:1]) == "" {
				fence = ""
				continue
			}
			if err := add(line); err != nil {
				return err
			}
		case strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~"):
			fence = line[:len(line)-len(strings.TrimLeft(line, line[:1]))]
		case headingLevel(line) > 0:
			if err := flush(); err != nil {
				return err
			}
			level := headingLevel(line)
			path = append(path[:min(len(path), level-1)], diff.PlainText(strings.TrimSpace(line[level+1:])))
			head = strings.Join(path, " › ")
			b.Reset()
			b.WriteString(head)
			body = false
		case tableRule.MatchString(line):
			// the rule under a table's header row
		default:
			if err := add(diff.PlainText(line)); err != nil {
				return err
			}
		}
	}
	return flush()
}

// headingLevel is the level of an ATX heading line ("## Sharing"), 0 for
// another line.
func headingLevel(line string) int {
	n := 0
	for n < len(line) && n < 7 && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(line) || line[n] != ' ' {
		return 0
	}
	return n
}

// tableRule is the line under a table's header row: "| --- | --- |".
var tableRule = regexp.MustCompile(`^\|(?:\s*:?-+:?\s*\|)+\s*$`)

// RefreshResult says what RefreshTextFacts did to one document.
type RefreshResult struct {
	DocumentID int64
	Versions   int // versions indexed and measured
}

// RefreshTextFacts indexes and measures the versions that lack it (stored
// before search existed, or by another release); with rebuild, it first
// empties the index, so that every version is done again. Each document
// is done in one transaction; progress, if set, is told each one.
func (a *Archive) RefreshTextFacts(ctx context.Context, rebuild bool, progress func(RefreshResult, int, int)) ([]RefreshResult, error) {
	if rebuild {
		if err := a.store.Write(ctx, func(tx *store.Tx) error { return tx.ClearSearch() }); err != nil {
			return nil, err
		}
	}
	todo, err := a.store.VersionsToIndex(ctx, TextFactsRelease())
	if err != nil {
		return nil, err
	}
	var results []RefreshResult
	done := 0
	for docID, ids := range todo {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		err := a.store.Write(ctx, func(tx *store.Tx) error {
			for _, id := range ids {
				if err := refreshVersionFacts(tx, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return results, fmt.Errorf("indexing the versions of document %d: %w", docID, err)
		}
		done++
		r := RefreshResult{DocumentID: docID, Versions: len(ids)}
		results = append(results, r)
		if progress != nil {
			progress(r, done, len(todo))
		}
	}
	return results, nil
}

// refreshVersionFacts derives and writes one stored version's facts.
func refreshVersionFacts(tx *store.Tx, versionID int64) error {
	v, err := tx.Version(versionID)
	if err != nil {
		return err
	}
	doc, err := decodeDocument(v)
	if err != nil {
		return err
	}
	return textFactsOf(doc, v.Markdown, v.Words).write(tx, versionID)
}
