package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// AppRole is the database role the store uses, created by the first
// migration without BYPASSRLS. See docs/architecture.md for how deployments
// grant it.
const AppRole = "iam_app"

// Options configure Open. The zero value is usable.
type Options struct {
	// MaxConns is the pool size; 0 means pgxpool's default (max(4, CPUs)).
	MaxConns int32
	// MinConns connections are kept open even when idle.
	MinConns int32
	// StatementTimeout aborts any statement running longer (0: 30s; a
	// negative value disables it). Mapped to ErrTimeout.
	StatementTimeout time.Duration
	// HealthCheckPeriod is how often idle connections are checked (0: 1m).
	HealthCheckPeriod time.Duration
	// ConnectTimeout bounds one connection attempt: dialing, TLS and
	// authentication, per host (0: 5s; a negative value leaves it
	// unbounded but for the caller's context). A connect_timeout in the URL
	// wins. Without it a server or pooler that accepts TCP but never
	// answers would hold Open, and every statement that needs a new
	// connection, until the caller's deadline.
	ConnectTimeout time.Duration
	// ResponseTimeout bounds how long the store waits for the next data
	// from the server on an open connection, once it has sent something:
	// a server or pooler that stopped answering (a frozen process, a host
	// gone without a reset), where StatementTimeout cannot help because
	// the server never runs or cannot answer. The call fails with
	// ErrTimeout and the connection is closed. 0: StatementTimeout + 5s,
	// or none when StatementTimeout is disabled (then set it explicitly);
	// negative: none. It must exceed the longest statement, so keep it
	// above the statement timeout (also the login's, behind a pooler) and
	// above the longest raw statement run on Pool().
	ResponseTimeout time.Duration
	// Role is the role every connection switches to with SET ROLE. Default
	// AppRole; set NoRole when the login role itself is the application role
	// (a member of iam_app logging in directly needs no SET ROLE).
	Role string
	// MaxTxRetries bounds how often InTx re-runs a transaction that failed
	// with a serialization failure or a deadlock (0: 3).
	MaxTxRetries int
	// Source is written into the source column of rows this store creates or
	// changes, unless the context carries another (WithSource). Default "go".
	Source string
	// AllowBypassRLS lets Open accept connections whose effective role (the
	// login role, or Role after SET ROLE) is a superuser or has BYPASSRLS.
	// Row-level security does not apply to such a role, so the database no
	// longer keeps tenants apart: only the store's own organization_id
	// predicates do. Open refuses such a role unless this is set; set it only
	// knowingly (a maintenance tool that must see every tenant), never for a
	// service.
	AllowBypassRLS bool
	// Pooler says what sits between the store and PostgreSQL: PoolerNone
	// (a direct connection or a session pooler) or PoolerTransaction
	// (PgBouncer in transaction mode, RDS Proxy, Supabase's pooler on its
	// transaction port). With PoolerTransaction the store keeps no state
	// on a connection beyond one transaction: Role must be NoRole (log in
	// as a member of iam_app: SET ROLE would stay on a server connection
	// that the pooler hands to other clients), statements use pgx's
	// QueryExecModeCacheDescribe unless the URL's default_query_exec_mode
	// says exec or simple_protocol (named prepared statements are refused),
	// and StatementTimeout is set with set_config(..., true) inside each
	// transaction and statement batch instead of as a startup parameter.
	// See docs/scaling.md.
	Pooler Pooler
	// ReplicaURLs are read replicas (streaming standbys, or poolers in
	// front of them). Session lookups, API key reads by id and list pages
	// go to one of them (round robin); a lookup or read that the replica
	// does not answer with a row (replication lag: a session created a
	// moment ago), a list page it returns empty, and any replica error are
	// asked to the primary again. Writes, workflows and transactions always
	// use the primary, and so does every read of a context made with
	// ReadPrimary. A replica that fails to connect is skipped for
	// ReplicaRetry. They use the same login, Role and Pooler.
	ReplicaURLs []string
	// ReplicaRetry is how long a replica that failed to connect is left
	// out before it is tried again (0: 2s).
	ReplicaRetry time.Duration
}

