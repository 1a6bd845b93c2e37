package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/beep/iam/schema"
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

// nodeDir is the Node project, relative to this package: the suites, the
// emitted module and the locked Better Auth release (package-lock.json).
const nodeDir = "betterauth"

// latestDir is a second locked Node project: the same suites (copied in from
// nodeDir for each run) on the newest Better Auth 1.7 release.
const latestDir = "betterauth-latest"

// nodeProjects are the Better Auth installations every suite runs on.
var nodeProjects = []string{nodeDir, latestDir}

// installHint says what to install when node or npm is missing.
const installHint = "install Node.js >= 20 and npm (Debian/Ubuntu: apt-get install -y nodejs npm), then rerun; ./scripts/test runs `npm ci` in interop/betterauth and interop/betterauth-latest"

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

type npmResult struct {
	once sync.Once
	err  error
	out  []byte
}

var npmResults sync.Map // project dir -> *npmResult

// requireNodeModules installs the Node project nodeDir from its lockfile.
func requireNodeModules(t *testing.T) { requireProjectModules(t, nodeDir) }

// requireProjectModules installs a Node project from its lockfile (npm ci)
// unless node_modules already holds exactly the locked versions.
func requireProjectModules(t *testing.T, dir string) {
	t.Helper()
	npm := requireTool(t, "npm")
	v, _ := npmResults.LoadOrStore(dir, &npmResult{})
	r := v.(*npmResult)
	r.once.Do(func() {
		if installedMatchesLock(dir) {
			return
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		r.out, r.err = cmd.CombinedOutput()
	})
	require.NoErrorf(t, r.err, "npm ci in interop/%s failed (needs registry access):\n%s", dir, r.out)
}

// installedMatchesLock compares package-lock.json with the hidden lockfile
// npm keeps in node_modules: every locked package installed at its version.
func installedMatchesLock(dir string) bool {
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
	want, ok := read(filepath.Join(dir, "package-lock.json"))
	if !ok {
		return false
	}
	have, ok := read(filepath.Join(dir, "node_modules", ".package-lock.json"))
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

// lockedVersion is the version of package name that a project's lockfile pins.
func lockedVersion(t *testing.T, dir, name string) string {
	t.Helper()
	var l struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &l))
	v := l.Packages["node_modules/"+name].Version
	require.NotEmptyf(t, v, "interop/%s/package-lock.json pins no %s", dir, name)
	return v
}

// projectName names a project's subtest by the Better Auth release it runs.
func projectName(t *testing.T, dir string) string {
	return "better-auth@" + lockedVersion(t, dir, "better-auth")
}

