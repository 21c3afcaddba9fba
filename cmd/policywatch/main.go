// Command policywatch keeps the history of privacy policies: it records
// captures of cookie, privacy and data-processing pages, keeps a version each
// time their text really changes, and shows what changed in a web UI, feeds
// and a JSON API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one subcommand of the binary.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// commands holds every subcommand; each file registers its own in init,
// and commandOrder says how --help lists them.
var commands []command

var commandOrder = []string{"demo", "serve", "crawl", "import", "import-ota", "backfill", "export", "log", "diff", "extract", "check", "subscribe", "deliveries", "notify", "reextract", "rediff", "search-index", "compact", "migrate-db"}

func register(c command) {
	commands = append(commands, c)
	sort.SliceStable(commands, func(i, j int) bool {
		return orderOf(commands[i].name) < orderOf(commands[j].name)
	})
}

func orderOf(name string) int {
	for i, n := range commandOrder {
		if n == name {
			return i
		}
	}
	return len(commandOrder)
}

// environment is what a command may touch outside its arguments.
type environment struct {
	stdout, stderr io.Writer
	stdin          io.Reader // nil means os.Stdin
	getenv         func(string) string
	// onListen, if set, is told the address a server listens on (tests).
	onListen func(addr string)
}

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &environment{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(ctx, env, os.Args[1:]))
}

func run(ctx context.Context, env *environment, args []string) int {
	if len(args) == 0 {
		printUsage(env.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-version", "--version", "version":
		fmt.Fprintln(env.stdout, versionLine())
		return exitOK
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			return run(ctx, env, []string{args[1], "--help"})
		}
		printUsage(env.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(env.stderr, "policywatch %s: %s\nRun 'policywatch %s --help' for usage.\n", c.name, ue.msg, c.name)
			return exitUsage
		default:
			fmt.Fprintf(env.stderr, "policywatch %s: %s\n", c.name, err)
			return exitFailure
		}
	}
	fmt.Fprintf(env.stderr, "policywatch: unknown command %q\nRun 'policywatch --help' for the list of commands.\n", args[0])
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `policywatch keeps the history of privacy policies: it records captures of
cookie, privacy and data-processing pages, keeps a new version only when the
text really changed, and shows what changed (web UI, Atom feeds, JSON API).

Usage:
  policywatch COMMAND [OPTIONS]
  policywatch --version

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
DB, the archive, is a SQLite file (policywatch.db unless told) or, for
many crawler processes ('policywatch worker') and servers sharing one, a
PostgreSQL database: postgres://USER:PASSWORD@HOST/NAME.

Run 'policywatch COMMAND --help' for a command's options. Every option can
also be set by an environment variable: --db by POLICYWATCH_DB, --listen by
POLICYWATCH_LISTEN, and so on. Options on the command line win.

Exit status: 0 success, 1 failure, 2 usage error.
`)
}

// newFlagSet makes a flag set whose errors come back as usage errors and
// whose --help prints the command's synopsis and options.
func newFlagSet(env *environment, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args, fills unset flags from POLICYWATCH_* variables and
// returns the positional arguments. --help prints the command's help.
func parseFlags(env *environment, fs *flag.FlagSet, args []string, description string) ([]string, error) {
	// Options may come after the files too ("import FILE --date D"), as
	// users expect; "--" ends the options.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printCommandHelp(env.stdout, fs, description)
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		consumed := len(args) - fs.NArg()
		terminated := consumed > 0 && args[consumed-1] == "--"
		args = fs.Args()
		if terminated {
			positional = append(positional, args...)
			break
		}
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := envName(f.Name)
		if v := env.getenv(name); v != "" {
			if setErr := fs.Set(f.Name, v); setErr != nil {
				err = usagef("environment variable %s=%q: %v", name, v, setErr)
			}
		}
	})
	return positional, err
}

func envName(flagName string) string {
	return "POLICYWATCH_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func printCommandHelp(w io.Writer, fs *flag.FlagSet, description string) {
	for _, c := range commands {
		if c.name == fs.Name() {
			fmt.Fprintf(w, "Usage: policywatch %s %s\n\n", c.name, c.args)
		}
	}
	fmt.Fprintln(w, strings.TrimSpace(description))
	fmt.Fprintln(w, "\nOptions:")
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	for _, n := range names {
		f := fs.Lookup(n)
		kind, usage := flag.UnquoteUsage(f)
		head := "--" + n
		if kind != "" {
			head += " " + kind
		}
		fmt.Fprintf(w, "  %s\n        %s", head, usage)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, " [env %s]\n", envName(n))
	}
}

// isTerminal reports whether w is a terminal, for progress output.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
