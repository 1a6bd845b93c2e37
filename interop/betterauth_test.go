package interop

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestEmittedModuleMatchesTheSchemaDeclarations(t *testing.T) {
	t.Parallel()
	want, err := schema.BetterAuthModule(schema.IAM())
	require.NoError(t, err)
	path := filepath.Join(nodeDir, schema.BetterAuthModuleFile)
	got, err := os.ReadFile(path)
	require.NoErrorf(t, err, "the emitted module is missing; create it with:\n  %s", schema.BetterAuthRefreshCommand)
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		line := 0
		for line < len(gl) && line < len(wl) && gl[line] == wl[line] {
			line++
		}
		at := func(l []string) string {
			if line < len(l) {
				return l[line]
			}
			return "<end of file>"
		}
		t.Fatalf("interop/betterauth/%s differs from a fresh rendering of the schema; refresh it with:\n  %s\nfirst difference at line %d:\n  committed: %s\n  rendered:  %s",
			schema.BetterAuthModuleFile, schema.BetterAuthRefreshCommand, line+1, at(gl), at(wl))
	}
}

func TestEmittedModuleTypeChecksAgainstBetterAuth(t *testing.T) {
	t.Parallel()
	for _, project := range nodeProjects {
		t.Run(projectName(t, project), func(t *testing.T) {
			t.Parallel()
			node := requireNode(t)
			requireProjectModules(t, project)
			// tsc --noEmit over iam.ts and the suites: withIam's options type-check against
			// betterAuth() and the plugins' endpoints are typed on auth.api.
			tsc, err := filepath.Abs(filepath.Join(project, "node_modules", "typescript", "bin", "tsc"))
			require.NoError(t, err)
			cmd := exec.Command(node, tsc, "-p", ".")
			cmd.Dir = suiteDir(t, project)
			out, err := cmd.CombinedOutput()
			require.NoErrorf(t, err, "TypeScript reports errors in interop/%s (iam.ts is generated: fix schema/drizzle.go):\n%s", project, out)
		})
	}
}
