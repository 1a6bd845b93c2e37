package pgcluster

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sentinel errors; the errors returned by this package wrap them with the
// path, port or command involved and a hint saying what to do.
var (
	// ErrNotOwner: the data directory belongs to another OS user.
	ErrNotOwner = errors.New("data directory owned by another user")
	// ErrPortInUse: another process listens on the configured TCP port.
	ErrPortInUse = errors.New("port in use")
	// ErrNotInitialized: the cluster directory has no data directory yet.
	ErrNotInitialized = errors.New("cluster not initialized")
	// ErrStart: the server did not start; the error carries the log's tail.
	ErrStart = errors.New("postgres did not start")
)

// FastSettings are the postgresql.conf settings of a throwaway cluster:
// durability traded for speed, and small memory so several clusters fit on
// one machine.
var FastSettings = map[string]string{
	"fsync":              "off",
	"synchronous_commit": "off",
	"full_page_writes":   "off",
	"shared_buffers":     "32MB",
	"max_connections":    "200",
	// Tables of a test live for seconds; vacuuming them is wasted work.
	"autovacuum": "off",
}

// Config describes a cluster on disk. The zero values of the optional fields
// give a Unix-socket-only cluster on port 5432 inside Dir.
type Config struct {
	// Dir holds everything: Dir/data (the data directory), Dir/socket (the
	// Unix socket directory), Dir/log/postgres.log and Dir/cluster.json.
	Dir string
	// BinDir holds initdb, pg_ctl and postgres; empty means FindBinaries.
	BinDir string
	// Port is the TCP port (when TCP is set) and the number in the socket
	// file name. Zero picks a free loopback port at Init when TCP is set,
	// and 5432 otherwise.
	Port int `json:"port"`
	// TCP makes the server listen on 127.0.0.1:Port besides the socket,
	// and makes every connection (TCP and socket) authenticate with the
	// superuser's password (scram-sha-256), which Init generates and keeps
	// in Dir/password (mode 0600); URL includes it. Without TCP the cluster
	// is reachable only through its Unix socket, whose directory and file
	// are mode 0700 (the server's OS user, and root).
	TCP bool `json:"tcp"`
	// SocketDir overrides Dir/socket; Init picks a short directory under
	// the system temp dir when Dir/socket would exceed the socket path limit.
	SocketDir string `json:"socket_dir"`
	// ServerRoot overrides where data/, socket/ and log/ live (default
	// Dir). Init sets it to a directory under /var/tmp when the
	// server's OS user cannot reach Dir.
	ServerRoot string `json:"server_root"`
	// Settings are written to postgresql.conf at Init.
	Settings map[string]string `json:"-"`
}

// maxSocketPath is the usable length of a Unix socket path on Linux (108
// bytes including the terminating NUL, minus a margin).
const maxSocketPath = 100

// Cluster is a PostgreSQL cluster in one directory. Its methods run the
// server binaries as RunAs when the caller is root.
type Cluster struct {
	cfg    Config
	binDir string
	runAs  *user.User // nil: run as the current user
	uid    int
	gid    int
	// password is the superuser's password of a TCP cluster ("" before
	// Init, and for socket-only clusters).
	password string
}

