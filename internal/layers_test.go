// Package internal_test checks the import rules of the layer diagram
// (docs/architecture.md) over every package of the module.
package internal_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/beep/iam"

// layerOf ranks the top-level directories: a package may import our
// packages only from strictly lower ranks (and shared internal/ code).
var layerOf = map[string]int{
	"domain":     0,
	"schema":     1,
	"migrate":    2,
	"store":      3,
	"betterauth": 4,
	"pgtest":     5, // test harness: migrate and internal/ below it
	"interop":    6,
	"cmd":        7,
}

// dbPackages must not appear in domain: it is pure Go. (database/sql/driver
// is allowed: domain ids implement its Valuer interface, which connects to
// nothing.)
var dbPackages = []string{"database/sql", "github.com/jackc/", "github.com/lib/pq"}

// violations returns one line per forbidden import in imports (package dir
// relative to the module -> imported paths).
func violations(imports map[string][]string) []string {
	var out []string
	for pkg, imps := range imports {
		top, _, _ := strings.Cut(pkg, "/")
		for _, imp := range imps {
			if top == "domain" {
				for _, db := range dbPackages {
					if imp == db || strings.HasSuffix(db, "/") && strings.HasPrefix(imp, db) || strings.HasPrefix(imp, db+"/") && imp != "database/sql/driver" {
						out = append(out, pkg+" imports database package "+imp+": domain is pure Go")
					}
				}
			}
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			target := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			ttop, _, _ := strings.Cut(target, "/")
			switch {
			case ttop == top:
				// within one layer
			case ttop == "cmd":
				out = append(out, pkg+" imports "+imp+": nothing imports cmd")
			case ttop == "internal":
				if top == "domain" || top == "schema" {
					out = append(out, pkg+" imports "+imp+": "+top+" imports nothing of ours below it")
				}
			case top == "internal":
				out = append(out, pkg+" imports "+imp+": internal/ is shared low-level code and imports no layer")
			default:
				from, okFrom := layerOf[top]
				to, okTo := layerOf[ttop]
				if !okFrom || !okTo {
					out = append(out, pkg+" imports "+imp+": directory not in the layer diagram (update layerOf)")
				} else if to >= from {
					out = append(out, pkg+" imports "+imp+": "+ttop+" is not below "+top+" in the layer diagram")
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// moduleImports parses the imports of every non-test Go file of the module
// (skipping directories the go tool ignores: ., _ and testdata).
func moduleImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	imports := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			imports[filepath.ToSlash(rel)] = append(imports[filepath.ToSlash(rel)], p)
		}
		return nil
	})
	require.NoError(t, err)
	return imports
}

func TestLayers_NoPackageImportsAgainstTheDiagram(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "run from the module")
	imports := moduleImports(t, root)
	require.Contains(t, imports, "domain", "the walk found the packages")
	require.Empty(t, violations(imports))
}

func TestLayers_CheckerCatchesViolations(t *testing.T) {
	t.Parallel()
	got := violations(map[string][]string{
		"domain":       {"github.com/jackc/pgx/v5", module + "/schema", "database/sql/driver"},
		"schema":       {module + "/domain", module + "/migrate"},
		"migrate":      {module + "/schema", module + "/store"},
		"store":        {module + "/betterauth", module + "/migrate"},
		"betterauth":   {module + "/store", module + "/cmd/iam"},
		"internal/x":   {module + "/domain"},
		"pgtest":       {module + "/migrate", module + "/internal/pgcluster"},
		"store/nested": {module + "/store"},
	})
	require.Equal(t, []string{
		"betterauth imports " + module + "/cmd/iam: nothing imports cmd",
		"domain imports database package github.com/jackc/pgx/v5: domain is pure Go",
		"domain imports " + module + "/schema: schema is not below domain in the layer diagram",
		"internal/x imports " + module + "/domain: internal/ is shared low-level code and imports no layer",
		"migrate imports " + module + "/store: store is not below migrate in the layer diagram",
		"schema imports " + module + "/migrate: migrate is not below schema in the layer diagram",
		"store imports " + module + "/betterauth: betterauth is not below store in the layer diagram",
	}, got)
}
