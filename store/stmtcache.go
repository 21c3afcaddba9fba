package store

import (
	"context"
	"database/sql"
	"sync"
)

// Pages read the same few statements thousands of times a second; SQLite
// compiling each again was an eighth of a version page's time. The reader
// pool keeps them prepared (database/sql prepares a statement once on each
// connection that runs it), keyed by their text.

// maxPreparedStatements bounds the cache: statement texts vary only with
// which filters a list has, so a handful are hot; beyond the bound, texts
// run unprepared.
const maxPreparedStatements = 256

type statementCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// prepared returns the readers' prepared statement for query, preparing it
// the first time; nil when the cache is full.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	c := &s.statements
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	if len(c.stmts) >= maxPreparedStatements {
		return nil, nil
	}
	st, err := s.readers.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st, nil
}

// queryIn runs query in the read transaction tx, prepared.
func (s *Store) queryIn(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return tx.QueryContext(ctx, query, args...)
	}
	return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}

// queryRowIn is queryIn for one row.
func (s *Store) queryRowIn(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	st, err := s.prepared(ctx, query)
	if err != nil || st == nil {
		return tx.QueryRowContext(ctx, query, args...)
	}
	return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// queryReaders runs query on the reader pool, outside a transaction,
// prepared.
func (s *Store) queryReaders(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return s.readers.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// close closes the prepared statements.
func (c *statementCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for _, st := range c.stmts {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.stmts = nil
	return first
}

// preparedTx is a read transaction whose single-row queries run prepared:
// what unchain and the other helpers that take a querier are given on the
// read path.
type preparedTx struct {
	s  *Store
	tx *sql.Tx
}

func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.s.queryRowIn(ctx, p.tx, query, args...)
}
