package main

import (
	"context"
	"fmt"

	"github.com/policywatch/policywatch/declaration"
)

func init() {
	register(command{"check", "[--declarations DIR]", "check the declaration files for mistakes", runCheck})
}

func runCheck(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "check")
	dir := fs.String("declarations", "declarations", "the `DIR`ectory of declaration files (SERVICE.json, SERVICE.history.json)")
	rest, err := parseFlags(env, fs, args, `
Checks the declaration files that say which documents to fetch: one
SERVICE.json per service, in Open Terms Archive's format, and its
SERVICE.history.json. Each problem is printed as FILE:LINE:COL: message —
JSON syntax errors, unknown keys, invalid CSS selectors, URLs that are not
absolute http(s) URLs, unknown document types (with the closest valid one).
Features that are not supported, such as Open Terms Archive's JavaScript
filters, are warnings: they are ignored and do not fail the check.

Exits with status 1 when there is any error, 0 otherwise.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q (use --declarations DIR)", rest[0])
	}
	services, problems, err := declaration.LoadDir(*dir)
	if err != nil {
		return err
	}
	errorCount, documentCount := 0, 0
	for _, p := range problems {
		fmt.Fprintln(env.stdout, p)
		if p.Severity == declaration.Error {
			errorCount++
		}
	}
	for _, s := range services {
		documentCount += len(s.Documents)
	}
	fmt.Fprintf(env.stdout, "%s: %s, %s; %s, %s\n", *dir,
		countOf(len(services), "service"), countOf(documentCount, "document"),
		countOf(errorCount, "error"), countOf(len(problems)-errorCount, "warning"))
	if errorCount > 0 {
		return fmt.Errorf("%s in %s", countOf(errorCount, "error"), *dir)
	}
	return nil
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
