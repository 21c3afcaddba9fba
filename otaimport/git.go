package otaimport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// The history of a repository is read with the git program, not go-git:
// one `git log --raw` streams every commit with the files it changed, and
// one `git cat-file --batch` serves their contents, whereas go-git walks
// each commit's trees to find what changed (see BENCHMARKS.md: git reads
// a 100,000-commit repository tens of times faster). Whoever has clones of
// Open Terms Archive repositories has git.

// repo is a local git repository read through the git program.
type repo struct {
	dir  string
	root string // hash of the first commit: the repository's identity across clones
	head string
}

// openRepo checks that dir is a git repository with at least one commit.
func openRepo(ctx context.Context, dir string) (*repo, error) {
	if info, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, unwrap(err))
	} else if !info.IsDir() {
		return nil, fmt.Errorf("%s: not a directory (give the path of a clone of the repository)", dir)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("reading %s needs the git program: %w", dir, err)
	}
	r := &repo{dir: dir}
	out, err := r.git(ctx, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		if _, gitErr := r.git(ctx, "rev-parse", "--git-dir"); gitErr != nil {
			return nil, fmt.Errorf("%s: not a git repository (give the path of a clone)", dir)
		}
		return nil, fmt.Errorf("%s: the repository has no commits", dir)
	}
	r.head = strings.TrimSpace(out)
	// git finds the repository of any directory inside one: a folder of a
	// clone (or of this project's own repository) is not a collection.
	if prefix, err := r.git(ctx, "rev-parse", "--show-prefix"); err == nil && strings.TrimSpace(prefix) != "" {
		return nil, fmt.Errorf("%s: a folder inside a git repository, not the top of a clone", dir)
	}
	out, err = r.git(ctx, "rev-list", "--first-parent", "--max-parents=0", "HEAD")
	if err != nil {
		return nil, err
	}
	roots := strings.Fields(out)
	if len(roots) == 0 {
		return nil, fmt.Errorf("%s: no first commit found", dir)
	}
	r.root = roots[len(roots)-1]
	return r, nil
}

// git runs one git command in the repository and returns its output.
func (r *repo) git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", r.dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s: git %s: %v: %s", r.dir, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// isAncestor reports whether commit is in HEAD's history.
func (r *repo) isAncestor(ctx context.Context, commit string) bool {
	err := exec.CommandContext(ctx, "git", "-C", r.dir, "merge-base", "--is-ancestor", commit, "HEAD").Run()
	return err == nil
}

// countCommits counts the commits after since (all when since is "").
func (r *repo) countCommits(ctx context.Context, since string) (int, error) {
	out, err := r.git(ctx, "rev-list", "--count", "--first-parent", rangeTo(since, r.head))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(out))
}

// files lists the paths of the files at HEAD.
func (r *repo) files(ctx context.Context) ([]string, error) {
	out, err := r.git(ctx, "ls-tree", "-r", "-z", "--name-only", r.head)
	if err != nil {
		return nil, err
	}
	return strings.FieldsFunc(out, func(c rune) bool { return c == 0 }), nil
}

func rangeTo(since, head string) string {
	if since == "" {
		return head
	}
	return since + ".." + head
}

// commit is one commit of the first-parent history, with the files it
// added or modified (deletions are not captures).
type commit struct {
	Hash    string
	Date    time.Time // author date: what Open Terms Archive sets to the capture time, and what a rebase keeps
	Message string
	Files   []changedFile
}

type changedFile struct {
	Path string
	Blob string
}

// Subject is the first line of the message.
func (c commit) Subject() string {
	s, _, _ := strings.Cut(c.Message, "\n")
	return strings.TrimSpace(s)
}

