package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The bar redraws at most every 200 ms, and always its first and last
// counts; off a terminal it writes nothing.
func TestProgressRedrawsAFewTimesASecond(t *testing.T) {
	var out bytes.Buffer
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &out, label: "importing", active: true, now: func() time.Time { return clock }}
	for done := 0; done < 1000; done++ {
		p.update(done, 1000)
		clock = clock.Add(time.Millisecond) // 1,000 updates in one second
	}
	p.update(1000, 1000)
	p.done()
	draws := strings.Split(strings.TrimPrefix(strings.TrimSuffix(out.String(), "\n"), "\r"), "\r")
	// At 0, 200, 400, 600, 800 ms, and the last count.
	if len(draws) != 6 {
		t.Errorf("%d redraws of 1,001 updates in a second, want 6:\n%q", len(draws), draws)
	}
	if draws[0] != "importing [..............................] 0/1000" ||
		draws[len(draws)-1] != "importing [##############################] 1000/1000" {
		t.Errorf("first and last draws %q, %q", draws[0], draws[len(draws)-1])
	}
	if !strings.HasSuffix(out.String(), "\n") {
		t.Error("done did not end the line")
	}

	var pipe bytes.Buffer
	off := newProgress(&pipe, "importing") // not a terminal
	off.update(1, 2)
	off.done()
	if pipe.Len() != 0 {
		t.Errorf("off a terminal the bar wrote %q", pipe.String())
	}
}