// suiteDir returns the directory to run a project's suites in. nodeDir holds
// them; for another project they are copied (test/*.ts, import/*.ts, iam.ts,
// tsconfig.json)
// into a fresh directory inside it, so that Node resolves that project's
// node_modules. Removed when the test ends.
func suiteDir(t *testing.T, project string) string {
	t.Helper()
	if project == nodeDir {
		return nodeDir
	}
	dir, err := os.MkdirTemp(project, ".suite-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	files := []string{schema.BetterAuthModuleFile, "tsconfig.json"}
	for _, sub := range []string{"test", "import"} { // the suites, and the import test's scripts
		require.NoError(t, os.Mkdir(filepath.Join(dir, sub), 0o755))
		tests, err := filepath.Glob(filepath.Join(nodeDir, sub, "*.ts"))
		require.NoError(t, err)
		for _, f := range tests {
			files = append(files, filepath.Join(sub, filepath.Base(f)))
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(nodeDir, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	return dir
}

// nodeRun is what one run of the Node suite produced.
type nodeRun struct {
	Output    string         // the suite's TAP/spec output
	Artefacts map[string]any // what the scenarios wrote for Go to verify
}

// nodeStep is a point in the middle of a Node run where Go takes over: Node
// writes <Name>.json into the handshake directory and waits; Check runs (in
// the test goroutine) with that data, and what it returns is Node's answer
// (<Name>.ack).
type nodeStep struct {
	Name  string
	Check func(t *testing.T, data json.RawMessage) any
}

// The Better Auth adapters the scenarios run on (IAM_BETTER_AUTH_ADAPTER):
// withIam's Drizzle adapter and withIamKysely's built-in Kysely adapter.
const (
	adapterDrizzle = "drizzle"
	adapterKysely  = "kysely"
)

// nodeSuite says which suite to run where.
type nodeSuite struct {
	Project  string // nodeDir or latestDir
	File     string // test file, relative to the project
	Adapter  string // adapterDrizzle (also when "") or adapterKysely
	URL      string // the database
	Fixtures any    // when not nil, written to JSON and handed to the suite (Go-made rows Node should accept)
	Steps    []nodeStep
}

// lockedBuffer is an io.Writer safe for the child's output and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runNode runs one Node suite, taking the steps in order while it runs.
func runNode(t *testing.T, s nodeSuite) nodeRun {
	t.Helper()
	node := requireNode(t)
	requireProjectModules(t, s.Project)
	dir := t.TempDir()
	artefactsPath := filepath.Join(dir, "artefacts.json")
	env := append(os.Environ(),
		"IAM_DATABASE_URL="+s.URL,
		"IAM_INTEROP_ARTEFACTS="+artefactsPath,
		// A non-UTC process time zone proves the timestamptz mapping does not shift values.
		"TZ=America/New_York",
		"NODE_ENV=test",
		"IAM_BETTER_AUTH_ADAPTER="+adapterOr(s.Adapter),
	)
	if s.Fixtures != nil {
		b, err := json.Marshal(s.Fixtures)
		require.NoError(t, err)
		p := filepath.Join(dir, "fixtures.json")
		require.NoError(t, os.WriteFile(p, b, 0o600))
		env = append(env, "IAM_INTEROP_FIXTURES="+p)
	}
	handshake := filepath.Join(dir, "handshake")
	require.NoError(t, os.Mkdir(handshake, 0o700))
	env = append(env, "IAM_INTEROP_HANDSHAKE="+handshake)
	// A guard against a hung child only; no assertion depends on time.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=1", s.File)
	cmd.Dir = suiteDir(t, s.Project)
	cmd.Env = env
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	rerun := fmt.Sprintf("rerun it with\n  go test ./interop/ -run '%s' -v", t.Name())
	var exitErr error
	exited := false
	for _, step := range s.Steps {
		data, ok := waitForStep(filepath.Join(handshake, step.Name+".json"), done, &exitErr)
		if !ok {
			exited = true
			t.Fatalf("the Node suite ended (%v) before step %q; %s\noutput:\n%s", exitErr, step.Name, rerun, out.String())
		}
		answer := step.Check(t, data)
		b, err := json.Marshal(answer)
		require.NoError(t, err)
		tmp := filepath.Join(handshake, step.Name+".ack.tmp")
		require.NoError(t, os.WriteFile(tmp, b, 0o600))
		require.NoError(t, os.Rename(tmp, filepath.Join(handshake, step.Name+".ack")))
	}
	if !exited {
		exitErr = <-done
	}
	require.NoErrorf(t, exitErr, "the Better Auth interop suite (%s in interop/%s) failed; %s\noutput:\n%s", s.File, s.Project, rerun, out.String())
	if testing.Verbose() {
		t.Logf("Better Auth interop suite (%s, interop/%s):\n%s", s.File, s.Project, out.String())
	}
	run := nodeRun{Output: out.String(), Artefacts: map[string]any{}}
	b, err := os.ReadFile(artefactsPath)
	require.NoErrorf(t, err, "the suite wrote no artefacts file; output:\n%s", run.Output)
	require.NoError(t, json.Unmarshal(b, &run.Artefacts))
	return run
}

// adapterOr is adapter, or adapterDrizzle for "".
func adapterOr(adapter string) string {
	if adapter == "" {
		return adapterDrizzle
	}
	return adapter
}

// waitForStep waits until Node wrote path (renamed into place, so complete)
// or the process ended.
func waitForStep(path string, done <-chan error, exitErr *error) (json.RawMessage, bool) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			return b, true
		}
		select {
		case err := <-done:
			*exitErr = err
			return nil, false
		case <-tick.C:
		}
	}
}
