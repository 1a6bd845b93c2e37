package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
)

// TestServer_KeepsSecretsOutOfItsLog: the test server runs with the
// hardened log settings, and a unique violation on a recognisable secret
// leaves no trace of it in the server log.
func TestServer_KeepsSecretsOutOfItsLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDatabase(t, pgtest.Empty()))
	require.NoError(t, err)
	defer conn.Close(ctx)
	for k, want := range map[string]string{
		"log_error_verbosity": "terse", "log_min_error_statement": "panic",
		"log_statement": "none", "log_min_messages": "log", "listen_addresses": "",
	} {
		var got string
		require.NoError(t, conn.QueryRow(ctx, "SELECT current_setting($1)", k).Scan(&got))
		require.Equal(t, want, got, k)
	}
	info := pgtest.Server(t)
	if info.External() {
		t.Skip("IAM_TEST_DATABASE_URL: the server's log is not ours to read")
	}

	const secret = "pgtest-secret-4f7a19c3"
	_, err = conn.Exec(ctx, "CREATE TABLE verification (value text UNIQUE)")
	require.NoError(t, err)
	for range 2 {
		_, err = conn.Exec(ctx, "INSERT INTO verification VALUES ($1)", secret)
	}
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "23505", pgErr.Code)
	_, err = conn.Exec(ctx, "SELECT '"+secret+"'::uuid")
	require.Error(t, err)
	// A statement the server finishes after the failing ones: once it has
	// answered, anything it would have logged for them is in the file.
	require.NoError(t, conn.Ping(ctx))

	log, err := os.ReadFile(info.LogFile())
	require.NoError(t, err)
	require.Contains(t, string(log), "ready to accept connections")
	require.NotContains(t, string(log), secret)
}
