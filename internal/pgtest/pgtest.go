// Package pgtest runs the tests of a package against both stores: SQLite,
// then a throwaway PostgreSQL server started from Debian's binaries
// (initdb into a temporary folder, listening only on a Unix socket there),
// one server per test package and a fresh database per test.
//
// POLICYWATCH_TEST_STORE chooses: "sqlite" or "postgres" runs one pass,
// unset runs both (benchmarks: SQLite only, unless "postgres" is asked
// for, so that their figures keep one meaning). Where the binaries are
// missing the PostgreSQL pass says it is skipped and why.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Engines a pass runs on.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// EnvStore names the variable that picks the stores tests run on.
const EnvStore = "POLICYWATCH_TEST_STORE"

// EnvServer names the variable that hands a test's child processes the
// folder of the running server, which they use instead of starting one.
const EnvServer = "POLICYWATCH_TEST_PG_SERVER"

// EnvAll names the variable that, set to 1, makes the PostgreSQL pass run
// also the tests that SkipSlow skips there.
const EnvAll = "POLICYWATCH_TEST_PG_ALL"

// EnvBin names the variable that says where PostgreSQL's binaries are.
const EnvBin = "POLICYWATCH_PG_BIN"

// debianBins is where Debian's postgresql package puts them, one folder
// per major version (15 on bookworm).
const debianBins = "/usr/lib/postgresql/*/bin"

var (
	engine  atomic.Value // the pass running: SQLite or Postgres
	current *Server      // the server of the PostgreSQL pass
	counter atomic.Int64
)

// Engine is the store the running pass tests: SQLite or Postgres.
func Engine() string {
	if e, ok := engine.Load().(string); ok {
		return e
	}
	return SQLite
}

// IsPostgres says whether the running pass tests PostgreSQL.
func IsPostgres() bool { return Engine() == Postgres }

// Main runs m once per store (see the package comment) and returns the
// exit code for os.Exit. prepare, when not nil, is called once on an
// empty database that becomes the template of those Database returns
// (a store's Open there makes every test's database migrated already).
func Main(m *testing.M, prepare func(ctx context.Context, url string) error) int {
	flag.Parse()
	want := os.Getenv(EnvStore)
	switch want {
	case "", SQLite, Postgres:
	default:
		fmt.Fprintf(os.Stderr, "%s=%q: want %q, %q or nothing (both)\n", EnvStore, want, SQLite, Postgres)
		return 2
	}
	benchmarks := flag.Lookup("test.bench") != nil && flag.Lookup("test.bench").Value.String() != ""
	code := 0
	// Processes the tests start (children of kill tests) inherit the pass.
	defer os.Setenv(EnvStore, want)
	if want == "" || want == SQLite {
		engine.Store(SQLite)
		os.Setenv(EnvStore, SQLite)
		code = m.Run()
		runAfterPass()
	}
	if want == Postgres || (want == "" && !benchmarks) {
		if dir := os.Getenv(EnvServer); dir != "" && want == Postgres {
			// A process a test started: it uses its parent's server.
			srv, err := attach(dir)
			if err != nil {
				fmt.Fprintf(os.Stderr, "PostgreSQL pass: %v\n", err)
				return 1
			}
			current = srv
			engine.Store(Postgres)
			code := m.Run()
			srv.admin.Close()
			return code
		}
		bin, err := findBin()
		if err != nil {
			fmt.Printf("PostgreSQL pass skipped: %v\n", err)
			return code
		}
		srv, err := Start(bin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "PostgreSQL pass: %v\n", err)
			return 1
		}
		current = srv
		os.Setenv(EnvServer, srv.Dir)
		defer os.Unsetenv(EnvServer)
		if prepare != nil {
			if err := srv.makeTemplate(prepare); err != nil {
				srv.Stop()
				fmt.Fprintf(os.Stderr, "PostgreSQL pass: %v\n", err)
				return 1
			}
		}
		engine.Store(Postgres)
		os.Setenv(EnvStore, Postgres)
		fmt.Println("PostgreSQL pass: every test again, on", srv.Dir)
		if c := m.Run(); c != 0 {
			code = c
		}
		runAfterPass()
		engine.Store(SQLite)
		srv.Stop()
		current = nil
	}
	return code
}

