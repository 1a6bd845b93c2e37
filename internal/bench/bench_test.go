package bench_test

import (
	"context"
	"testing"
	"time"

	"github.com/beep/iam/internal/bench"
	"github.com/beep/iam/pgtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func seedSmall(t *testing.T) *bench.Dataset {
	t.Helper()
	ds, err := bench.Seed(context.Background(), pgtest.NewDatabase(t), bench.SeedConfig{Users: 260, Orgs: 3, APIKeys: 40})
	require.NoError(t, err)
	return ds
}

func TestSeed_MakesOneSessionPerUserAndPagesOfTheLargeOrganization(t *testing.T) {
	t.Parallel()
	ds := seedSmall(t)
	require.Len(t, ds.Users, 260)
	require.Len(t, ds.Tokens, 260)
	require.Len(t, ds.APIKeys, 40)
	require.Len(t, ds.PageAfter, 260/bench.PageSize, "only full pages")
}

func TestRun_EveryPathSucceedsInBothImplementationsAndReportsARatio(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env, err := bench.NewEnv(ctx, seedSmall(t), 4)
	require.NoError(t, err)
	defer env.Close()
	paths := append(env.Paths(), env.CookiePath())
	res, err := bench.Run(ctx, paths, bench.RunConfig{Concurrency: 2, Duration: 40 * time.Millisecond, Slices: 2, Warmup: time.Millisecond}, nil)
	require.NoError(t, err)
	require.Len(t, res, len(paths))
	for _, r := range res {
		require.Positive(t, r.Go.Ops, r.Path)
		require.Positive(t, r.Baseline.Ops, r.Path)
		require.Positive(t, r.Ratio, r.Path)
		require.LessOrEqual(t, r.Go.P50Micros, r.Go.P99Micros, r.Path)
	}
}

func TestCountCosts_SessionLookupAndAPIKeyVerificationAreOneStatementInOneRoundTrip(t *testing.T) {
	t.Parallel()
	costs, err := bench.CountCosts(context.Background(), seedSmall(t), []string{bench.PathSession, bench.PathAPIKey, bench.PathMembers}, 50)
	require.NoError(t, err)
	t.Logf("costs (Go, baseline): %+v", costs)
	for _, name := range []string{bench.PathSession, bench.PathAPIKey} {
		goCost, base := costs[name][0], costs[name][1]
		require.Equal(t, 1.0, goCost.Statements, name)
		require.Equal(t, 1.0, goCost.RoundTrips, name)
		require.Equal(t, 1.0, base.Statements, name)
		require.Positive(t, goCost.Commits, name)
	}
	// The member page sets the tenant and reads in one batch.
	require.Equal(t, 2.0, costs[bench.PathMembers][0].Statements)
	require.Equal(t, 1.0, costs[bench.PathMembers][0].RoundTrips)
}
