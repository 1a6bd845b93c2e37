package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/beep/iam/internal/pgcluster"
)

// EnvDatabaseURL names the environment variable that points pgtest at an
// existing server (a superuser URL) instead of starting its own.
const EnvDatabaseURL = "IAM_TEST_DATABASE_URL"

// ServerInfo describes the server a test binary uses.
type ServerInfo struct {
	adminURL string
	urlFor   func(db string) string
	cluster  *pgcluster.Cluster
}

// URL returns a superuser connection URL for database db on the server.
func (s *ServerInfo) URL(db string) string { return s.urlFor(db) }

// AdminURL returns the superuser URL of the maintenance database postgres.
func (s *ServerInfo) AdminURL() string { return s.adminURL }

// External reports whether the server came from IAM_TEST_DATABASE_URL.
func (s *ServerInfo) External() bool { return s.cluster == nil }

// Dir returns the throwaway cluster's directory ("" when External).
func (s *ServerInfo) Dir() string {
	if s.cluster == nil {
		return ""
	}
	return s.cluster.Dir()
}

// LogFile returns the throwaway server's log ("" when External). The
// server runs with pgcluster.HardenedSettings: no statements, parameters,
// DETAIL lines or client errors in it, so values a test writes (tokens,
// passwords) do not end up there.
func (s *ServerInfo) LogFile() string {
	if s.cluster == nil {
		return ""
	}
	return s.cluster.LogFile()
}

// PID returns the postmaster's process id (0 when External or stopped).
func (s *ServerInfo) PID() int {
	if s.cluster == nil {
		return 0
	}
	pid, _ := s.cluster.PID()
	return pid
}

// server is the per-test-binary state behind ServerInfo.
type server struct {
	info     *ServerInfo
	admin    *pgxpool.Pool
	watchdog *os.Process

	cloneMu   sync.Mutex // serializes CREATE DATABASE ... TEMPLATE
	templates sync.Map   // template name -> *templateState

	topoMu  sync.Mutex // guards bouncer and standby
	bouncer *Bouncer
	standby *Standby
}

var (
	mu      sync.Mutex // guards current and stopped
	current *server
	stopped bool
)

// Server returns the server of this test binary, starting it on first use.
// It fails t when the server cannot be started.
func Server(t testing.TB) *ServerInfo {
	t.Helper()
	return get(t).info
}

func get(t testing.TB) *server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if stopped {
		t.Fatal("pgtest: the server was already stopped (pgtest.Main has returned)")
	}
	if current != nil {
		return current
	}
	s, err := start(context.Background())
	if err != nil {
		// Not cached: each test reports the cause itself, and a later
		// test may succeed after a transient failure.
		t.Fatalf("pgtest: %v", err)
	}
	current = s
	return s
}

func start(ctx context.Context) (*server, error) {
	if u := os.Getenv(EnvDatabaseURL); u != "" {
		return external(ctx, u)
	}
	dir, err := tempDir()
	if err != nil {
		return nil, err
	}
	c, err := pgcluster.New(pgcluster.Config{Dir: dir, Settings: pgcluster.FastSettings})
	if err != nil {
		_ = os.RemoveAll(dir)
		if errors.Is(err, pgcluster.ErrNoBinaries) {
			return nil, fmt.Errorf("cannot start a test database: %w", err)
		}
		return nil, err
	}
	// The watchdog starts before the server so that no window exists in
	// which a killed test binary leaves a postmaster behind.
	wd, err := c.Watchdog(os.Getpid(), dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	fail := func(err error) (*server, error) {
		_ = c.Kill(ctx)
		_ = wd.Kill()
		_, _ = wd.Wait()
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Init(ctx); err != nil {
		return fail(err)
	}
	if err := c.Start(ctx); err != nil {
		return fail(err)
	}
	info := &ServerInfo{adminURL: c.URL("postgres"), urlFor: c.URL, cluster: c}
	admin, err := pgxpool.New(ctx, info.adminURL)
	if err != nil {
		return fail(fmt.Errorf("connect to test server: %w", err))
	}
	return &server{info: info, admin: admin, watchdog: wd}, nil
}

func external(ctx context.Context, raw string) (*server, error) {
	if _, err := pgx.ParseConfig(raw); err != nil {
		return nil, fmt.Errorf("%s is not a valid connection string: %w", EnvDatabaseURL, err)
	}
	urlFor := func(db string) string { return withDatabase(raw, db) }
	info := &ServerInfo{adminURL: urlFor("postgres"), urlFor: urlFor}
	admin, err := pgxpool.New(ctx, info.adminURL)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s server: %w (unset it to let pgtest start its own server)", EnvDatabaseURL, err)
	}
	return &server{info: info, admin: admin}, nil
}

// withDatabase returns the connection string raw pointing at database db.
// It keeps URL and keyword/value forms (a later dbname= wins in the latter).
func withDatabase(raw, db string) string {
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		if u, err := url.Parse(raw); err == nil {
			u.Path, u.RawPath = "/"+db, ""
			q := u.Query()
			if q.Has("dbname") {
				q.Set("dbname", db)
				u.RawQuery = q.Encode()
			}
			return u.String()
		}
	}
	return raw + " dbname='" + strings.ReplaceAll(db, "'", `\'`) + "'"
}

// tempDir makes the cluster directory in $TMPDIR: short enough for the
// socket path and, when we are root, reachable by the postgres user (else
// in /tmp).
func tempDir() (string, error) {
	base := os.TempDir()
	if len(base) > 60 || os.Geteuid() == 0 && !othersCanEnter(base) {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pgtest-")
	if err != nil {
		return "", fmt.Errorf("create temporary directory for the test cluster: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	return dir, nil
}

// othersCanEnter reports whether every directory from / to dir has the
// others-execute bit.
func othersCanEnter(dir string) bool {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if p == filepath.Dir(p) {
			return true
		}
	}
}

// stop shuts the server down and removes its files. Safe to call twice.
func stop() {
	mu.Lock()
	defer mu.Unlock()
	stopped = true
	s := current
	current = nil
	if s == nil {
		return
	}
	s.topoMu.Lock()
	s.stopTopology()
	s.topoMu.Unlock()
	s.admin.Close()
	if c := s.info.cluster; c != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = c.Kill(ctx)
		_ = os.RemoveAll(c.Dir())
	}
	if s.watchdog != nil {
		_ = s.watchdog.Kill()
		_, _ = s.watchdog.Wait()
	}
}

// Main runs the tests of a package and then stops the test server and
// removes its files, also when SIGINT or SIGTERM arrives. Call it from
// TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// Without Main the watchdog still removes the server, about a second after
// the test binary exits.
func Main(m *testing.M) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		stop()
		code := 130
		if sig == syscall.SIGTERM {
			code = 143
		}
		os.Exit(code)
	}()
	code := m.Run()
	stop()
	os.Exit(code)
}
