package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// RunConfig says how hard and how long to run each path.
type RunConfig struct {
	// Concurrency is the number of goroutines issuing operations (default 16).
	Concurrency int
	// Duration is how long each implementation of a path runs in total
	// (default 5 s); a path takes twice that plus the warm-up.
	Duration time.Duration
	// Slices is how many alternating slices Duration is cut into (default
	// 10): baseline and Go take turns, so drift on a shared machine hits
	// both alike.
	Slices int
	// Warmup runs both implementations briefly first, untimed (default
	// 300 ms each), filling the pools and the statement caches.
	Warmup time.Duration
}

// Defaults of RunConfig.
const (
	DefaultConcurrency = 16
	DefaultDuration    = 5 * time.Second
	DefaultPoolSize    = 20
	DefaultSlices      = 10
)

func (c RunConfig) withDefaults() RunConfig {
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Duration <= 0 {
		c.Duration = DefaultDuration
	}
	if c.Slices <= 0 {
		c.Slices = DefaultSlices
	}
	if c.Warmup <= 0 {
		c.Warmup = 300 * time.Millisecond
	}
	return c
}

// Stats are the measurements of one implementation of one path.
type Stats struct {
	Ops         int64   `json:"ops"`
	Errors      int64   `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	Seconds     float64 `json:"seconds"`
	OpsPerSec   float64 `json:"ops_per_sec"`
	P50Micros   float64 `json:"p50_us"`
	P95Micros   float64 `json:"p95_us"`
	P99Micros   float64 `json:"p99_us"`
	AllocsPerOp float64 `json:"allocs_per_op"`
}

// Result is one path: the Go implementation, its baseline, and the ratio of
// their throughputs (Go / baseline).
type Result struct {
	Path     string  `json:"path"`
	Go       Stats   `json:"go"`
	Baseline Stats   `json:"baseline"`
	Ratio    float64 `json:"ratio"`
	// Cost is what one Go operation costs on the wire and in the server
	// (set by CountCosts).
	Cost *Cost `json:"cost,omitempty"`
	// BaselineCost is the same for the baseline.
	BaselineCost *Cost `json:"baseline_cost,omitempty"`
}

// accum collects one implementation's measurements across slices.
type accum struct {
	lat     []time.Duration
	ops     int64
	errs    int64
	first   string
	elapsed time.Duration
	mallocs uint64
}

// Run measures each path in turn (Go and baseline alternating in slices)
// and calls each (if not nil) with every finished result.
func Run(ctx context.Context, paths []Path, cfg RunConfig, each func(Result)) ([]Result, error) {
	cfg = cfg.withDefaults()
	var out []Result
	for _, p := range paths {
		r, err := RunPath(ctx, p, cfg)
		if err != nil {
			return out, err
		}
		out = append(out, r)
		if each != nil {
			each(r)
		}
	}
	return out, nil
}

// RunPath measures one path.
func RunPath(ctx context.Context, p Path, cfg RunConfig) (Result, error) {
	cfg = cfg.withDefaults()
	var goAcc, baseAcc accum
	if _, err := slice(ctx, p.Baseline, cfg.Concurrency, cfg.Warmup, nil); err != nil {
		return Result{}, err
	}
	if _, err := slice(ctx, p.Go, cfg.Concurrency, cfg.Warmup, nil); err != nil {
		return Result{}, err
	}
	per := cfg.Duration / time.Duration(cfg.Slices)
	for i := range cfg.Slices {
		// Alternate which goes first, so neither always follows the other.
		first, second := p.Baseline, p.Go
		fa, sa := &baseAcc, &goAcc
		if i%2 == 1 {
			first, second, fa, sa = second, first, sa, fa
		}
		if _, err := slice(ctx, first, cfg.Concurrency, per, fa); err != nil {
			return Result{}, err
		}
		if _, err := slice(ctx, second, cfg.Concurrency, per, sa); err != nil {
			return Result{}, err
		}
	}
	r := Result{Path: p.Name, Go: goAcc.stats(), Baseline: baseAcc.stats()}
	if r.Baseline.OpsPerSec > 0 {
		r.Ratio = r.Go.OpsPerSec / r.Baseline.OpsPerSec
	}
	if r.Go.Errors > 0 || r.Baseline.Errors > 0 {
		return r, fmt.Errorf("bench: %s: %d errors in Go (%s), %d in the baseline (%s)", p.Name, r.Go.Errors, r.Go.FirstError, r.Baseline.Errors, r.Baseline.FirstError)
	}
	return r, nil
}

// slice runs op from conc goroutines for d and adds to acc (nil: discard).
func slice(ctx context.Context, op Op, conc int, d time.Duration, acc *accum) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	lats := make([][]time.Duration, conc)
	errs := make([]int64, conc)
	firsts := make([]string, conc)
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w)+1, uint64(start.UnixNano())))
			lat := make([]time.Duration, 0, 4096)
			for !stop.Load() {
				t0 := time.Now()
				err := op(ctx, rng.Uint64())
				lat = append(lat, time.Since(t0))
				if err != nil {
					if errs[w] == 0 {
						firsts[w] = err.Error()
					}
					errs[w]++
					if ctx.Err() != nil {
						return
					}
				}
			}
			lats[w] = lat
		}()
	}
	timer := time.NewTimer(d)
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&ms1)
	var n int64
	for _, l := range lats {
		n += int64(len(l))
	}
	if acc != nil {
		for w, l := range lats {
			acc.lat = append(acc.lat, l...)
			acc.errs += errs[w]
			if acc.first == "" {
				acc.first = firsts[w]
			}
		}
		acc.ops += n
		acc.elapsed += elapsed
		acc.mallocs += ms1.Mallocs - ms0.Mallocs
	}
	return n, ctx.Err()
}

func (a *accum) stats() Stats {
	s := Stats{Ops: a.ops, Errors: a.errs, FirstError: a.first, Seconds: a.elapsed.Seconds()}
	if a.ops == 0 {
		return s
	}
	s.OpsPerSec = float64(a.ops) / a.elapsed.Seconds()
	s.AllocsPerOp = float64(a.mallocs) / float64(a.ops)
	slices.Sort(a.lat)
	q := func(p float64) float64 {
		i := int(p * float64(len(a.lat)-1))
		return float64(a.lat[i]) / float64(time.Microsecond)
	}
	s.P50Micros, s.P95Micros, s.P99Micros = q(0.50), q(0.95), q(0.99)
	return s
}