// New resolves the binaries and the OS user that will run the server. It
// reads Dir/cluster.json when a previous Init wrote it, so a later process
// finds the same port and socket.
func New(cfg Config) (*Cluster, error) {
	if cfg.Dir == "" {
		return nil, errors.New("pgcluster: Config.Dir is empty")
	}
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: resolve %q: %w", cfg.Dir, err)
	}
	cfg.Dir = abs
	binDir := cfg.BinDir
	if binDir == "" {
		if binDir, err = FindBinaries(); err != nil {
			return nil, err
		}
	}
	c := &Cluster{cfg: cfg, binDir: binDir, uid: os.Getuid(), gid: os.Getgid()}
	c.loadState()
	if c.cfg.TCP {
		if err := c.loadPassword(); err != nil {
			return nil, err
		}
	}
	if os.Geteuid() == 0 {
		if err := c.pickUser(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// pickUser chooses the unprivileged account that runs the server when we
// are root: postgres (what the distribution packages create), else nobody.
func (c *Cluster) pickUser() error {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		c.runAs, c.uid, c.gid = u, uid, gid
		return nil
	}
	return errors.New("PostgreSQL refuses to run as root and no unprivileged user (postgres or nobody) exists: " +
		"create one with `useradd --system postgres` or run as a normal user")
}

// Dir returns the cluster's root directory (absolute).
func (c *Cluster) Dir() string { return c.cfg.Dir }

// DataDir returns the data directory.
func (c *Cluster) DataDir() string { return filepath.Join(c.serverRoot(), "data") }

// serverRoot is where data/, socket/ and log/ live: Dir, or, when the
// server's OS user cannot reach Dir (root running in /root/project), a
// directory under /var/tmp recorded in Dir/cluster.json.
func (c *Cluster) serverRoot() string {
	if c.cfg.ServerRoot != "" {
		return c.cfg.ServerRoot
	}
	return c.cfg.Dir
}

// LogFile returns the server log's path.
func (c *Cluster) LogFile() string { return filepath.Join(c.serverRoot(), "log", "postgres.log") }

// BinDir returns the directory of the server binaries in use.
func (c *Cluster) BinDir() string { return c.binDir }

// SocketDir returns the Unix socket directory.
func (c *Cluster) SocketDir() string {
	if c.cfg.SocketDir != "" {
		return c.cfg.SocketDir
	}
	return filepath.Join(c.serverRoot(), "socket")
}

// Port returns the port the server uses (TCP and socket file name).
func (c *Cluster) Port() int {
	if c.cfg.Port == 0 {
		return 5432
	}
	return c.cfg.Port
}

// RunAs returns the name of the OS user that runs the server.
func (c *Cluster) RunAs() string {
	if c.runAs != nil {
		return c.runAs.Username
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return strconv.Itoa(c.uid)
}

// URL returns a superuser connection URL for database db: over TCP on
// 127.0.0.1 with the password when the cluster listens there, else over its
// Unix socket.
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + db}
	if c.password != "" {
		u.User = url.UserPassword("postgres", c.password)
	}
	q := url.Values{}
	if c.cfg.TCP {
		u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port()))
	} else {
		q.Set("host", c.SocketDir())
		q.Set("port", strconv.Itoa(c.Port()))
	}
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return u.String()
}

// Initialized reports whether the data directory has been created.
func (c *Cluster) Initialized() bool {
	_, err := os.Stat(filepath.Join(c.DataDir(), "PG_VERSION"))
	return err == nil
}

