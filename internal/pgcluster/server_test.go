package pgcluster

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

// These tests start real servers from the system's binaries; they skip when
// there are none.

// serverDir returns a fresh cluster directory that the server's OS user can
// reach (as root: the postgres user), killed and removed after the test.
func serverDir(t *testing.T) string {
	t.Helper()
	if _, err := FindBinaries(); err != nil {
		t.Skipf("no PostgreSQL server binaries: %v", err)
	}
	dir, err := os.MkdirTemp("/tmp", "pgcluster-test-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() {
		if c, err := New(Config{Dir: dir}); err == nil {
			_ = c.Kill(context.Background())
			_ = c.Destroy(context.Background())
		}
		_ = os.RemoveAll(dir)
	})
	return dir
}

// started creates and starts a cluster in a fresh directory.
func started(t *testing.T, tcp bool) *Cluster {
	t.Helper()
	ctx := context.Background()
	c, err := New(Config{Dir: serverDir(t), TCP: tcp, Settings: FastSettings})
	require.NoError(t, err)
	require.NoError(t, c.Init(ctx))
	require.NoError(t, c.Start(ctx))
	return c
}

// withoutPassword is u with its password removed.
func withoutPassword(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	u.User = url.User(u.User.Username())
	return u.String()
}

func withPassword(t *testing.T, raw, pw string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), pw)
	return u.String()
}

// requireRefused asserts that the server refuses the connection for its
// password (SQLSTATE 28P01), not for some other reason.
func requireRefused(t *testing.T, connURL string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), connURL)
	if err == nil {
		conn.Close(context.Background())
	}
	require.Error(t, err, "a connection without the right password must be refused")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "refused by the server: %v", err)
	require.Equal(t, "28P01", pgErr.Code, "invalid_password: %v", err)
}

func socketURL(c *Cluster, user, pw string) string {
	u := url.URL{Scheme: "postgres", User: url.User(user), Path: "/postgres"}
	if pw != "" {
		u.User = url.UserPassword(user, pw)
	}
	u.RawQuery = url.Values{"host": {c.SocketDir()}, "port": {strconv.Itoa(c.Port())}, "sslmode": {"disable"}}.Encode()
	return u.String()
}

// TestServerLog_KeepsSecretValuesOut: a unique violation, a bad cast and a
// failing statement, each quoting a recognisable secret, leave no trace of
// it in the server log (no DETAIL "Key (token)=(...)", no STATEMENT, no
// client error messages), while the server's own messages are still there.
func TestServerLog_KeepsSecretValuesOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := started(t, true)
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)

	const secret = "s3cr3t-token-8d1f0c2a"
	_, err = conn.Exec(ctx, "CREATE TABLE session (token text UNIQUE)")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "INSERT INTO session VALUES ($1)", secret)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "INSERT INTO session VALUES ($1)", secret)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "23505", pgErr.Code)
	require.Contains(t, pgErr.Detail, secret, "the client still gets the detail")
	_, err = conn.Exec(ctx, "INSERT INTO session VALUES ('"+secret+"')")
	require.Error(t, err)
	_, err = conn.Exec(ctx, "SELECT $1::uuid", secret)
	require.Error(t, err)
	_, err = conn.Exec(ctx, "SELECT '"+secret+"'::uuid")
	require.Error(t, err)
	_, err = conn.Exec(ctx, "SELEKT '"+secret+"'")
	require.Error(t, err)

	for k, want := range map[string]string{
		"log_error_verbosity": "terse", "log_min_error_statement": "panic",
		"log_statement": "none", "log_min_messages": "log",
	} {
		var got string
		require.NoError(t, conn.QueryRow(ctx, "SELECT current_setting($1)", k).Scan(&got))
		require.Equal(t, want, got, k)
	}
	conn.Close(ctx)
	require.NoError(t, c.Stop(ctx)) // the log is complete once the server is gone

	log, err := os.ReadFile(c.LogFile())
	require.NoError(t, err)
	require.Contains(t, string(log), "database system is ready to accept connections", "the log works")
	require.NotContains(t, string(log), secret)
	require.NotContains(t, string(log), c.Password())
}

// TestAuth_TCPClusterRequiresItsPassword: a TCP cluster refuses a
// connection without the password (or with a wrong one) over TCP and over
// its socket; the password lives in a 0600 file and in URL.
func TestAuth_TCPClusterRequiresItsPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := started(t, true)

	fi, err := os.Stat(c.PasswordFile())
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(c.PasswordFile())
	require.NoError(t, err)
	pw := strings.TrimSpace(string(b))
	require.Len(t, pw, 43, "256 random bits")
	require.Equal(t, pw, c.Password())
	require.Contains(t, c.URL("postgres"), ":"+pw+"@127.0.0.1:")

	requireRefused(t, withoutPassword(t, c.URL("postgres")))
	requireRefused(t, withPassword(t, c.URL("postgres"), "wrong"))
	requireRefused(t, socketURL(c, "postgres", ""))

	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err)
	var user string
	require.NoError(t, conn.QueryRow(ctx, "SELECT current_user").Scan(&user))
	require.Equal(t, "postgres", user)
	conn.Close(ctx)
	conn, err = pgx.Connect(ctx, socketURL(c, "postgres", pw))
	require.NoError(t, err, "the socket takes the password too")
	conn.Close(ctx)

	// A later process finds the same password.
	again, err := New(Config{Dir: c.Dir()})
	require.NoError(t, err)
	require.Equal(t, c.URL("iam"), again.URL("iam"))

	hba, err := os.ReadFile(filepath.Join(c.DataDir(), "pg_hba.conf"))
	require.NoError(t, err)
	require.NotContains(t, string(hba), "trust")
}

