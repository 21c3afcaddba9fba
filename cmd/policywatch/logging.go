package main

import (
	"flag"
	"io"
	"log/slog"
)

// addLogFormatFlag defines --log-format: text for people, json for log
// collectors.
func addLogFormatFlag(fs *flag.FlagSet) *string {
	return fs.String("log-format", "text", "how the log is written on stderr: `text` (key=value lines) or json (one object per line)")
}

// newLogger writes structured logs to w in format ("text" or "json").
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usagef("--log-format %q: want text or json", format)
}
