package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/beep/iam/migrate"
	"github.com/jackc/pgx/v5"
)

// Options configure Suite, the whole of `iam bench`.
type Options struct {
	// URL is a superuser URL of the server; Suite creates its own scratch
	// database there (iam_bench_<random>), migrates and seeds it, and drops
	// it at the end unless Keep.
	URL  string
	Keep bool
	// SynchronousCommit is the scratch database's synchronous_commit
	// (default "off": commits do not wait for the WAL flush, so the write
	// paths measure the code and the server's CPU rather than the disk's
	// fsync latency; "on" measures durable commits).
	SynchronousCommit string
	Seed              SeedConfig
	Run               RunConfig
	// PoolSize is the size of the store's and of the baseline's pool (default 20).
	PoolSize int32
	// Paths restricts the Go paths (nil: Env.Paths, plus cookie_session when comparing).
	Paths []string
	// CountOps is the number of sequential operations behind the
	// statements/commits per operation (default 1,000; negative: skip).
	CountOps int
	// CompareBetterAuth also runs the Better Auth side (Node).
	CompareBetterAuth bool
	Node              NodeConfig
	// Log receives progress notes (nil: none).
	Log io.Writer
}

// Environment describes where the numbers were measured.
type Environment struct {
	Date       string            `json:"date"`
	GoVersion  string            `json:"go"`
	OS         string            `json:"os"`
	CPUs       int               `json:"cpus"`
	CPUModel   string            `json:"cpu_model,omitempty"`
	LoadAvg    string            `json:"load_average,omitempty"`
	Postgres   string            `json:"postgres"`
	PGSettings map[string]string `json:"postgres_settings"`
}

// Comparison is one Go path beside the Better Auth path that does the same.
type Comparison struct {
	Go          string  `json:"go"`
	GoOpsPerSec float64 `json:"go_ops_per_sec"`
	BetterAuth  string  `json:"better_auth"`
	BAOpsPerSec float64 `json:"better_auth_ops_per_sec"`
	Ratio       float64 `json:"ratio"`
	Target      float64 `json:"target_ratio"`
	GoP50Micros float64 `json:"go_p50_us"`
	BAP50Micros float64 `json:"better_auth_p50_us"`
	GoP99Micros float64 `json:"go_p99_us"`
	BAP99Micros float64 `json:"better_auth_p99_us"`
	GoCost      *Cost   `json:"go_cost,omitempty"`
	BACost      *Cost   `json:"better_auth_cost,omitempty"`
}

// Report is everything Suite measured.
type Report struct {
	Environment Environment `json:"environment"`
	Config      struct {
		Users, Orgs, APIKeys int
		Concurrency          int
		DurationSeconds      float64 `json:"duration_seconds"`
		PoolSize             int32   `json:"pool_size"`
	} `json:"config"`
	SeedSeconds float64     `json:"seed_seconds"`
	Results     []Result    `json:"results"`
	BetterAuth  *NodeReport `json:"better_auth,omitempty"`
	CookieCache *Stats      `json:"go_cookie_cache,omitempty"`
	// GoAfter is the Go side of the compared paths measured again after
	// Better Auth.
	GoAfter     map[string]Stats `json:"go_after_better_auth,omitempty"`
	Comparisons []Comparison     `json:"comparisons,omitempty"`
	Seconds     float64          `json:"total_seconds"`
}

