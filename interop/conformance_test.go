package interop

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
)

// betterAuthDoc is where every disabled conformance test is listed with its reason.
const betterAuthDoc = "../docs/betterauth.md"

// nodeCmd runs node in the Node project with the Better Auth environment for
// the database at url and adapter. A guard against a hung child only; no
// assertion depends on time.
func nodeCmd(t *testing.T, url, adapter string, extraEnv []string, args ...string) *exec.Cmd {
	t.Helper()
	node := requireNode(t)
	requireNodeModules(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = nodeDir
	cmd.Env = append(os.Environ(), append([]string{
		"IAM_DATABASE_URL=" + url,
		"IAM_BETTER_AUTH_ADAPTER=" + adapter,
		"NODE_ENV=test",
		"NO_COLOR=1",
	}, extraEnv...)...)
	return cmd
}

// vitestReport is the part of vitest's JSON report the test reads.
type vitestReport struct {
	NumPassedTests  int `json:"numPassedTests"`
	NumFailedTests  int `json:"numFailedTests"`
	NumPendingTests int `json:"numPendingTests"`
	TestResults     []struct {
		AssertionResults []struct {
			Title  string `json:"title"`
			Status string `json:"status"`
		} `json:"assertionResults"`
	} `json:"testResults"`
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// conformanceTitle turns a test title of the suite ("[iam kysely] joins >
// findOne ─ should ...") into the adapter, the suite prefix ("joins" or "")
// and the test's key in the suite ("findOne - should ...").
func conformanceTitle(title string) (adapter, prefix, name string) {
	s := ansiRE.ReplaceAllString(title, "")
	if strings.HasPrefix(s, "[iam ") {
		if i := strings.Index(s, "] "); i > 0 {
			adapter, s = s[len("[iam "):i], s[i+2:]
		}
	}
	if p, rest, ok := strings.Cut(s, " > "); ok {
		prefix, s = p, rest
	}
	return adapter, prefix, strings.Replace(s, " ─ ", " - ", 1)
}

// TestBetterAuthConformanceSuitePasses runs Better Auth's own adapter
// conformance suite (@better-auth/test-utils/adapter 1.7.5: normal,
// transactions, auth-flow, joins, case-insensitive) under vitest on a
// throwaway migrated database, on withIam's Drizzle adapter and on
// withIamKysely's Kysely adapter, as the iam_auth login. Every test passes
// except the ones that change the schema, and exactly those are disabled,
// each listed with its reason in docs/betterauth.md.
func TestBetterAuthConformanceSuitePasses(t *testing.T) {
	t.Parallel()
	url := betterAuthURL(t, pgtest.NewDatabase(t)) // the suite deletes every row: a database of its own
	dir := t.TempDir()
	reportPath := filepath.Join(dir, "report.json")
	exclusionsPath := filepath.Join(dir, "exclusions.json")
	cmd := nodeCmd(t, url, adapterDrizzle, []string{"IAM_CONFORMANCE_EXCLUSIONS=" + exclusionsPath, "TZ=America/New_York"},
		filepath.Join("node_modules", "vitest", "vitest.mjs"), "run", "--reporter=dot", "--reporter=json", "--outputFile.json="+reportPath)
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "Better Auth's conformance suite failed; rerun it with\n  go test ./interop/ -run %s -v\noutput:\n%s", t.Name(), out)
	if testing.Verbose() {
		t.Logf("Better Auth conformance suite:\n%s", out)
	}

	var report vitestReport
	b, err := os.ReadFile(reportPath)
	require.NoErrorf(t, err, "vitest wrote no JSON report; output:\n%s", out)
	require.NoError(t, json.Unmarshal(b, &report))
	var exclusions map[string]map[string]string // suite -> test -> reason
	b, err = os.ReadFile(exclusionsPath)
	require.NoErrorf(t, err, "test/conformance.vitest.ts wrote no exclusions; output:\n%s", out)
	require.NoError(t, json.Unmarshal(b, &exclusions))

	require.Zero(t, report.NumFailedTests)
	// Disabled = the exclusions of the normal, auth-flow and joins suites, per adapter;
	// a test the suite skips by itself (an adapter without transactions) fails here.
	want := map[string]bool{}
	for _, adapter := range []string{adapterDrizzle, adapterKysely} {
		for suite, tests := range exclusions {
			for name := range tests {
				if suite == "joins" {
					want[adapter+" | joins | "+name] = true
				} else {
					want[adapter+" |  | "+name] = true
				}
			}
		}
	}
	got := map[string]bool{}
	passed := map[string]int{}
	for _, f := range report.TestResults {
		for _, a := range f.AssertionResults {
			adapter, prefix, name := conformanceTitle(a.Title)
			switch a.Status {
			case "passed":
				passed[adapter]++
			case "skipped", "pending", "todo":
				got[adapter+" | "+prefix+" | "+name] = true
			default:
				t.Errorf("%s: status %s", a.Title, a.Status)
			}
		}
	}
	require.Equal(t, sortedKeys(want), sortedKeys(got), "the disabled tests are exactly the listed exclusions")
	// 175 per adapter with 1.7.5 (the suites' header tests have no adapter prefix).
	require.Greater(t, passed[adapterDrizzle], 150, "tests that passed on withIam (Drizzle)")
	require.Equal(t, passed[adapterDrizzle], passed[adapterKysely], "the same tests pass on both adapters")
	t.Logf("conformance suite: %d passed on each adapter, %d disabled on each (schema changes)", passed[adapterDrizzle], len(want)/2)

	doc, err := os.ReadFile(betterAuthDoc)
	require.NoError(t, err)
	for suite, tests := range exclusions {
		for name, reason := range tests {
			found := false
			for _, line := range strings.Split(string(doc), "\n") {
				found = found || strings.Contains(line, "`"+name+"`") && strings.Contains(line, reason)
			}
			require.Truef(t, found, "docs/betterauth.md lists no line with `%s` (suite %s) and its reason %q", name, suite, reason)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// authCLI runs Better Auth's CLI (package "auth", pinned in package.json) in the
// Node project. test/node20.mjs supplies Object.groupBy on Node 20.
func authCLI(t *testing.T, url, adapter string, args ...string) (string, int) {
	t.Helper()
	cmd := nodeCmd(t, url, adapter, nil, append([]string{"--import", "./test/node20.mjs", filepath.Join("node_modules", "auth", "dist", "index.mjs")}, args...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil {
		require.ErrorAsf(t, err, &exit, "run the Better Auth CLI: %s", out)
		return string(out), exit.ExitCode()
	}
	return string(out), 0
}

// TestBetterAuthCLISchemaCheckPassesOnTheEmittedConfiguration runs
// `npx auth check schema` (Better Auth's CLI 1.7.7) on the interop app's
// configuration (test/harness.ts: withIam or withIamKysely and every plugin):
// against the emitted Drizzle schema and against the live migrated database.
// A configuration with a field the schema lacks fails the same check.
func TestBetterAuthCLISchemaCheckPassesOnTheEmittedConfiguration(t *testing.T) {
	t.Parallel()
	url := betterAuthURL(t, pgtest.NewDatabase(t))
	for adapter, source := range map[string]string{
		adapterDrizzle: "Schema check passed against the configured Drizzle schema.",
		adapterKysely:  "Schema check passed against the live database.",
	} {
		out, code := authCLI(t, url, adapter, "check", "schema", "--config", "test/harness.ts")
		require.Equalf(t, 0, code, "auth check schema on %s failed:\n%s", adapter, out)
		require.Containsf(t, out, source, "auth check schema on %s", adapter)

		out, code = authCLI(t, url, adapter, "check", "schema", "--config", "test/check-mismatch.config.ts")
		require.Equalf(t, 1, code, "auth check schema on %s must find the missing column:\n%s", adapter, out)
		require.Containsf(t, out, "favouriteColour", "auth check schema on %s names the missing field", adapter)
	}
}

// kyselyWarnings are what Better Auth's getMigrations warns about on a
// migrated database, all deliberate (docs/betterauth.md, the Kysely path).
var kyselyWarnings = []string{
	`warn: Column "user_id" on table "iam_sso_provider" stays nullable while the schema declares the field required, so existing rows can still hold null. Backfill every row for this column and enforce NOT NULL to remove the drift.`,
	"warn: Field last_request in table iam_rate_limit has a different type in the database. Expected number but got int8.",
	"warn: Field status in table iam_device_code has a different type in the database. Expected string but got device_code_status_enum.",
	"warn: Field status in table iam_invitation has a different type in the database. Expected string but got invitation_status_enum.",
}

// TestBetterAuthKyselyMigrationsFindNothingToDo runs Better Auth's own
// migration planner (getMigrations, what `npx auth migrate` executes) with the
// interop app's options through withIamKysely on a migrated database: no table
// to create, no column to add, no index to add, and only the documented warnings.
func TestBetterAuthKyselyMigrationsFindNothingToDo(t *testing.T) {
	t.Parallel()
	url := betterAuthURL(t, pgtest.NewDatabase(t))
	cmd := nodeCmd(t, url, adapterKysely, nil, "--import", "tsx", "test/kysely-migrations.ts")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoErrorf(t, err, "test/kysely-migrations.ts failed:\n%s%s", out, stderr.String())
	var plan struct {
		ToBeCreated      []json.RawMessage `json:"toBeCreated"`
		ToBeAdded        []json.RawMessage `json:"toBeAdded"`
		ToBeAddedIndexes []json.RawMessage `json:"toBeAddedIndexes"`
		UnsafeChanges    []string          `json:"unsafeChanges"`
		Warnings         []string          `json:"warnings"`
	}
	require.NoErrorf(t, json.Unmarshal(out, &plan), "output:\n%s", out)
	require.Emptyf(t, plan.ToBeCreated, "getMigrations would create tables: %s", out)
	require.Emptyf(t, plan.ToBeAdded, "getMigrations would add columns: %s", out)
	require.Emptyf(t, plan.ToBeAddedIndexes, "getMigrations would add indexes: %s", out)
	require.Empty(t, plan.UnsafeChanges)
	sort.Strings(plan.Warnings)
	require.Equal(t, kyselyWarnings, plan.Warnings, "getMigrations' warnings (docs/betterauth.md explains each)")
}
