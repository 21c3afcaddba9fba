package main

import (
	"fmt"
	"io"
	"strings"
)

// progress shows "label: done/total" on one rewritten line when w is a
// terminal, and nothing otherwise (logs and pipes stay clean).
type progress struct {
	w      io.Writer
	label  string
	active bool
	shown  bool
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, active: isTerminal(w)}
}

func (p *progress) update(done, total int) {
	if !p.active {
		return
	}
	const width = 30
	filled := width * done / max(total, 1)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
	p.shown = true
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
