package pgcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// NewStandby makes a streaming replica of the running cluster c in dir and
// returns it, not yet started: pg_basebackup over c's Unix socket with -R,
// which writes standby.signal and primary_conninfo (the socket, user
// postgres) into the copy, so that Start brings it up as a hot standby
// streaming from c. The standby has its own socket directory (dir/socket,
// or a short temporary one) and is socket-only like the primary; its server
// runs as the same OS user. Only socket-only primaries (pgtest's) are
// supported: their pg_hba.conf admits local replication connections.
func (c *Cluster) NewStandby(ctx context.Context, dir string) (*Cluster, error) {
	if c.cfg.TCP {
		return nil, fmt.Errorf("pgcluster: NewStandby: the primary %s listens on TCP; only socket-only clusters can be copied", c.cfg.Dir)
	}
	if _, ok := c.PID(); !ok {
		return nil, fmt.Errorf("pgcluster: NewStandby: the primary %s is not running", c.cfg.Dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: resolve %q: %w", dir, err)
	}
	s := &Cluster{cfg: Config{Dir: abs, Port: c.Port()}, binDir: c.binDir, runAs: c.runAs, uid: c.uid, gid: c.gid}
	if s.Initialized() {
		return nil, fmt.Errorf("pgcluster: NewStandby: %s already holds a data directory", s.DataDir())
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("create standby directory: %w", err)
	}
	if len(filepath.Join(abs, "socket", ".s.PGSQL.65535")) > maxSocketPath {
		d, err := os.MkdirTemp("", "iam-pg-")
		if err != nil {
			return nil, fmt.Errorf("create socket directory: %w", err)
		}
		s.cfg.SocketDir = d
	}
	for _, d := range []string{s.DataDir(), s.SocketDir(), filepath.Dir(s.LogFile())} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %w", d, err)
		}
		if err := s.chown(d); err != nil {
			return nil, err
		}
	}
	bin, err := c.tool("pg_basebackup")
	if err != nil {
		return nil, err
	}
	out, err := s.runIn(ctx, nil, bin, "-D", s.DataDir(), "-h", c.SocketDir(), "-p", fmt.Sprint(c.Port()),
		"-U", "postgres", "-X", "stream", "-R", "-c", "fast", "--no-sync")
	if err != nil {
		return nil, fmt.Errorf("pg_basebackup of %s into %s failed: %w\n%s", c.DataDir(), s.DataDir(), err, lastLines(out, 10))
	}
	if err := s.writeState(); err != nil {
		return nil, err
	}
	return s, nil
}

// tool finds a client program of the server's version: in BinDir, else
// next to the file BinDir/pg_ctl links to (PATH may hold links to the
// three server binaries only).
func (c *Cluster) tool(name string) (string, error) {
	p := filepath.Join(c.binDir, name)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if real, err := filepath.EvalSymlinks(filepath.Join(c.binDir, "pg_ctl")); err == nil {
		if q := filepath.Join(filepath.Dir(real), name); q != p {
			if _, err := os.Stat(q); err == nil {
				return q, nil
			}
		}
	}
	return "", fmt.Errorf("pgcluster: %s not found in %s: install the PostgreSQL client programs of the server's version (`apt-get install -y postgresql-15`)", name, c.binDir)
}