// Pooler names the kind of connection pooler between the store and the
// server (Options.Pooler).
type Pooler string

const (
	// PoolerNone: a direct connection (or a session-mode pooler).
	PoolerNone Pooler = ""
	// PoolerTransaction: a transaction-mode pooler such as PgBouncer's
	// pool_mode = transaction.
	PoolerTransaction Pooler = "transaction"
)

// NoRole disables SET ROLE in Options.Role.
const NoRole = "-"

// ErrBypassRLS is returned by Open when the effective role of its
// connections is a superuser or has BYPASSRLS and Options.AllowBypassRLS is
// not set.
var ErrBypassRLS = errors.New("the database role bypasses row-level security")

// Store is the entry point: global repositories hang off it, and Org
// returns the handle for one organization's data. It is safe for concurrent
// use.
type Store struct {
	pool *pgxpool.Pool
	opts Options
	// db is what global statements run on: the pool, with the statement
	// timeout set per statement behind a transaction pooler. An orgDB
	// with no organization, boxed once (no allocation per statement).
	db DB
	// timeout is the statement_timeout set with set_config in every
	// transaction and batch behind a transaction pooler ("" otherwise).
	timeout string
	// listenDial is the URL's dialer without the ResponseTimeout wrapper,
	// for the session cache's LISTEN connection (it waits for
	// notifications, not answers).
	listenDial pgconn.DialFunc
	replicas   []*replica
	next       atomic.Uint32
	stats      storeStats
	// failpoint, when set (tests only), is called at each step of a
	// workflow; an error it returns aborts the workflow there.
	failpoint func(step string) error
}

// step marks a workflow step for the atomicity tests.
func (s *Store) step(name string) error {
	if s.failpoint != nil {
		return s.failpoint(name)
	}
	return nil
}

// Open connects to url and checks the connection. The pool is closed again
// if the check fails.
//
// It also refuses (ErrBypassRLS) a connection whose effective role — the
// login role with NoRole, else Options.Role after SET ROLE — is a superuser
// or has BYPASSRLS: row-level security would not apply, so the database would
// not enforce tenant isolation. Connect as a login that is a member of
// iam_app (the default SET ROLE iam_app then applies), or set
// Options.AllowBypassRLS to accept such a role knowingly.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	cfg, err := poolConfig(url, &opts, "database URL")
	if err != nil {
		return nil, err
	}
	var plainDial pgconn.DialFunc
	if plain, err := pgxpool.ParseConfig(url); err == nil {
		plainDial = plain.ConnConfig.DialFunc
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &Store{pool: pool, opts: opts, listenDial: plainDial}
	if opts.Pooler == PoolerTransaction && opts.StatementTimeout > 0 {
		s.timeout = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	}
	s.db = orgDB{s: s, pool: pool}
	closeAll := func() {
		pool.Close()
		for _, r := range s.replicas {
			r.pool.Close()
		}
	}
	for i, u := range opts.ReplicaURLs {
		rcfg, err := poolConfig(u, &opts, fmt.Sprintf("Options.ReplicaURLs[%d]", i))
		if err != nil {
			closeAll()
			return nil, err
		}
		rp, err := pgxpool.NewWithConfig(ctx, rcfg)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("store: Options.ReplicaURLs[%d]: %w", i, err)
		}
		s.replicas = append(s.replicas, &replica{pool: rp, db: orgDB{s: s, pool: rp}})
	}
	if err := s.Ping(ctx); err != nil {
		closeAll()
		return nil, err
	}
	if !opts.AllowBypassRLS {
		if err := s.refuseBypassRLS(ctx); err != nil {
			closeAll()
			return nil, err
		}
	}
	return s, nil
}

