package migrate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

const verifyVersion = 6

// TestUp0006_AddsOnlyTheVerificationObjectsUpDownAndUpAgain: 0006 changes no
// row; down takes back the policy, the view and the function, up again
// brings them back and the result checks clean.
func TestUp0006_AddsOnlyTheVerificationObjectsUpDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, _ := newConnBeforeHardening(t)
	seed(t, conn)
	m := migrate.Default()
	_, err := m.UpTo(ctx, conn, verifyVersion-1)
	require.NoError(t, err)
	before := snapshot(t, conn)
	objects := func() string {
		return queryString(t, conn, `SELECT concat_ws(',',
			(SELECT string_agg(polname, ',') FROM pg_policy WHERE polname = 'oauth_access_token_verify'),
			(SELECT string_agg(relname, ',') FROM pg_class WHERE relname = 'iam_oauth_client_status' AND relnamespace = current_schema()::regnamespace),
			(SELECT string_agg(proname, ',') FROM pg_proc WHERE proname = 'iam_verify_oauth_token' AND pronamespace = current_schema()::regnamespace))`)
	}
	require.Equal(t, "", objects())

	steps, err := m.UpTo(ctx, conn, verifyVersion)
	require.NoError(t, err)
	require.Equal(t, []int{verifyVersion}, versions(steps))
	require.Equal(t, "oauth_access_token_verify,iam_oauth_client_status,iam_verify_oauth_token", objects())
	require.Equal(t, before, snapshot(t, conn), "up changes no row")
	if m.Latest() == verifyVersion {
		r, err := migrate.Check(ctx, conn, schema.IAM(), migrate.WithMigrations(m))
		require.NoError(t, err)
		require.True(t, r.OK(), "%v", r.Drifts)
	}

	steps, err = m.DownTo(ctx, conn, verifyVersion-1)
	require.NoError(t, err)
	require.Equal(t, []int{verifyVersion}, versions(steps))
	require.Equal(t, "", objects())
	require.Equal(t, before, snapshot(t, conn), "down changes no row")

	_, err = m.Up(ctx, conn)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(t, conn), "up again")
	r, err := migrate.Check(ctx, conn, schema.IAM(), migrate.WithMigrations(m))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
}

// oauthAttack is a database at the latest version with two access tokens
// planted by the superuser (as Better Auth writes them, hashed): one of
// organization A's client, one of B's client, which B disabled.
type oauthAttack struct {
	*attack
	hashA, hashB string
	tokenA       string // id of A's token row
}

func newOAuthAttack(t *testing.T) *oauthAttack {
	t.Helper()
	a := newAttack(t, true)
	_, err := migrate.Default().Up(a.ctx, a.su)
	require.NoError(t, err)
	o := &oauthAttack{attack: a, hashA: "hash-of-a-" + randHex(8), hashB: "hash-of-b-" + randHex(8)}
	o.tokenA = a.suString(`INSERT INTO iam_oauth_access_token (token, client_id, user_id, scopes, resources, expires_at)
		VALUES ($1, $2, $3, '["read"]', '["https://api.example.com"]', now() + interval '1 hour') RETURNING id`, o.hashA, a.f.clientA, a.f.userA)
	a.suString(`INSERT INTO iam_oauth_access_token (token, client_id, user_id, scopes, expires_at)
		VALUES ($1, $2, $3, '["read"]', now() + interval '1 hour') RETURNING id`, o.hashB, a.f.clientB, a.f.userB)
	a.suString(`UPDATE iam_oauth_client SET disabled = true WHERE client_id = $1 RETURNING client_id`, a.f.clientB)
	require.Equal(t, a.f.orgA, a.suString(`SELECT organization_id FROM iam_oauth_access_token WHERE token = $1`, o.hashA),
		"the token is its client's organization's (iam_same_tenant)")
	return o
}

