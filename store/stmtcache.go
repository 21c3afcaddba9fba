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

// A statement is prepared in the background, never by the caller: a caller
// in a read transaction holds one of the pool's connections, and preparing
// on the pool needs another, so callers that filled the pool would wait
// for each other forever. Until it is ready, a statement runs unprepared.
type statementCache struct {
	mu        sync.Mutex
	stmts     map[string]*sql.Stmt
	pending   map[string]bool
	closed    bool
	preparing sync.WaitGroup
}

// prepared returns the readers' prepared statement for query, or nil when
// it is not ready yet; the first miss starts preparing it.
func (s *Store) prepared(query string) *sql.Stmt {
	if s.d.postgres {
		return nil // pgx keeps each connection's statements prepared itself
	}
	c := &s.statements
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if c.closed || c.pending[query] || len(c.stmts)+len(c.pending) >= maxPreparedStatements {
		return nil
	}
	if c.pending == nil {
		c.pending = map[string]bool{}
	}
	c.pending[query] = true
	c.preparing.Go(func() {
		// An error here (a closed database, a bad statement) is the
		// unprepared run's to report.
		st, err := s.readers.PrepareContext(context.Background(), query)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, query)
		if err != nil {
			return
		}
		if c.closed {
			st.Close()
			return
		}
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		c.stmts[query] = st
	})
	return nil
}

// queryIn runs query in the read transaction tx, prepared when it can be.
func (s *Store) queryIn(ctx context.Context, tx *dbTx, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(query); st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// queryRowIn is queryIn for one row.
func (s *Store) queryRowIn(ctx context.Context, tx *dbTx, query string, args ...any) *sql.Row {
	if st := s.prepared(query); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// queryReaders runs query on the reader pool, outside a transaction,
// prepared when it can be.
func (s *Store) queryReaders(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.readers.QueryContext(ctx, query, args...)
}

// stop closes the prepared statements and keeps new ones from being
// cached; statements still being prepared close themselves when ready.
func (c *statementCache) stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
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
	tx *dbTx
}

func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.s.queryRowIn(ctx, p.tx, query, args...)
}
