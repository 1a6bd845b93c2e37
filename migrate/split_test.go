package migrate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSplitStatements_IgnoresSemicolonsInQuotesCommentsAndBodies(t *testing.T) {
	t.Parallel()
	sql := "-- iam:no-transaction\n" +
		"CREATE INDEX CONCURRENTLY i ON t (a) WHERE b <> ';';\n" +
		"/* a; /* nested; */ comment */ SELECT \"odd;name\" FROM t;\n" +
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;\n" +
		"SELECT E'it\\'s;';\n" +
		"SELECT $$x;y$$\n" +
		"-- trailing comment only\n"
	var got []string
	for _, s := range splitStatements(sql) {
		got = append(got, s.text)
	}
	require.Len(t, got, 5)
	require.Contains(t, got[0], "WHERE b <> ';';")
	require.Contains(t, got[1], `"odd;name"`)
	require.Contains(t, got[2], "$body$ SELECT 1; $body$;")
	require.Contains(t, got[3], `E'it\'s;'`)
	require.Contains(t, got[4], "$$x;y$$")
}
