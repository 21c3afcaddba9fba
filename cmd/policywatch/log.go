package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/store"
	"github.com/policywatch/policywatch/web"
)

func init() {
	register(command{"log", "--db DB [--service NAME] [--type TYPE] [--json]", "list the versions and failed fetches of each document", runLog})
}

func runLog(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "log")
	dbPath := fs.String("db", "policywatch.db", "the database to read: a SQLite `FILE` or a postgres://… URL")
	service := fs.String("service", "", "only documents of this service")
	docType := fs.String("type", "", "only documents of this type")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	rest, err := parseFlags(env, fs, args, `
Lists the versions of each document, newest first, with their capture date,
size and the change that led to them, followed by the fetches that failed.`)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	st, err := openReadOnly(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()

	// Types are stored by their canonical names: --type "Cookies Policy"
	// finds the "Trackers Policy".
	filter := archive.DocumentRef{Service: *service, Type: *docType}.Canonical()
	docs, err := st.Documents(ctx, store.DocumentFilter{Service: filter.Service, Type: filter.Type})
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("%s: no documents match%s", *dbPath, describeFilter(*service, *docType))
	}
	var logs []documentLog
	for _, d := range docs {
		versions, err := st.Versions(ctx, d.ID)
		if err != nil {
			return err
		}
		fetches, err := st.Fetches(ctx, d.ID)
		if err != nil {
			return err
		}
		logs = append(logs, newDocumentLog(d, versions, fetches))
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(logs)
	}
	for i, l := range logs {
		if i > 0 {
			fmt.Fprintln(env.stdout)
		}
		l.writeText(env.stdout)
	}
	return nil
}

func describeFilter(service, docType string) string {
	switch {
	case service != "" && docType != "":
		return fmt.Sprintf(" --service %q --type %q", service, docType)
	case service != "":
		return fmt.Sprintf(" --service %q", service)
	case docType != "":
		return fmt.Sprintf(" --type %q", docType)
	}
	return " (the database is empty: fill it with 'policywatch import')"
}

// documentLog is what log prints of one document; its JSON is the --json output.
type documentLog struct {
	ID       int64        `json:"id"`
	Service  string       `json:"service"`
	Type     string       `json:"type"`
	URL      string       `json:"url,omitempty"`
	Versions []versionLog `json:"versions"`
	Failures []failureLog `json:"failed_fetches"`
}

type versionLog struct {
	ID            int64           `json:"id"`
	CapturedAt    time.Time       `json:"captured_at"`
	Words         int             `json:"words"`
	Bytes         int             `json:"bytes"`
	Extractor     string          `json:"extractor"`
	Snapshot      string          `json:"snapshot"`
	Class         string          `json:"class,omitempty"`
	Summary       string          `json:"summary,omitempty"`
	WordsAdded    int             `json:"words_added"`
	WordsRemoved  int             `json:"words_removed"`
	Substitutions json.RawMessage `json:"substitutions,omitempty"`
	RevertsTo     *versionRefLog  `json:"reverts_to,omitempty"` // an older version with the same text
	ReturnsTo     *versionRefLog  `json:"returns_to,omitempty"` // the version two before, with nearly the same text
	FlipFlop      bool            `json:"flip_flop,omitempty"`
}

type versionRefLog struct {
	ID         int64     `json:"id"`
	CapturedAt time.Time `json:"captured_at"`
}

func refLog(r *store.VersionRef) *versionRefLog {
	if r == nil {
		return nil
	}
	return &versionRefLog{ID: r.ID, CapturedAt: r.CapturedAt}
}

// plural is n and the word for one or for several.
func plural(n int, one, several string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, several)
}

type failureLog struct {
	At     time.Time `json:"at"`
	Source string    `json:"source"`
	URL    string    `json:"url,omitempty"`
	Status int       `json:"status,omitempty"`
	Class  string    `json:"class"`
	Error  string    `json:"error"`
	Method string    `json:"method,omitempty"` // http or browser, for crawled pages
}

func newDocumentLog(d store.Document, versions []store.VersionSummary, fetches []store.Fetch) documentLog {
	l := documentLog{ID: d.ID, Service: d.Service, Type: d.Type, URL: d.URL, Versions: []versionLog{}, Failures: []failureLog{}}
	for _, v := range versions {
		vl := versionLog{ID: v.ID, CapturedAt: v.CapturedAt, Words: v.Words, Bytes: v.Bytes, Extractor: v.Extractor, Snapshot: v.SnapshotHash,
			RevertsTo: refLog(v.Mark.RevertsTo), ReturnsTo: refLog(v.Mark.ReturnsTo), FlipFlop: v.Mark.FlipFlop}
		if c := v.Change; c != nil {
			vl.Class, vl.Summary, vl.WordsAdded, vl.WordsRemoved = c.Class, c.Summary, c.WordsAdded, c.WordsRemoved
			if len(c.Substitutions) > 0 {
				vl.Substitutions = json.RawMessage(c.Substitutions)
			}
		}
		l.Versions = append(l.Versions, vl)
	}
	for _, f := range fetches {
		if f.ErrorClass != "" {
			l.Failures = append(l.Failures, failureLog{At: f.At, Source: f.Source, URL: f.URL, Status: f.Status, Class: f.ErrorClass, Error: f.Error, Method: f.Method})
		}
	}
	return l
}

func (l documentLog) writeText(w io.Writer) {
	fmt.Fprintf(w, "%s / %s (document %d)", l.Service, l.Type, l.ID)
	if l.URL != "" {
		fmt.Fprintf(w, "  %s", l.URL)
	}
	fmt.Fprintf(w, "\n%s\n", plural(len(l.Versions), "version", "versions"))
	for _, v := range l.Versions {
		change := "first version"
		if v.Class != "" {
			change = v.Class + ": " + v.Summary
		}
		if v.RevertsTo != nil {
			change += " (reverts to the version of " + v.RevertsTo.CapturedAt.Format("2006-01-02 15:04") + ")"
		} else if v.ReturnsTo != nil {
			change += " (returns nearly to the version of " + v.ReturnsTo.CapturedAt.Format("2006-01-02 15:04") + ")"
		}
		if v.FlipFlop {
			change += " [flip-flop]"
		}
		fmt.Fprintf(w, "  %s  v%-5d %6d words %8s  %s\n", v.CapturedAt.Format("2006-01-02 15:04"), v.ID, v.Words, web.FormatSize(v.Bytes), change)
	}
	if len(l.Failures) > 0 {
		fmt.Fprintf(w, "%s\n", plural(len(l.Failures), "failed fetch", "failed fetches"))
		for _, f := range l.Failures {
			how := ""
			if f.Method == "browser" {
				how = "in the browser: "
			}
			fmt.Fprintf(w, "  %s  %-16s %s%s\n", f.At.Format("2006-01-02 15:04"), f.Class, how, f.Error)
		}
	}
}

// openExisting opens a database that must exist already, saying how to
// make one when it is missing.
func openExisting(ctx context.Context, path string) (*store.Store, error) {
	return explainMissing(store.OpenExisting(ctx, path))
}

// openReadOnly opens an existing database for a command that only reads:
// it never creates, migrates or writes the file, so it also works in a
// read-only directory.
func openReadOnly(ctx context.Context, path string) (*store.Store, error) {
	return explainMissing(store.OpenReadOnly(ctx, path))
}

func explainMissing(st *store.Store, err error) (*store.Store, error) {
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (fill one with 'policywatch import', or try 'policywatch demo')", err)
	}
	return st, err
}