// check validates the options that can be wrong, naming the field and the
// rule, and fills in the defaults.
func (opts *Options) check() error {
	switch opts.Pooler {
	case PoolerNone, PoolerTransaction:
	default:
		return fmt.Errorf("store: Options.Pooler: %q is not a known pooler (use store.PoolerNone or store.PoolerTransaction)", string(opts.Pooler))
	}
	if opts.MaxConns < 0 || opts.MinConns < 0 {
		return errors.New("store: Options.MaxConns and Options.MinConns must not be negative")
	}
	if opts.ReplicaRetry < 0 {
		return errors.New("store: Options.ReplicaRetry must not be negative")
	}
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 5 * time.Second
	}
	if opts.ReplicaRetry == 0 {
		opts.ReplicaRetry = 2 * time.Second
	}
	if opts.StatementTimeout == 0 {
		opts.StatementTimeout = 30 * time.Second
	}
	if opts.ResponseTimeout == 0 && opts.StatementTimeout > 0 {
		opts.ResponseTimeout = opts.StatementTimeout + 5*time.Second
	}
	if opts.MaxTxRetries == 0 {
		opts.MaxTxRetries = 3
	}
	if opts.Pooler == PoolerTransaction {
		if opts.Role != "" && opts.Role != NoRole {
			return fmt.Errorf("store: Options.Role: must be empty or store.NoRole with Options.Pooler = %q: SET ROLE %s would stay on a server connection "+
				"that the pooler hands to other clients; log in as a member of %s instead (CREATE ROLE svc LOGIN IN ROLE %s)", opts.Pooler, opts.Role, AppRole, AppRole)
		}
		opts.Role = NoRole
	}
	if opts.Role == "" {
		opts.Role = AppRole
	}
	if opts.Source == "" {
		opts.Source = "go"
	}
	return nil
}

// poolConfig parses one URL (primary or replica) into a pool configuration
// for opts. what names the URL in errors (never its text: it may hold a
// password).
func poolConfig(url string, opts *Options, what string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: invalid %s: %w", what, redactURLError(err))
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MinConns > 0 {
		cfg.MinConns = opts.MinConns
	}
	if opts.HealthCheckPeriod > 0 {
		cfg.HealthCheckPeriod = opts.HealthCheckPeriod
	}
	if opts.ConnectTimeout > 0 && cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	}
	if opts.ResponseTimeout > 0 {
		cfg.ConnConfig.DialFunc = withResponseTimeout(cfg.ConnConfig.DialFunc, opts.ResponseTimeout)
	}
	if opts.Pooler == PoolerTransaction {
		switch cfg.ConnConfig.DefaultQueryExecMode {
		case pgx.QueryExecModeCacheStatement:
			if strings.Contains(url, "default_query_exec_mode") {
				return nil, fmt.Errorf("store: %s: default_query_exec_mode=cache_statement cannot be used with Options.Pooler = %q: "+
					"named prepared statements do not survive a transaction pooler; use cache_describe, exec or simple_protocol", what, opts.Pooler)
			}
			cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
		case pgx.QueryExecModeDescribeExec:
			return nil, fmt.Errorf("store: %s: default_query_exec_mode=describe_exec cannot be used with Options.Pooler = %q: "+
				"its two round trips can reach two server connections; use cache_describe, exec or simple_protocol", what, opts.Pooler)
		}
		// PgBouncer refuses unknown startup parameters; the timeout is set
		// per transaction instead.
		return cfg, nil
	}
	if opts.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	}
	if opts.Role != NoRole {
		role := opts.Role
		cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
			if _, err := c.Exec(ctx, "SET ROLE "+pgx.Identifier{role}.Sanitize()); err != nil {
				return fmt.Errorf("store: SET ROLE %s failed (run `iam migrate up` to create the role and grant it to the login user): %w", role, err)
			}
			return nil
		}
	}
	return cfg, nil
}