// Suite runs `iam bench`: scratch database, seed, paths, costs and (when
// asked) the Better Auth comparison.
func Suite(ctx context.Context, o Options) (rep *Report, err error) {
	start := time.Now()
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format, args...)
		}
	}
	if o.PoolSize <= 0 {
		o.PoolSize = DefaultPoolSize
	}
	if o.CountOps == 0 {
		o.CountOps = 1000
	}
	o.Seed = o.Seed.withDefaults()
	o.Run = o.Run.withDefaults()
	rep = &Report{}
	rep.Config.Users, rep.Config.Orgs, rep.Config.APIKeys = o.Seed.Users, o.Seed.Orgs, o.Seed.APIKeys
	rep.Config.Concurrency, rep.Config.DurationSeconds, rep.Config.PoolSize = o.Run.Concurrency, o.Run.Duration.Seconds(), o.PoolSize

	if o.SynchronousCommit == "" {
		o.SynchronousCommit = "off"
	}
	dbURL, drop, err := scratchDatabase(ctx, o.URL, o.SynchronousCommit)
	if err != nil {
		return nil, err
	}
	if o.Keep {
		logf("keeping the benchmark database: %s\n", redact(dbURL))
	} else {
		defer func() {
			if derr := drop(); derr != nil && err == nil {
				err = derr
			}
		}()
	}
	if rep.Environment, err = environment(ctx, dbURL); err != nil {
		return nil, err
	}
	if err := migrateUp(ctx, dbURL); err != nil {
		return nil, err
	}
	o.Seed.Progress = o.Log
	t0 := time.Now()
	ds, err := Seed(ctx, dbURL, o.Seed)
	if err != nil {
		return nil, err
	}
	rep.SeedSeconds = time.Since(t0).Seconds()
	logf("seeded %d users, %d organizations, %d sessions, %d API keys in %.1fs\n", o.Seed.Users, o.Seed.Orgs, o.Seed.Users, o.Seed.APIKeys, rep.SeedSeconds)

	env, err := NewEnv(ctx, ds, o.PoolSize)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	names := o.Paths
	if len(names) == 0 {
		for _, p := range env.Paths() {
			names = append(names, p.Name)
		}
		if o.CompareBetterAuth {
			names = append(names, PathCookie)
		}
	}
	var paths []Path
	for _, n := range names {
		p, ok := env.PathByName(n)
		if !ok {
			return nil, fmt.Errorf("bench: unknown path %q (known: %s, %s, %s, %s, %s)", n, PathSession, PathCookie, PathAPIKey, PathRateLimit, PathMembers)
		}
		paths = append(paths, p)
	}
	logf("running %d paths × (Go + baseline) × %s at concurrency %d, pool %d\n", len(paths), o.Run.Duration, o.Run.Concurrency, o.PoolSize)
	rep.Results, err = Run(ctx, paths, o.Run, func(r Result) {
		logf("  %-15s go %8.0f ops/s  baseline %8.0f ops/s  ratio %.2f\n", r.Path, r.Go.OpsPerSec, r.Baseline.OpsPerSec, r.Ratio)
	})
	if err != nil {
		return rep, err
	}
	if o.CountOps > 0 {
		costs, err := CountCosts(ctx, ds, names, o.CountOps)
		if err != nil {
			return rep, err
		}
		for i := range rep.Results {
			if c, ok := costs[rep.Results[i].Path]; ok {
				goCost, base := c[0], c[1]
				rep.Results[i].Cost, rep.Results[i].BaselineCost = &goCost, &base
			}
		}
	}
	if o.CompareBetterAuth {
		if o.Node.Concurrency == 0 {
			o.Node.Concurrency = o.Run.Concurrency
		}
		if o.Node.Duration == 0 {
			o.Node.Duration = o.Run.Duration
		}
		if o.Node.PoolSize == 0 {
			o.Node.PoolSize = int(o.PoolSize)
		}
		if o.Node.Log == nil {
			o.Node.Log = o.Log
		}
		if o.Node.CountOps == 0 {
			o.Node.CountOps = max(o.CountOps/5, 0) // Better Auth is slower: fewer sequential operations
		}
		logf("running Better Auth (Node) on the same database\n")
		ba, err := RunBetterAuth(ctx, env, o.Node)
		if err != nil {
			return rep, err
		}
		rep.BetterAuth = ba
		op, err := env.CookieCacheOp(ba.CacheCookies)
		if err != nil {
			return rep, err
		}
		cc, err := RunOne(ctx, op, o.Run)
		if err != nil {
			return rep, err
		}
		rep.CookieCache = &cc
		logf("  go cookie cache %8.0f ops/s\n", cc.OpsPerSec)
		// The Go side of each comparison again, after Node: the comparison
		// uses the mean of before and after, cancelling drift of the machine.
		rep.GoAfter = map[string]Stats{}
		for _, r := range rep.Results {
			if r.Path != PathSession && r.Path != PathCookie && r.Path != PathAPIKey {
				continue
			}
			p, _ := env.PathByName(r.Path)
			st, err := RunOne(ctx, p.Go, o.Run)
			if err != nil {
				return rep, err
			}
			rep.GoAfter[r.Path] = st
			logf("  %-15s go again %8.0f ops/s\n", r.Path, st.OpsPerSec)
		}
		rep.Comparisons = compare(rep)
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

func compare(rep *Report) []Comparison {
	var out []Comparison
	add := func(goName string, gs Stats, goCost *Cost, baName string, target float64) {
		bs, ok := rep.BetterAuth.Stat(baName)
		if !ok || gs.Ops == 0 {
			return
		}
		c := Comparison{Go: goName, GoOpsPerSec: gs.OpsPerSec, BetterAuth: baName, BAOpsPerSec: bs.OpsPerSec, Target: target,
			GoP50Micros: gs.P50Micros, BAP50Micros: bs.P50Micros, GoP99Micros: gs.P99Micros, BAP99Micros: bs.P99Micros,
			GoCost: goCost, BACost: bs.Cost}
		if bs.OpsPerSec > 0 {
			c.Ratio = gs.OpsPerSec / bs.OpsPerSec
		}
		out = append(out, c)
	}
	for _, r := range rep.Results {
		gs := r.Go
		if after, ok := rep.GoAfter[r.Path]; ok {
			gs.OpsPerSec = (gs.OpsPerSec + after.OpsPerSec) / 2
			gs.P50Micros = (gs.P50Micros + after.P50Micros) / 2
			gs.P99Micros = (gs.P99Micros + after.P99Micros) / 2
		}
		switch r.Path {
		case PathSession, PathCookie:
			add(r.Path, gs, r.Cost, BAGetSession, 12)
		case PathAPIKey:
			add(r.Path, gs, r.Cost, BAVerifyAPIKey, 10)
		}
	}
	if rep.CookieCache != nil {
		add("cookie_cache_verify", *rep.CookieCache, &Cost{}, BAGetSessionCached, 50)
	}
	return out
}

// Print writes the human-readable tables.
func (r *Report) Print(w io.Writer) {
	e := r.Environment
	fmt.Fprintf(w, "\n%s · %s · %d CPUs %s · load %s · Go %s · PostgreSQL %s\n", e.Date, e.OS, e.CPUs, e.CPUModel, e.LoadAvg, e.GoVersion, e.Postgres)
	fmt.Fprintf(w, "%d users (all in one organization), %d organizations, %d API keys; concurrency %d, pool %d, %gs per implementation\n\n",
		r.Config.Users, r.Config.Orgs, r.Config.APIKeys, r.Config.Concurrency, r.Config.PoolSize, r.Config.DurationSeconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "PATH\tIMPL\tOPS/S\tP50 µs\tP95 µs\tP99 µs\tALLOCS/OP\tVS PGX\tSTMTS/OP\tRTT/OP\tCOMMITS/OP\t")
	cost := func(c *Cost) string {
		if c == nil {
			return "-\t-\t-"
		}
		return fmt.Sprintf("%.2f\t%.2f\t%.2f", c.Statements, c.RoundTrips, c.Commits)
	}
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\tgo\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t%.2fx\t%s\t\n", res.Path, res.Go.OpsPerSec, res.Go.P50Micros, res.Go.P95Micros, res.Go.P99Micros, res.Go.AllocsPerOp, res.Ratio, cost(res.Cost))
		fmt.Fprintf(tw, "\tpgx\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t\t%s\t\n", res.Baseline.OpsPerSec, res.Baseline.P50Micros, res.Baseline.P95Micros, res.Baseline.P99Micros, res.Baseline.AllocsPerOp, cost(res.BaselineCost))
	}
	tw.Flush()
	if len(r.Comparisons) > 0 {
		fmt.Fprintf(w, "\nBetter Auth %s on Node %s, in process, same database, concurrency %d, pg pool %d (Go: mean of the runs before and after):\n\n", r.BetterAuth.BetterAuth, r.BetterAuth.Node, r.Config.Concurrency, r.Config.PoolSize)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "GO PATH\tOPS/S\tP50 µs\tP99 µs\tSTMTS/RTT/COMMITS\tBETTER AUTH\tOPS/S\tP50 µs\tP99 µs\tSTMTS/RTT/COMMITS\tRATIO\tTARGET\t")
		for _, c := range r.Comparisons {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%s\t%s\t%.0f\t%.0f\t%.0f\t%s\t%.1fx\t≥%.0fx\t\n", c.Go, c.GoOpsPerSec, c.GoP50Micros, c.GoP99Micros, costTriple(c.GoCost), c.BetterAuth, c.BAOpsPerSec, c.BAP50Micros, c.BAP99Micros, costTriple(c.BACost), c.Ratio, c.Target)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nseeding %.1fs, total %.1fs\n", r.SeedSeconds, r.Seconds)
}

