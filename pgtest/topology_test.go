package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
)

func TestPgBouncer_TransactionPoolingInFrontOfTheServer(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t, pgtest.Empty())
	user, pw := pgtest.NewLogin(t)
	b := pgtest.PgBouncer(t)
	conn, err := pgx.Connect(ctx, b.Via(t, dbURL, user, pw))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var who string
	require.NoError(t, conn.QueryRow(ctx, "SELECT current_user", pgx.QueryExecModeExec).Scan(&who))
	require.Equal(t, user, who)

	// A wrong password is refused by the pooler.
	_, err = pgx.Connect(ctx, b.Via(t, dbURL, user, pw+"x"))
	require.Error(t, err)

	// Transaction mode: a session-level setting stays on the server
	// connection, which the next transaction of another client can get
	// (pool of one per user and database is not guaranteed here, so only the
	// pooler's own answer is checked).
	admin, err := pgx.Connect(ctx, b.AdminURL("pgbouncer"))
	require.NoError(t, err)
	defer admin.Close(ctx)
	rows, err := admin.Query(ctx, "SHOW CONFIG", pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	mode := ""
	for rows.Next() {
		vals, err := rows.Values()
		require.NoError(t, err)
		if vals[0] == "pool_mode" {
			mode, _ = vals[1].(string)
		}
	}
	require.NoError(t, rows.Err())
	require.Equal(t, "transaction", mode)
}

func TestStandby_StreamsAndPausedReplayShowsLag(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t, pgtest.Empty())
	primary, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer primary.Close(ctx)
	_, err = primary.Exec(ctx, "CREATE TABLE t (v int)")
	require.NoError(t, err)

	sb := pgtest.StartStandby(t)
	sb.CatchUp(t)
	replica, err := pgx.Connect(ctx, sb.Via(t, dbURL))
	require.NoError(t, err)
	defer replica.Close(ctx)
	var inRecovery bool
	require.NoError(t, replica.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery))
	require.True(t, inRecovery)

	count := func() int {
		var n int
		require.NoError(t, replica.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n))
		return n
	}
	_, err = primary.Exec(ctx, "INSERT INTO t VALUES (1)")
	require.NoError(t, err)
	sb.CatchUp(t)
	require.Equal(t, 1, count())

	sb.PauseReplay(t)
	_, err = primary.Exec(ctx, "INSERT INTO t VALUES (2)")
	require.NoError(t, err)
	require.Equal(t, 1, count(), "the row written while replay is paused is not on the standby")
	sb.ResumeReplay(t)
	sb.CatchUp(t)
	require.Equal(t, 2, count())
}
