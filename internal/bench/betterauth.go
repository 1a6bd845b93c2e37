package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// NodeConfig says how to run the Better Auth side (interop/bench/bench.ts).
type NodeConfig struct {
	// Dir is interop/bench; its packages come from ../betterauth/node_modules.
	Dir         string
	Concurrency int
	Duration    time.Duration
	PoolSize    int
	// Sessions is how many of the seeded sessions Better Auth reads (default
	// 2,000; each is primed once for the cookie cache).
	Sessions int
	// Log receives the Node side's progress lines (nil: discarded).
	Log io.Writer
	// CountOps, when positive, is the number of sequential operations per
	// path behind the statements, round trips and commits per operation,
	// on one connection through the counting proxy.
	CountOps int
}

// NodeStats is one Better Auth path.
type NodeStats struct {
	Path       string  `json:"path"`
	Ops        int64   `json:"ops"`
	Errors     int64   `json:"errors"`
	FirstError string  `json:"firstError,omitempty"`
	Seconds    float64 `json:"seconds"`
	OpsPerSec  float64 `json:"opsPerSec"`
	P50Micros  float64 `json:"p50Us"`
	P95Micros  float64 `json:"p95Us"`
	P99Micros  float64 `json:"p99Us"`
	// Commits per operation, measured by the Node side (pg_stat_database).
	Commits *float64 `json:"commitsPerOp,omitempty"`
	// Cost per operation (statements and round trips from the proxy).
	Cost *Cost `json:"cost,omitempty"`
}

// NodeReport is what the Node side measured, and the cookie-cache cookies
// Better Auth set (for Go to verify the same cookies).
type NodeReport struct {
	BetterAuth   string      `json:"betterAuth"`
	Node         string      `json:"node"`
	Results      []NodeStats `json:"results"`
	CacheCookies []string    `json:"cacheCookies"`
}

// Better Auth path names (NodeStats.Path).
const (
	BAGetSession       = "get_session_cache_off"
	BAGetSessionCached = "get_session_cache_on"
	BAVerifyAPIKey     = "verify_api_key"
)

// Stat returns the named path's stats.
func (r *NodeReport) Stat(path string) (NodeStats, bool) {
	for _, s := range r.Results {
		if s.Path == path {
			return s, true
		}
	}
	return NodeStats{}, false
}