// findBin returns the folder of initdb and postgres, or why there is none.
func findBin() (string, error) {
	bin := os.Getenv(EnvBin)
	if bin == "" {
		bin = newestDebianBin()
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return "", fmt.Errorf("%s not found (install Debian's postgresql package, or set %s to the folder of initdb and postgres)", filepath.Join(bin, name), EnvBin)
		}
	}
	return bin, nil
}

// newestDebianBin returns the folder of the newest PostgreSQL Debian
// installed, or the pattern itself when there is none (for the message).
func newestDebianBin() string {
	dirs, _ := filepath.Glob(debianBins)
	best, bestMajor := debianBins, -1
	for _, d := range dirs {
		major, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err == nil && major > bestMajor {
			best, bestMajor = d, major
		}
	}
	return best
}

// Server is a PostgreSQL server in a temporary folder.
type Server struct {
	Dir      string // its data folder and socket live here
	cmd      *exec.Cmd
	admin    *sql.DB
	template string
	mu       sync.Mutex
}

// Start runs initdb and postgres from bin in a new temporary folder. As
// root, both run as the user postgres (or nobody): they refuse to run as
// root.
func Start(bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "policywatch-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir}
	cred, err := unprivileged(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
		"--no-locale", "-E", "UTF8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir,
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=64MB",
		"-c", "log_min_messages=fatal", "-c", "logging_collector=off")
	// Pdeathsig: a test binary killed outright takes its server with it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGQUIT}
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err == nil {
		if cred != nil {
			os.Chown(logFile.Name(), int(cred.Uid), int(cred.Gid))
		}
		s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
		defer logFile.Close()
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting postgres: %w", err)
	}
	s.admin, err = sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		s.Stop()
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.admin.Ping()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			s.Stop()
			return nil, fmt.Errorf("postgres did not start within 30 s: %v\n%s", err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s, nil
}

// unprivileged returns the credentials to run the server with, nil when
// this process is not root, and hands dir to that user.
func unprivileged(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and neither the user postgres nor nobody exists to run PostgreSQL as (it refuses root)")
}

// URL is the connection URL of database name on the server.
func (s *Server) URL(name string) string {
	return "postgres://postgres@/" + url.PathEscape(name) + "?host=" + url.QueryEscape(s.Dir) + "&sslmode=disable"
}

// Stop shuts the server down (fast: open sessions are ended) and removes
// its folder.
func (s *Server) Stop() {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	os.RemoveAll(s.Dir)
}

// attach uses the server running in dir (started by a parent process).
func attach(dir string) (*Server, error) {
	s := &Server{Dir: dir, template: "pw_template"}
	var err error
	if s.admin, err = sql.Open("pgx", s.URL("postgres")); err != nil {
		return nil, err
	}
	if err := s.admin.Ping(); err != nil {
		return nil, fmt.Errorf("the server of the parent process in %s: %w", dir, err)
	}
	return s, nil
}

func (s *Server) makeTemplate(prepare func(ctx context.Context, url string) error) error {
	ctx := context.Background()
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE pw_template"); err != nil {
		return fmt.Errorf("creating the template database: %w", err)
	}
	if err := prepare(ctx, s.URL("pw_template")); err != nil {
		return fmt.Errorf("preparing the template database: %w", err)
	}
	s.template = "pw_template"
	return nil
}

// Database returns the URL of a fresh database for t, made from the
// template Main prepared, and drops it when t ends. It skips t on the
// SQLite pass's behalf never: call it only on the PostgreSQL pass.
func Database(t testing.TB) string {
	t.Helper()
	return database(t, true)
}

