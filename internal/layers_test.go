// Package internal_test checks the import rules of the layer diagram
// (docs/architecture.md) over every package of the module.
package internal_test

import (
	"fmt"
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
// packages only from strictly lower ranks. An internal/ package takes the
// rank of the highest layer it imports (directly or through other internal
// packages), so shared low-level code (internal/pgcluster) is usable
// everywhere while command helpers (internal/demo) are usable only above
// what they import.
var layerOf = map[string]int{
	"domain":     0,
	"schema":     1,
	"migrate":    2,
	"store":      3,
	"betterauth": 4,
	"baimport":   4, // iam import better-auth: migrate and schema below it
	"pgtest":     5, // test harness: migrate and internal/ below it
	"serve":      5, // iam serve's HTTP server: store and betterauth below it
	"interop":    6,
	"examples":   7,
	"cmd":        8,
}

// dbPackages must not appear in domain: it is pure Go. (database/sql/driver
// is allowed: domain ids implement its Valuer interface, which connects to
// nothing.)
var dbPackages = []string{"database/sql", "github.com/jackc/", "github.com/lib/pq"}

func isDBPackage(imp string) bool {
	if imp == "database/sql/driver" {
		return false
	}
	for _, db := range dbPackages {
		if imp == db || strings.HasPrefix(imp, strings.TrimSuffix(db, "/")+"/") {
			return true
		}
	}
	return false
}

// ours returns the module-relative path of an import of this module.
func ours(imp string) (string, bool) {
	if !strings.HasPrefix(imp, module+"/") {
		return "", false
	}
	return strings.TrimPrefix(imp, module+"/"), true
}

func top(pkg string) string {
	t, _, _ := strings.Cut(pkg, "/")
	return t
}

// rank returns the layer rank of a package directory (-1: imports no layer;
// ok false: a directory the diagram does not know).
func rank(pkg string, imports map[string][]string, seen map[string]bool) (int, bool) {
	if top(pkg) != "internal" {
		r, ok := layerOf[top(pkg)]
		return r, ok
	}
	if seen[pkg] {
		return -1, true // import cycles are the compiler's business
	}
	seen[pkg] = true
	r := -1
	for _, imp := range imports[pkg] {
		if target, ok := ours(imp); ok {
			tr, ok := rank(target, imports, seen)
			if !ok {
				return 0, false
			}
			r = max(r, tr)
		}
	}
	return r, true
}

// violations returns one line per forbidden import in imports (package dir
// relative to the module -> imported paths).
func violations(imports map[string][]string) []string {
	var out []string
	for pkg, imps := range imports {
		for _, imp := range imps {
			if top(pkg) == "domain" && isDBPackage(imp) {
				out = append(out, pkg+" imports database package "+imp+": domain is pure Go")
			}
			target, ok := ours(imp)
			if !ok || top(target) == top(pkg) && top(pkg) != "internal" {
				continue
			}
			if top(target) == "cmd" {
				out = append(out, pkg+" imports "+imp+": nothing imports cmd")
				continue
			}
			if top(pkg) == "internal" {
				continue // an internal package's rank follows from its imports
			}
			from, okFrom := layerOf[top(pkg)]
			to, okTo := rank(target, imports, map[string]bool{})
			switch {
			case !okFrom || !okTo:
				out = append(out, pkg+" imports "+imp+": directory not in the layer diagram (update layerOf)")
			case to >= from && top(target) == "internal":
				out = append(out, fmt.Sprintf("%s imports %s: it depends on layers at or above %s", pkg, imp, top(pkg)))
			case to >= from:
				out = append(out, pkg+" imports "+imp+": "+top(target)+" is not below "+top(pkg)+" in the layer diagram")
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
		"domain":             {"github.com/jackc/pgx/v5", module + "/schema", "database/sql/driver", module + "/internal/helper"},
		"schema":             {module + "/domain", module + "/migrate", module + "/internal/pgcluster"},
		"migrate":            {module + "/schema", module + "/store"},
		"store":              {module + "/betterauth", module + "/migrate"},
		"betterauth":         {module + "/store", module + "/cmd/iam"},
		"internal/helper":    {module + "/domain"},
		"internal/demo":      {module + "/store", module + "/internal/helper"},
		"internal/pgcluster": nil,
		"pgtest":             {module + "/migrate", module + "/internal/pgcluster"},
		"store/nested":       {module + "/store", module + "/internal/demo"},
		"cmd/iam":            {module + "/internal/demo", module + "/betterauth"},
		"mystery":            {module + "/domain"},
	})
	require.Equal(t, []string{
		"betterauth imports " + module + "/cmd/iam: nothing imports cmd",
		"domain imports database package github.com/jackc/pgx/v5: domain is pure Go",
		"domain imports " + module + "/internal/helper: it depends on layers at or above domain",
		"domain imports " + module + "/schema: schema is not below domain in the layer diagram",
		"migrate imports " + module + "/store: store is not below migrate in the layer diagram",
		"mystery imports " + module + "/domain: directory not in the layer diagram (update layerOf)",
		"schema imports " + module + "/migrate: migrate is not below schema in the layer diagram",
		"store imports " + module + "/betterauth: betterauth is not below store in the layer diagram",
		"store/nested imports " + module + "/internal/demo: it depends on layers at or above store",
	}, got)
}
