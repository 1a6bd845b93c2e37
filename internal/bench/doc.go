// Package bench is the engine behind `iam bench` and the Go benchmarks of
// the hot paths: it seeds a migrated database quickly (COPY), defines each
// hot path twice — through the store (role iam_app, row-level security in
// force) and as one hand-written pgx query on a superuser pool (the
// baseline) — runs both at a fixed concurrency for a fixed time, alternating
// them in short slices so drift on a shared machine cancels out, and reports
// throughput, latency percentiles, allocations per operation and the ratio
// to the baseline. It also counts what one operation costs on the wire
// (statements and round trips, through a counting proxy) and in the server
// (commits, from pg_stat_database), and runs the Better Auth side of the
// comparison (interop/bench) as a Node child process.
//
// It sits above store and betterauth; only cmd/iam and tests import it.
package bench
