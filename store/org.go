package store

import (
	"context"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Org is the handle on one organization's data. It is the only way to reach
// organization-scoped tables: the organization id is fixed when the handle
// is made, every statement includes it, and every statement or transaction
// sets app.current_org_id so that the RLS policies confine the connection to
// that organization even if a query forgot its predicate.
type Org struct {
	s  *Store
	id string
	db DB
}

// Org returns the handle for organization id. It does not check that the
// organization exists: a missing organization simply has no rows.
func (s *Store) Org(id domain.OrganizationID) *Org {
	o := &Org{s: s, id: id.String()}
	o.db = orgDB{s: s, pool: s.pool, org: o.id}
	return o
}

// ID returns the organization the handle is bound to.
func (o *Org) ID() domain.OrganizationID { return domain.MustParseID[domain.Organization](o.id) }

// OrgTx is a transaction confined to one organization.
type OrgTx struct {
	o  *Org
	tx pgx.Tx
}

// ID returns the organization the transaction is bound to.
func (tx *OrgTx) ID() domain.OrganizationID { return tx.o.ID() }

// DB runs the caller's own statements in the transaction, confined to its
// organization like the repositories (app.current_org_id is set, so the
// RLS policies of organization-scoped tables, the application's own
// included, admit only its rows). Workflows and the caller's writes then
// commit or roll back together.
func (tx *OrgTx) DB() DB { return tx.tx }

// InTx runs fn in one transaction with app.current_org_id set to the
// handle's organization; it retries like Store.InTx.
func (o *Org) InTx(ctx context.Context, fn func(tx *OrgTx) error) error {
	return o.s.inTx(ctx, o.id, func(t pgx.Tx) error {
		return fn(&OrgTx{o: &Org{s: o.s, id: o.id, db: t}, tx: t})
	})
}

// orgDB runs each statement of an organization together with
// set_config('app.current_org_id') in one batch: one round trip, one
// implicit transaction, so the setting applies to exactly that statement.
// Behind a transaction pooler the statement timeout is set in the same
// statement. With org "" it is the store's global handle: statements go to
// the pool as they are, or behind a transaction pooler with a timeout
// after set_config('statement_timeout') in one batch.
type orgDB struct {
	s    *Store
	pool *pgxpool.Pool // the primary's or a replica's
	org  string
}

const (
	setOrgSQL        = "SELECT set_config('app.current_org_id', $1, true)"
	setOrgTimeoutSQL = "SELECT set_config('app.current_org_id', $1, true), set_config('statement_timeout', $2, true)"
	setTimeoutSQL    = "SELECT set_config('statement_timeout', $1, true)"
)

// plain reports whether statements go to the pool without a prologue.
func (d orgDB) plain() bool { return d.org == "" && d.s.timeout == "" }

func (d orgDB) batch(ctx context.Context, sql string, args []any) pgx.BatchResults {
	b := &pgx.Batch{}
	switch {
	case d.org != "" && d.s.timeout != "":
		b.Queue(setOrgTimeoutSQL, d.org, d.s.timeout)
	case d.org != "":
		b.Queue(setOrgSQL, d.org)
	default:
		b.Queue(setTimeoutSQL, d.s.timeout)
	}
	b.Queue(sql, args...)
	return d.pool.SendBatch(ctx, b)
}

func (d orgDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if d.plain() {
		return d.pool.Exec(ctx, sql, args...)
	}
	br := d.batch(ctx, sql, args)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if err != nil {
		return tag, err
	}
	return tag, br.Close()
}

func (d orgDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if d.plain() {
		return d.pool.Query(ctx, sql, args...)
	}
	br := d.batch(ctx, sql, args)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func (d orgDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if d.plain() {
		return d.pool.QueryRow(ctx, sql, args...)
	}
	rows, err := d.Query(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return rowFromRows{rows}
}

// batchRows closes the batch when the rows are closed.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r *batchRows) Close() {
	r.Rows.Close()
	_ = r.br.Close()
}

type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }

// rowFromRows gives QueryRow semantics (ErrNoRows, first row only) over Rows.
type rowFromRows struct{ rows pgx.Rows }

func (r rowFromRows) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
