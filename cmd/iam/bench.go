package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/beep/iam/internal/bench"
)

func init() { extraCommands = append(extraCommands, newBenchCmd) }

func newBenchCmd(app *App) *cobra.Command {
	var (
		o        bench.Options
		paths    string
		markdown bool
		fromJSON string
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the hot paths against one hand-written pgx query (and Better Auth)",
		Long: `bench creates a scratch database on the server (the embedded default or
--database-url; the role needs CREATEDB), migrates it, seeds users,
organizations, sessions and API keys by COPY, and runs each hot path —
session lookup, API key verification, rate-limit hit, a 50-row member page
of the large organization — through the store (role iam_app) and as one
hand-written pgx query (superuser), alternating them in short slices, at
--concurrency goroutines for --duration each, with pools of --pool
connections. It prints ops/s, p50/p95/p99 latency, allocations per
operation (runtime.MemStats.Mallocs / ops, whole process), the ratio to the
baseline, and statements, round trips and commits per operation (counted by
a wire proxy and pg_stat_database over --count-ops sequential operations).

--compare-better-auth also runs Better Auth (interop/bench/bench.ts with
Node, packages from interop/betterauth/node_modules) on the same database:
get-session with the cookie cache off and on, and verify API key, at the
same concurrency and pool size; then Go's verification of Better Auth's own
compact cookie-cache cookies, and prints the two side by side.

The scratch database has synchronous_commit off unless --synchronous-commit
on: commits then do not wait for the WAL flush, so the write paths measure
code and server CPU rather than the disk. It is dropped at the end unless
--keep-db.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if o.Run.Concurrency < 1 || o.PoolSize < 1 || o.Run.Duration <= 0 {
				return Usage("--concurrency, --pool and --duration must be positive")
			}
			if paths != "" {
				o.Paths = strings.Split(paths, ",")
				for _, p := range o.Paths {
					if !slices.Contains(bench.PathNames, p) {
						return Usage("--paths: unknown path %q (known: %s)", p, strings.Join(bench.PathNames, ", "))
					}
				}
			}
			var rep *bench.Report
			if fromJSON != "" {
				b, err := os.ReadFile(fromJSON)
				if err != nil {
					return Usage("--from-json: %v", err)
				}
				rep = &bench.Report{}
				if err := json.Unmarshal(b, rep); err != nil {
					return Usage("--from-json %s: not a report of iam bench --json: %v", fromJSON, err)
				}
			} else {
				url, err := app.URL(ctx)
				if err != nil {
					return err
				}
				o.URL = url
				o.Log = app.Err
				if rep, err = bench.Suite(ctx, o); err != nil {
					return fmt.Errorf("bench: %w", err)
				}
			}
			return app.JSONOr(rep, func() {
				if markdown {
					rep.Markdown(app.Out)
					return
				}
				rep.Print(app.Out)
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Seed.Users, "users", bench.DefaultUsers, "users (one session each, all members of the large organization)")
	f.IntVar(&o.Seed.Orgs, "orgs", bench.DefaultOrgs, "organizations")
	f.IntVar(&o.Seed.APIKeys, "api-keys", bench.DefaultAPIKeys, "API keys (rate limiting off, remaining unlimited)")
	f.IntVarP(&o.Run.Concurrency, "concurrency", "c", bench.DefaultConcurrency, "concurrent goroutines per path")
	f.DurationVarP(&o.Run.Duration, "duration", "d", bench.DefaultDuration, "run time of each implementation of each path")
	f.Int32Var(&o.PoolSize, "pool", bench.DefaultPoolSize, "connections in the store's pool and in the baseline's")
	f.IntVar(&o.CountOps, "count-ops", 1000, "sequential operations behind statements/commits per op (negative: skip)")
	f.StringVar(&paths, "paths", "", "comma-separated paths to run (default all): "+strings.Join(bench.PathNames, ","))
	f.StringVar(&o.SynchronousCommit, "synchronous-commit", "off", "synchronous_commit of the scratch database (off: commits do not wait for the disk; on: durable)")
	f.StringVar(&fromJSON, "from-json", "", "print a report saved with --json instead of running")
	f.BoolVar(&markdown, "markdown", false, "print the tables as Markdown (docs/benchmarks.md)")
	f.BoolVar(&o.Keep, "keep-db", false, "keep the scratch database (its URL is printed)")
	f.BoolVar(&o.CompareBetterAuth, "compare-better-auth", false, "also run Better Auth (Node) on the same database and compare")
	f.StringVar(&o.Node.Dir, "node-dir", "interop/bench", "directory of the Better Auth benchmark (bench.ts)")
	cmd.AddCommand(newBenchServeCmd(app)) // iam bench serve (benchserve.go)
	return cmd
}
