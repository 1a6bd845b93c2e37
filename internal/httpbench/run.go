package httpbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/bench"
	"github.com/beep/iam/migrate"
)

// Options configure Run. Zero values take the defaults.
type Options struct {
	// URL is a superuser URL of the server; Run creates a scratch database
	// there (iam_httpbench_<random>) and drops it at the end unless Keep.
	URL  string
	Keep bool
	// Executable is the iam binary that `iam serve` runs from (default:
	// this process's executable).
	Executable string
	// NodeDir is interop/bench (serve.ts).
	NodeDir string
	// Users seeded (default 10,000); the load uses Sessions of them.
	Users    int
	Sessions int // default 2,000
	// Concurrency is the number of keep-alive connections of the load
	// generator (default 16); Duration the measured time per target
	// (default 5 s, in Slices interleaved slices, default 10).
	Concurrency int
	Duration    time.Duration
	Slices      int
	// PoolSize is the database pool of each server (default 20).
	PoolSize int
	// Revocations is the number of revocations measured per kind and load
	// (default 200).
	Revocations int
	Log         io.Writer
}

func (o *Options) defaults() {
	if o.Users <= 0 {
		o.Users = bench.DefaultUsers
	}
	if o.Sessions <= 0 {
		o.Sessions = 2000
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.Duration <= 0 {
		o.Duration = 5 * time.Second
	}
	if o.Slices <= 0 {
		o.Slices = 10
	}
	if o.PoolSize <= 0 {
		o.PoolSize = 20
	}
	if o.Revocations <= 0 {
		o.Revocations = 200
	}
	if o.NodeDir == "" {
		o.NodeDir = "interop/bench"
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Environment says where the numbers were measured.
type Environment struct {
	Date       string `json:"date"`
	GoVersion  string `json:"go"`
	OS         string `json:"os"`
	CPUs       int    `json:"cpus"`
	CPUModel   string `json:"cpu_model,omitempty"`
	LoadAvg    string `json:"load_average,omitempty"`
	Postgres   string `json:"postgres"`
	Node       string `json:"node"`
	BetterAuth string `json:"better_auth"`
}

// Result is one target under load.
type Result struct {
	Target       string  `json:"target"`
	Server       string  `json:"server"`
	What         string  `json:"what"`
	Ops          int64   `json:"ops"`
	Errors       int64   `json:"errors"`
	FirstError   string  `json:"first_error,omitempty"`
	Seconds      float64 `json:"seconds"`
	OpsPerSec    float64 `json:"ops_per_sec"`
	P50Micros    float64 `json:"p50_us"`
	P95Micros    float64 `json:"p95_us"`
	P99Micros    float64 `json:"p99_us"`
	MaxMicros    float64 `json:"max_us"`
	VsBetterAuth float64 `json:"vs_better_auth_get_session,omitempty"`
	CPU          CPU     `json:"cpu"`
}

// Revocation is the time from a revoking commit to the first refusal
// through iam serve --session-cache, over many revocations.
type Revocation struct {
	Write string `json:"write"` // what revoked
	Load  string `json:"load"`  // what else ran meanwhile
	N     int    `json:"n"`
	// From the commit's acknowledgement to the first refused answer
	// (polling on one keep-alive connection, so at most one request's
	// latency above the true bound).
	P50Millis float64 `json:"p50_ms"`
	P99Millis float64 `json:"p99_ms"`
	MaxMillis float64 `json:"max_ms"`
	// StaleAnswers is the most 200s one revocation got after its commit
	// was acknowledged.
	StaleAnswers int `json:"max_stale_answers"`
	// WriteMillis is the median time the revoking statement itself took.
	WriteMillis float64 `json:"write_p50_ms"`
}

// Report is everything Run measured.
type Report struct {
	Environment Environment `json:"environment"`
	Config      struct {
		Users, Sessions, Concurrency, Slices, PoolSize int
		DurationSeconds                                float64 `json:"duration_seconds"`
	} `json:"config"`
	Results     []Result     `json:"results"`
	Revocations []Revocation `json:"revocations"`
	Seconds     float64      `json:"total_seconds"`
}

// Target names.
const (
	TargetBAGetSession      = "better_auth_get_session"
	TargetGetSession        = "serve_get_session"
	TargetForwardAuth       = "serve_forward_auth"
	TargetForwardAuthAPIKey = "serve_forward_auth_api_key"
	TargetForwardAuthCached = "serve_forward_auth_cached"
	TargetGetSessionCached  = "serve_get_session_cached"
	TargetHealthz           = "serve_healthz"
)

// Run measures HTTP throughput, latency and CPU of Better Auth's get-session
// and of iam serve's endpoints on one seeded database, and the revocation
// bound of the session cache.
func Run(ctx context.Context, o Options) (rep *Report, err error) {
	start := time.Now()
	o.defaults()
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format, args...) }
	rep = &Report{}
	rep.Config.Users, rep.Config.Sessions, rep.Config.Concurrency = o.Users, o.Sessions, o.Concurrency
	rep.Config.Slices, rep.Config.PoolSize, rep.Config.DurationSeconds = o.Slices, o.PoolSize, o.Duration.Seconds()
	if o.Sessions+2*o.Revocations > o.Users {
		return nil, fmt.Errorf("httpbench: --users %d is too few for %d sessions under load and 2×%d revocations", o.Users, o.Sessions, o.Revocations)
	}
	exe := o.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}

	dbURL, drop, err := scratchDatabase(ctx, o.URL)
	if err != nil {
		return nil, err
	}
	if o.Keep {
		logf("keeping the benchmark database %s\n", dbName(dbURL))
	} else {
		defer func() {
			if derr := drop(); derr != nil && err == nil {
				err = derr
			}
		}()
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("httpbench: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := migrate.Default().Up(ctx, conn); err != nil {
		return nil, fmt.Errorf("httpbench: migrate: %w", err)
	}
	ds, err := bench.Seed(ctx, dbURL, bench.SeedConfig{Users: o.Users, Progress: o.Log})
	if err != nil {
		return nil, err
	}
	rep.Environment = environment(ctx, conn, o.NodeDir)
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return nil, err
	}
	postmaster := parentOf(backend) // 0 for a server on another machine: its CPU is not read

	logf("starting iam serve (cache off and on) and Better Auth (Node) on %s\n", dbName(dbURL))
	plain, err := startIamServe(ctx, exe, dbURL, bench.BenchSecret, o.PoolSize, false)
	if err != nil {
		return nil, err
	}
	defer plain.stop()
	cached, err := startIamServe(ctx, exe, dbURL, bench.BenchSecret, o.PoolSize, true)
	if err != nil {
		return nil, err
	}
	defer cached.stop()
	ba, err := startBetterAuth(ctx, o.NodeDir, dbURL, bench.BenchSecret, o.PoolSize)
	if err != nil {
		return nil, err
	}
	defer ba.stop()

	auth, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret(bench.BenchSecret)})
	if err != nil {
		return nil, err
	}
	cookie := func(i int) [2]string {
		return [2]string{"Cookie", auth.SessionTokenCookieName() + "=" + auth.SignCookieValue(ds.Tokens[i])}
	}
	reqs := func(c *child, method, path string, header func(i int) [2]string, n int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			var h [][2]string
			if header != nil {
				h = append(h, header(i))
			}
			out[i] = request(method, c.addr, path, h, "")
		}
		return out
	}
	keyHeader := func(i int) [2]string { return [2]string{"X-Api-Key", ds.APIKeys[i%len(ds.APIKeys)]} }
	type spec struct {
		t    *target
		srv  *child
		what string
	}
	specs := []spec{
		{&target{name: TargetBAGetSession, addr: ba.addr, reqs: reqs(ba, "GET", "/api/auth/get-session", cookie, o.Sessions), expect: 200}, ba,
			"GET /api/auth/get-session with the session cookie (cookie cache off)"},
		{&target{name: TargetGetSession, addr: plain.addr, reqs: reqs(plain, "GET", "/api/auth/get-session", cookie, o.Sessions), expect: 200}, plain,
			"GET /api/auth/get-session with the session cookie"},
		{&target{name: TargetForwardAuth, addr: plain.addr, reqs: reqs(plain, "GET", "/forward-auth/app/orders", cookie, o.Sessions), expect: 200}, plain,
			"GET /forward-auth/... with the session cookie"},
		{&target{name: TargetForwardAuthAPIKey, addr: plain.addr, reqs: reqs(plain, "GET", "/forward-auth/app/orders", keyHeader, len(ds.APIKeys)), expect: 200}, plain,
			"GET /forward-auth/... with an API key (one UPDATE per request, no cache)"},
		{&target{name: TargetForwardAuthCached, addr: cached.addr, reqs: reqs(cached, "GET", "/forward-auth/app/orders", cookie, o.Sessions), expect: 200}, cached,
			"GET /forward-auth/... with the session cookie, --session-cache"},
		{&target{name: TargetGetSessionCached, addr: cached.addr, reqs: reqs(cached, "GET", "/api/auth/get-session", cookie, o.Sessions), expect: 200}, cached,
			"GET /api/auth/get-session with the session cookie, --session-cache"},
		{&target{name: TargetHealthz, addr: plain.addr, reqs: reqs(plain, "GET", "/healthz", nil, 1), expect: 200}, plain,
			"GET /healthz (no database, no credentials): the ceiling of HTTP on this machine, load generator included"},
	}
	defer func() {
		for _, s := range specs {
			s.t.close()
		}
	}()

	logf("warming up each target for 1 s\n")
	for _, s := range specs {
		if w := s.t.load(o.Concurrency, time.Second, false, nil); w.errors > 0 {
			return rep, fmt.Errorf("httpbench: %s: %d errors while warming up (%s)", s.t.name, w.errors, w.firstError)
		}
	}
	logf("measuring %d targets × %s in %d interleaved slices at %d connections\n", len(specs), o.Duration, o.Slices, o.Concurrency)
	acc := make([]sample, len(specs))
	cpus := make([]CPU, len(specs))
	per := o.Duration / time.Duration(o.Slices)
	for slice := range o.Slices {
		for k := range specs {
			i := (k + slice) % len(specs)
			if slice%2 == 1 {
				i = len(specs) - 1 - i
			}
			s := specs[i]
			parties := cpuParties{server: s.srv.cmd.Process.Pid, postmaster: postmaster}
			a := parties.snapshot()
			got := s.t.load(o.Concurrency, per, true, nil)
			cpus[i].add(a, parties.snapshot())
			acc[i].ops += got.ops
			if acc[i].errors == 0 && got.errors > 0 {
				acc[i].firstError = got.firstError
			}
			acc[i].errors += got.errors
			acc[i].lat = append(acc[i].lat, got.lat...)
		}
	}
	for i, s := range specs {
		sortDurations(acc[i].lat)
		cpus[i].finish(acc[i].ops)
		secs := cpus[i].seconds
		r := Result{Target: s.t.name, Server: s.srv.name, What: s.what, Ops: acc[i].ops, Errors: acc[i].errors, FirstError: acc[i].firstError,
			Seconds: secs, OpsPerSec: float64(acc[i].ops) / secs, P50Micros: percentile(acc[i].lat, .5), P95Micros: percentile(acc[i].lat, .95),
			P99Micros: percentile(acc[i].lat, .99), MaxMicros: percentile(acc[i].lat, 1), CPU: cpus[i]}
		rep.Results = append(rep.Results, r)
		logf("  %-28s %9.0f ops/s  p50 %7.0f µs  p99 %7.0f µs  errors %d\n", r.Target, r.OpsPerSec, r.P50Micros, r.P99Micros, r.Errors)
	}
	if base := rep.Results[0].OpsPerSec; base > 0 {
		for i := range rep.Results[1:] {
			rep.Results[i+1].VsBetterAuth = rep.Results[i+1].OpsPerSec / base
		}
	}
	for _, r := range rep.Results {
		if r.Errors > 0 {
			return rep, fmt.Errorf("httpbench: %s: %d errors (%s)", r.Target, r.Errors, r.FirstError)
		}
	}

	// Revocations through the cache, idle and under load: sessions deleted
	// (Better Auth's sign-out and revoke), users banned.
	next := o.Sessions
	take := func() int { next++; return next - 1 }
	cachedForward := func(i int) []byte {
		return request("GET", cached.addr, "/forward-auth/app/orders", [][2]string{cookie(i)}, "")
	}
	revoke := func(i int) error {
		_, err := conn.Exec(ctx, "DELETE FROM shared_session WHERE token = $1", ds.Tokens[i])
		return err
	}
	ban := func(i int) error {
		_, err := conn.Exec(ctx, "UPDATE shared_user SET banned = true, ban_reason = 'iam bench serve' WHERE id = $1", ds.Users[i].String())
		return err
	}
	load := specs[4].t // the cached forward auth of the sessions under load
	for _, kind := range []struct {
		write  string
		fn     func(int) error
		expect int
	}{{"DELETE FROM shared_session (sign-out, revoke)", revoke, 401}, {"UPDATE shared_user SET banned = true", ban, 403}} {
		for _, loaded := range []bool{false, true} {
			label := "idle"
			var stop chan struct{}
			var bg sync.WaitGroup
			if loaded {
				label = fmt.Sprintf("%s at %d connections", TargetForwardAuthCached, o.Concurrency)
				stop = make(chan struct{})
				bg.Go(func() { load.load(o.Concurrency, time.Hour, false, stop) })
			}
			n := o.Revocations / 2
			rv, err := measureRevocations(cached.addr, n, take, cachedForward, kind.fn, kind.expect)
			if stop != nil {
				close(stop)
				bg.Wait()
			}
			if err != nil {
				return rep, fmt.Errorf("httpbench: revocation (%s, %s): %w", kind.write, label, err)
			}
			rv.Write, rv.Load = kind.write, label
			rep.Revocations = append(rep.Revocations, rv)
			logf("  revocation %-48s %-40s p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", kind.write, label, rv.P50Millis, rv.P99Millis, rv.MaxMillis)
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

// measureRevocations revokes n fresh sessions one at a time: each is
// requested twice (cached), revoked by write, then requested on one
// keep-alive connection until it is refused with expect.
func measureRevocations(addr string, n int, take func() int, req func(int) []byte, write func(int) error, expect int) (Revocation, error) {
	c := &client{addr: addr}
	defer c.close()
	var bounds, writes []time.Duration
	maxStale := 0
	for range n {
		i := take()
		r := req(i)
		for range 2 {
			status, err := c.do(r)
			if err != nil {
				return Revocation{}, err
			}
			if status != 200 {
				return Revocation{}, fmt.Errorf("a fresh session got %d", status)
			}
		}
		t0 := time.Now()
		if err := write(i); err != nil {
			return Revocation{}, err
		}
		t1 := time.Now()
		stale := 0
		for {
			status, err := c.do(r)
			if err != nil {
				return Revocation{}, err
			}
			if status == expect {
				bounds = append(bounds, time.Since(t1))
				writes = append(writes, t1.Sub(t0))
				break
			}
			if status != 200 {
				return Revocation{}, fmt.Errorf("got %d, want 200 or %d", status, expect)
			}
			stale++
			if time.Since(t1) > 30*time.Second {
				return Revocation{}, errors.New("still served 30 s after the revoking commit")
			}
		}
		maxStale = max(maxStale, stale)
	}
	sortDurations(bounds)
	sortDurations(writes)
	ms := func(d []time.Duration, p float64) float64 { return percentile(d, p) / 1000 }
	return Revocation{N: n, P50Millis: ms(bounds, .5), P99Millis: ms(bounds, .99), MaxMillis: ms(bounds, 1),
		StaleAnswers: maxStale, WriteMillis: ms(writes, .5)}, nil
}

// scratchDatabase creates iam_httpbench_<random> (synchronous_commit off,
// as iam bench) and returns its URL and a function that drops it. The URL
// must be a postgres:// URL: Better Auth's pg client reads it too.
func scratchDatabase(ctx context.Context, serverURL string) (string, func() error, error) {
	if u, err := url.Parse(serverURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, errors.New("httpbench: the database URL must be a postgres:// URL (Better Auth's pg client reads it too)")
	}
	return bench.ScratchDatabase(ctx, serverURL, "iam_httpbench_", "off")
}

func dbName(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return strings.TrimPrefix(u.Path, "/")
	}
	return "?"
}

func environment(ctx context.Context, conn *pgx.Conn, nodeDir string) Environment {
	e := Environment{Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				e.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			e.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&e.Postgres)
	if out, err := exec.Command("node", "--version").Output(); err == nil {
		e.Node = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile(nodeDir + "/../betterauth/node_modules/better-auth/package.json"); err == nil {
		if i := strings.Index(string(b), `"version":`); i >= 0 {
			v := strings.TrimSpace(string(b)[i+len(`"version":`):])
			e.BetterAuth = strings.Trim(strings.SplitN(v, ",", 2)[0], `" `)
		}
	}
	return e
}
