package migrate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSearchPathElements(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"public, pg_temp":         {"public", "pg_temp"},
		"public,pg_temp":          {"public", "pg_temp"},
		`"$user", public`:         {"$user", "public"},
		`"My ""odd"", schema", x`: {`My "odd", schema`, "x"},
		`"pg_temp"`:               {"pg_temp"},
		"":                        nil,
		"pg_catalog, pg_temp":     {"pg_catalog", "pg_temp"},
		" public , pg_temp ":      {"public", "pg_temp"},
	}
	for in, want := range cases {
		require.Equal(t, want, searchPathElements(in), in)
	}
	pinned := func(cfg ...string) bool { return DBFunction{Config: cfg}.PinnedSearchPath() }
	require.True(t, pinned("search_path=public, pg_temp"))
	require.True(t, pinned("work_mem=64kB", `search_path="pg_temp"`))
	require.False(t, pinned("search_path=pg_temp, public"))
	require.False(t, pinned("search_path="))
	require.False(t, pinned())
	require.False(t, pinned("work_mem=64kB"))
}
