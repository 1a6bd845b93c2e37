package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
)

// TestSQL_NamesTablesByConstant keeps table names out of the string
// literals of the hand-written store code: SQL names a table by its
// domain.Table* constant, so a renamed table is one edit (the generated
// constant) and a reader finds every statement on a table by the constant.
func TestSQL_NamesTablesByConstant(t *testing.T) {
	t.Parallel()
	var names []string
	for _, e := range domain.AllEntities() {
		names = append(names, regexp.QuoteMeta(e.TableName()))
	}
	table := regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var found []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "_gen.go") {
			continue
		}
		fs := token.NewFileSet()
		file, err := parser.ParseFile(fs, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && table.MatchString(lit.Value) {
				found = append(found, fs.Position(lit.Pos()).String()+": "+table.FindString(lit.Value))
			}
			return true
		})
	}
	require.Empty(t, found, "table names in string literals; use the domain.Table* constants")
}
