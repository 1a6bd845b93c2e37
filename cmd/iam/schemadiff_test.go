package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
)

func TestSchemaDiff_NothingToDraftOnAMigratedDatabase(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	code, out, errOut := iam(t, "--database-url", url, "schema", "diff")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "nothing to draft")
}

// A database that lost an index (what a change of the declarations looks
// like from the other side) gets a draft that recreates it, written as the
// next numbered migration.
func TestSchemaDiff_WritesTheNextNumberedMigration(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), `DROP INDEX session_active_team_idx`)
	require.NoError(t, err)
	conn.Close(context.Background())

	dir := t.TempDir()
	for _, f := range []string{"0001_a.up.sql", "0001_a.down.sql", "0002_b.up.sql", "0002_b.down.sql"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), nil, 0o644))
	}
	code, _, errOut := iam(t, "--database-url", url, "schema", "diff", "--write", "--name", "Bad Name", "--migrations", dir)
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "--name")

	code, out, errOut := iam(t, "--database-url", url, "schema", "diff", "--write", "--name", "session_index", "--migrations", dir)
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "0003_session_index.up.sql: written")
	up, err := os.ReadFile(filepath.Join(dir, "0003_session_index.up.sql"))
	require.NoError(t, err)
	require.Contains(t, string(up), "CREATE INDEX session_active_team_idx ON shared_session USING btree (active_team_id);")
	down, err := os.ReadFile(filepath.Join(dir, "0003_session_index.down.sql"))
	require.NoError(t, err)
	require.Contains(t, string(down), "DROP INDEX session_active_team_idx;")
}
