package pgcluster

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoPgBouncer is matched by the error returned when the pgbouncer binary
// cannot be found.
var ErrNoPgBouncer = errors.New("pgbouncer not found")

// PgBouncerInstallHint tells a user how to get pgbouncer.
const PgBouncerInstallHint = "install PgBouncer, e.g. `apt-get install -y pgbouncer` (Debian/Ubuntu; ./scripts/test does it), " +
	"or put the pgbouncer binary on PATH"

// FindPgBouncer returns the path of the pgbouncer binary: on PATH, else
// /usr/sbin/pgbouncer (Debian's package).
func FindPgBouncer() (string, error) {
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer", "/usr/local/bin/pgbouncer"} {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: %s", ErrNoPgBouncer, PgBouncerInstallHint)
}

// BouncerConfig describes a PgBouncer in front of a socket-only Cluster.
type BouncerConfig struct {
	// Dir holds pgbouncer.ini, userlist.txt, pgbouncer.pid and
	// pgbouncer.log. It must be reachable by the cluster's OS user.
	Dir string
	// Port on 127.0.0.1; 0 picks a free one.
	Port int
	// PoolMode is pgbouncer's pool_mode; "" means "transaction".
	PoolMode string
	// PoolSize is default_pool_size (server connections per user and
	// database); 0 means 20.
	PoolSize int
}

// Bouncer is a pgbouncer process in front of a cluster: it listens on
// 127.0.0.1:Port only (no Unix socket), authenticates every client with
// scram-sha-256 — the superuser postgres with a random password it keeps in
// Dir/userlist.txt (mode 0600), every other login with the SCRAM verifier
// of its own password (auth_query on pg_shadow as postgres) — and reaches
// the server over the cluster's Unix socket. It runs in the foreground as
// the cluster's OS user (pgbouncer refuses root), as a child of the caller.
type Bouncer struct {
	cfg      BouncerConfig
	bin      string
	cluster  *Cluster
	password string
	cmd      *exec.Cmd
	done     chan struct{}
}

// NewBouncer prepares a pgbouncer for cluster c (not started).
func NewBouncer(c *Cluster, cfg BouncerConfig) (*Bouncer, error) {
	if c.cfg.TCP {
		return nil, errors.New("pgcluster: NewBouncer: only socket-only clusters are supported")
	}
	if cfg.Dir == "" {
		return nil, errors.New("pgcluster: BouncerConfig.Dir is empty")
	}
	bin, err := FindPgBouncer()
	if err != nil {
		return nil, err
	}
	if cfg.PoolMode == "" {
		cfg.PoolMode = "transaction"
	}
	switch cfg.PoolMode {
	case "session", "transaction", "statement":
	default:
		return nil, fmt.Errorf("pgcluster: BouncerConfig.PoolMode: %q is not session, transaction or statement", cfg.PoolMode)
	}
	if cfg.PoolSize < 0 {
		return nil, fmt.Errorf("pgcluster: BouncerConfig.PoolSize: %d is negative", cfg.PoolSize)
	}
	if cfg.PoolSize == 0 {
		cfg.PoolSize = 20
	}
	if cfg.Port == 0 {
		if cfg.Port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = abs
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("generate the pgbouncer password: %w", err)
	}
	return &Bouncer{cfg: cfg, bin: bin, cluster: c, password: base64.RawURLEncoding.EncodeToString(b)}, nil
}

// Port returns the TCP port on 127.0.0.1.
func (b *Bouncer) Port() int { return b.cfg.Port }

// PidFile is where pgbouncer writes its process id.
func (b *Bouncer) PidFile() string { return filepath.Join(b.cfg.Dir, "pgbouncer.pid") }

// LogFile is pgbouncer's log.
func (b *Bouncer) LogFile() string { return filepath.Join(b.cfg.Dir, "pgbouncer.log") }

// Dir returns the bouncer's directory.
func (b *Bouncer) Dir() string { return b.cfg.Dir }

// URL returns a connection URL for database db through the pooler as user
// with password (a login with a password; its SCRAM verifier is what the
// pooler checks).
func (b *Bouncer) URL(db, user, password string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(b.cfg.Port)), Path: "/" + db}
	u.RawQuery = "sslmode=disable"
	return u.String()
}

