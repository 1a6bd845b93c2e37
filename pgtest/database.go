package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/beep/iam/migrate"
)

// MigrateFunc applies a set of migrations to the database conn is
// connected to.
type MigrateFunc func(ctx context.Context, conn *pgx.Conn) error

// Option chooses what a new database contains.
type Option func(*options)

type step struct {
	name string
	fn   MigrateFunc
}

type options struct {
	noIAM bool
	steps []step
}

// Empty gives a database without the IAM migrations (only what further
// WithMigrate options add), e.g. to test a migrator.
func Empty() Option { return func(o *options) { o.noIAM = true } }

// WithMigrate adds a migration step, run after the IAM migrations (unless
// Empty) and after earlier steps, when the template is built. The template
// is keyed by the names of the steps: give each distinct set of migrations
// its own name and change the name when the migrations change (e.g. include
// a version or a hash).
func WithMigrate(name string, fn MigrateFunc) Option {
	return func(o *options) { o.steps = append(o.steps, step{name, fn}) }
}

// WithMigrator adds a migrate.Migrator's Up as a step, keyed by the
// checksums of its migrations and its version table.
func WithMigrator(m *migrate.Migrator) Option {
	return WithMigrate(migratorKey(m), func(ctx context.Context, conn *pgx.Conn) error {
		_, err := m.Up(ctx, conn)
		return err
	})
}

func migratorKey(m *migrate.Migrator) string {
	h := sha256.New()
	h.Write([]byte(m.Table()))
	for _, mig := range m.Migrations() {
		fmt.Fprintf(h, "|%d:%s:%s", mig.Version, mig.Name, mig.Checksum)
	}
	return "migrator:" + hex.EncodeToString(h.Sum(nil))
}

// NewDatabase creates a database for this test only and returns its
// superuser URL. By default it holds the IAM schema (migrate.Default());
// options change that. The database is dropped in t.Cleanup (after the
// cleanups registered later, such as closing a pool on it).
func NewDatabase(t testing.TB, opts ...Option) string {
	t.Helper()
	s := get(t)
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if !o.noIAM {
		o.steps = append([]step{{migratorKey(migrate.Default()), func(ctx context.Context, conn *pgx.Conn) error {
			_, err := migrate.Default().Up(ctx, conn)
			return err
		}}}, o.steps...)
	}
	ctx := context.Background()
	name := databaseName(t.Name())
	if err := s.create(ctx, name, o.steps); err != nil {
		t.Fatalf("pgtest: create database for %s: %v", t.Name(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return s.info.URL(name)
}

// NewPool returns a pool on a database made by NewDatabase (same options);
// the pool is closed before the database is dropped.
func NewPool(t testing.TB, opts ...Option) *pgxpool.Pool {
	t.Helper()
	url := NewDatabase(t, opts...)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("pgtest: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewConn returns a single connection on a database made by NewDatabase
// (same options), closed before the database is dropped.
func NewConn(t testing.TB, opts ...Option) *pgx.Conn {
	t.Helper()
	url := NewDatabase(t, opts...)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// databaseName derives a unique, recognisable database name (at most 63
// bytes) from the test's name.
func databaseName(test string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(test) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	base := b.String()
	if len(base) > 40 {
		base = base[:40]
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	return "t_" + base + "_" + hex.EncodeToString(rnd[:])
}

type templateState struct {
	once sync.Once
	err  error
}

// create makes database name: empty when there are no steps, else a clone of
// the template for these steps, built on first use.
func (s *server) create(ctx context.Context, name string, steps []step) error {
	if len(steps) == 0 {
		_, err := s.admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
		return err
	}
	h := sha256.New()
	for _, st := range steps {
		fmt.Fprintf(h, "%s\x00", st.name)
	}
	tpl := "pgtest_tpl_" + hex.EncodeToString(h.Sum(nil))[:24]
	v, _ := s.templates.LoadOrStore(tpl, &templateState{})
	ts := v.(*templateState)
	ts.once.Do(func() { ts.err = s.buildTemplate(ctx, tpl, steps) })
	if ts.err != nil {
		return ts.err
	}
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{tpl}.Sanitize()
	// The default strategy (WAL_LOG on 15+) was as fast as FILE_COPY here,
	// and the statement stays valid before 15. Postgres refuses to clone a
	// template that another session is connected to; clones in this process
	// take turns, and another process sharing an external server gets a few
	// retries.
	for attempt := 0; ; attempt++ {
		s.cloneMu.Lock()
		_, err := s.admin.Exec(ctx, sql)
		s.cloneMu.Unlock()
		var pgErr *pgconn.PgError
		if err == nil || attempt >= 50 || !errors.As(err, &pgErr) || pgErr.Code != pgerrcode.ObjectInUse {
			return err
		}
		time.Sleep(time.Duration(20+attempt*10) * time.Millisecond)
	}
}

// buildTemplate creates and migrates template database tpl unless a
// complete one exists (a shared server keeps templates between runs). A
// session-level advisory lock keeps concurrent test binaries on a shared
// server from building it twice; a template is marked complete
// (datistemplate) only after its migrations succeed.
func (s *server) buildTemplate(ctx context.Context, tpl string, steps []step) error {
	admin, err := s.admin.Acquire(ctx)
	if err != nil {
		return err
	}
	defer admin.Release()
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", tpl); err != nil {
		return err
	}
	defer func() { _, _ = admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext($1))", tpl) }()
	var complete bool
	err = admin.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", tpl).Scan(&complete)
	switch {
	case err == nil && complete:
		return nil
	case err == nil:
		if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{tpl}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop incomplete template %s: %w", tpl, err)
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{tpl}.Sanitize()); err != nil {
		return fmt.Errorf("create template %s: %w", tpl, err)
	}
	conn, err := pgx.Connect(ctx, s.info.URL(tpl))
	if err != nil {
		return fmt.Errorf("connect to template %s: %w", tpl, err)
	}
	for _, st := range steps {
		if err := st.fn(ctx, conn); err != nil {
			_ = conn.Close(ctx)
			return fmt.Errorf("migrate template (step %q): %w", st.name, err)
		}
	}
	if err := conn.Close(ctx); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{tpl}.Sanitize()+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return fmt.Errorf("mark template %s: %w", tpl, err)
	}
	return nil
}
