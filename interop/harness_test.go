package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
)

// authLogin is the login role the Node suite connects as: a member of
// iam_auth whose sessions start as iam_auth (ALTER ROLE ... SET role), the
// set-up docs/betterauth.md recommends for a Better Auth deployment.
const authLogin = "iam_interop_better_auth"

// betterAuthURL turns the superuser URL of a migrated database into the URL
// Better Auth should use, one whose sessions run as iam_auth. On pgtest's own
// server that is a login as authLogin; on an external server
// (IAM_TEST_DATABASE_URL, whose authentication we do not control) it is the
// same login with options=-c role=iam_auth, the documented alternative. Roles
// are cluster-wide, so creating one tolerates a concurrent test doing the same.
func betterAuthURL(t *testing.T, superuserURL string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, superuserURL)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	var hasAuthRole bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iam_auth' AND rolbypassrls)`).Scan(&hasAuthRole))
	require.True(t, hasAuthRole, "migration 0001 did not create role iam_auth with BYPASSRLS")
	u, err := url.Parse(superuserURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// keyword/value form: libpq-style options, which node-postgres does not read
		t.Fatalf("the interop suite needs a postgres:// URL (IAM_TEST_DATABASE_URL), got a keyword/value connection string")
	}
	if pgtest.Server(t).External() {
		q := u.Query()
		q.Set("options", "-c role=iam_auth")
		u.RawQuery = q.Encode()
		return u.String()
	}
	_, err = conn.Exec(ctx, `CREATE ROLE `+authLogin+` LOGIN IN ROLE iam_auth`)
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && (pgErr.Code == pgerrcode.DuplicateObject || pgErr.Code == pgerrcode.UniqueViolation)) {
		require.NoError(t, err, "create the Better Auth login role")
	}
	var db string
	require.NoError(t, conn.QueryRow(ctx, `SELECT current_database()`).Scan(&db))
	_, err = conn.Exec(ctx, `ALTER ROLE `+authLogin+` IN DATABASE `+pgx.Identifier{db}.Sanitize()+` SET role = 'iam_auth'`)
	require.NoError(t, err)
	u.User = url.User(authLogin)
	return u.String()
}

// nodeDir is the Node project, relative to this package.
const nodeDir = "betterauth"

// installHint says what to install when node or npm is missing.
const installHint = "install Node.js >= 20 and npm (Debian/Ubuntu: apt-get install -y nodejs npm), then rerun; ./scripts/test runs `npm ci` in interop/betterauth"

// requireTool returns the path of an executable or fails the test saying what to install.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	require.NoErrorf(t, err, "%s not found on PATH: %s", name, installHint)
	return p
}

var nodeVersionRE = regexp.MustCompile(`^v(\d+)\.`)

// requireNode returns the node executable after checking its major version.
func requireNode(t *testing.T) string {
	t.Helper()
	node := requireTool(t, "node")
	out, err := exec.Command(node, "--version").Output()
	require.NoError(t, err, "node --version")
	m := nodeVersionRE.FindSubmatch(bytes.TrimSpace(out))
	require.NotNilf(t, m, "unexpected `node --version` output %q", out)
	major, _ := strconv.Atoi(string(m[1]))
	require.GreaterOrEqualf(t, major, 20, "node %s is too old: %s", bytes.TrimSpace(out), installHint)
	return node
}

var npmOnce sync.Once
var npmErr error
var npmOut []byte

// requireNodeModules installs the Node project from its lockfile (npm ci)
// unless node_modules already holds exactly the locked versions.
func requireNodeModules(t *testing.T) {
	t.Helper()
	npm := requireTool(t, "npm")
	npmOnce.Do(func() {
		if installedMatchesLock() {
			return
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = nodeDir
		npmOut, npmErr = cmd.CombinedOutput()
	})
	require.NoErrorf(t, npmErr, "npm ci in interop/betterauth failed (needs registry access):\n%s", npmOut)
}

// installedMatchesLock compares package-lock.json with the hidden lockfile
// npm keeps in node_modules: every locked package installed at its version.
func installedMatchesLock() bool {
	type lock struct {
		Packages map[string]struct {
			Version  string `json:"version"`
			Optional bool   `json:"optional"`
		} `json:"packages"`
	}
	read := func(p string) (lock, bool) {
		var l lock
		b, err := os.ReadFile(p)
		return l, err == nil && json.Unmarshal(b, &l) == nil
	}
	want, ok := read(filepath.Join(nodeDir, "package-lock.json"))
	if !ok {
		return false
	}
	have, ok := read(filepath.Join(nodeDir, "node_modules", ".package-lock.json"))
	if !ok {
		return false
	}
	for name, p := range want.Packages {
		if name == "" {
			continue
		}
		h, ok := have.Packages[name]
		if !ok && p.Optional {
			continue // platform-specific optional packages: only the host's are installed
		}
		if !ok || h.Version != p.Version {
			return false
		}
	}
	return true
}

// nodeRun is what one run of the Node suite produced.
type nodeRun struct {
	Output    string         // the suite's TAP/spec output
	Artefacts map[string]any // what the scenarios wrote for Go to verify
}

// runNodeSuite runs the Node scenarios against the database at url. fixtures,
// when not nil, is written to JSON and handed to the suite (Go-made rows the
// Node side should accept). The test fails with the suite's output when any
// scenario fails.
func runNodeSuite(t *testing.T, url string, fixtures any) nodeRun {
	t.Helper()
	node := requireNode(t)
	requireNodeModules(t)
	dir := t.TempDir()
	artefactsPath := filepath.Join(dir, "artefacts.json")
	env := append(os.Environ(),
		"IAM_DATABASE_URL="+url,
		"IAM_INTEROP_ARTEFACTS="+artefactsPath,
		// A non-UTC process time zone proves the timestamptz mapping does not shift values.
		"TZ=America/New_York",
		"NODE_ENV=test",
	)
	if fixtures != nil {
		b, err := json.Marshal(fixtures)
		require.NoError(t, err)
		p := filepath.Join(dir, "fixtures.json")
		require.NoError(t, os.WriteFile(p, b, 0o600))
		env = append(env, "IAM_INTEROP_FIXTURES="+p)
	}
	// A guard against a hung child only; no assertion depends on time.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=1", "test/scenarios.test.ts")
	cmd.Dir = nodeDir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "the Better Auth interop suite failed; rerun it with\n  go test ./interop/ -run %s -v\noutput:\n%s", t.Name(), out)
	if testing.Verbose() {
		t.Logf("Better Auth interop suite:\n%s", out)
	}
	run := nodeRun{Output: string(out), Artefacts: map[string]any{}}
	b, err := os.ReadFile(artefactsPath)
	require.NoErrorf(t, err, "the suite wrote no artefacts file; output:\n%s", out)
	require.NoError(t, json.Unmarshal(b, &run.Artefacts))
	return run
}