// AdminURL is URL for the superuser postgres with the pooler's password.
func (b *Bouncer) AdminURL(db string) string { return b.URL(db, "postgres", b.password) }

// PID returns pgbouncer's process id while it runs.
func (b *Bouncer) PID() (int, bool) {
	if b.cmd == nil || b.cmd.Process == nil {
		return 0, false
	}
	select {
	case <-b.done:
		return 0, false
	default:
		return b.cmd.Process.Pid, true
	}
}

func (b *Bouncer) writeFiles() error {
	if err := os.MkdirAll(b.cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", b.cfg.Dir, err)
	}
	if err := b.cluster.chown(b.cfg.Dir); err != nil {
		return err
	}
	ini := fmt.Sprintf(`[databases]
* = host=%s port=%d

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = scram-sha-256
auth_file = %s
auth_user = postgres
auth_query = SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = $1
admin_users = postgres
pool_mode = %s
default_pool_size = %d
max_client_conn = 2000
max_db_connections = 0
server_reset_query = DISCARD ALL
server_check_delay = 1
server_login_retry = 1
server_connect_timeout = 5
query_wait_timeout = 60
server_idle_timeout = 10
logfile = %s
pidfile = %s
log_connections = 0
log_disconnections = 0
log_pooler_errors = 1
`, b.cluster.SocketDir(), b.cluster.Port(), b.cfg.Port, filepath.Join(b.cfg.Dir, "userlist.txt"),
		b.cfg.PoolMode, b.cfg.PoolSize, b.LogFile(), b.PidFile())
	files := map[string]string{
		"pgbouncer.ini": ini,
		"userlist.txt":  fmt.Sprintf("%q %q\n", "postgres", b.password),
	}
	for name, content := range files {
		p := filepath.Join(b.cfg.Dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		if err := b.cluster.chown(p); err != nil {
			return err
		}
	}
	return nil
}

// Start writes the configuration and starts pgbouncer, waiting until it
// accepts TCP connections. Starting a running bouncer is a no-op.
func (b *Bouncer) Start(ctx context.Context) error {
	if _, ok := b.PID(); ok {
		return nil
	}
	if err := b.writeFiles(); err != nil {
		return err
	}
	if err := portFree(b.cfg.Port); err != nil {
		return err
	}
	cmd := exec.Command(b.bin, filepath.Join(b.cfg.Dir, "pgbouncer.ini"))
	cmd.Dir = b.cfg.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	if b.cluster.runAs != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(b.cluster.uid), Gid: uint32(b.cluster.gid)}}
	}
	// No stdout/stderr: it logs to its file, and a child holding the test
	// binary's output pipe would make `go test` wait for it.
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", b.bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	b.cmd, b.done = cmd, done
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(b.cfg.Port))
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.Close()
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("pgbouncer exited at start: %s", lastLines([]byte(readFrom(b.LogFile(), 0)), 10))
		case <-ctx.Done():
			_ = b.Kill()
			return ctx.Err()
		case <-deadline.C:
			_ = b.Kill()
			return fmt.Errorf("pgbouncer did not listen on %s within 30s: %s", addr, lastLines([]byte(readFrom(b.LogFile(), 0)), 10))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Stop shuts pgbouncer down at once (SIGTERM: open client and server
// connections are closed) and waits for it. Stopping a stopped bouncer is a
// no-op.
func (b *Bouncer) Stop() error { return b.signal(syscall.SIGTERM) }

// Kill stops pgbouncer with SIGKILL and waits for it.
func (b *Bouncer) Kill() error { return b.signal(syscall.SIGKILL) }

func (b *Bouncer) signal(sig syscall.Signal) error {
	if _, ok := b.PID(); !ok {
		return nil
	}
	if err := b.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal pgbouncer %d: %w", b.cmd.Process.Pid, err)
	}
	select {
	case <-b.done:
	case <-time.After(30 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.done
	}
	_ = os.Remove(b.PidFile())
	return nil
}

// Log returns the pooler's log (for failing tests); it holds no passwords.
func (b *Bouncer) Log() string { return strings.TrimSpace(readFrom(b.LogFile(), 0)) }
