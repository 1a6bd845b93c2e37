package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/demo"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
)

// migrationNames returns "0001_name" of every migration, oldest first.
func migrationNames(t *testing.T, dbURL string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	st, err := migrate.Default().Status(ctx, conn)
	require.NoError(t, err)
	var names []string
	for _, ms := range st.Migrations {
		names = append(names, fmt.Sprintf("%04d_%s", ms.Version, ms.Name))
	}
	return names
}

func currentVersion(t *testing.T, dbURL string) int {
	t.Helper()
	code, out, errOut := iam(t, "--database-url", dbURL, "--json", "migrate", "status")
	require.Equal(t, ExitOK, code, errOut)
	var st migrate.Status
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	return st.Current
}

// TestMigrateDown_RefusesWithoutConfirmation: down without --yes on a
// stdin that is not a terminal, or with --json, changes nothing and exits 2
// naming the flag and the migrations it would roll back.
func TestMigrateDown_RefusesWithoutConfirmation(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	latest := migrate.Default().Latest()
	names := migrationNames(t, dbURL)

	code, _, errOut := iam(t, "--database-url", dbURL, "migrate", "down", "--to", "0")
	require.Equal(t, ExitUsage, code, errOut)
	require.Contains(t, errOut, "--yes")
	require.Contains(t, errOut, "stdin is not a terminal")
	for _, n := range names {
		require.Contains(t, errOut, n)
	}
	require.Equal(t, latest, currentVersion(t, dbURL))

	code, out, errOut := iam(t, "--database-url", dbURL, "--json", "migrate", "down")
	require.Equal(t, ExitUsage, code, errOut)
	var doc struct {
		Error    string `json:"error"`
		ExitCode int    `json:"exit_code"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.Equal(t, ExitUsage, doc.ExitCode)
	require.Contains(t, doc.Error, "--yes (or --force)")
	require.Contains(t, doc.Error, names[len(names)-1])
	require.NotContains(t, doc.Error, names[0], "--steps 1 names only the last one")
	require.Equal(t, latest, currentVersion(t, dbURL))

	// Even on a terminal, --json asks nothing.
	code, _, errOut = iamWithInput(t, "yes\n", true, "--database-url", dbURL, "--json", "migrate", "down")
	require.Equal(t, ExitUsage, code, errOut)
	require.Equal(t, latest, currentVersion(t, dbURL))
}

// TestMigrateDown_AsksOnATerminal: on a terminal down names the
// migrations and rolls back only after "yes".
func TestMigrateDown_AsksOnATerminal(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	latest := migrate.Default().Latest()
	names := migrationNames(t, dbURL)

	for _, answer := range []string{"no\n", "\n", ""} {
		code, _, errOut := iamWithInput(t, answer, true, "--database-url", dbURL, "migrate", "down", "--to", "0")
		require.Equal(t, ExitUsage, code, errOut)
		require.Contains(t, errOut, "Type \"yes\" to continue")
		for _, n := range names {
			require.Contains(t, errOut, n)
		}
		require.Contains(t, errOut, "not confirmed")
		require.Equal(t, latest, currentVersion(t, dbURL), "answer %q", answer)
	}

	code, out, errOut := iamWithInput(t, "yes\n", true, "--database-url", dbURL, "migrate", "down")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "rolled back "+names[len(names)-1])
	require.Equal(t, latest-1, currentVersion(t, dbURL))
}

// TestMigrateDown_YesAndForceSkipTheQuestion: --yes and --force confirm
// up front; nothing to roll back needs no confirmation.
func TestMigrateDown_YesAndForceSkipTheQuestion(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	code, _, errOut := iam(t, "--database-url", dbURL, "migrate", "down", "--yes")
	require.Equal(t, ExitOK, code, errOut)
	code, out, errOut := iam(t, "--database-url", dbURL, "migrate", "down", "--to", "0", "--force")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "rolled back 0001_iam_schema")
	require.Equal(t, 0, currentVersion(t, dbURL))

	code, out, errOut = iam(t, "--database-url", dbURL, "migrate", "down")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "nothing to roll back")
}

// withURLPassword puts a password into a pgtest URL (its socket trusts
// the server's OS user, so the password is ignored there).
func withURLPassword(t *testing.T, raw, pw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), pw)
	return u.String()
}

// TestDB_WithADatabaseURLNeverStartsTheEmbeddedDatabase: db url prints the
// given URL with its password redacted, db status reports on it (exit 3
// when unreachable), db start/stop/destroy refuse with exit 2; none of them
// creates the embedded database.
func TestDB_WithADatabaseURLNeverStartsTheEmbeddedDatabase(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	dbURL := withURLPassword(t, pgtest.NewDatabase(t, pgtest.Empty()), "hunter2")

	code, out, errOut := iam(t, "--database-url", dbURL, "--dir", dir, "db", "url")
	require.Equal(t, ExitOK, code, errOut)
	require.Equal(t, redactURL(dbURL)+"\n", out)
	require.Contains(t, out, ":xxxxx@")
	require.Contains(t, errOut, "not the embedded one")

	code, out, errOut = iam(t, "--database-url", dbURL, "--dir", dir, "--json", "db", "status")
	require.Equal(t, ExitOK, code, errOut)
	var st urlStatus
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	require.True(t, st.Reachable)
	require.False(t, st.Embedded)
	require.Equal(t, "postgres", st.User)
	require.NotEmpty(t, st.ServerVersion)
	require.Equal(t, redactURL(dbURL), st.URL)

	code, out, errOut = iam(t, "--database-url", dbURL, "--dir", dir, "db", "status")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "reachable")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := fmt.Sprintf("postgres://u:hunter2@127.0.0.1:%d/db?connect_timeout=5", l.Addr().(*net.TCPAddr).Port)
	require.NoError(t, l.Close())
	code, out, errOut = iam(t, "--database-url", closed, "--dir", dir, "--json", "db", "status")
	require.Equal(t, ExitUnreachable, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &st), "one JSON document: %s", out)
	require.False(t, st.Reachable)
	require.NotEmpty(t, st.Error)

	for _, sub := range []string{"start", "stop", "destroy"} {
		code, _, errOut := iam(t, "--database-url", dbURL, "--dir", dir, "db", sub)
		require.Equal(t, ExitUsage, code, errOut)
		require.Contains(t, errOut, "manages the embedded database only")
		require.NotContains(t, errOut, "hunter2")
	}
	for _, o := range []string{out, errOut} {
		require.NotContains(t, o, "hunter2")
	}
	require.NoDirExists(t, dir, "no embedded database was created")
}

// TestDB_DatabaseURLFromTheEnvironment: DATABASE_URL counts like the flag.
// Not parallel: it sets the environment.
func TestDB_DatabaseURLFromTheEnvironment(t *testing.T) {
	dir := clusterDir(t)
	dbURL := withURLPassword(t, pgtest.NewDatabase(t, pgtest.Empty()), "hunter2")
	t.Setenv("DATABASE_URL", dbURL)
	code, out, errOut := iam(t, "--dir", dir, "db", "url")
	require.Equal(t, ExitOK, code, errOut)
	require.Equal(t, redactURL(dbURL)+"\n", out)
	code, _, errOut = iam(t, "--dir", dir, "db", "stop")
	require.Equal(t, ExitUsage, code, errOut)
	require.NoDirExists(t, dir)
}

// TestDB_EmbeddedDatabaseNeedsItsPassword: the URL of db url carries the
// password from <dir>/password (0600); without it the server refuses the
// connection over TCP; db status shows the URL redacted.
func TestDB_EmbeddedDatabaseNeedsItsPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := clusterDir(t)
	code, out, errOut := iam(t, "--database-url", "", "--dir", dir, "db", "url")
	require.Equal(t, ExitOK, code, errOut)
	dbURL := strings.TrimSpace(out)

	fi, err := os.Stat(filepath.Join(dir, "password"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(filepath.Join(dir, "password"))
	require.NoError(t, err)
	pw := strings.TrimSpace(string(b))
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	got, ok := u.User.Password()
	require.True(t, ok)
	require.Equal(t, pw, got)
	require.Equal(t, "127.0.0.1", u.Hostname())

	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	conn.Close(ctx)
	for _, user := range []*url.Userinfo{url.User("postgres"), url.UserPassword("postgres", "wrong")} {
		u.User = user
		_, err := pgx.Connect(ctx, u.String())
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, "refused by the server: %v", err)
		require.Equal(t, "28P01", pgErr.Code)
	}

	code, out, errOut = iam(t, "--database-url", "", "--dir", dir, "--json", "db", "status")
	require.Equal(t, ExitOK, code, errOut)
	require.NotContains(t, out, pw)
	var st dbStatus
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	require.Contains(t, st.URL, ":xxxxx@127.0.0.1:")
	require.Equal(t, filepath.Join(dir, "password"), st.PasswordFile)
}

// TestDB_AnOldTrustClusterIsMovedToPasswords: an embedded database created
// before passwords (pg_hba.conf trusting everyone, no password file) and
// running is moved to password authentication by the next command, which
// restarts it once; the data stays.
func TestDB_AnOldTrustClusterIsMovedToPasswords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := clusterDir(t)
	code, _, errOut := iam(t, "--database-url", "", "--dir", dir, "up")
	require.Equal(t, ExitOK, code, errOut)
	code, out, errOut := iam(t, "--database-url", "", "--dir", dir, "--json", "db", "status")
	require.Equal(t, ExitOK, code, errOut)
	var st dbStatus
	require.NoError(t, json.Unmarshal([]byte(out), &st))

	// Turn it into what the old code made, then reload the server.
	hba := filepath.Join(st.Data, "pg_hba.conf")
	fi, err := os.Stat(hba)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(hba, []byte("local all all trust\nhost all all 127.0.0.1/32 trust\n"), fi.Mode()))
	pw, err := os.ReadFile(filepath.Join(dir, "password"))
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, "password")))
	u, err := url.Parse(strings.Replace(st.URL, ":xxxxx@", "@", 1))
	require.NoError(t, err)
	withPW := *u
	withPW.User = url.UserPassword("postgres", strings.TrimSpace(string(pw)))
	conn, err := pgx.Connect(ctx, withPW.String()) // the password rules hold until the reload
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SELECT pg_reload_conf()")
	require.NoError(t, err)
	conn.Close(ctx)
	conn, err = pgx.Connect(ctx, u.String())
	require.NoError(t, err, "trust: no password needed")
	conn.Close(ctx)

	code, out, errOut = iam(t, "--database-url", "", "--dir", dir, "db", "url")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, errOut, "now requires a password")
	_, err = pgx.Connect(ctx, u.String())
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "refused: %v", err)
	require.Equal(t, "28P01", pgErr.Code)

	conn, err = pgx.Connect(ctx, strings.TrimSpace(out))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var orgs int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+domain.TableOrganization+" WHERE slug = $1", demo.Slug).Scan(&orgs))
	require.Equal(t, 1, orgs, "the data survives the move")
}

// TestUp_ConcurrentUpsOnAFreshDirectoryBothSucceed: two `iam up` at once on
// a fresh directory share one cluster, and the demo tenant is created once.
func TestUp_ConcurrentUpsOnAFreshDirectoryBothSucceed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := clusterDir(t)
	const n = 2
	type result struct {
		code         int
		out, errOut  string
		created      bool
		organization string
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := &results[i]
			r.code, r.out, r.errOut = iam(t, "--database-url", "", "--dir", dir, "--json", "up")
			var doc struct {
				Demo struct {
					Created      bool `json:"created"`
					Organization struct {
						ID string `json:"id"`
					} `json:"organization"`
				} `json:"demo"`
			}
			if json.Unmarshal([]byte(r.out), &doc) == nil {
				r.created, r.organization = doc.Demo.Created, doc.Demo.Organization.ID
			}
		})
	}
	wg.Wait()
	created := 0
	for i, r := range results {
		require.Equal(t, ExitOK, r.code, "up %d: %s", i, r.errOut)
		require.Equal(t, results[0].organization, r.organization)
		if r.created {
			created++
		}
	}
	require.Equal(t, 1, created, "one up creates the demo, the other finds it")

	code, out, errOut := iam(t, "--database-url", "", "--dir", dir, "db", "url")
	require.Equal(t, ExitOK, code, errOut)
	conn, err := pgx.Connect(ctx, strings.TrimSpace(out))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var orgs int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+domain.TableOrganization+" WHERE slug = $1", demo.Slug).Scan(&orgs))
	require.Equal(t, 1, orgs)
}
