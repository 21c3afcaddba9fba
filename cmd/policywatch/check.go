package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/policywatch/policywatch/browser"
	"github.com/policywatch/policywatch/declaration"
)

func init() {
	register(command{"check", "[--declarations DIR]", "check the declaration files for mistakes", runCheck})
}

func runCheck(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "check")
	dir := fs.String("declarations", "declarations", "the `DIR`ectory of declaration files (SERVICE.json, SERVICE.history.json, SERVICE.filters.js)")
	rest, err := parseFlags(env, fs, args, `
Checks the declaration files that say which documents to fetch: one
SERVICE.json per service, in Open Terms Archive's format, with its
SERVICE.history.json and SERVICE.filters.js. Every file is checked.

Prints one line per document: its pages, the filters that will run on it,
whether it is rendered in a browser (executeClientScripts: its scripts run
in headless Chromium before it is extracted), and how many past
declarations it has. Then which documents the browser renders, and
whether a Chromium binary is there to do it. Then each problem, as FILE:LINE:COL:
message — JSON syntax errors, unknown keys, invalid CSS selectors, URLs
that are not absolute http(s) URLs, unknown document types (with the
closest valid one). What policywatch reads but cannot do yet, such as a
filter without its SERVICE.filters.js, and type names Open Terms Archive
retired, are warnings: they do not fail the check. A last line counts
services, documents, errors and warnings.

Exits with status 1 when any file has an error, 0 otherwise.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q (use --declarations DIR)", rest[0])
	}
	services, problems, err := loadDeclarations(*dir)
	if err != nil {
		return err
	}
	documentCount := 0
	var rendered []string
	for _, s := range services {
		for _, d := range s.Documents {
			fmt.Fprintln(env.stdout, documentLine(s, d, false))
			if needsBrowser(d) {
				rendered = append(rendered, s.Name+" / "+d.Type)
			}
		}
		for _, d := range s.Retired {
			fmt.Fprintln(env.stdout, documentLine(s, d, true))
		}
		documentCount += len(s.Documents)
	}
	if line := browserDocuments(rendered); line != "" {
		fmt.Fprintln(env.stdout, line)
	}
	errorCount := 0
	files := map[string]bool{}
	for _, p := range problems {
		fmt.Fprintln(env.stdout, p)
		if p.Severity == declaration.Error {
			errorCount++
			files[p.File] = true
		}
	}
	fmt.Fprintf(env.stdout, "%s: %s, %s; %s, %s\n", *dir,
		countOf(len(services), "service"), countOf(documentCount, "document"),
		countOf(errorCount, "error"), countOf(len(problems)-errorCount, "warning"))
	if errorCount > 0 {
		return fmt.Errorf("%s in %s of %s", countOf(errorCount, "error"), countOf(len(files), "file"), *dir)
	}
	return nil
}

// documentLine sums a document up for a user: "X / Privacy Policy: 1
// page; filters cleanUrls; executeClientScripts; 2 past declarations".
func documentLine(s declaration.Service, d declaration.Document, retired bool) string {
	parts := []string{countOf(len(d.Sources), "page")}
	if retired {
		parts[0] = "retired (only in " + filepath.Base(s.HistoryFile) + ", for re-extraction)"
	}
	var names []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	scripts, screenshots, javascript := false, false, false
	for _, src := range d.Sources {
		for _, f := range src.Filters {
			add(f.Name)
			javascript = true
		}
		if len(src.RemoveQueryParams) > 0 {
			add("removeQueryParams")
		}
		if src.ConvertSpaces {
			add("convertSpacesToStandard")
		}
		scripts = scripts || src.ExecuteClientScripts
		screenshots = screenshots || (src.ExecuteClientScripts && src.Screenshot)
	}
	if len(names) > 0 {
		filters := "filters " + strings.Join(names, ", ")
		if javascript && s.FiltersFile == "" && !retired {
			filters += " (extraction fails: there is no " + s.ID + ".filters.js)"
		}
		parts = append(parts, filters)
	}
	if scripts {
		parts = append(parts, "rendered in a browser (executeClientScripts)")
	}
	if screenshots {
		parts = append(parts, "screenshots")
	}
	if n := len(d.History); n > 0 && !retired {
		parts = append(parts, countOf(n, "past declaration"))
	}
	return fmt.Sprintf("%s / %s: %s", s.Name, d.Type, strings.Join(parts, "; "))
}

// needsBrowser reports whether a page of d is rendered in the browser.
func needsBrowser(d declaration.Document) bool {
	for _, src := range d.Sources {
		if src.ExecuteClientScripts {
			return true
		}
	}
	return false
}

// browserDocuments says which documents the browser will render, and
// whether there is a browser: "" when none needs one.
func browserDocuments(names []string) string {
	if len(names) == 0 {
		return ""
	}
	const shown = 10
	list := strings.Join(names[:min(len(names), shown)], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	line := fmt.Sprintf("%s will be rendered in a browser (executeClientScripts): %s", countOf(len(names), "document"), list)
	if path, err := browser.FindChromium(""); err != nil {
		line += fmt.Sprintf("; but %v", err)
	} else {
		line += fmt.Sprintf("; with %s (crawl --browser names another)", path)
	}
	return line
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