// TestAuth_SocketOnlyClusterIsForItsOwnUser: a socket-only cluster (pgtest)
// has no TCP rules and its socket directory is mode 0700.
func TestAuth_SocketOnlyClusterIsForItsOwnUser(t *testing.T) {
	t.Parallel()
	c := started(t, false)
	fi, err := os.Stat(c.SocketDir())
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	fi, err = os.Stat(filepath.Join(c.SocketDir(), ".s.PGSQL."+strconv.Itoa(c.Port())))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "unix_socket_permissions")
	hba, err := os.ReadFile(filepath.Join(c.DataDir(), "pg_hba.conf"))
	require.NoError(t, err)
	require.NotContains(t, string(hba), "host")
	require.NoFileExists(t, c.PasswordFile())
	conn, err := pgx.Connect(context.Background(), c.URL("postgres"))
	require.NoError(t, err)
	conn.Close(context.Background())
}

// initLegacy creates a TCP cluster the way versions before password
// authentication did (initdb -A trust, no password file) and starts it the
// way they did when running is set.
func initLegacy(t *testing.T, running bool) *Cluster {
	t.Helper()
	ctx := context.Background()
	c, err := New(Config{Dir: serverDir(t), TCP: true})
	require.NoError(t, err)
	c.cfg.Port, err = FreePort()
	require.NoError(t, err)
	for _, d := range []string{c.DataDir(), c.SocketDir(), filepath.Dir(c.LogFile())} {
		require.NoError(t, os.MkdirAll(d, 0o700))
		require.NoError(t, c.chown(d))
	}
	out, err := c.run(ctx, "initdb", "-D", c.DataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")
	require.NoError(t, err, string(out))
	require.NoError(t, c.writeState())
	opts := "-p " + strconv.Itoa(c.Port()) + " -k " + shellQuote(c.SocketDir()) + " -c listen_addresses=127.0.0.1"
	out, err = c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-s", "-D", c.DataDir(), "-l", c.LogFile(), "-o", opts)
	require.NoError(t, err, string(out))

	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err, "the old cluster trusts a connection without password")
	_, err = conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('data from before')")
	require.NoError(t, err)
	conn.Close(ctx)
	if !running {
		require.NoError(t, c.Stop(ctx))
	}
	return c
}

// TestAuth_StartMovesAnOldTrustClusterToPasswords: a TCP cluster created
// by the old code (trust), running or stopped, is moved to password
// authentication by the next Start, keeping its data.
func TestAuth_StartMovesAnOldTrustClusterToPasswords(t *testing.T) {
	t.Parallel()
	for _, running := range []bool{true, false} {
		t.Run("running="+strconv.FormatBool(running), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			old := initLegacy(t, running)
			require.False(t, old.AuthCurrent())

			c, err := New(Config{Dir: old.Dir()})
			require.NoError(t, err)
			require.NoError(t, c.Start(ctx))
			require.True(t, c.AuthCurrent())
			require.NotEmpty(t, c.Password())
			fi, err := os.Stat(c.PasswordFile())
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

			requireRefused(t, old.URL("postgres")) // the old password-less URL
			conn, err := pgx.Connect(ctx, c.URL("postgres"))
			require.NoError(t, err)
			defer conn.Close(ctx)
			var v string
			require.NoError(t, conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&v))
			require.Equal(t, "data from before", v)

			// Nothing more to do on the next start.
			again, err := New(Config{Dir: old.Dir()})
			require.NoError(t, err)
			require.True(t, again.AuthCurrent())
			require.NoError(t, again.Start(ctx))
			require.Equal(t, c.Password(), again.Password())
		})
	}
}

// TestAuth_LostPasswordFileIsReplacedAtStart: removing the password file
// (say, by a backup restore without it) is repaired by the next Start with
// a new password.
func TestAuth_LostPasswordFileIsReplacedAtStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := started(t, true)
	oldPW := c.Password()
	require.NoError(t, os.Remove(c.PasswordFile()))

	again, err := New(Config{Dir: c.Dir()})
	require.NoError(t, err)
	require.False(t, again.AuthCurrent())
	require.NoError(t, again.Start(ctx))
	require.NotEqual(t, oldPW, again.Password())
	requireRefused(t, c.URL("postgres"))
	conn, err := pgx.Connect(ctx, again.URL("postgres"))
	require.NoError(t, err)
	conn.Close(ctx)
}

func TestScramVerifier_HasPostgresFormat(t *testing.T) {
	t.Parallel()
	v, err := scramVerifier("pw")
	require.NoError(t, err)
	require.Regexp(t, `^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$`, v)
}
