package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/schema"
)

func TestBetterAuthEmit_PrintsWritesAndChecksTheModule(t *testing.T) {
	t.Parallel()
	want, err := schema.BetterAuthModule(schema.IAM())
	require.NoError(t, err)

	code, out, errOut := iam(t, "betterauth", "emit")
	require.Equal(t, ExitOK, code, errOut)
	require.Equal(t, string(want), out, "without --out the module is printed")

	dir := t.TempDir()
	code, _, errOut = iam(t, "betterauth", "emit", "--out", dir, "--check")
	require.Equal(t, ExitDrift, code, "a missing module is drift")
	require.Contains(t, errOut, "iam betterauth emit --out "+dir)

	code, out, errOut = iam(t, "betterauth", "emit", "--out", dir)
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "wrote "+filepath.Join(dir, schema.BetterAuthModuleFile))
	got, err := os.ReadFile(filepath.Join(dir, schema.BetterAuthModuleFile))
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	code, out, _ = iam(t, "--json", "betterauth", "emit", "--out", dir, "--check")
	require.Equal(t, ExitOK, code)
	require.JSONEq(t, `{"path":"`+filepath.Join(dir, schema.BetterAuthModuleFile)+`","bytes":`+strconv.Itoa(len(want))+`,"changed":false}`, out)

	require.NoError(t, os.WriteFile(filepath.Join(dir, schema.BetterAuthModuleFile), []byte("// edited\n"), 0o644))
	code, _, _ = iam(t, "betterauth", "emit", "--out", dir, "--check")
	require.Equal(t, ExitDrift, code, "an edited module is drift")
}

func TestBetterAuthEmit_BadInputIsAUsageError(t *testing.T) {
	t.Parallel()
	code, _, errOut := iam(t, "betterauth", "emit", "--out", filepath.Join(t.TempDir(), "missing"))
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "is not a directory")

	code, _, errOut = iam(t, "betterauth", "emit", "--check")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "--check needs --out")
}
