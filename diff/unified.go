package diff

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// unifiedContext is how many unchanged lines a hunk keeps around its
// edits, as diff -u does.
const unifiedContext = 3

// WriteUnified writes the line diff of two texts (two versions'
// Markdown) in the unified format of diff -u and git diff, for patch,
// review tools and people who read those: "--- old", "+++ new", then
// hunks "@@ -l,n +l,n @@". Texts that are equal write the headers only.
func WriteUnified(w io.Writer, oldName, newName, oldText, newText string) error {
	lines := map[string]rune{}
	var byID []string
	ids := func(text string) []rune {
		var out []rune
		for text != "" {
			end := strings.IndexByte(text, '\n') + 1
			if end == 0 {
				end = len(text)
			}
			line := text[:end]
			id, ok := lines[line]
			if !ok {
				id = rune(len(byID))
				lines[line] = id
				byID = append(byID, line)
			}
			out = append(out, id)
			text = text[end:]
		}
		return out
	}
	a, b := ids(oldText), ids(newText)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // never coarsened

	// One entry per line: ' ' kept, '-' removed, '+' added.
	type line struct {
		op   byte
		text string
	}
	var script []line
	ia, ib := 0, 0
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		n := len([]rune(d.Text))
		for range n {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				script = append(script, line{' ', byID[a[ia]]})
				ia++
				ib++
			case diffmatchpatch.DiffDelete:
				script = append(script, line{'-', byID[a[ia]]})
				ia++
			default:
				script = append(script, line{'+', byID[b[ib]]})
				ib++
			}
		}
	}

	out := bufio.NewWriter(w)
	fmt.Fprintf(out, "--- %s\n+++ %s\n", oldName, newName)
	// Hunks: runs of edits with their context, merged when their contexts
	// touch.
	for i := 0; i < len(script); {
		if script[i].op == ' ' {
			i++
			continue
		}
		start := max(0, i-unifiedContext)
		end := i
		for end < len(script) {
			if script[end].op != ' ' {
				end++
				continue
			}
			next := end
			for next < len(script) && script[next].op == ' ' {
				next++
			}
			if next == len(script) || next-end > 2*unifiedContext {
				end = min(len(script), end+unifiedContext)
				break
			}
			end = next
		}
		oldStart, newStart := 1, 1
		for _, l := range script[:start] {
			if l.op != '+' {
				oldStart++
			}
			if l.op != '-' {
				newStart++
			}
		}
		oldCount, newCount := 0, 0
		for _, l := range script[start:end] {
			if l.op != '+' {
				oldCount++
			}
			if l.op != '-' {
				newCount++
			}
		}
		fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(oldStart, oldCount), hunkRange(newStart, newCount))
		for _, l := range script[start:end] {
			out.WriteByte(l.op)
			out.WriteString(l.text)
			if !strings.HasSuffix(l.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.Flush()
}

// hunkRange writes a hunk's start and length as diff -u does: "l,n", or
// "l" for one line, and the line before for none.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprintf("%d", start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}
