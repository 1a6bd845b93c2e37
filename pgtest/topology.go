package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/beep/iam/internal/pgcluster"
)

// Bouncer is the PgBouncer of a test binary: a real pgbouncer process in
// transaction pooling mode, listening on a loopback port in front of the
// test server (which it reaches over the server's Unix socket). Every
// client authenticates with scram-sha-256: the superuser with the pooler's
// own random password (AdminURL), any other login with its password
// (NewLogin makes one).
type Bouncer struct {
	b  *pgcluster.Bouncer
	wd *os.Process
}

// URL returns the URL of database db through the pooler as user.
func (b *Bouncer) URL(db, user, password string) string { return b.b.URL(db, user, password) }

// AdminURL returns the superuser URL of database db through the pooler.
func (b *Bouncer) AdminURL(db string) string { return b.b.AdminURL(db) }

// Via returns the URL of the database of dbURL (a NewDatabase URL) through
// the pooler, as user with password.
func (b *Bouncer) Via(t testing.TB, dbURL, user, password string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("pgtest: Via: %v", err)
	}
	return b.URL(cfg.Database, user, password)
}

// Port returns the pooler's port on 127.0.0.1.
func (b *Bouncer) Port() int { return b.b.Port() }

// PID returns pgbouncer's process id (0 when stopped).
func (b *Bouncer) PID() int { pid, _ := b.b.PID(); return pid }

// Stop stops pgbouncer (SIGTERM: its client and server connections close).
func (b *Bouncer) Stop(t testing.TB) {
	t.Helper()
	if err := b.b.Stop(); err != nil {
		t.Fatalf("pgtest: stop pgbouncer: %v", err)
	}
}

// Start starts a stopped pgbouncer again on the same port.
func (b *Bouncer) Start(t testing.TB) {
	t.Helper()
	if err := b.b.Start(context.Background()); err != nil {
		t.Fatalf("pgtest: start pgbouncer: %v", err)
	}
}

// Log returns the pooler's log.
func (b *Bouncer) Log() string { return b.b.Log() }

// PgBouncer returns the pooler of this test binary, starting it on first
// use. Without the pgbouncer binary it fails t saying what to install.
// External servers (IAM_TEST_DATABASE_URL) are not supported.
func PgBouncer(t testing.TB) *Bouncer {
	t.Helper()
	s := get(t)
	s.topoMu.Lock()
	defer s.topoMu.Unlock()
	if s.bouncer != nil {
		return s.bouncer
	}
	if s.info.cluster == nil {
		t.Fatalf("pgtest: PgBouncer needs the throwaway server; unset %s", EnvDatabaseURL)
	}
	dir, err := tempDir()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	b, err := pgcluster.NewBouncer(s.info.cluster, pgcluster.BouncerConfig{Dir: dir})
	if err != nil {
		_ = os.RemoveAll(dir)
		if errors.Is(err, pgcluster.ErrNoPgBouncer) {
			t.Fatalf("pgtest: cannot start PgBouncer for this test: %v", err)
		}
		t.Fatalf("pgtest: %v", err)
	}
	wd, err := pgcluster.PidfileWatchdog(os.Getpid(), b.PidFile(), dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		t.Fatalf("pgtest: %v", err)
	}
	if err := b.Start(context.Background()); err != nil {
		_ = wd.Kill()
		_, _ = wd.Wait()
		_ = os.RemoveAll(dir)
		t.Fatalf("pgtest: start pgbouncer: %v", err)
	}
	s.bouncer = &Bouncer{b: b, wd: wd}
	return s.bouncer
}

// Standby is a streaming replica of the test server: a second postmaster
// made with pg_basebackup (standby.signal, primary_conninfo over the
// primary's socket), a hot standby that every database of the server
// reaches.
type Standby struct {
	c       *pgcluster.Cluster
	wd      *os.Process
	primary *server
	admin   *pgxpool.Pool
}

// URL returns the superuser URL of database db on the standby.
func (s *Standby) URL(db string) string { return s.c.URL(db) }