// scratchDatabase creates iam_bench_<random> on the server of url and
// returns its URL and a function that drops it.
func scratchDatabase(ctx context.Context, serverURL, syncCommit string) (string, func() error, error) {
	return ScratchDatabase(ctx, serverURL, "iam_bench_", syncCommit)
}

// ScratchDatabase creates <prefix><random> on the server of serverURL with
// the given synchronous_commit and returns its URL and a function that
// drops it (also used by iam bench serve).
func ScratchDatabase(ctx context.Context, serverURL, prefix, syncCommit string) (string, func() error, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("bench: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("bench: create the scratch database (the URL's role needs CREATEDB): %w", err)
	}
	drop := func() error {
		ctx := context.WithoutCancel(ctx)
		c, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			return fmt.Errorf("bench: drop %s: %w", name, err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("bench: drop %s: %w", name, err)
		}
		return nil
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = "+pgx.Identifier{syncCommit}.Sanitize()); err != nil {
		_ = drop()
		return "", nil, fmt.Errorf("bench: synchronous_commit %q: %w", syncCommit, err)
	}
	dbURL, err := withDatabase(serverURL, name)
	if err != nil {
		_ = drop()
		return "", nil, err
	}
	return dbURL, drop, nil
}

func withDatabase(raw, db string) (string, error) {
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", err
		}
		u.Path = "/" + db
		return u.String(), nil
	}
	return raw + " dbname=" + db, nil
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	return raw
}