// Init creates the directories and runs initdb (superuser postgres, UTF8, C
// locale), writes pg_hba.conf (a TCP cluster: a random password, stored in
// Dir/password, required on every connection; a socket-only cluster: the
// socket, for the server's OS user only), then appends Settings to
// postgresql.conf. It does nothing when already initialized.
func (c *Cluster) Init(ctx context.Context) error {
	if c.Initialized() {
		return c.checkOwner()
	}
	if err := os.MkdirAll(c.cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("create cluster directory: %w", err)
	}
	// An existing data directory is judged where it is, before any move.
	if err := c.checkOwner(); err != nil {
		return err
	}
	if c.runAs != nil && c.cfg.ServerRoot == "" && !searchable(c.cfg.Dir, c.uid, c.gid) {
		sum := sha256.Sum256([]byte(c.cfg.Dir))
		// /var/tmp survives reboots, unlike /tmp.
		c.cfg.ServerRoot = filepath.Join("/var/tmp", "iam-pg-"+hex.EncodeToString(sum[:6]))
		if !searchable("/var/tmp", c.uid, c.gid) {
			c.cfg.ServerRoot = filepath.Join(os.TempDir(), "iam-pg-"+hex.EncodeToString(sum[:6]))
		}
		if err := os.MkdirAll(c.cfg.ServerRoot, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", c.cfg.ServerRoot, err)
		}
		if !searchable(c.cfg.ServerRoot, c.uid, c.gid) {
			return fmt.Errorf("OS user %s cannot reach %s nor %s: make one of them searchable (chmod o+x on its parents)", c.RunAs(), c.cfg.Dir, c.cfg.ServerRoot)
		}
	}
	if err := c.checkOwner(); err != nil {
		return err
	}
	if c.cfg.TCP && c.cfg.Port == 0 {
		p, err := FreePort()
		if err != nil {
			return err
		}
		c.cfg.Port = p
	}
	if c.cfg.SocketDir == "" && len(filepath.Join(c.serverRoot(), "socket", ".s.PGSQL.65535")) > maxSocketPath {
		d, err := os.MkdirTemp("", "iam-pg-")
		if err != nil {
			return fmt.Errorf("create socket directory: %w", err)
		}
		c.cfg.SocketDir = d
	}
	for _, d := range []string{c.DataDir(), c.SocketDir(), filepath.Dir(c.LogFile())} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
		if err := c.chown(d); err != nil {
			return err
		}
	}
	args := []string{"-D", c.DataDir(), "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"}
	if c.cfg.TCP {
		// The password file is written first: a cluster never exists
		// whose password is nowhere.
		if err := c.newPassword(); err != nil {
			return err
		}
		pwfile, err := c.writeVerifierFile()
		if err != nil {
			return err
		}
		defer os.Remove(pwfile)
		args = append(args, "-A", "scram-sha-256", "--pwfile", pwfile)
	} else {
		args = append(args, "-A", "trust")
	}
	out, err := c.run(ctx, "initdb", args...)
	if err != nil {
		return fmt.Errorf("initdb in %s failed: %w\n%s", c.DataDir(), err, withoutVerifier(lastLines(out, 15)))
	}
	if err := c.writeHBA(); err != nil {
		return err
	}
	if len(c.cfg.Settings) > 0 {
		var b strings.Builder
		b.WriteString("\n# added by pgcluster\n")
		for _, k := range sortedKeys(c.cfg.Settings) {
			fmt.Fprintf(&b, "%s = '%s'\n", k, strings.ReplaceAll(c.cfg.Settings[k], "'", "''"))
		}
		f, err := os.OpenFile(filepath.Join(c.DataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write postgresql.conf: %w", err)
		}
		_, werr := f.WriteString(b.String())
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("write postgresql.conf: %w", werr)
		}
	}
	return c.writeState()
}

// SetPort changes the TCP port used by the next Start and remembers it.
func (c *Cluster) SetPort(port int) error {
	c.cfg.Port = port
	return c.writeState()
}

// Status is a snapshot of the server process.
type Status struct {
	Initialized bool `json:"initialized"`
	Running     bool `json:"running"`
	PID         int  `json:"pid,omitempty"`
}

// Status reads postmaster.pid and checks that the process is alive.
func (c *Cluster) Status() Status {
	s := Status{Initialized: c.Initialized()}
	if pid, ok := c.PID(); ok {
		s.Running, s.PID = true, pid
	}
	return s
}

// PID returns the postmaster's process id when the server is running.
func (c *Cluster) PID() (int, bool) {
	b, err := os.ReadFile(filepath.Join(c.DataDir(), "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return 0, false
	}
	if !Alive(pid) {
		return 0, false
	}
	return pid, true
}

// Alive reports whether process pid exists and is not a zombie.
func Alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		_, noProc := os.Stat("/proc/self")
		return noProc != nil // without /proc (not Linux) trust kill
	}
	// Fields: pid (comm) state ...; comm may contain spaces and parens.
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] != 'Z'
	}
	return true
}

