package gen_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/internal/gen"
	"github.com/beep/iam/schema"
)

// TestGeneratedFiles_MatchAFreshRendering renders every generated file in
// memory from the declarations and compares it with the committed one.
func TestGeneratedFiles_MatchAFreshRendering(t *testing.T) {
	t.Parallel()
	root, err := gen.ModuleRoot(".")
	require.NoError(t, err)
	stale, err := gen.Stale(root, schema.IAM())
	require.NoError(t, err)
	require.Empty(t, stale, "generated files differ from the declarations in package schema; refresh with: %s", gen.Command)
}

func TestRender_EveryFileCarriesTheGeneratedHeader(t *testing.T) {
	t.Parallel()
	files, err := gen.Render(schema.IAM())
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		require.True(t, strings.HasPrefix(string(f.Content), gen.Header+"\n"), f.Path)
		require.True(t, strings.HasSuffix(f.Path, "_gen.go"), f.Path)
	}
}
