package watch

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policywatch/policywatch/internal/storetest"
)

// EnvWorkerBench runs BenchmarkWorkers, which takes minutes.
const EnvWorkerBench = "POLICYWATCH_WORKER_BENCH"

// BenchmarkWorkers crawls a farm of 10,000 documents (real policy texts of
// the demo bundle, 9–15 KB pages, on 50 hosts, no pause between requests)
// with 1, 2 and 4 worker processes on one database, each fetching one or
// four documents at once (lanes): a first round where every document is
// new, then a second where 5 % are edited. It reports documents per second
// of each round, the workers' CPU per document, and how busy the machine
// was (workers, database server and farm together). Set POLICYWATCH_TEST_STORE=postgres
// for PostgreSQL (benchmarks run on SQLite otherwise) and
// POLICYWATCH_TEST_FARM for another size.
func BenchmarkWorkers(b *testing.B) {
	if os.Getenv(EnvWorkerBench) != "1" {
		b.Skipf("takes minutes: set %s=1", EnvWorkerBench)
	}
	docs := 10000
	if v := os.Getenv(EnvFarmSize); v != "" {
		var err error
		if docs, err = strconv.Atoi(v); err != nil || docs < 20 {
			b.Fatalf("%s=%q: want a number of documents, at least 20", EnvFarmSize, v)
		}
	}
	for _, c := range []struct{ workers, lanes int }{{1, 1}, {2, 1}, {4, 1}, {1, 4}, {2, 4}, {4, 4}} {
		workers := c.workers
		b.Run(fmt.Sprintf("workers=%d/lanes=%d", c.workers, c.lanes), func(b *testing.B) {
			for range b.N {
				f := newFarm(b, docs, 50)
				db := storetest.DB(b, "workers.db")
				storetest.OpenAt(b, db).Close()
				// round returns the documents per second, the workers' CPU
				// per document, and how busy the machine's cores were.
				round := func(name string, offset time.Duration) (rate, workerMS, busy float64) {
					start := time.Now()
					busyBefore, totalBefore := cpuJiffies(b)
					var cmds []*exec.Cmd
					for i := range workers {
						cmds = append(cmds, startWorkerProcess(b, db, fmt.Sprintf("%s-%d", name, i), offset, time.Minute, c.lanes, docs, f.urls()))
					}
					waitWorkerProcesses(b, cmds...)
					elapsed := time.Since(start)
					busyAfter, totalAfter := cpuJiffies(b)
					var cpu time.Duration
					for _, c := range cmds {
						cpu += c.ProcessState.UserTime() + c.ProcessState.SystemTime()
					}
					return float64(docs) / elapsed.Seconds(), float64(cpu.Milliseconds()) / float64(docs),
						100 * float64(busyAfter-busyBefore) / float64(totalAfter-totalBefore)
				}
				first, firstMS, firstBusy := round("first", 0)
				for n := 0; n < docs; n += 20 {
					f.edit(n)
				}
				second, secondMS, secondBusy := round("second", 2*time.Hour)
				if got := len(f.since(0)); got < 2*docs {
					b.Fatalf("the farm served %d requests, want at least %d", got, 2*docs)
				}
				b.ReportMetric(first, "docs/s-new")
				b.ReportMetric(firstMS, "worker-cpu-ms/doc-new")
				b.ReportMetric(firstBusy, "%busy-new")
				b.ReportMetric(second, "docs/s-again")
				b.ReportMetric(secondMS, "worker-cpu-ms/doc-again")
				b.ReportMetric(secondBusy, "%busy-again")
			}
		})
	}
}

// cpuJiffies reads the machine's busy and total CPU time from /proc/stat
// (every core, every process: the workers, the database server, the farm).
func cpuJiffies(b *testing.B) (busy, total int64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		b.Fatal(err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	for i, field := range strings.Fields(line)[1:] {
		n, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			b.Fatalf("/proc/stat: %q", line)
		}
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}
