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
	rss, pss int64
	renderer bool // a renderer: it runs pages
}

// treeMemory measures the processes descending from root, and the
// processes whose command line names marker (Chromium's crash handler is
// re-parented away from the tree), from /proc.
func treeMemory(root int, marker string) Memory {
	var m Memory
	for _, p := range treeProcesses(root, marker) {
		m.Processes++
		m.RSS += p.rss
		m.PSS += p.pss
	}
	return m
}

// treeProcesses lists the processes treeMemory measures.
func treeProcesses(root int, marker string) []proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	renderer := map[int]bool{}
	parent := map[int]int{}
	var named []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		end := bytes.LastIndexByte(stat, ')')
		if end < 0 {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			parent[pid] = ppid
		}
		if cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); err == nil {
			if marker != "" && bytes.Contains(cmdline, []byte(marker)) {
				named = append(named, pid)
			}
			renderer[pid] = bytes.Contains(cmdline, []byte("--type=renderer"))
		}
	}
	in := map[int]bool{}
	for pid := range parent {
		for p, hops := pid, 0; p > 1 && hops < 64; p, hops = parent[p], hops+1 {
			if p == root {
				in[pid] = true
				break
			}
		}
	}
	for _, pid := range named {
		in[pid] = true
	}
	var out []proc
	for pid := range in {
		rss, pss := processMemory(pid)
		if rss == 0 && pss == 0 {
			continue // gone meanwhile, or a zombie
		}
		out = append(out, proc{pid: pid, rss: rss, pss: pss, renderer: renderer[pid]})
	}
	return out
}

// processMemory reads one process's RSS and PSS, in bytes.
func processMemory(pid int) (rss, pss int64) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	if b, err := os.ReadFile(filepath.Join(dir, "smaps_rollup")); err == nil {
		rss, pss = kbField(b, "Rss:"), kbField(b, "Pss:")
		if rss > 0 {
			return rss, pss
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
		rss = kbField(b, "VmRSS:")
	}
	return rss, rss
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