// Start starts the server and waits until it accepts connections. Starting a
// running cluster is a no-op, except that a TCP cluster made by an older
// version of this package (pg_hba.conf trusting everyone, no password) is
// first stopped and moved to password authentication (see upgradeAuth).
// The server always runs with HardenedSettings. A taken TCP port gives
// ErrPortInUse; any other failure ErrStart with the end of the server log.
func (c *Cluster) Start(ctx context.Context) error {
	if !c.Initialized() {
		return fmt.Errorf("%w: %s has no data directory yet", ErrNotInitialized, c.cfg.Dir)
	}
	if err := c.checkOwner(); err != nil {
		return err
	}
	if err := c.upgradeAuth(ctx); err != nil {
		return err
	}
	if _, ok := c.PID(); ok {
		return nil
	}
	// The socket is for the server's OS user only (and root).
	if err := os.Chmod(c.SocketDir(), 0o700); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restrict the socket directory %s: %w", c.SocketDir(), err)
	}
	listen := "''"
	if c.cfg.TCP {
		if err := portFree(c.Port()); err != nil {
			return err
		}
		listen = "127.0.0.1"
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=%s", c.Port(), shellQuote(c.SocketDir()), listen)
	for _, k := range sortedKeys(HardenedSettings) {
		opts += fmt.Sprintf(" -c %s=%s", k, shellQuote(HardenedSettings[k]))
	}
	logOffset := fileSize(c.LogFile())
	out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-s", "-D", c.DataDir(), "-l", c.LogFile(), "-o", opts)
	if err != nil {
		log := readFrom(c.LogFile(), logOffset)
		if strings.Contains(log, "Address already in use") {
			return fmt.Errorf("%w: 127.0.0.1:%d is taken by another process; choose another port", ErrPortInUse, c.Port())
		}
		return fmt.Errorf("%w (data %s): %v\n%s\n%s", ErrStart, c.DataDir(), err, lastLines(out, 5), lastLines([]byte(log), 15))
	}
	return nil
}

// Stop shuts the server down (fast mode: rolls back open transactions,
// disconnects clients) and waits for it. Stopping a stopped cluster is a
// no-op.
func (c *Cluster) Stop(ctx context.Context) error {
	if _, ok := c.PID(); !ok {
		return nil
	}
	out, err := c.run(ctx, "pg_ctl", "stop", "-w", "-t", "60", "-s", "-m", "fast", "-D", c.DataDir())
	if err != nil {
		if _, ok := c.PID(); !ok {
			return nil
		}
		return fmt.Errorf("pg_ctl stop (data %s): %w\n%s", c.DataDir(), err, lastLines(out, 5))
	}
	return nil
}

