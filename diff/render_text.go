package diff

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// TextOptions configures WriteText.
type TextOptions struct {
	All   bool   // show folded edits (substitutions, style) too
	Color bool   // ANSI colours instead of [-deleted-]{+inserted+} marks
	Old   string // names of the two sides for the header, e.g. file names
	New   string
}

const (
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiBold  = "\x1b[1m"
	ansiCyan  = "\x1b[36m"
	ansiDim   = "\x1b[2m"
	ansiReset = "\x1b[0m"
)

// WriteText writes the Result as unified text for a terminal: a header
// with the class, reasons and substitutions, then every section with a
// change, its heading in an "@@ … @@" line, and each changed paragraph as
// a "~" line with word edits marked [-like this-]{+like that+} (or in red
// and green with Color), "-" for a removed paragraph and "+" for an added
// one. Unchanged paragraphs are left out.
func (r *Result) WriteText(w io.Writer, opts TextOptions) error {
	b := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	if opts.Old != "" || opts.New != "" {
		fmt.Fprintf(b, "%s\n%s\n", paint(ansiBold, "--- "+opts.Old), paint(ansiBold, "+++ "+opts.New))
	}
	fmt.Fprintf(b, "%s: %s\n", paint(ansiBold, string(r.Class)), r.Summary())
	fmt.Fprintf(b, "%d words added, %d removed, %d unchanged; %d sections changed; %.1f %% similar\n",
		r.Stats.WordsAdded, r.Stats.WordsRemoved, r.Stats.WordsUnchanged, r.Stats.SectionsChanged, r.Stats.Similarity)
	for _, reason := range r.Reasons() {
		fmt.Fprintf(b, "  · %s\n", reason)
	}
	if len(r.Substitutions) > 0 {
		names := make([]string, len(r.Substitutions))
		for i, s := range r.Substitutions {
			names[i] = s.String()
		}
		fmt.Fprintf(b, "replaced throughout: %s\n", strings.Join(names, ", "))
	}
	view := r.View(opts.All)
	if !opts.All && view.Changes == 0 && r.Changed() {
		fmt.Fprintln(b, "(every edit is a substitution or a change of style: --all shows them)")
	}
	mark := func(spans []Span) string {
		var out strings.Builder
		for _, s := range spans {
			switch s.Kind {
			case SpanInsert:
				if opts.Color {
					out.WriteString(paint(ansiGreen, s.Text))
				} else {
					out.WriteString("{+" + s.Text + "+}")
				}
			case SpanDelete:
				if opts.Color {
					out.WriteString(paint(ansiRed, s.Text))
				} else {
					out.WriteString("[-" + s.Text + "-]")
				}
			default:
				out.WriteString(s.Text)
			}
		}
		return out.String()
	}
	for _, s := range view.Sections {
		if !s.Changed {
			continue
		}
		heading := s.HeadingText()
		if len(s.Heading) > 0 {
			heading = strings.Join(append(append([]string{}, s.Path[:max(0, len(s.Path)-1)]...), mark(s.Heading)), " › ")
		}
		status := string(s.Status)
		if s.Moved {
			status += ", moved"
		}
		fmt.Fprintf(b, "\n%s\n", paint(ansiCyan, fmt.Sprintf("@@ %s (%s) @@", heading, status)))
		for _, row := range s.Rows {
			if !row.Changed {
				continue
			}
			switch row.Status {
			case Added:
				fmt.Fprintf(b, "%s\n", paint(ansiGreen, "+ "+spanText(row.New)))
			case Removed:
				fmt.Fprintf(b, "%s\n", paint(ansiRed, "- "+spanText(row.Old)))
			default:
				fmt.Fprintf(b, "~ %s\n", mark(row.Inline))
			}
		}
	}
	return b.Flush()
}

// spanText is the text of spans, as it reads on their side.
func spanText(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.Text)
	}
	return b.String()
}