// EmptyDatabase is Database without the template: a database with nothing
// in it, as an operator creates one for policywatch.
func EmptyDatabase(t testing.TB) string {
	t.Helper()
	return database(t, false)
}

// DatabaseFrom is Database made from the database at templateURL (one
// SharedDatabase returned, filled once) instead of the schema's template;
// nobody may be connected to it.
func DatabaseFrom(t testing.TB, templateURL string) string {
	t.Helper()
	return databaseFrom(t, Name(templateURL))
}

func database(t testing.TB, fromTemplate bool) string {
	t.Helper()
	template := ""
	if fromTemplate && current != nil {
		template = current.templateName()
	}
	return databaseFrom(t, template)
}

func databaseFrom(t testing.TB, template string) string {
	t.Helper()
	s := current
	if s == nil {
		t.Fatal("pgtest: no PostgreSQL server: call Database only on the PostgreSQL pass of pgtest.Main")
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), counter.Add(1))
	if template == "" {
		template = "template0"
	}
	// Copies of one template are made one at a time: PostgreSQL refuses
	// to copy a database another session is connected to, and a copy
	// connects to it.
	s.mu.Lock()
	_, err := s.admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + template + " STRATEGY FILE_COPY")
	s.mu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := s.admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("pgtest: dropping database %s: %v", name, err)
		}
	})
	return s.URL(name)
}

// Admin returns a connection to the server's maintenance database, for
// tests that create or inspect databases themselves.
func Admin(t testing.TB) *sql.DB {
	t.Helper()
	if current == nil {
		t.Fatal("pgtest: no PostgreSQL server")
	}
	return current.admin
}

// SkipSlow skips t on the PostgreSQL pass unless POLICYWATCH_TEST_PG_ALL=1:
// for a slow test whose time goes to work the store does not do (extracting
// and diffing long real histories, driving a browser) and whose SQL other
// tests run on PostgreSQL. why names them, so that the skip can be judged.
// Running every test twice would add minutes to CI for no statement that
// the first pass did not already run.
func SkipSlow(t testing.TB, why string) {
	t.Helper()
	if IsPostgres() && os.Getenv(EnvAll) != "1" {
		t.Skipf("slow, and its SQL is run on PostgreSQL by other tests (%s=1 runs it): %s", EnvAll, why)
	}
}

// Name returns the database name of a URL Database returned.
func Name(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}

// SharedDatabase returns the URL of a fresh database, made from the
// template, that lives as long as the server: for what tests of a package
// share (a demo archive loaded once).
func SharedDatabase() (string, error) {
	s := current
	if s == nil {
		return "", errors.New("pgtest: no PostgreSQL server")
	}
	name := fmt.Sprintf("shared%d_%d", os.Getpid(), counter.Add(1))
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + s.templateName() + " STRATEGY FILE_COPY"); err != nil {
		return "", fmt.Errorf("pgtest: creating database %s: %w", name, err)
	}
	return s.URL(name), nil
}

func (s *Server) templateName() string {
	if s.template != "" {
		return s.template
	}
	return "template0"
}

var afterPass []func()

// AfterEachPass registers fn to run when a pass of Main has run its
// tests, before the next (what a package's tests share must not cross
// from one store to the other).
func AfterEachPass(fn func()) { afterPass = append(afterPass, fn) }

func runAfterPass() {
	for _, fn := range afterPass {
		fn()
	}
}

// Own starts a server for t alone and returns the URL of an empty
// database on it, dropped with the server when t ends: for a test of a
// package whose other tests run on SQLite only. Where the binaries are
// missing t is skipped, saying why.
func Own(t testing.TB) string {
	t.Helper()
	bin, err := findBin()
	if err != nil {
		t.Skipf("PostgreSQL: %v", err)
	}
	srv, err := Start(bin)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(srv.Stop)
	if _, err := srv.admin.Exec("CREATE DATABASE policywatch"); err != nil {
		t.Fatalf("pgtest: creating database policywatch: %v", err)
	}
	return srv.URL("policywatch")
}
