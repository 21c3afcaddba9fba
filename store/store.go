package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"modernc.org/sqlite" // registers the "sqlite" driver
)

// applicationID marks a SQLite file as a policywatch database ("pwat"), so
// that a database of some other application is refused rather than migrated.
const applicationID = 0x70776174

// readerConns is the size of the read-only connection pool.
const readerConns = 4

// maxSnapshotBytes bounds what one snapshot may decompress to, so that a
// damaged or hostile row cannot exhaust memory.
const maxSnapshotBytes = 1 << 30

// Store is a policywatch database: one SQLite file in WAL mode, written
// through a single connection and read through a small pool.
type Store struct {
	path    string   // the file, or the PostgreSQL URL without its password
	d       *dialect // which engine: SQLite or PostgreSQL
	writer  *pool    // SQLite: one connection; PostgreSQL: the pool (readers is the same)
	readers *pool
	codec   *codec        // zstd state (delta.go)
	cache   *contentCache // decoded captures and version texts
	// statements are the readers' prepared statements (stmtcache.go).
	statements statementCache
	closed     bool
}

// Open opens the database at path, creating the file if it is missing, and
// brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, createMissing, nil)
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, opts ...Option) (*Store, error) {
	return open(ctx, path, createMissing, opts)
}

// OpenExisting is Open for commands that update what a database holds
// (subscriptions, deliveries, re-extraction): it fails when the file at
// path does not exist instead of creating an empty database; a 0-byte
// file is made one.
func OpenExisting(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, adoptEmpty, nil)
}

// OpenDatabase is OpenExisting for a process that serves a database it
// never fills (its pages and alerts): a 0-byte file is refused as not a
// database, never made one, so that a mistyped path leaves an unrelated
// empty file alone. An older schema is still brought up to date.
func OpenDatabase(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, requireDatabase, nil)
}

// openMode is what open does with a missing or 0-byte file.
type openMode int

const (
	createMissing   openMode = iota // create a missing file, adopt an empty one
	adoptEmpty                      // refuse a missing file, adopt an empty one
	requireDatabase                 // refuse both
)

// emptyFileError is what opening a 0-byte file says where it must not be
// made a database.
func emptyFileError(path string) error {
	return fmt.Errorf("%s is an empty file, not a policywatch database (import, crawl or demo --db make one)", path)
}

// Option changes how a store writes.
type Option func(*options)

type options struct {
	fastest bool
}

// FasterCompression makes every frame at zstd's fastest level: the better
// and best levels index their tables again for every frame compressed
// against another (1 to 5 ms, most of the time a new version takes to
// store), and their frames are smaller. For tools that load a great many
// versions at once, such as the synthetic archive of the benchmarks; the
// frames read as any others.
func FasterCompression() Option {
	return func(o *options) { o.fastest = true }
}

func collectOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// ErrReadOnly is returned by Write on a store opened with OpenReadOnly.
var ErrReadOnly = errors.New("the database was opened read-only")

// OpenReadOnly opens an existing database for reading only: nothing is
// created, migrated or written, so it serves commands that only read (log,
// diff, a web server without crawling) and works on a file in a read-only
// directory or mount. The database must be at this binary's schema
// version: a read-only command never upgrades it.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	if IsPostgresURL(path) {
		return openPostgres(ctx, path, requireDatabase, true, options{})
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("open database %s: %w", path, fs.ErrNotExist)
	case err != nil:
		return nil, fmt.Errorf("open database %s: %w", path, err)
	case info.IsDir():
		return nil, fmt.Errorf("open database %s: is a directory", path)
	case info.Size() == 0:
		return nil, emptyFileError(path)
	}
	if err := checkHeader(abs); err != nil {
		return nil, fmt.Errorf("%s: not a policywatch database: %w", path, err)
	}
	s := &Store{path: path, d: &dialect{}}
	if err := s.initReadOnly(ctx, abs); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// initReadOnly opens the reader pool without a writer. A WAL database
