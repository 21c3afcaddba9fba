// Package demo is the bundled archive that `policywatch demo` loads: the real
// history of X's cookie and privacy policies across the 2023 rebrand, and
// five captures of Twitter/X documents in five different forms. The files
// and their provenance are described in the README of each folder.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
)

//go:embed twitter-x twitter-x-history
var bundle embed.FS

// Files gives read access to the bundled files (for tests and tools).
func Files() fs.FS { return bundle }

// Source is one document of the bundle and where its captures are.
type Source struct {
	Ref  archive.DocumentRef
	Path string // a folder of dated captures, or one file
	// At dates a single undated capture; zero for a folder of dated files.
	At time.Time
}

// Sources lists the bundle's documents. The five single captures are undated
// in their source; the dates here are the earliest their content allows
// (see twitter-x/README.md), so they sort sensibly in lists.
func Sources() []Source {
	day := func(s string) time.Time {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return []Source{
		{Ref: archive.DocumentRef{Service: "X", Type: "Cookies Policy", URL: "https://help.x.com/en/rules-and-policies/x-cookies"}, Path: "twitter-x-history/cookies-policy"},
		{Ref: archive.DocumentRef{Service: "X", Type: "Privacy Policy", URL: "https://x.com/en/privacy"}, Path: "twitter-x-history/privacy-policy"},
		{Ref: archive.DocumentRef{Service: "Twitter", Type: "Cookies Policy", URL: "https://help.twitter.com/en/rules-and-policies/twitter-cookies"}, Path: "twitter-x/twitter-cookies-policy.md", At: day("2021-01-01")},
		// The same document as X / Cookies Policy, captured as flattened page
		// text: kept as a document of its own so its form does not show up as
		// a change in the history above.
		{Ref: archive.DocumentRef{Service: "X", Type: "Cookies Policy (page text capture)", URL: "https://help.x.com/en/rules-and-policies/x-cookies"}, Path: "twitter-x/x-cookies-policy.txt", At: day("2023-09-20")},
		{Ref: archive.DocumentRef{Service: "Twitter", Type: "Data sharing with business partners", URL: "https://help.twitter.com/en/safety-and-security/data-through-partnerships"}, Path: "twitter-x/twitter-business-partners.txt", At: day("2018-04-24")},
		{Ref: archive.DocumentRef{Service: "Twitter", Type: "Privacy Policy (API documentation)", URL: "https://dev.twitter.com/rest/reference/get/help/privacy"}, Path: "twitter-x/twitter-dev-help-privacy.html", At: day("2016-01-01")},
		{Ref: archive.DocumentRef{Service: "X", Type: "Data processing information", URL: "https://help.x.com/en/rules-and-policies/data-processing-legal-bases"}, Path: "twitter-x/x-data-processing.txt", At: day("2023-01-01")},
	}
}

// Summary counts what Load recorded.
type Summary struct {
	Documents int
	Captures  int
	Versions  int
}

// Load records every capture of the bundle through the archive. progress, if
// not nil, is told after each capture how many of how many are done.
func Load(ctx context.Context, ar *archive.Archive, progress func(done, total int)) (Summary, error) {
	type batch struct {
		ref   archive.DocumentRef
		files []archive.File
	}
	var batches []batch
	total := 0
	for _, src := range Sources() {
		files, err := archive.CollectFiles(bundle, []string{src.Path}, src.At)
		if err != nil {
			return Summary{}, fmt.Errorf("demo bundle: %w", err)
		}
		batches = append(batches, batch{src.Ref, files})
		total += len(files)
	}
	var sum Summary
	for _, b := range batches {
		s, err := ar.RecordFiles(ctx, b.ref, b.files, capture.Demo, func(int, archive.File, archive.Outcome) {
			sum.Captures++
			if progress != nil {
				progress(sum.Captures, total)
			}
		})
		if err != nil {
			return sum, fmt.Errorf("demo bundle: %w", err)
		}
		sum.Documents++
		sum.Versions += s.NewVersions
	}
	return sum, nil
}
