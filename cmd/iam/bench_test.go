package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/internal/bench"
	"github.com/beep/iam/pgtest"
)

func TestBench_TinyRunPrintsEveryPathWithRatioAndCostsAsJSON(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	code, out, errOut := iam(t, "--database-url", url, "--json", "bench",
		"--users", "120", "--orgs", "2", "--api-keys", "10", "-d", "40ms", "-c", "2", "--pool", "2", "--count-ops", "20")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, errOut, "seeding", "progress goes to stderr")
	var rep bench.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Equal(t, 2, rep.Config.Concurrency)
	require.NotEmpty(t, rep.Environment.Postgres)
	var names []string
	for _, r := range rep.Results {
		names = append(names, r.Path)
		require.Positive(t, r.Go.OpsPerSec, r.Path)
		require.Positive(t, r.Baseline.OpsPerSec, r.Path)
		require.Positive(t, r.Ratio, r.Path)
		require.NotNil(t, r.Cost, r.Path)
	}
	require.Equal(t, []string{bench.PathSession, bench.PathAPIKey, bench.PathRateLimit, bench.PathMembers}, names)
	require.Equal(t, 1.0, rep.Results[0].Cost.Statements, "session lookup is one statement")
	require.Equal(t, 1.0, rep.Results[1].Cost.Statements, "API key verification is one statement")
}

func TestBench_HumanOutputHasTheTable(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	code, out, errOut := iam(t, "--database-url", url, "bench", "--paths", bench.PathSession,
		"--users", "60", "--orgs", "1", "--api-keys", "5", "-d", "20ms", "-c", "1", "--pool", "1", "--count-ops", "-1")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "OPS/S")
	require.Contains(t, out, "VS PGX")
	require.Contains(t, out, bench.PathSession)
}

func TestBench_RejectsAnUnknownPathAndNonPositiveConcurrency(t *testing.T) {
	t.Parallel()
	code, _, errOut := iam(t, "--database-url", "postgres://127.0.0.1:1/x", "bench", "-c", "0")
	require.Equal(t, ExitUsage, code, errOut)
	code, _, errOut = iam(t, "--database-url", "postgres://127.0.0.1:1/x", "bench", "--paths", "session_lookup,nope")
	require.Equal(t, ExitUsage, code, "checked before connecting")
	require.Contains(t, errOut, `unknown path "nope"`)
}
