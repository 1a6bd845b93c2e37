package httpbench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Print writes the human-readable tables.
func (r *Report) Print(w io.Writer) {
	e := r.Environment
	fmt.Fprintf(w, "\n%s · %s · %d CPUs %s · load %s · Go %s · PostgreSQL %s · Node %s · Better Auth %s\n",
		e.Date, e.OS, e.CPUs, e.CPUModel, e.LoadAvg, e.GoVersion, e.Postgres, e.Node, e.BetterAuth)
	fmt.Fprintf(w, "%d users, %d sessions under load, %d keep-alive connections, %g s per target in %d interleaved slices, pools of %d\n\n",
		r.Config.Users, r.Config.Sessions, r.Config.Concurrency, r.Config.DurationSeconds, r.Config.Slices, r.Config.PoolSize)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TARGET\tOPS/S\tP50 µs\tP95 µs\tP99 µs\tVS BA\tCPU GEN\tCPU SERVER\tCPU PG\tCPU OTHER\tGEN µs/REQ\tSERVER µs/REQ\t")
	for _, x := range r.Results {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%.1f\t\n", x.Target, x.OpsPerSec, x.P50Micros, x.P95Micros, x.P99Micros,
			ratio(x.VsBetterAuth), x.CPU.Generator, x.CPU.Server, x.CPU.Postgres, x.CPU.Other, x.CPU.GeneratorMicrosPerRequest, x.CPU.ServerMicrosPerRequest)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REVOCATION\tLOAD\tN\tP50 ms\tP99 ms\tMAX ms\tMAX STALE\tWRITE ms")
	for _, v := range r.Revocations {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%d\t%.2f\n", v.Write, v.Load, v.N, v.P50Millis, v.P99Millis, v.MaxMillis, v.StaleAnswers, v.WriteMillis)
	}
	tw.Flush()
	fmt.Fprintf(w, "\ntotal %.1f s\n", r.Seconds)
}

func ratio(x float64) string {
	if x == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fx", x)
}

// Markdown writes the tables for docs/benchmarks.md.
func (r *Report) Markdown(w io.Writer) {
	e := r.Environment
	fmt.Fprintf(w, "Measured %s on %s, %d CPUs (%s), load average %s at the start; Go %s; PostgreSQL %s; Node %s; Better Auth %s. ",
		e.Date, e.OS, e.CPUs, e.CPUModel, e.LoadAvg, e.GoVersion, e.Postgres, e.Node, e.BetterAuth)
	fmt.Fprintf(w, "%d users, %d sessions under load, %d keep-alive connections, %g s per target in %d interleaved slices, database pools of %d.\n\n",
		r.Config.Users, r.Config.Sessions, r.Config.Concurrency, r.Config.DurationSeconds, r.Config.Slices, r.Config.PoolSize)
	fmt.Fprintln(w, "| target | ops/s | p50 µs | p95 µs | p99 µs | vs Better Auth | CPUs: generator / server / PostgreSQL / other | generator µs/req | server µs/req |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, x := range r.Results {
		fmt.Fprintf(w, "| `%s` | %.0f | %.0f | %.0f | %.0f | %s | %.2f / %.2f / %.2f / %.2f | %.1f | %.1f |\n", x.Target, x.OpsPerSec, x.P50Micros, x.P95Micros, x.P99Micros,
			bold(x.VsBetterAuth), x.CPU.Generator, x.CPU.Server, x.CPU.Postgres, x.CPU.Other, x.CPU.GeneratorMicrosPerRequest, x.CPU.ServerMicrosPerRequest)
	}
	fmt.Fprintln(w, "\n| revocation | meanwhile | n | p50 ms | p99 ms | max ms | most stale answers | write p50 ms |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|")
	for _, v := range r.Revocations {
		fmt.Fprintf(w, "| `%s` | %s | %d | %.2f | %.2f | %.2f | %d | %.2f |\n", v.Write, v.Load, v.N, v.P50Millis, v.P99Millis, v.MaxMillis, v.StaleAnswers, v.WriteMillis)
	}
	fmt.Fprintf(w, "\nThe whole run took %.1f s.\n", r.Seconds)
}

func bold(x float64) string {
	if x == 0 {
		return "–"
	}
	return fmt.Sprintf("**%.1f×**", x)
}