// needs its shared-memory file; where it cannot be made (a read-only
// directory), the file is opened as immutable, which is safe there since
// nothing can write to it either.
func (s *Store) initReadOnly(ctx context.Context, abs string) error {
	var version int64
	var lastErr error
	for _, dsn := range []string{readerDSN(abs) + "&mode=ro", readerDSN(abs) + "&mode=ro&immutable=1"} {
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return fmt.Errorf("open database %s: %w", s.path, err)
		}
		db.SetMaxOpenConns(readerConns)
		db.SetMaxIdleConns(readerConns)
		var appID int64
		err = db.QueryRowContext(ctx, "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)").Scan(&appID, &version)
		if err != nil {
			db.Close()
			lastErr = err
			continue
		}
		if appID != applicationID {
			db.Close()
			return fmt.Errorf("%s: not a policywatch database: application_id %#x", s.path, appID)
		}
		s.readers = &pool{DB: db, d: s.d}
		break
	}
	if s.readers == nil {
		return fmt.Errorf("open database %s for reading: %w", s.path, lastErr)
	}
	if err := checkVersion(version); err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	pending, err := pendingSteps(ctx, s.readers, version)
	if err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	if len(pending) > 0 {
		return fmt.Errorf("%s: schema version %d is older than this binary's %d (steps %s not applied), and a read-only command does not upgrade it: run any command that writes (import, crawl, reextract) first",
			s.path, version, SchemaVersion(), strings.Join(pending, ", "))
	}
	if s.codec, err = newCodec(false); err != nil {
		return err
	}
	s.cache = newContentCache(contentCacheBytes)
	return nil
}

func open(ctx context.Context, path string, mode openMode, opts []Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	if IsPostgresURL(path) {
		return openPostgres(ctx, path, mode, false, collectOptions(opts))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if mode != createMissing {
			return nil, fmt.Errorf("open database %s: %w", path, fs.ErrNotExist)
		}
	case err != nil:
		return nil, fmt.Errorf("open database %s: %w", path, err)
	case info.IsDir():
		return nil, fmt.Errorf("open database %s: is a directory", path)
	case info.Size() == 0 && mode == requireDatabase:
		return nil, emptyFileError(path)
	case info.Size() > 0:
		// Checked before SQLite sees the file, so nothing can be written to it.
		if err := checkHeader(abs); err != nil {
			return nil, fmt.Errorf("%s: not a policywatch database: %w", path, err)
		}
		if err := probe(ctx, abs); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}

	s := &Store{path: path, d: &dialect{}}
	if err := s.init(ctx, abs, collectOptions(opts)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context, abs string, o options) error {
	db, err := sql.Open("sqlite", writerDSN(abs))
	if err != nil {
		return fmt.Errorf("open database %s: %w", s.path, err)
	}
	s.writer = &pool{DB: db, d: s.d}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	s.writer.SetConnMaxIdleTime(0)
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("open database %s: %w", s.path, err)
	}
	if err := s.migrate(ctx); err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}

	if db, err = sql.Open("sqlite", readerDSN(abs)); err != nil {
		return fmt.Errorf("open database %s: %w", s.path, err)
	}
	s.readers = &pool{DB: db, d: s.d}
	s.readers.SetMaxOpenConns(readerConns)
	s.readers.SetMaxIdleConns(readerConns)
	if err := s.readers.PingContext(ctx); err != nil {
		return fmt.Errorf("open database %s for reading: %w", s.path, err)
	}

	if s.codec, err = newCodec(true); err != nil {
		return err
	}
	if err := s.codec.useOptions(o); err != nil {
		return err
	}
	s.cache = newContentCache(contentCacheBytes)
	return nil
}

// Path returns the path the store was opened with.
func (s *Store) Path() string { return s.path }

// Close closes the connections and the codecs. Later calls do nothing;
// other methods fail once the store is closed.
func (s *Store) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	errs := []error{s.statements.stop()}
	if s.readers != nil {
		errs = append(errs, s.readers.Close())
	}
	// Closing the pool fails the preparations still waiting for one of
	// its connections.
	s.statements.preparing.Wait()
	if s.writer != nil && s.writer != s.readers {
		// The last connection to close checkpoints and removes the WAL file.
		errs = append(errs, s.writer.Close())
	}
	if s.codec != nil {
		errs = append(errs, s.codec.close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close database %s: %w", s.path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's full integrity check and returns an error
// listing the problems it reports.
//
// On PostgreSQL, which has no such check, it reads every row of every
// table, which makes the server read (and check, where the cluster has
// data checksums) every page of them.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.d.postgres {
		return s.readEveryRow(ctx)
	}
	rows, err := s.readers.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check of %s: %w", s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check of %s: %w", s.path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check of %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check of %s failed: %s", s.path, strings.Join(problems, "; "))
	}
	return nil
}