// Kill stops the server the quickest way (SIGQUIT: immediate shutdown, no
// checkpoint) and waits until the postmaster is gone. For throwaway clusters.
func (c *Cluster) Kill(ctx context.Context) error {
	pid, ok := c.PID()
	if !ok {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGQUIT); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal postmaster %d: %w", pid, err)
	}
	for {
		if !Alive(pid) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postmaster %d still running: %w", pid, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Destroy stops the server and removes the whole cluster directory (and a
// socket directory kept outside it).
func (c *Cluster) Destroy(ctx context.Context) error {
	if err := c.Stop(ctx); err != nil {
		if kerr := c.Kill(ctx); kerr != nil {
			return err
		}
	}
	if c.cfg.SocketDir != "" && !strings.HasPrefix(c.cfg.SocketDir, c.serverRoot()+string(filepath.Separator)) {
		_ = os.RemoveAll(c.cfg.SocketDir)
	}
	if c.cfg.ServerRoot != "" {
		if err := os.RemoveAll(c.cfg.ServerRoot); err != nil {
			return err
		}
	}
	return os.RemoveAll(c.cfg.Dir)
}

// checkOwner refuses a data directory that belongs to another user than the
// one that runs the server: initdb or postgres would fail later with a less
// helpful message, and silently taking it over could destroy someone's data.
func (c *Cluster) checkOwner() error {
	fi, err := os.Stat(c.DataDir())
	if err != nil {
		return nil //nolint:nilerr // absent: Init creates it
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == c.uid {
		return nil
	}
	owner := strconv.Itoa(int(st.Uid))
	if u, err := user.LookupId(owner); err == nil {
		owner = u.Username + " (uid " + owner + ")"
	}
	return fmt.Errorf("%w: %s belongs to %s but the server runs as %s: run as that user, `chown -R %s %s`, or remove it",
		ErrNotOwner, c.DataDir(), owner, c.RunAs(), c.RunAs(), c.DataDir())
}

func (c *Cluster) chown(path string) error {
	if c.runAs == nil {
		return nil
	}
	if err := os.Chown(path, c.uid, c.gid); err != nil {
		return fmt.Errorf("give %s to %s: %w", path, c.runAs.Username, err)
	}
	return nil
}

// run executes one of the server binaries as the cluster's user, in the
// cluster directory (the caller's working directory may be unreadable to
// that user), with stdin closed and output captured. The postmaster pg_ctl forks keeps no copy of the output pipes (pg_ctl
// redirects it to the log file), so waiting on them cannot hang.
func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	return c.runIn(ctx, nil, name, args...)
}

type state struct {
	Port       int    `json:"port"`
	TCP        bool   `json:"tcp"`
	SocketDir  string `json:"socket_dir,omitempty"`
	ServerRoot string `json:"server_root,omitempty"`
}

func (c *Cluster) statePath() string { return filepath.Join(c.cfg.Dir, "cluster.json") }

func (c *Cluster) readState() (state, error) {
	var s state
	b, err := os.ReadFile(c.statePath())
	if err != nil {
		return s, err
	}
	err = json.Unmarshal(b, &s)
	return s, err
}

// loadState adopts the port and directories a previous Init recorded.
func (c *Cluster) loadState() {
	if saved, err := c.readState(); err == nil {
		c.cfg.Port, c.cfg.TCP, c.cfg.SocketDir, c.cfg.ServerRoot = saved.Port, saved.TCP, saved.SocketDir, saved.ServerRoot
	}
	if c.cfg.TCP {
		_ = c.loadPassword() // New reports an unreadable file
	}
}

func (c *Cluster) writeState() error {
	b, _ := json.MarshalIndent(state{Port: c.cfg.Port, TCP: c.cfg.TCP, SocketDir: c.cfg.SocketDir, ServerRoot: c.cfg.ServerRoot}, "", "  ")
	if err := os.WriteFile(c.statePath(), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", c.statePath(), err)
	}
	return nil
}

// searchable reports whether uid/gid can traverse every directory from /
// to path (the existing part of it), judging by the permission bits.
func searchable(path string, uid, gid int) bool {
	for p := path; ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			st, ok := fi.Sys().(*syscall.Stat_t)
			if !ok {
				return true
			}
			mode := fi.Mode().Perm()
			switch {
			case int(st.Uid) == uid:
				if mode&0o100 == 0 {
					return false
				}
			case int(st.Gid) == gid:
				if mode&0o010 == 0 {
					return false
				}
			case mode&0o001 == 0:
				return false
			}
		}
		if p == filepath.Dir(p) {
			return true
		}
	}
}

// FreePort returns a TCP port on 127.0.0.1 that nothing listens on right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("%w: 127.0.0.1:%d is taken by another process; choose another port", ErrPortInUse, port)
	}
	return l.Close()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func readFrom(path string, off int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(off, 0); err != nil {
		return ""
	}
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		b.WriteString(sc.Text())
		b.WriteByte('\n')
	}
	return b.String()
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// Lock takes an exclusive advisory lock on the cluster directory (creating
// it if needed), so that two processes do not initialise or start the same
// cluster at once, and then rereads the recorded port and directories; call
// the returned function to release it.
func (c *Cluster) Lock() (unlock func(), err error) {
	if err := os.MkdirAll(c.cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cluster directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(c.cfg.Dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock cluster directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock cluster directory: %w", err)
	}
	// Whoever held the lock may have initialised the cluster meanwhile.
	c.loadState()
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
