package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/beep/iam/internal/httpbench"
)

// newBenchServeCmd is `iam bench serve`, added under `iam bench`.
func newBenchServeCmd(app *App) *cobra.Command {
	var (
		o        httpbench.Options
		markdown bool
		fromJSON string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Measure iam serve over HTTP against Better Auth's get-session, and the session cache's revocation bound",
		Long: `serve creates a scratch database (the embedded default or --database-url; the
role needs CREATEDB), migrates and seeds it like iam bench, and starts three
servers on it as processes of their own: iam serve, iam serve
--session-cache, and Better Auth over HTTP (interop/bench/serve.ts with Node,
withIam, organization and api-key, cookie cache off). This process is the
load generator: --concurrency keep-alive HTTP/1.1 connections with an
allocation-free client, every target in --slices interleaved slices of
--duration in total:

  better_auth_get_session      Better Auth's GET /api/auth/get-session (the baseline)
  serve_get_session            iam serve's GET /api/auth/get-session
  serve_forward_auth           GET /forward-auth/... with the session cookie
  serve_forward_auth_api_key   the same with an API key
  serve_forward_auth_cached    forward auth with --session-cache
  serve_get_session_cached     get-session with --session-cache
  serve_healthz                /healthz: HTTP's ceiling here, generator included

For each it prints ops/s, latency percentiles, the ratio to Better Auth,
and the CPUs that the generator, the server, PostgreSQL and everything else
kept busy (from /proc), with the generator's and the server's CPU time per
request. Then it revokes --revocations sessions (DELETE, as Better Auth's
sign-out does) and bans as many users (UPDATE ... banned), idle and under
load, and reports the time from the commit to the first refused answer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rep *httpbench.Report
			if fromJSON != "" {
				b, err := os.ReadFile(fromJSON)
				if err != nil {
					return Usage("--from-json: %v", err)
				}
				rep = &httpbench.Report{}
				if err := json.Unmarshal(b, rep); err != nil {
					return Usage("--from-json %s: not a report of iam bench serve --json: %v", fromJSON, err)
				}
			} else {
				if o.Concurrency < 1 || o.PoolSize < 1 || o.Duration <= 0 || o.Slices < 1 || o.Revocations < 2 {
					return Usage("--concurrency, --pool, --duration, --slices must be positive and --revocations at least 2")
				}
				url, err := app.URL(cmd.Context())
				if err != nil {
					return err
				}
				o.URL, o.Log = url, app.Err
				if rep, err = httpbench.Run(cmd.Context(), o); err != nil {
					if rep != nil && !app.JSON {
						rep.Print(app.Err)
					}
					return fmt.Errorf("bench serve: %w", err)
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
	f.IntVar(&o.Users, "users", 10_000, "users seeded (one session each)")
	f.IntVar(&o.Sessions, "sessions", 2000, "sessions the load uses in turn")
	f.IntVarP(&o.Concurrency, "concurrency", "c", 16, "keep-alive connections of the load generator")
	f.DurationVarP(&o.Duration, "duration", "d", 5*time.Second, "measured time per target")
	f.IntVar(&o.Slices, "slices", 10, "interleaved slices the duration is cut into")
	f.IntVar(&o.PoolSize, "pool", 20, "database connections of each server")
	f.IntVar(&o.Revocations, "revocations", 200, "revocations measured per kind (half idle, half under load)")
	f.StringVar(&o.NodeDir, "node-dir", "interop/bench", "directory of serve.ts")
	f.BoolVar(&o.Keep, "keep-db", false, "keep the scratch database")
	f.BoolVar(&markdown, "markdown", false, "print the tables as Markdown (docs/benchmarks.md)")
	f.StringVar(&fromJSON, "from-json", "", "print a report saved with --json instead of running")
	return cmd
}