// refuseBypassRLS fails when the effective role of the pool's connections
// (every connection runs the same SET ROLE, so one is asked) is exempt from
// row-level security.
func (s *Store) refuseBypassRLS(ctx context.Context) error {
	var role string
	var super, bypass bool
	err := s.db.QueryRow(ctx, "SELECT current_user, rolsuper, rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user").
		Scan(&role, &super, &bypass)
	if err != nil {
		return fmt.Errorf("store: reading the attributes of the database role failed: %w", classifyPlain(err))
	}
	if !super && !bypass {
		return nil
	}
	what := "has BYPASSRLS"
	if super {
		what = "is a superuser"
	}
	how := "the login role; Options.Role is NoRole"
	if s.opts.Role != NoRole {
		how = "Options.Role, switched to with SET ROLE"
	}
	return fmt.Errorf("store: %w: role %q (%s) %s, so tenant isolation would not be enforced by the database; "+
		"connect as a login that is a member of %s and keep the default Options.Role (SET ROLE %s), "+
		"or set Options.AllowBypassRLS to accept it knowingly", ErrBypassRLS, role, how, what, AppRole, AppRole)
}

// redactURLError keeps pgx's parse error but not the URL (it may hold a password).
func redactURLError(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New(pe.Unwrap().Error())
	}
	return err
}

// Ping is the health check: it acquires a connection and runs a trivial
// statement as the store's role.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: health check failed: %w", classifyPlain(err))
	}
	return nil
}

// Close closes the pools. Calls after Close fail with ErrClosed.
func (s *Store) Close() {
	s.pool.Close()
	for _, r := range s.replicas {
		r.pool.Close()
	}
}

// Pool returns the underlying pool, for callers that need raw SQL under the
// same role (RLS still applies).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

func classifyPlain(err error) error {
	c := classify(err)
	if c.passthrough || c.kind == errUnknown {
		return err
	}
	return fmt.Errorf("%w: %s", c.kind, safeCause(err))
}

// DB is what repositories run statements on: the pool or a transaction.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Tx is a transaction on global data. Repositories obtained from it run in
// the transaction.
type Tx struct {
	tx    pgx.Tx
	store *Store
}

// DB runs the caller's own statements in the transaction (no organization
// is set: organization-scoped rows are reached through Org handles, not
// here). Workflows and the caller's writes then commit or roll back
// together.
func (tx *Tx) DB() DB { return tx.tx }

// InTx runs fn in one transaction and commits it when fn returns nil. A
// serialization failure or deadlock re-runs fn, at most Options.MaxTxRetries
// more times, so fn must not have side effects outside the transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTx(ctx, "", func(t pgx.Tx) error { return fn(&Tx{tx: t, store: s}) })
}

// inTx is InTx with an optional organization id put into app.current_org_id
// for the transaction (set_config(..., true) is transaction-local, so a
// pooled connection never carries it into another transaction).
func (s *Store) inTx(ctx context.Context, orgID string, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		err = s.runTx(ctx, orgID, fn)
		if err == nil || attempt >= s.opts.MaxTxRetries || !retryable(err) {
			return err
		}
		if ctx.Err() != nil {
			return err
		}
	}
}

func (s *Store) runTx(ctx context.Context, orgID string, fn func(pgx.Tx) error) (err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(err, "transaction", "begin", "")
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	switch {
	case orgID != "" && s.timeout != "":
		if _, err = tx.Exec(ctx, setOrgTimeoutSQL, orgID, s.timeout); err != nil {
			return wrap(err, "transaction", "set tenant", orgID)
		}
	case orgID != "":
		if _, err = tx.Exec(ctx, setOrgSQL, orgID); err != nil {
			return wrap(err, "transaction", "set tenant", orgID)
		}
	case s.timeout != "":
		if _, err = tx.Exec(ctx, setTimeoutSQL, s.timeout); err != nil {
			return wrap(err, "transaction", "set statement timeout", "")
		}
	}
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(ctx); err != nil {
		return wrap(err, "transaction", "commit", "")
	}
	return nil
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgerrcode.SerializationFailure || pgErr.Code == pgerrcode.DeadlockDetected
	}
	return false
}
