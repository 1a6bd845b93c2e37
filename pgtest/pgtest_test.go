package pgtest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestNewPool_HasIAMMigrationsApplied(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	var n int
	require.NoError(t, pool.QueryRow(context.Background(),
		"SELECT count(*) FROM "+migrate.DefaultTable).Scan(&n))
	require.Equal(t, migrate.Default().Latest(), n)
}

func TestNewDatabase_ParallelTestsAreIsolated(t *testing.T) {
	t.Parallel()
	for i := range 6 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool := pgtest.NewPool(t)
			// Every test creates the same table: it would collide if two
			// tests shared a database.
			_, err := pool.Exec(ctx, "CREATE TABLE isolation_probe (v int)")
			require.NoError(t, err)
			_, err = pool.Exec(ctx, "INSERT INTO isolation_probe VALUES ($1)", i)
			require.NoError(t, err)
			var got []int
			rows, err := pool.Query(ctx, "SELECT v FROM isolation_probe")
			require.NoError(t, err)
			got, err = pgx.CollectRows(rows, pgx.RowTo[int])
			require.NoError(t, err)
			require.Equal(t, []int{i}, got)
		})
	}
}

func TestEmpty_HasNoMigrations(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t, pgtest.Empty())
	var reg *string
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT to_regclass($1)::text", migrate.DefaultTable).Scan(&reg))
	require.Nil(t, reg)
}

func TestWithMigrate_RunsAfterIAMMigrations(t *testing.T) {
	t.Parallel()
	steps := pgtest.WithMigrate("app-v1", func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "CREATE TABLE app_widget (id int PRIMARY KEY)")
		return err
	})
	for range 2 {
		conn := pgtest.NewConn(t, steps)
		var iam, app bool
		require.NoError(t, conn.QueryRow(context.Background(),
			"SELECT to_regclass($1) IS NOT NULL, to_regclass('app_widget') IS NOT NULL", migrate.DefaultTable).Scan(&iam, &app))
		require.True(t, iam, "IAM migrations applied")
		require.True(t, app, "the extra step applied")
	}
}

func TestServer_ReportsItsCluster(t *testing.T) {
	t.Parallel()
	s := pgtest.Server(t)
	if s.External() {
		require.Zero(t, s.PID())
		return
	}
	require.NotZero(t, s.PID())
	require.DirExists(t, s.Dir())
}