// RunBetterAuth runs interop/bench/bench.ts with Node against the seeded
// database of env and returns its measurements.
func RunBetterAuth(ctx context.Context, env *Env, cfg NodeConfig) (*NodeReport, error) {
	rc := RunConfig{Concurrency: cfg.Concurrency, Duration: cfg.Duration}.withDefaults()
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = DefaultPoolSize
	}
	if cfg.Sessions <= 0 {
		cfg.Sessions = 2000
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("bench: node not found on PATH: install Node.js >= 20 and npm (Debian/Ubuntu: apt-get install -y nodejs npm)")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "bench.ts")); err != nil {
		return nil, fmt.Errorf("bench: %s has no bench.ts (run from the repository root or pass --node-dir): %w", dir, err)
	}
	mods := filepath.Join(dir, "..", "betterauth", "node_modules")
	if _, err := os.Stat(filepath.Join(mods, "better-auth")); err != nil {
		return nil, fmt.Errorf("bench: Better Auth is not installed in %s: run `npm ci` in interop/betterauth (or `go test ./interop/`, which does)", filepath.Dir(mods))
	}
	link := filepath.Join(dir, "node_modules")
	if _, err := os.Lstat(link); errors.Is(err, os.ErrNotExist) {
		if err := os.Symlink(filepath.Join("..", "betterauth", "node_modules"), link); err != nil {
			return nil, fmt.Errorf("bench: link node_modules: %w", err)
		}
	}

	n := min(cfg.Sessions, len(env.Data.Tokens))
	cookies := make([]string, n)
	for i := range n {
		cookies[i] = env.CookieHeader(env.Data.Tokens[i])
	}
	var wc *wireCounter
	countURL := ""
	if cfg.CountOps > 0 {
		if wc, countURL, err = startWireCounter(env.Data.URL); err != nil {
			return nil, fmt.Errorf("bench: counting proxy: %w", err)
		}
		defer wc.close()
	}
	fixtures := map[string]any{
		"countOps": max(cfg.CountOps, 0), "countURL": countURL,
		"secret": BenchSecret, "cookies": cookies, "apiKeys": env.Data.APIKeys,
		"concurrency": rc.Concurrency, "durationMs": rc.Duration.Milliseconds(), "poolSize": cfg.PoolSize,
		"warmupMs": 1000,
	}
	tmp, err := os.MkdirTemp("", "iam-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	fxPath, outPath := filepath.Join(tmp, "fixtures.json"), filepath.Join(tmp, "out.json")
	b, _ := json.Marshal(fixtures)
	if err := os.WriteFile(fxPath, b, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, node, "--import", "tsx", "bench.ts")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "IAM_DATABASE_URL="+env.Data.URL, "BENCH_FIXTURES="+fxPath, "BENCH_OUT="+outPath, "NODE_ENV=production")
	log := cfg.Log
	if log == nil {
		log = io.Discard
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bench: the Better Auth side failed (%s in %s): %w", "node --import tsx bench.ts", dir, err)
	}
	out, err := os.ReadFile(outPath)
	if err != nil {
		return nil, fmt.Errorf("bench: the Better Auth side wrote no report: %w", err)
	}
	var rep NodeReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, fmt.Errorf("bench: the Better Auth report: %w", err)
	}
	for i, s := range rep.Results {
		if wc != nil && s.Commits != nil {
			st, rt, ok := wc.between(s.Path+":start", s.Path+":end")
			if ok {
				// Between the markers: the start marker and the read of the
				// commit count, then the operations.
				n := float64(cfg.CountOps)
				rep.Results[i].Cost = &Cost{Statements: float64(st-2) / n, RoundTrips: float64(rt-2) / n, Commits: *s.Commits}
			}
		}
		if s.Errors > 0 {
			return &rep, fmt.Errorf("bench: Better Auth %s: %d errors (%s)", s.Path, s.Errors, s.FirstError)
		}
	}
	return &rep, nil
}

// CookieCacheOp verifies one of Better Auth's compact cookie-cache cookies
// (session_token + session_data) with betterauth, without the database.
func (e *Env) CookieCacheOp(cacheCookies []string) (Op, error) {
	if len(cacheCookies) == 0 {
		return nil, errors.New("bench: no cookie-cache cookies")
	}
	reqs := make([]*http.Request, len(cacheCookies))
	for i, c := range cacheCookies {
		r, _ := http.NewRequest(http.MethodGet, "http://localhost/api/me", nil)
		r.Header.Set("Cookie", e.CookieHeader(e.Data.Tokens[i])+"; "+c)
		reqs[i] = r
	}
	if _, err := e.Auth.SessionFromCookieCache(reqs[0], time.Now()); err != nil {
		return nil, fmt.Errorf("bench: Better Auth's cookie cache does not verify in Go: %w", err)
	}
	return func(_ context.Context, r uint64) error {
		c, err := e.Auth.SessionFromCookieCache(reqs[r%uint64(len(reqs))], time.Now())
		if err == nil && c == nil {
			err = errors.New("bench: no cookie cache")
		}
		return err
	}, nil
}

// RunOne measures a single implementation (no baseline) for cfg.Duration.
func RunOne(ctx context.Context, op Op, cfg RunConfig) (Stats, error) {
	cfg = cfg.withDefaults()
	if _, err := slice(ctx, op, cfg.Concurrency, cfg.Warmup, nil); err != nil {
		return Stats{}, err
	}
	var acc accum
	per := cfg.Duration / time.Duration(cfg.Slices)
	for range cfg.Slices {
		if _, err := slice(ctx, op, cfg.Concurrency, per, &acc); err != nil {
			return Stats{}, err
		}
	}
	s := acc.stats()
	if s.Errors > 0 {
		return s, fmt.Errorf("bench: %d errors (%s)", s.Errors, s.FirstError)
	}
	return s, nil
}
