package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/policywatch/policywatch/internal/pgtest"
	"github.com/policywatch/policywatch/store"
)

// TestWorkerProcessesShareAPostgreSQLQueue runs two 'policywatch worker'
// processes on one PostgreSQL database, as two machines would: every
// declared document is fetched once and recorded once, and both exit when
// the round is over (--until-idle).
func TestWorkerProcessesShareAPostgreSQLQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts PostgreSQL")
	}
	db := pgtest.Own(t)
	bin := buildPolicywatch(t)
	var mu sync.Mutex
	hits := map[string]int{}
	ts := httptest.NewServer(withoutRobots(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		fmt.Fprint(w, policyBody(strings.HasSuffix(r.URL.Path, "7")))
	}))
	defer ts.Close()
	const docs = 30
	decls := filepath.Join(t.TempDir(), "declarations")
	os.Mkdir(decls, 0o755)
	for i := range docs {
		decl := declarationOf(fmt.Sprintf("Service %02d", i), "Privacy Policy", fmt.Sprintf("%s/doc/%02d", ts.URL, i), "")
		if err := os.WriteFile(filepath.Join(decls, fmt.Sprintf("service-%02d.json", i)), []byte(decl), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var outputs [2]strings.Builder
	var cmds []*exec.Cmd
	for i := range 2 {
		cmd := exec.Command(bin, "worker", "--db", db, "--declarations", decls, "--name", fmt.Sprintf("machine-%d", i),
			"--until-idle", "--delay", "0", "--allow-private-networks", "--lease", "5s")
		cmd.Stdout, cmd.Stderr = &outputs[i], &outputs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, outputs[i].String())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hits) != docs {
		t.Fatalf("%d of %d documents fetched", len(hits), docs)
	}
	for path, n := range hits {
		if n != 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, err := st.Documents(context.Background(), store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != docs {
		t.Fatalf("%d documents recorded, want %d", len(all), docs)
	}
	for i, out := range outputs {
		if !strings.Contains(out.String(), fmt.Sprintf("machine-%d: ", i)) || !strings.Contains(out.String(), "worker stopped") {
			t.Errorf("worker %d printed no summary:\n%s", i, out.String())
		}
	}
}

func TestWorkerRefusesALeaseTooShortToRenew(t *testing.T) {
	r := runCommand(t, nil, "worker", "--db", filepath.Join(t.TempDir(), "w.db"), "--lease", "1s")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--lease 1s") {
		t.Fatalf("exit %d, stderr %q; want a usage error naming --lease", r.code, r.stderr)
	}
}
