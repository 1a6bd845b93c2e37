package schema_test

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/schema"
)

// TestGeneratedFiles_MatchAFreshRendering fails when a committed artefact
// (migration 0001, diagram, SVG, docs page) differs from what the
// declarations render now, and says which command refreshes it.
func TestGeneratedFiles_MatchAFreshRendering(t *testing.T) {
	t.Parallel()
	for _, a := range schema.Artefacts() {
		t.Run(a.Path, func(t *testing.T) {
			t.Parallel()
			committed, err := os.ReadFile(filepath.Join("..", a.Path))
			require.NoError(t, err, "%s is missing; create it with: %s", a.Path, a.Command)
			fresh, err := a.Render(committed)
			require.NoError(t, err)
			require.True(t, string(committed) == string(fresh),
				"%s is out of date with the declarations in package schema; refresh it with: %s", a.Path, a.Command)
		})
	}
}

func TestRendering_IsDeterministic(t *testing.T) {
	t.Parallel()
	s := schema.IAM()
	require.Equal(t, s.SQLUp("x"), s.SQLUp("x"))
	require.Equal(t, s.SQLDown("x"), s.SQLDown("x"))
	require.Equal(t, s.Mermaid(), s.Mermaid())
	require.Equal(t, s.SVG(), s.SVG())
	require.Equal(t, s.DocsReference(), s.DocsReference())
}

func TestSVG_IsWellFormedXML(t *testing.T) {
	t.Parallel()
	dec := xml.NewDecoder(strings.NewReader(schema.IAM().SVG()))
	elements := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if _, ok := tok.(xml.StartElement); ok {
			elements++
		}
	}
	require.Greater(t, elements, 25*10, "a box and rows per table")
}