// Via returns the URL of the database of dbURL (a NewDatabase URL) on the
// standby.
func (s *Standby) Via(t testing.TB, dbURL string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("pgtest: Via: %v", err)
	}
	return s.c.URL(cfg.Database)
}

// PID returns the standby's postmaster process id (0 when stopped).
func (s *Standby) PID() int { pid, _ := s.c.PID(); return pid }

// CatchUp waits until the standby has replayed everything the primary had
// written when it was called: it writes a WAL message on the primary
// (pg_logical_emit_message) and waits for the standby's replay position to
// pass its end. It fails t after a minute (e.g. when replay is paused).
func (s *Standby) CatchUp(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var lsn string
	if err := s.primary.admin.QueryRow(ctx, "SELECT pg_logical_emit_message(false, 'pgtest', 'catch up')::text").Scan(&lsn); err != nil {
		t.Fatalf("pgtest: primary LSN: %v", err)
	}
	for {
		var done bool
		err := s.admin.QueryRow(ctx, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", lsn).Scan(&done)
		if err == nil && done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("pgtest: the standby did not replay up to %s within a minute (replay paused? err %v)", lsn, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// PauseReplay stops the standby from applying WAL (pg_wal_replay_pause),
// which makes replication lag visible: rows written on the primary
// afterwards are missing on the standby until ResumeReplay. Resumed in
// t.Cleanup.
func (s *Standby) PauseReplay(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.admin.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatalf("pgtest: pg_wal_replay_pause: %v", err)
	}
	t.Cleanup(func() { _, _ = s.admin.Exec(context.Background(), "SELECT pg_wal_replay_resume()") })
	for {
		var state string
		if err := s.admin.QueryRow(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state); err != nil {
			t.Fatalf("pgtest: pg_get_wal_replay_pause_state: %v", err)
		}
		if state == "paused" {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ResumeReplay undoes PauseReplay.
func (s *Standby) ResumeReplay(t testing.TB) {
	t.Helper()
	if _, err := s.admin.Exec(context.Background(), "SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatalf("pgtest: pg_wal_replay_resume: %v", err)
	}
}

// Stop stops the standby (fast shutdown).
func (s *Standby) Stop(t testing.TB) {
	t.Helper()
	s.admin.Reset()
	if err := s.c.Stop(context.Background()); err != nil {
		t.Fatalf("pgtest: stop standby: %v", err)
	}
}

// Start starts a stopped standby again.
func (s *Standby) Start(t testing.TB) {
	t.Helper()
	if err := s.c.Start(context.Background()); err != nil {
		t.Fatalf("pgtest: start standby: %v", err)
	}
}

// StartStandby returns the streaming replica of this test binary's
// server, creating it on first use (pg_basebackup of the whole server).
// Tests that pause its replay must not run in parallel with other tests
// that use it.
func StartStandby(t testing.TB) *Standby {
	t.Helper()
	s := get(t)
	s.topoMu.Lock()
	defer s.topoMu.Unlock()
	if s.standby != nil {
		return s.standby
	}
	if s.info.cluster == nil {
		t.Fatalf("pgtest: StartStandby needs the throwaway server; unset %s", EnvDatabaseURL)
	}
	dir, err := tempDir()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	ctx := context.Background()
	// The watchdog watches the standby's future postmaster.pid.
	wd, err := pgcluster.PidfileWatchdog(os.Getpid(), filepath.Join(dir, "data", "postmaster.pid"), dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		t.Fatalf("pgtest: %v", err)
	}
	fail := func(c *pgcluster.Cluster, err error) {
		if c != nil {
			_ = c.Kill(ctx)
		}
		_ = wd.Kill()
		_, _ = wd.Wait()
		_ = os.RemoveAll(dir)
		t.Fatalf("pgtest: standby: %v", err)
	}
	c, err := s.info.cluster.NewStandby(ctx, dir)
	if err != nil {
		fail(nil, err)
	}
	if err := c.Start(ctx); err != nil {
		fail(c, err)
	}
	admin, err := pgxpool.New(ctx, c.URL("postgres"))
	if err != nil {
		fail(c, err)
	}
	s.standby = &Standby{c: c, wd: wd, primary: s, admin: admin}
	return s.standby
}

// NewLogin creates a login role with a random password, member of the
// given roles (e.g. iam_app), and drops it in t.Cleanup. Roles are
// server-wide: it can log in to every database of the server, directly or
// through PgBouncer.
func NewLogin(t testing.TB, inRoles ...string) (user, password string) {
	t.Helper()
	s := get(t)
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	user = "login_" + hex.EncodeToString(b[:6])
	password = hex.EncodeToString(b[6:])
	sql := "CREATE ROLE " + pgx.Identifier{user}.Sanitize() + " LOGIN PASSWORD '" + password + "'"
	if len(inRoles) > 0 {
		sql += " IN ROLE "
		for i, r := range inRoles {
			if i > 0 {
				sql += ", "
			}
			sql += pgx.Identifier{r}.Sanitize()
		}
	}
	ctx := context.Background()
	if _, err := s.admin.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: create login: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var last error
		for i := 0; i < 100; i++ {
			if _, last = s.admin.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{user}.Sanitize()); last == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Errorf("pgtest: drop login %s: %v", user, last)
	})
	return user, password
}

// WithUser returns dbURL with another user and password.
func WithUser(dbURL, user, password string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

func (s *server) stopTopology() {
	if b := s.bouncer; b != nil {
		_ = b.b.Stop()
		_ = os.RemoveAll(b.b.Dir())
		_ = b.wd.Kill()
		_, _ = b.wd.Wait()
	}
	if sb := s.standby; sb != nil {
		sb.admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = sb.c.Kill(ctx)
		_ = os.RemoveAll(sb.c.Dir())
		_ = sb.wd.Kill()
		_, _ = sb.wd.Wait()
	}
}

// CrashServer stops the test binary's server the way a crash does: an
// immediate shutdown (SIGQUIT, no checkpoint), so the next StartServer runs
// crash recovery from the WAL. Every connection to it, direct or through
// the pooler and the standby's, breaks. The server is shared by the whole
// test binary: only a test that does not run in parallel with others may
// call it, and it must StartServer again (CrashServer registers a
// t.Cleanup that does, in case the test fails first).
func CrashServer(t testing.TB) {
	t.Helper()
	s := get(t)
	if s.info.cluster == nil {
		t.Fatalf("pgtest: CrashServer needs the throwaway server; unset %s", EnvDatabaseURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.info.cluster.Kill(ctx); err != nil {
		t.Fatalf("pgtest: crash the server: %v", err)
	}
	s.admin.Reset()
	t.Cleanup(func() {
		if err := s.info.cluster.Start(context.Background()); err != nil {
			t.Errorf("pgtest: start the server again: %v", err)
		}
	})
}

// StopServer stops the test binary's server the way a planned restart
// does: a fast shutdown (open transactions rolled back, clients told
// 57P01, a checkpoint). The same rules as CrashServer apply.
func StopServer(t testing.TB) {
	t.Helper()
	s := get(t)
	if s.info.cluster == nil {
		t.Fatalf("pgtest: StopServer needs the throwaway server; unset %s", EnvDatabaseURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.info.cluster.Stop(ctx); err != nil {
		t.Fatalf("pgtest: stop the server: %v", err)
	}
	s.admin.Reset()
	t.Cleanup(func() {
		if err := s.info.cluster.Start(context.Background()); err != nil {
			t.Errorf("pgtest: start the server again: %v", err)
		}
	})
}

// StartServer starts the test binary's server again after CrashServer or
// StopServer and
// returns when it accepts connections (crash recovery done).
func StartServer(t testing.TB) {
	t.Helper()
	s := get(t)
	if s.info.cluster == nil {
		t.Fatalf("pgtest: StartServer needs the throwaway server; unset %s", EnvDatabaseURL)
	}
	if err := s.info.cluster.Start(context.Background()); err != nil {
		t.Fatalf("pgtest: start the server: %v", err)
	}
}