// sqliteHeader starts every SQLite 3 database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkHeader reads the first bytes of the file without SQLite, so that a
// file which is not a database is refused untouched.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 100) // the SQLite header is 100 bytes
	if _, err := io.ReadFull(f, head); err != nil || !bytes.HasPrefix(head, sqliteHeader) {
		return errors.New("file is not a database")
	}
	return nil
}

// probe looks at an existing SQLite file through a connection that cannot
// write, and refuses files of other applications and newer schemas before
// the writer (which switches the file to WAL) touches them.
func probe(ctx context.Context, abs string) error {
	db, err := sql.Open("sqlite", fileURI(abs)+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	var appID, version, objects int64
	row := db.QueryRowContext(ctx,
		"SELECT (SELECT application_id FROM pragma_application_id), "+
			"(SELECT user_version FROM pragma_user_version), "+
			"(SELECT count(*) FROM sqlite_schema)")
	if err := row.Scan(&appID, &version, &objects); err != nil {
		return explainOpenError(err)
	}
	switch {
	case appID == applicationID:
		return checkVersion(version)
	case appID == 0 && version == 0 && objects == 0:
		return nil // an empty database: it becomes ours
	default:
		return fmt.Errorf("not a policywatch database: SQLite database of another application (application_id %#x, user_version %d, %d schema objects)",
			appID, version, objects)
	}
}

// SQLite's primary result codes that say why a file could not be used.
const (
	sqliteReadOnly = 8  // SQLITE_READONLY, and its extended codes
	sqliteCantOpen = 14 // SQLITE_CANTOPEN
	sqliteNotADB   = 26 // SQLITE_NOTADB
)

// explainOpenError says why a database could not be read to be opened
// for writing: a file that is not a database is one thing; a database in
// a read-only directory, whose WAL files cannot be made, is another, which
// a reader can still open (OpenReadOnly).
func explainOpenError(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("reading the database: %w", err)
	}
	switch se.Code() & 0xff {
	case sqliteNotADB:
		return fmt.Errorf("not a policywatch database: %w", err)
	case sqliteReadOnly, sqliteCantOpen:
		return fmt.Errorf("the database cannot be written (a read-only file, directory or mount: SQLite makes its -wal and -shm files beside it): %w", err)
	}
	return fmt.Errorf("reading the database: %w", err)
}

func writerDSN(abs string) string {
	return fileURI(abs) + "?" + strings.Join([]string{
		"_pragma=busy_timeout(10000)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
		"_pragma=foreign_keys(1)",
		"_txlock=immediate",
		"_time_format=sqlite",
	}, "&")
}

// readerDSN leaves the journal mode alone (the writer set it, and it is
// persistent) and makes the connection refuse writes. Readers map the file
// (readerMmapBytes) rather than read(2) each page: on a 3 GB archive the
// page reads were a tenth of a rendered page's CPU, a system call and a
// copy each. SQLite keeps mapped reads consistent with WAL and with other
// processes' writes (a checkpoint never shrinks the file under a reader's
// snapshot); an I/O error on a mapped page would crash the process
// instead of failing one query, which a disk that fails reads does to a
// server anyway.
func readerDSN(abs string) string {
	return fileURI(abs) + "?" + strings.Join([]string{
		"_pragma=busy_timeout(10000)",
		"_pragma=foreign_keys(1)",
		"_pragma=query_only(1)",
		"_pragma=mmap_size(" + strconv.FormatInt(readerMmapBytes, 10) + ")",
		"_time_format=sqlite",
	}, "&")
}

// readerMmapBytes is how much of the database file a reader maps: address
// space, not memory (the pages are the kernel's page cache, shared by the
// connections). SQLite lowers it to its compiled-in limit.
const readerMmapBytes = 16 << 30

// fileURI turns an absolute path into an SQLite URI filename, escaping the
// characters that would otherwise start the query or fragment.
func fileURI(abs string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(filepath.ToSlash(abs))
}
