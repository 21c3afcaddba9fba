package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The store speaks to SQLite or PostgreSQL through database/sql. Its SQL
// is written once where both engines read it alike, in SQLite's spelling
// (? and ?N parameters, ifnull), which rebind turns into PostgreSQL's ($N,
// coalesce); where they differ, each statement is written twice, side by
// side, and pick chooses (postgres.go and the files of each table family).

// dialect is what differs between the engines at run time.
type dialect struct {
	postgres bool
	rebound  sync.Map // SQLite text → PostgreSQL text
}

// sql returns query as the engine reads it.
func (d *dialect) sql(query string) string {
	if d == nil || !d.postgres {
		return query
	}
	if q, ok := d.rebound.Load(query); ok {
		return q.(string)
	}
	q := rebind(query)
	d.rebound.Store(query, q)
	return q
}

// pick returns lite on SQLite and pg on PostgreSQL.
func (d *dialect) pick(lite, pg string) string {
	if d != nil && d.postgres {
		return pg
	}
	return lite
}

// noLimit is the LIMIT argument that means no limit.
func (d *dialect) noLimit() any {
	if d != nil && d.postgres {
		return nil // LIMIT NULL
	}
	return -1
}

// rebind turns SQLite's parameters (?, ?N) into PostgreSQL's ($N) and
// ifnull into coalesce, outside string literals and quoted names.
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	next := 1
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				b.WriteString(query[i+1 : j])
			} else {
				b.WriteString(strconv.Itoa(next))
				next++
			}
			i = j - 1
		case (c == 'i' || c == 'I') && strings.HasPrefix(strings.ToLower(query[i:]), "ifnull(") && (i == 0 || !isWordByte(query[i-1])):
			b.WriteString("coalesce(")
			i += len("ifnull(") - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// pool is a connection pool that speaks the store's dialect.
type pool struct {
	*sql.DB
	d *dialect
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.DB.ExecContext(ctx, p.d.sql(query), args...)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.DB.QueryContext(ctx, p.d.sql(query), args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.DB.QueryRowContext(ctx, p.d.sql(query), args...)
}

func (p *pool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.DB.PrepareContext(ctx, p.d.sql(query))
}

// begin starts a transaction that speaks the store's dialect.
func (p *pool) begin(ctx context.Context, opts *sql.TxOptions) (*dbTx, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &dbTx{Tx: tx, d: p.d}, nil
}

// dbTx is a transaction that speaks the store's dialect.
type dbTx struct {
	*sql.Tx
	d *dialect
}

func (t *dbTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.sql(query), args...)
}

func (t *dbTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.sql(query), args...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.sql(query), args...)
}

func (t *dbTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.d.sql(query))
}

// insertID runs an INSERT of one row and returns the id it was given;
// inserted is false when it inserted nothing (ON CONFLICT DO NOTHING, or
// an INSERT … SELECT that selected no row). SQLite reports the id of the
// row; PostgreSQL returns it (RETURNING id).
func (t *dbTx) insertID(ctx context.Context, query string, args ...any) (id int64, inserted bool, err error) {
	if t.d.postgres {
		err := t.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		return id, err == nil, err
	}
	res, err := t.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, false, err
	}
	id, err = res.LastInsertId()
	return id, err == nil, err
}

// readOptions are those of a read transaction: read-only, and on
// PostgreSQL one snapshot for all its statements, as SQLite's reads have.
func (s *Store) readOptions() *sql.TxOptions {
	if s.d.postgres {
		return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	return &sql.TxOptions{ReadOnly: true}
}

func (p *pool) Exec(query string, args ...any) (sql.Result, error) {
	return p.DB.Exec(p.d.sql(query), args...)
}

func (p *pool) QueryRow(query string, args ...any) *sql.Row {
	return p.DB.QueryRow(p.d.sql(query), args...)
}

func (p *pool) Query(query string, args ...any) (*sql.Rows, error) {
	return p.DB.Query(p.d.sql(query), args...)
}

// text is s as the engine can hold it in a text column. SQLite keeps any
// bytes; PostgreSQL's text holds only valid UTF-8 without NUL, so on
// PostgreSQL what a hostile page brought into derived text (a change's
// summary, a fetch's error or headers) is stored with U+FFFD in place of
// the bytes it cannot hold. The capture itself (bytea) keeps every byte.
func (d *dialect) text(s string) string {
	if d == nil || !d.postgres || (utf8.ValidString(s) && strings.IndexByte(s, 0) < 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
