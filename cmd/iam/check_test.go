package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

func TestCheck_MigratedDatabaseHasNoDrift(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	code, out, errOut := iam(t, "--database-url", url, "check")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "no drift")
}

func TestCheck_DriftExitsOneAndIsGroupedByTable(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), `DROP INDEX member_user_id_idx; ALTER TABLE shared_user ALTER COLUMN banned SET DEFAULT true`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(context.Background()))

	code, out, errOut := iam(t, "--database-url", url, "check")
	require.Equal(t, ExitDrift, code)
	require.Contains(t, out, "2 difference(s)")
	require.Contains(t, out, "shared_user:\n  column banned: changed default: want false, got true\n")
	require.Contains(t, out, "iam_member:\n  index member_user_id_idx: missing")
	require.Contains(t, errOut, "2 difference(s) between the database and the declared schema")

	code, out, _ = iam(t, "--database-url", url, "--json", "check")
	require.Equal(t, ExitDrift, code)
	var report struct {
		Drifts []struct{ Table, Kind, Name, Problem string } `json:"drifts"`
	}
	// stdout holds the report, then the error object of --json mode.
	dec := json.NewDecoder(strings.NewReader(out))
	require.NoError(t, dec.Decode(&report))
	require.Len(t, report.Drifts, 2)
}

func TestCheck_EmptyDatabaseIsAClearReport(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t, pgtest.Empty())
	code, out, _ := iam(t, "--database-url", url, "check")
	require.Equal(t, ExitDrift, code)
	require.Contains(t, out, "none of the 39 declared tables exist")
}

func TestSchema_RendersAndChecksTheCommittedFiles(t *testing.T) {
	t.Parallel()
	code, out, errOut := iam(t, "schema", "sql")
	require.Equal(t, ExitOK, code, errOut)
	require.Equal(t, schema.IAM().SQLUp(schema.SQLCommand), out)

	code, out, _ = iam(t, "schema", "sql", "--down")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "DROP TABLE shared_user;")

	code, out, _ = iam(t, "schema", "diagram")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "erDiagram")
	code, out, _ = iam(t, "schema", "diagram", "--svg")
	require.Equal(t, ExitOK, code)
	require.True(t, strings.HasPrefix(out, "<?xml"))

	for _, sub := range []string{"diagram", "docs"} {
		code, out, errOut = iam(t, "schema", sub, "--check", "--root", "../..")
		require.Equal(t, ExitOK, code, "%s: %s %s", sub, out, errOut)
	}
	// Migration 0001 is frozen: nothing renders over it.
	for _, flag := range []string{"--check", "--write"} {
		code, _, errOut = iam(t, "schema", "sql", flag, "--root", "../..")
		require.Equal(t, ExitUsage, code)
		require.Contains(t, errOut, "frozen")
	}
}

func TestSchema_WriteRefreshesFilesAndCheckFindsStaleOnes(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644))

	code, out, errOut := iam(t, "schema", "diagram", "--check", "--root", root)
	require.Equal(t, ExitDrift, code, errOut)
	require.Contains(t, out, "out of date; refresh with: "+schema.DiagramCommand)

	for _, sub := range []string{"diagram", "docs"} {
		code, _, errOut = iam(t, "schema", sub, "--write", "--root", root)
		require.Equal(t, ExitOK, code, errOut)
	}
	for _, a := range schema.Artefacts() {
		got, err := os.ReadFile(filepath.Join(root, a.Path))
		require.NoError(t, err)
		want, err := a.Render(got)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), a.Path)
	}
	code, _, _ = iam(t, "schema", "docs", "--check", "--root", root)
	require.Equal(t, ExitOK, code)

	code, _, errOut = iam(t, "schema", "docs", "--write", "--root", filepath.Join(root, "nowhere"))
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "not the repository root")
}

func TestCheckCitus_ReportsTheLayoutAndExitsOneOnRefusals(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	code, out, errOut := iam(t, "--database-url", url, "check", "--citus")
	require.Equal(t, ExitDrift, code, errOut)
	require.Contains(t, out, "shared_organization          distributed by id")
	require.Contains(t, out, "iam_member                   distributed by organization_id")
	require.Contains(t, out, "refuse  primary_key                  iam_member.iam_member_pkey")
	require.Contains(t, errOut, "Citus would refuse")

	code, out, _ = iam(t, "--database-url", url, "--json", "check", "--citus")
	require.Equal(t, ExitDrift, code)
	var report struct {
		OK       bool                                     `json:"ok"`
		Refused  int                                      `json:"refused"`
		Findings []struct{ Table, Kind, Severity string } `json:"findings"`
	}
	require.NoError(t, json.NewDecoder(strings.NewReader(out)).Decode(&report))
	require.False(t, report.OK)
	require.Positive(t, report.Refused)

	// A schema that fits: exit 0.
	empty := pgtest.NewDatabase(t, pgtest.Empty())
	conn, err := pgx.Connect(context.Background(), empty)
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), `CREATE TABLE org (id uuid PRIMARY KEY);
CREATE TABLE member (organization_id uuid NOT NULL REFERENCES org (id), id uuid NOT NULL, PRIMARY KEY (organization_id, id))`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(context.Background()))
	code, out, errOut = iam(t, "--database-url", empty, "check", "--citus")
	require.Equal(t, ExitOK, code, out+errOut)
	require.Contains(t, out, "0 refused, 0 to change, 0 fan-out")
}
