package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress shows "label [####....] done/total" on one rewritten line when
// w is a terminal, and nothing otherwise (logs and pipes stay clean). It
// redraws at most a few times a second, and always the last count: an
// import of 100,000 commits would otherwise write 100,000 lines' worth of
// bytes to the terminal.
type progress struct {
	w      io.Writer
	label  string
	active bool
	shown  bool
	drawn  time.Time        // when the line was last drawn
	now    func() time.Time // the clock; time.Now when nil
}

// redrawEvery is the least time between two redraws.
const redrawEvery = 200 * time.Millisecond

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, active: isTerminal(w)}
}

func (p *progress) update(done, total int) {
	if !p.active {
		return
	}
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	t := now()
	if p.shown && done < total && t.Sub(p.drawn) < redrawEvery {
		return
	}
	const width = 30
	filled := width * min(done, total) / max(total, 1)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
	p.shown, p.drawn = true, t
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