func migrateUp(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("bench: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := migrate.Default().Up(ctx, conn); err != nil {
		return fmt.Errorf("bench: migrate: %w", err)
	}
	return nil
}

func environment(ctx context.Context, dbURL string) (Environment, error) {
	e := Environment{Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(), PGSettings: map[string]string{}}
	e.CPUModel, e.LoadAvg = hostInfo()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return e, fmt.Errorf("bench: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&e.Postgres); err != nil {
		return e, err
	}
	rows, err := conn.Query(ctx, `SELECT name, current_setting(name) FROM pg_settings
		WHERE name IN ('shared_buffers', 'max_connections', 'fsync', 'synchronous_commit', 'full_page_writes', 'work_mem', 'jit', 'track_functions')`)
	if err != nil {
		return e, err
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return e, err
		}
		e.PGSettings[k] = v
	}
	return e, rows.Err()
}

// Markdown writes the tables as Markdown (docs/benchmarks.md).
func (r *Report) Markdown(w io.Writer) {
	e := r.Environment
	fmt.Fprintf(w, "Measured %s on %s, %d CPUs (%s), load average %s at the start; Go %s; PostgreSQL %s",
		e.Date, e.OS, e.CPUs, e.CPUModel, e.LoadAvg, e.GoVersion, e.Postgres)
	var keys []string
	for k := range e.PGSettings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var kv []string
	for _, k := range keys {
		kv = append(kv, k+"="+e.PGSettings[k])
	}
	fmt.Fprintf(w, " (%s).\n", strings.Join(kv, ", "))
	fmt.Fprintf(w, "Data: %d users (all members of one organization, one session each), %d organizations, %d API keys. Concurrency %d, pools of %d, %g s per implementation in %d alternating slices.\n\n",
		r.Config.Users, r.Config.Orgs, r.Config.APIKeys, r.Config.Concurrency, r.Config.PoolSize, r.Config.DurationSeconds, DefaultSlices)
	fmt.Fprintln(w, "| path | impl | ops/s | p50 µs | p95 µs | p99 µs | allocs/op | vs pgx | statements/op | round trips/op | commits/op |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	cost := func(c *Cost) string {
		if c == nil {
			return "– | – | –"
		}
		return fmt.Sprintf("%.2f | %.2f | %.2f", c.Statements, c.RoundTrips, c.Commits)
	}
	for _, res := range r.Results {
		fmt.Fprintf(w, "| %s | go | %.0f | %.0f | %.0f | %.0f | %.1f | **%.2f×** | %s |\n", res.Path, res.Go.OpsPerSec, res.Go.P50Micros, res.Go.P95Micros, res.Go.P99Micros, res.Go.AllocsPerOp, res.Ratio, cost(res.Cost))
		fmt.Fprintf(w, "| | pgx | %.0f | %.0f | %.0f | %.0f | %.1f | | %s |\n", res.Baseline.OpsPerSec, res.Baseline.P50Micros, res.Baseline.P95Micros, res.Baseline.P99Micros, res.Baseline.AllocsPerOp, cost(res.BaselineCost))
	}
	if len(r.Comparisons) > 0 {
		fmt.Fprintf(w, "\nBetter Auth %s on Node %s, in process, same database, %d concurrent async loops, pg pool %d (Go: mean of the runs before and after Better Auth):\n\n", r.BetterAuth.BetterAuth, r.BetterAuth.Node, r.Config.Concurrency, r.Config.PoolSize)
		fmt.Fprintln(w, "| Go | ops/s | p50 µs | p99 µs | statements / round trips / commits | Better Auth | ops/s | p50 µs | p99 µs | statements / round trips / commits | ratio | target |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|")
		for _, c := range r.Comparisons {
			fmt.Fprintf(w, "| %s | %.0f | %.0f | %.0f | %s | %s | %.0f | %.0f | %.0f | %s | **%.1f×** | ≥ %.0f× |\n", c.Go, c.GoOpsPerSec, c.GoP50Micros, c.GoP99Micros, costTriple(c.GoCost), c.BetterAuth, c.BAOpsPerSec, c.BAP50Micros, c.BAP99Micros, costTriple(c.BACost), c.Ratio, c.Target)
		}
	}
	fmt.Fprintf(w, "\nSeeding took %.1f s, the whole run %.1f s.\n", r.SeedSeconds, r.Seconds)
}

func costTriple(c *Cost) string {
	if c == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f / %.2f / %.2f", c.Statements, c.RoundTrips, c.Commits)
}