// log calls fn with each commit after since, oldest first, following first
// parents (Open Terms Archive's histories are linear). It stops at fn's
// first error.
func (r *repo) log(ctx context.Context, since string, fn func(commit) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "-C", r.dir, "log", "--reverse", "--first-parent", "--no-renames",
		"--raw", "--no-abbrev", "-z", "--diff-merges=first-parent", "--format=%x01%H%x00%at%x00%B", rangeTo(since, r.head), "--")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: git log: %w", r.dir, err)
	}
	fnErr := readLog(bufio.NewReaderSize(stdout, 1<<16), fn)
	if fnErr != nil {
		cancel()
		_ = cmd.Wait()
		return fnErr
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%s: git log: %v: %s", r.dir, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// readLog parses `git log -z --raw --format=%x01%H%x00%at%x00%B`: each
// commit starts with \x01; hash, date and message end with NUL; then come
// raw entries, ":MODES HASHES STATUS" NUL path NUL.
func readLog(r *bufio.Reader, fn func(commit) error) error {
	if _, err := r.ReadString('\x01'); err != nil {
		if err == io.EOF {
			return nil // no commits
		}
		return err
	}
	for {
		record, err := r.ReadString('\x01')
		last := errors.Is(err, io.EOF)
		if err != nil && !last {
			return err
		}
		record = strings.TrimSuffix(record, "\x01")
		c, perr := parseLogRecord(record)
		if perr != nil {
			return perr
		}
		if err := fn(c); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

func parseLogRecord(record string) (commit, error) {
	fields := strings.SplitN(record, "\x00", 4)
	if len(fields) < 3 {
		return commit{}, fmt.Errorf("git log: unexpected output %.80q", record)
	}
	secs, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return commit{}, fmt.Errorf("git log: commit %s: date %q: %v", fields[0], fields[1], err)
	}
	c := commit{Hash: fields[0], Date: time.Unix(secs, 0).UTC(), Message: fields[2]}
	if len(fields) == 4 {
		tokens := strings.Split(strings.TrimLeft(fields[3], "\n"), "\x00")
		for i := 0; i+1 < len(tokens); i += 2 {
			meta, path := tokens[i], tokens[i+1]
			parts := strings.Fields(strings.TrimPrefix(meta, ":"))
			if len(parts) < 5 {
				return commit{}, fmt.Errorf("git log: commit %s: unexpected raw entry %q", c.Hash, meta)
			}
			switch parts[4][0] {
			case 'A', 'M', 'T':
				c.Files = append(c.Files, changedFile{Path: path, Blob: parts[3]})
			}
		}
	}
	return c, nil
}

// blobReader reads file contents through one `git cat-file --batch`.
type blobReader struct {
	dir   string
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	limit int64
}

func (r *repo) blobs(ctx context.Context, limit int64) (*blobReader, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", r.dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: git cat-file: %w", r.dir, err)
	}
	return &blobReader{dir: r.dir, cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16), limit: limit}, nil
}

// errTooLarge is a file larger than the capture size limit.
var errTooLarge = errors.New("larger than the size limit of one capture")

// read returns the content of a blob. A blob over the limit is skipped
// (read and dropped) and errTooLarge returned: the stream stays usable.
func (b *blobReader) read(hash string) ([]byte, error) {
	if _, err := io.WriteString(b.in, hash+"\n"); err != nil {
		return nil, fmt.Errorf("%s: git cat-file: %w", b.dir, err)
	}
	header, err := b.out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("%s: git cat-file: %w", b.dir, err)
	}
	parts := strings.Fields(header)
	if len(parts) != 3 {
		return nil, fmt.Errorf("%s: git cat-file: blob %s: %s", b.dir, hash, strings.TrimSpace(header))
	}
	size, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: git cat-file: blob %s: size %q", b.dir, hash, parts[2])
	}
	if size > b.limit {
		if _, err := b.out.Discard(int(size) + 1); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%d bytes: %w (%d bytes)", size, errTooLarge, b.limit)
	}
	content := make([]byte, size+1) // with the newline that ends each blob
	if _, err := io.ReadFull(b.out, content); err != nil {
		return nil, fmt.Errorf("%s: git cat-file: blob %s: %w", b.dir, hash, err)
	}
	return content[:size], nil
}

func (b *blobReader) close() error {
	b.in.Close()
	return b.cmd.Wait()
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
