// Package httpbench is the engine of `iam bench serve`: HTTP throughput,
// latency and CPU of `iam serve` (forward auth and get-session, session
// cache off and on) against Better Auth's own HTTP get-session, on one
// seeded database in the same run, and the revocation bound of the
// session cache.
//
// The servers run as their own processes (iam serve twice, this executable;
// Better Auth under Node with interop/bench/serve.ts); the load generator
// is this process: keep-alive HTTP/1.1 connections with a minimal,
// allocation-free client. The CPU time of the generator, of the server
// under load, of PostgreSQL and of the rest of the machine is read from
// /proc for every target, so the report shows whether the generator could
// have been the bottleneck; a /healthz target (no database, no
// credentials) shows the ceiling of HTTP on the machine.
//
// It uses internal/bench's seed (users, sessions, API keys by COPY) and
// sits with cmd/iam above every layer.
package httpbench
