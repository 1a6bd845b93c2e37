package pgtest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWithDatabase_KeepsTheConnectionStringForm(t *testing.T) {
	t.Parallel()
	require.Equal(t, "postgres://u:p@db.example:5433/t_1?sslmode=disable",
		withDatabase("postgres://u:p@db.example:5433/postgres?sslmode=disable", "t_1"))
	require.Equal(t, "postgresql://u@h/t_1?dbname=t_1",
		withDatabase("postgresql://u@h/x?dbname=x", "t_1"))
	require.Equal(t, "host=/tmp user=postgres dbname='t_1'",
		withDatabase("host=/tmp user=postgres", "t_1"))
}

func TestDatabaseName_IsUniqueAndFitsPostgres(t *testing.T) {
	t.Parallel()
	long := "TestSomething/with a very long subtest name that goes on and on and on"
	a, b := databaseName(long), databaseName(long)
	require.NotEqual(t, a, b)
	require.LessOrEqual(t, len(a), 63)
	require.Regexp(t, `^t_testsomething_with_a_very_long_subtest_n_[0-9a-f]{12}$`, a)
}