// verify calls iam_verify_oauth_token as the service login and returns the
// row as "id|client_organization_id|client_disabled|session_found", or "" for none.
func (o *oauthAttack) verify(hash any) string {
	o.t.Helper()
	rows, err := o.svc.Query(o.ctx, `SELECT concat_ws('|', id, client_organization_id, client_disabled::text, session_found::text) FROM iam_verify_oauth_token($1)`, hash)
	require.NoError(o.t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(o.t, err)
	require.LessOrEqual(o.t, len(got), 1)
	if len(got) == 0 {
		return ""
	}
	return got[0]
}

func (o *oauthAttack) svcCount(sql string, args ...any) int {
	o.t.Helper()
	var n int
	require.NoError(o.t, o.svc.QueryRow(o.ctx, sql, args...).Scan(&n))
	return n
}

// TestSecurity_OAuthTokenVerification attacks what 0006 adds as the
// service login (a member of iam_app running its own SQL): the token
// policy, the client status view and the verification function.
func TestSecurity_OAuthTokenVerification(t *testing.T) {
	t.Parallel()
	o := newOAuthAttack(t)
	f := o.f

	t.Run("the function finds a token by its hash, with its client's status, and nothing else", func(t *testing.T) {
		require.Equal(t, o.tokenA+"|"+f.orgA+"|false|false", o.verify(o.hashA))
		require.True(t, strings.HasSuffix(o.verify(o.hashB), "|"+f.orgB+"|true|false"), "B's disabled client")
		for _, h := range []any{"no-such-hash", "", nil, "%", o.hashA[:len(o.hashA)-1]} {
			require.Equal(t, "", o.verify(h), "%v", h)
		}
	})

	t.Run("without a tenant the tokens of organizations stay hidden, also after a verification", func(t *testing.T) {
		o.tenant("")
		require.Zero(t, o.svcCount(`SELECT count(*) FROM iam_oauth_access_token WHERE organization_id IS NOT NULL`))
		tx, err := o.svc.Begin(o.ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(o.ctx) }()
		var id string
		require.NoError(t, tx.QueryRow(o.ctx, `SELECT id FROM iam_verify_oauth_token($1)`, o.hashA).Scan(&id))
		var setting string
		require.NoError(t, tx.QueryRow(o.ctx, `SELECT current_setting('app.oauth_token_hash', true)`).Scan(&setting))
		require.Equal(t, "", setting, "the function clears the hash before it returns")
		var n int
		require.NoError(t, tx.QueryRow(o.ctx, `SELECT count(*) FROM iam_oauth_access_token WHERE organization_id IS NOT NULL`).Scan(&n))
		require.Zero(t, n, "the rest of the transaction sees no more than before")
	})

	t.Run("a hash set by hand admits that one row for reading, never for writing", func(t *testing.T) {
		tx, err := o.svc.Begin(o.ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(o.ctx) }()
		_, err = tx.Exec(o.ctx, `SELECT set_config('app.oauth_token_hash', $1, true)`, o.hashA)
		require.NoError(t, err)
		var n int
		require.NoError(t, tx.QueryRow(o.ctx, `SELECT count(*) FROM iam_oauth_access_token WHERE organization_id IS NOT NULL`).Scan(&n))
		require.Equal(t, 1, n, "knowing the hash is what verifying needs")
		for _, sql := range []string{
			`UPDATE iam_oauth_access_token SET revoked = NULL, expires_at = now() + interval '1 year' WHERE token = $1`,
			`UPDATE iam_oauth_access_token SET scopes = '["admin"]' WHERE token = $1`,
			`DELETE FROM iam_oauth_access_token WHERE token = $1`,
		} {
			tag, err := tx.Exec(o.ctx, sql, o.hashA)
			require.NoError(t, err, sql)
			require.Zero(t, tag.RowsAffected(), "%s: no policy admits a write", sql)
		}
		require.Equal(t, `["read"]`, o.suString(`SELECT scopes::text FROM iam_oauth_access_token WHERE token = $1`, o.hashA))
	})

	t.Run("a planted token for another organization's client is refused", func(t *testing.T) {
		o.tenant(f.orgB)
		_, err := o.svcExec(`INSERT INTO iam_oauth_access_token (token, client_id, scopes, expires_at, organization_id)
			VALUES ('planted-1', $1, '["admin"]', now() + interval '1 day', $2)`, f.clientA, f.orgB)
		require.Error(t, err, "B cannot mint a token of A's client")
		o.tenant("")
		_, err = o.svcExec(`INSERT INTO iam_oauth_access_token (token, client_id, scopes, expires_at)
			VALUES ('planted-2', $1, '["admin"]', now() + interval '1 day')`, f.clientA)
		require.Error(t, err, "nor can the global handle")
		require.Equal(t, "", o.verify("planted-1"))
		require.Equal(t, "", o.verify("planted-2"))
	})

	t.Run("the view shows three columns of every client and takes no write", func(t *testing.T) {
		o.tenant(f.orgB) // a handle bound to B still checks A's client: the verifier decides, not the view
		var cols []string
		rows, err := o.svc.Query(o.ctx, `SELECT * FROM iam_oauth_client_status WHERE client_id = $1`, f.clientA)
		require.NoError(t, err)
		for _, fd := range rows.FieldDescriptions() {
			cols = append(cols, fd.Name)
		}
		rows.Close()
		require.Equal(t, []string{"client_id", "disabled", "organization_id"}, cols)
		_, err = o.svcExec(`SELECT client_secret FROM iam_oauth_client_status`)
		requireRefused(t, err, "42703", "the secret is not in the view")
		for _, sql := range []string{
			`UPDATE iam_oauth_client_status SET organization_id = '` + f.orgB + `' WHERE client_id = '` + f.clientA + `'`,
			`UPDATE iam_oauth_client_status SET client_id = 'stolen' WHERE client_id = '` + f.clientA + `'`,
			`DELETE FROM iam_oauth_client_status`,
			`INSERT INTO iam_oauth_client_status (client_id, organization_id) VALUES ('minted', '` + f.orgB + `')`,
		} {
			_, err := o.svcExec(sql)
			requireRefused(t, err, "42501", sql)
		}
		// A leaky function in the WHERE clause sees only what the view returns.
		_, err = o.svcExec(`CREATE FUNCTION pg_temp.peek(text) RETURNS bool LANGUAGE plpgsql COST 0.0000001 AS $$
			BEGIN RAISE NOTICE 'peek %', $1; RETURN true; END $$`)
		require.NoError(t, err)
		o.takeNotices()
		require.Equal(t, 1, o.svcCount(`SELECT count(*) FROM iam_oauth_client_status WHERE pg_temp.peek(client_id) AND client_id = $1`, f.clientA))
		for _, n := range o.takeNotices() {
			require.True(t, strings.HasPrefix(n, "peek "), n)
			require.NotContains(t, n, "secret")
		}
		o.tenant("")
	})

	t.Run("pg_temp shadowing changes nothing the function reads", func(t *testing.T) {
		_, err := o.svcExec(evilSQL)
		require.NoError(t, err)
		for _, sql := range []string{
			`CREATE TABLE pg_temp.iam_oauth_access_token AS SELECT * FROM iam_oauth_access_token WHERE false`,
			`INSERT INTO pg_temp.iam_oauth_access_token (id, token, client_id, scopes, expires_at, organization_id) VALUES ('fake', 'shadow-hash', 'fake-client', '[]', now() + interval '1 day', 'x')`,
			`CREATE TABLE pg_temp.iam_oauth_client_status (client_id text, disabled bool, organization_id text)`,
			`INSERT INTO pg_temp.iam_oauth_client_status VALUES ('` + f.clientB + `', false, 'x')`,
			`CREATE TABLE pg_temp.shared_session (id text, expires_at timestamptz)`,
		} {
			_, err := o.svcExec(sql)
			require.NoError(t, err, sql)
		}
		o.takeNotices()
		require.Equal(t, "", o.verify("shadow-hash"), "the planted temporary table is not read")
		require.True(t, strings.HasSuffix(o.verify(o.hashB), "|"+f.orgB+"|true|false"), "the real view answers: B's client is disabled")
		require.Empty(t, o.takeNotices(), "the shadowing domain is not used by the function")
		require.False(t, o.superuser())
	})

	t.Run("the function runs with the caller's rights and check calls nothing insecure", func(t *testing.T) {
		require.Equal(t, "false", o.suString(`SELECT prosecdef::text FROM pg_proc WHERE proname = 'iam_verify_oauth_token'`))
		require.Equal(t, "false", o.suString(`SELECT has_function_privilege('public', 'iam_verify_oauth_token(text)', 'EXECUTE')::text`))
		require.Equal(t, "false", o.suString(`SELECT has_table_privilege('public', 'iam_oauth_client_status', 'SELECT')::text`))
		r, err := migrate.Check(o.ctx, o.su, schema.IAM(), migrate.WithMigrations(migrate.Default()))
		require.NoError(t, err)
		require.True(t, r.OK(), "%v", r.Drifts)
	})
}
