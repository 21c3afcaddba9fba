package browser

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Memory is what the browser's processes hold: the sum over Chromium's
// process tree (the browser, its zygotes, renderers, GPU and utility
// processes) of their resident set (RSS) and of their proportional share
// (PSS, which counts a page shared by n processes as 1/n in each, so the
// sum is what the tree costs the machine; RSS sums count shared pages once
// per process). Zero when no browser runs or /proc cannot be read.
type Memory struct {
	Processes int
	RSS, PSS  int64 // bytes
}

// proc is one process of the tree.
type proc struct {
	pid      int
	rss      int64
	renderer bool // a renderer: it runs pages
}

// pageSize is the unit of /proc/PID/statm.
var pageSize = int64(os.Getpagesize())

// treeWatch measures a process tree repeatedly and cheaply: the tree is
// walked again every refreshEvery samples, the resident sets read from
// statm at each (a microsecond a process), the proportional sets from
// smaps_rollup every pssEvery samples only (the kernel walks every page
// of a process for it: a tenth of a second for Chromium's tree).
type treeWatch struct {
	root    int
	samples int
	procs   []proc
	pss     int64
}

const (
	refreshEvery = 4
	pssEvery     = 8
)

// sample measures the tree; procs holds each process's RSS.
func (w *treeWatch) sample() (m Memory, procs []proc) {
	if w.samples%refreshEvery == 0 {
		w.procs = treeProcesses(w.root)
	}
	measurePSS := w.samples%pssEvery == 0
	w.samples++
	var pss int64
	live := w.procs[:0]
	for _, p := range w.procs {
		p.rss = statmRSS(p.pid)
		if p.rss == 0 {
			continue // gone
		}
		live = append(live, p)
		m.Processes++
		m.RSS += p.rss
		if measurePSS {
			pss += smapsPSS(p.pid)
		}
	}
	w.procs = live
	if measurePSS {
		w.pss = pss
	}
	m.PSS = w.pss
	return m, live
}

// treeMemory measures the processes descending from root, from /proc, at
// once (PSS included).
func treeMemory(root int) Memory {
	w := treeWatch{root: root}
	m, _ := w.sample()
	return m
}

// treeProcesses lists root and its descendants. It walks down from root
// through /proc/PID/task/TID/children, reading only the tree's own files:
// scanning every process of a busy machine took a quarter of a second.
func treeProcesses(root int) []proc {
	var out []proc
	seen := map[int]bool{}
	queue := []int{root}
	for len(queue) > 0 && len(seen) < 4096 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		queue = append(queue, children(pid)...)
		cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		if err != nil {
			continue // gone meanwhile
		}
		out = append(out, proc{pid: pid, renderer: bytes.Contains(cmdline, []byte("--type=renderer"))})
	}
	return out
}

// children lists a process's children, from the children file of each of
// its threads.
func children(pid int) []int {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "task")
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(dir, t.Name(), "children"))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				out = append(out, child)
			}
		}
	}
	return out
}

// statmRSS reads a process's resident set, in bytes; 0 when it is gone.
func statmRSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "statm"))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * pageSize
}

// smapsPSS reads a process's proportional set, in bytes, or its resident
// set where smaps_rollup is missing.
func smapsPSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
	if err != nil {
		return statmRSS(pid)
	}
	return kbField(b, "Pss:")
}

// kbField reads "Name:   1234 kB" from a /proc file, in bytes.
func kbField(b []byte, name string) int64 {
	i := bytes.Index(b, []byte("\n"+name))
	if i < 0 {
		if !bytes.HasPrefix(b, []byte(name)) {
			return 0
		}
	} else {
		b = b[i+1:]
	}
	line, _, _ := bytes.Cut(b[len(name):], []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return 0
	}
	kb, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return 0
	}
	return kb << 10
}
