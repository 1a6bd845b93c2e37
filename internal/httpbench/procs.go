package httpbench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a server process the benchmark started.
type child struct {
	name string
	cmd  *exec.Cmd
	addr string // host:port it listens on
	done chan error
}

func (c *child) stop() {
	if c == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// startIamServe runs `iam serve` (this executable) on the database, with
// or without the session cache, and waits for its "listening" log line.
func startIamServe(ctx context.Context, exe, dbURL, secret string, pool int, cache bool) (*child, error) {
	args := []string{"--database-url", dbURL, "serve", "--listen", "127.0.0.1:0", "--pool-size", strconv.Itoa(pool), "--log-level", "info"}
	name := "iam serve"
	if cache {
		args = append(args, "--session-cache")
		name = "iam serve --session-cache"
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), "IAM_SECRET="+secret)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("httpbench: start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	var tail []string
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
			if len(tail) < 20 {
				tail = append(tail, sc.Text())
			}
		}
		c.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		c.addr = a
		return c, nil
	case err := <-c.done:
		return nil, fmt.Errorf("httpbench: %s exited (%v): %s", name, err, strings.Join(tail, "\n"))
	case <-time.After(60 * time.Second):
		c.stop()
		return nil, fmt.Errorf("httpbench: %s did not listen within 60 s", name)
	}
}

// startBetterAuth runs interop/bench/serve.ts with Node: Better Auth over
// HTTP on the same database.
func startBetterAuth(ctx context.Context, dir, dbURL, secret string, pool int) (*child, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("httpbench: node not found on PATH: install Node.js >= 20 and npm (Debian/Ubuntu: apt-get install -y nodejs npm)")
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "serve.ts")); err != nil {
		return nil, fmt.Errorf("httpbench: %s has no serve.ts (run from the repository root or pass --node-dir): %w", dir, err)
	}
	mods := filepath.Join(dir, "..", "betterauth", "node_modules")
	if _, err := os.Stat(filepath.Join(mods, "better-auth")); err != nil {
		return nil, fmt.Errorf("httpbench: Better Auth is not installed in %s: run `npm ci` in interop/betterauth", filepath.Dir(mods))
	}
	link := filepath.Join(dir, "node_modules")
	if _, err := os.Lstat(link); errors.Is(err, os.ErrNotExist) {
		if err := os.Symlink(filepath.Join("..", "betterauth", "node_modules"), link); err != nil {
			return nil, fmt.Errorf("httpbench: link node_modules: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, node, "--import", "tsx", "serve.ts")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "IAM_DATABASE_URL="+dbURL, "BENCH_SECRET="+secret, "BENCH_POOL_SIZE="+strconv.Itoa(pool), "NODE_ENV=production")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("httpbench: start Better Auth: %w", err)
	}
	c := &child{name: "Better Auth", cmd: cmd, done: make(chan error, 1)}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				port <- p
			}
		}
		c.done <- cmd.Wait()
	}()
	select {
	case p := <-port:
		c.addr = "127.0.0.1:" + p
		return c, nil
	case err := <-c.done:
		return nil, fmt.Errorf("httpbench: Better Auth exited: %v (run `node --import tsx serve.ts` in %s to see why)", err, dir)
	case <-time.After(120 * time.Second):
		c.stop()
		return nil, errors.New("httpbench: Better Auth did not listen within 120 s")
	}
}

// clockTicks is USER_HZ, the unit of /proc's CPU times (100 on Linux).
const clockTicks = 100

// cpuTicks returns utime+stime of pid (all its threads), from
// /proc/<pid>/stat.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command may contain spaces: fields start after the last ')'.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st
}

// parentOf returns the parent pid of pid.
func parentOf(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}

// treeTicks sums the CPU time of root and its direct children (the
// postmaster and its backends; each live process's own time, so a backend
// that exits in between loses its share: the benchmark's connections are
// pooled and stay).
func treeTicks(root int) int64 {
	total := cpuTicks(root)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == root {
			continue
		}
		if parentOf(pid) == root {
			total += cpuTicks(pid)
		}
	}
	return total
}

// machineTicks returns the busy CPU time of the whole machine (all CPUs)
// from /proc/stat: user, nice, system, irq, softirq, steal.
func machineTicks() int64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		busy += v
	}
	return busy
}

// cpuSnapshot is the CPU time of each party at one moment.
type cpuSnapshot struct {
	at                                   time.Time
	generator, server, postgres, machine int64
}

// cpuParties names the processes whose CPU time is read: the benchmark
// itself (the load generator), the server under load, the PostgreSQL
// server.
type cpuParties struct {
	server, postmaster int
}

func (p cpuParties) snapshot() cpuSnapshot {
	return cpuSnapshot{at: time.Now(), generator: cpuTicks(os.Getpid()), server: cpuTicks(p.server),
		postgres: treeTicks(p.postmaster), machine: machineTicks()}
}

// CPU is how many CPUs each party kept busy, on average, while a target
// was under load.
type CPU struct {
	Generator float64 `json:"generator"`
	Server    float64 `json:"server"`
	Postgres  float64 `json:"postgres"`
	// Other is the rest of the machine's busy time (other processes).
	Other float64 `json:"other"`
	// GeneratorMicrosPerRequest is the load generator's CPU time per
	// request.
	GeneratorMicrosPerRequest float64 `json:"generator_us_per_request"`
	// ServerMicrosPerRequest is the server's CPU time per request.
	ServerMicrosPerRequest float64 `json:"server_us_per_request"`
	seconds                float64
	gen, srv, pg, all      int64
}

func (c *CPU) add(a, b cpuSnapshot) {
	c.seconds += b.at.Sub(a.at).Seconds()
	c.gen += b.generator - a.generator
	c.srv += b.server - a.server
	c.pg += b.postgres - a.postgres
	c.all += b.machine - a.machine
}

func (c *CPU) finish(ops int64) {
	if c.seconds <= 0 {
		return
	}
	cores := func(t int64) float64 { return float64(t) / clockTicks / c.seconds }
	c.Generator, c.Server, c.Postgres = cores(c.gen), cores(c.srv), cores(c.pg)
	c.Other = max(0, cores(c.all)-c.Generator-c.Server-c.Postgres)
	if ops > 0 {
		c.GeneratorMicrosPerRequest = float64(c.gen) / clockTicks * 1e6 / float64(ops)
		c.ServerMicrosPerRequest = float64(c.srv) / clockTicks * 1e6 / float64(ops)
	}
}
