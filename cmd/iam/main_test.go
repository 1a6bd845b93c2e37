package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// iam runs the command in-process, with an empty stdin that is not a
// terminal, and returns its exit code and output.
func iam(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return iamWithInput(t, "", false, args...)
}

// iamWithInput runs the command with stdin reading input, a terminal when
// interactive is set.
func iamWithInput(t *testing.T, input string, interactive bool, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runIO(args, strings.NewReader(input), interactive, &out, &errOut)
	return code, out.String(), errOut.String()
}

// clusterDir returns a fresh directory for an embedded database that the
// postgres OS user can reach, and destroys the database after the test.
func clusterDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "iam-cli-test-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() {
		run([]string{"--dir", filepath.Join(dir, ".iam"), "db", "destroy"}, &bytes.Buffer{}, &bytes.Buffer{})
		_ = os.RemoveAll(dir)
	})
	return filepath.Join(dir, ".iam")
}

func TestMigrate_UpStatusValidateDownOnADatabaseURL(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t, pgtest.Empty())
	latest := migrate.Default().Latest()

	code, out, errOut := iam(t, "--database-url", url, "migrate", "up")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "applied 0001_iam_schema")
	require.Contains(t, out, fmt.Sprintf("database at version %d of %d", latest, latest))

	code, out, _ = iam(t, "--database-url", url, "migrate", "up")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "nothing to apply")

	code, out, errOut = iam(t, "--database-url", url, "migrate", "validate")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "ok:")

	code, out, errOut = iam(t, "--database-url", url, "--json", "migrate", "down", "--yes")
	require.Equal(t, ExitOK, code, errOut)
	var down struct {
		Steps  []migrate.Step  `json:"steps"`
		Status *migrate.Status `json:"status"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &down))
	require.Len(t, down.Steps, 1)
	require.Equal(t, latest, down.Steps[0].Version)
	require.Equal(t, latest-1, down.Status.Current)

	code, out, _ = iam(t, "--database-url", url, "migrate", "status")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "VERSION")
	require.Contains(t, out, "pending")
}

func TestMigrate_ValidateExitsWithDriftWhenAnAppliedFileChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t) // IAM migrations applied
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "UPDATE "+migrate.DefaultTable+" SET checksum = 'edited' WHERE version = 1")
	require.NoError(t, err)

	code, _, errOut := iam(t, "--database-url", url, "migrate", "validate")
	require.Equal(t, ExitDrift, code)
	require.Contains(t, errOut, "0001_iam_schema.up.sql was applied")

	code, _, errOut = iam(t, "--database-url", url, "migrate", "up")
	require.Equal(t, ExitDrift, code, "up refuses a modified migration")
	require.Contains(t, errOut, "0001_iam_schema.up.sql")
}

func TestExitCodes_BadInputGetsOneClearLine(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedPort := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown command", []string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{"unknown flag", []string{"migrate", "up", "--frob"}, ExitUsage, "unknown flag: --frob"},
		{"bad steps", []string{"--database-url", "postgres://localhost/x", "migrate", "down", "--steps", "0"}, ExitUsage, "--steps 0: must be at least 1"},
		{"bad target", []string{"--database-url", "postgres://localhost/x", "migrate", "up", "--to", "999"}, ExitUsage, "--to 999: must be between 0 and"},
		{"extra argument", []string{"version", "extra"}, ExitUsage, "unknown command"},
		{"malformed URL", []string{"--database-url", "postgres://u:hunter2@ho st:x/db", "migrate", "status"}, ExitUnreachable, "invalid database URL"},
		{"unreachable", []string{"--database-url", fmt.Sprintf("postgres://u:hunter2@127.0.0.1:%d/db?connect_timeout=5", closedPort), "migrate", "status"}, ExitUnreachable, "cannot connect to the database"},
		{"missing server binaries", []string{"--database-url", "", "--dir", "/tmp/iam-never-created", "--pg-bin", "/nonexistent", "db", "start"}, ExitLocalServer, "apt-get install -y postgresql-15"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := iam(t, tc.args...)
			require.Equal(t, tc.code, code, errOut)
			require.Contains(t, errOut, tc.want)
			require.NotContains(t, errOut, "hunter2", "no password in errors")
			require.Equal(t, 1, bytes.Count([]byte(errOut), []byte("\n")), "one line: %q", errOut)
		})
	}
}

func TestDB_RefusesADataDirectoryOwnedBySomeoneElse(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "data"), 0o700))
	code, _, errOut := iam(t, "--database-url", "", "--dir", dir, "db", "start")
	if os.Geteuid() != 0 {
		// Only root can create a directory owned by someone else; as an
		// ordinary user the directory is ours and the server may start.
		t.Log("not root: the directory belongs to the server's own user")
		return
	}
	require.Equal(t, ExitLocalServer, code, errOut)
	require.Contains(t, errOut, "belongs to root")
	require.Contains(t, errOut, "chown -R postgres")
}

func TestDB_ReportsAPortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	dir := clusterDir(t)
	code, _, errOut := iam(t, "--database-url", "", "--dir", dir, "db", "start", "--port", fmt.Sprint(port))
	require.Equal(t, ExitLocalServer, code, errOut)
	require.Contains(t, errOut, fmt.Sprintf("127.0.0.1:%d is taken", port))
	require.Contains(t, errOut, "iam db start --port")
}

func TestUp_EmbeddedDatabaseIsCreatedStartedAndReused(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	latest := migrate.Default().Latest()

	code, out, errOut := iam(t, "--database-url", "", "--dir", dir, "up")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, errOut, "created a PostgreSQL cluster")
	require.Contains(t, out, fmt.Sprintf("database at version %d of %d", latest, latest))
	require.Contains(t, out, "connect with: psql")

	code, out, errOut = iam(t, "--database-url", "", "--dir", dir, "--json", "db", "status")
	require.Equal(t, ExitOK, code, errOut)
	var st dbStatus
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	require.True(t, st.Running)

	code, _, errOut = iam(t, "--database-url", "", "--dir", dir, "db", "stop")
	require.Equal(t, ExitOK, code, errOut)

	// A later command starts the existing cluster again; nothing to apply.
	code, out, errOut = iam(t, "--database-url", "", "--dir", dir, "up")
	require.Equal(t, ExitOK, code, errOut)
	require.NotContains(t, errOut, "created")
	require.Contains(t, errOut, "started PostgreSQL")
	require.Contains(t, out, "nothing to apply")

	code, out, _ = iam(t, "--database-url", "", "--dir", dir, "db", "url")
	require.Equal(t, ExitOK, code)
	pw, err := os.ReadFile(filepath.Join(dir, "password"))
	require.NoError(t, err)
	require.Contains(t, out, "postgres://postgres:"+strings.TrimSpace(string(pw))+"@127.0.0.1:")

	code, _, errOut = iam(t, "--database-url", "", "--dir", dir, "db", "destroy")
	require.Equal(t, ExitOK, code, errOut)
	require.NoDirExists(t, dir)
	require.False(t, st.PID == 0)
}

func TestVersion_PrintsTheLatestMigration(t *testing.T) {
	t.Parallel()
	code, out, _ := iam(t, "--json", "version")
	require.Equal(t, ExitOK, code)
	var v versionInfo
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	require.Equal(t, migrate.Default().Latest(), v.Migrations)
}

func TestDB_ConcurrentStartsShareOneCluster(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	const n = 3
	urls := make(chan string, n)
	errs := make(chan string, n)
	for range n {
		go func() {
			code, out, errOut := iam(t, "--database-url", "", "--dir", dir, "db", "url")
			if code != ExitOK {
				errs <- errOut
				return
			}
			urls <- out
		}()
	}
	var got []string
	for range n {
		select {
		case u := <-urls:
			got = append(got, u)
		case e := <-errs:
			require.Fail(t, "a concurrent start failed", e)
		}
	}
	require.Equal(t, got[0], got[1])
	require.Equal(t, got[0], got[2])
}
