package migrate_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/internal/baformat"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

// oauthVersion is migration 0005_oauth_provider_scim.
const oauthVersion = 5

// hashed is Better Auth 1.7's stored form of a token or client secret
// (storeTokens / storeClientSecret "hashed"): base64url_nopad(SHA-256).
func hashed(s string) string { return baformat.Hash(s) }

// noticeConn connects to url as the superuser and records the NOTICEs the
// server sends (the migrations' counts).
type noticeConn struct {
	*pgx.Conn
	mu      sync.Mutex
	notices []string
}

func newNoticeConn(t *testing.T, url string) *noticeConn {
	t.Helper()
	nc := &noticeConn{}
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		nc.mu.Lock()
		defer nc.mu.Unlock()
		nc.notices = append(nc.notices, n.Message)
	}
	nc.Conn, err = pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = nc.Close(context.Background()) })
	return nc
}

func (nc *noticeConn) take() string {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	out := strings.Join(nc.notices, "\n")
	nc.notices = nil
	return out
}

// seedOldOAuth writes, at version 4, the OAuth rows a Better Auth 1.6
// oidcProvider server leaves: applications of every type (confidential web
// with a plain secret, one whose secret 1.6 stored hashed, public, native,
// user-agent-based, without client_id), access tokens with and without
// refresh tokens (and ones the 1.7 shape cannot hold), consents given and
// refused.
func seedOldOAuth(t *testing.T, conn *pgx.Conn, f fixture) {
	t.Helper()
	q := func(sql string, args ...any) string { t.Helper(); return queryString(t, conn, sql, args...) }
	for _, a := range []struct{ clientID, secret, urls, typ string }{
		{"c-public", "", "https://spa.example/cb, https://spa.example/cb2", "public"},
		{"c-uab", "", "https://uab.example/cb", "user-agent-based"},
		{"c-native", "native-secret", "com.example.app:/cb", "native"},
		{"c-hashed", hashed("was-hashed-by-1.6"), "https://hashed.example/cb", "web"},
	} {
		var secret any
		if a.secret != "" {
			secret = a.secret
		}
		q(`INSERT INTO iam_oauth_application (organization_id, name, client_id, client_secret, redirect_urls, type, user_id, metadata)
			VALUES ($1, $2, $2, $3, $4, $5, $6, '{"k":"v"}') RETURNING id`, f.orgA, a.clientID, secret, a.urls, a.typ, f.userA)
	}
	q(`INSERT INTO iam_oauth_application (name, type) VALUES ('no client id', 'web') RETURNING id`)
	q(`INSERT INTO iam_oauth_access_token (organization_id, access_token, refresh_token, access_token_expires_at, refresh_token_expires_at, client_id, user_id, scopes)
		VALUES ($1, 'at-pub', 'rt-pub', now() + interval '1 hour', now() + interval '30 days', 'c-public', $2, 'openid  offline_access') RETURNING id`, f.orgA, f.userA)
	q(`INSERT INTO iam_oauth_access_token (organization_id, access_token, access_token_expires_at, client_id, user_id, scopes)
		VALUES ($1, 'at-native', now() + interval '1 hour', 'c-native', $2, 'openid') RETURNING id`, f.orgA, f.userA)
	// The 1.7 shape needs an expiry: dropped, and counted.
	q(`INSERT INTO iam_oauth_access_token (organization_id, access_token, client_id, user_id) VALUES ($1, 'at-no-expiry', 'c-uab', $2) RETURNING id`, f.orgA, f.userA)
	q(`INSERT INTO iam_oauth_consent (organization_id, client_id, user_id, scopes, consent_given) VALUES ($1, 'c-public', $2, 'openid profile', true) RETURNING id`, f.orgA, f.userA)
	q(`INSERT INTO iam_oauth_consent (organization_id, client_id, user_id, scopes, consent_given) VALUES ($1, 'c-native', $2, 'email', false) RETURNING id`, f.orgA, f.userB)
	q(`INSERT INTO iam_scim_provider (provider_id, scim_token, user_id) VALUES ('global-scim', 'scim-token-g', $1) RETURNING id`, f.userB)
}

type oauthRow = map[string]any

func rowsOf(t *testing.T, conn *pgx.Conn, sql string, args ...any) []oauthRow {
	t.Helper()
	var out []oauthRow
	require.NoError(t, json.Unmarshal([]byte(queryString(t, conn, sql, args...)), &out))
	return out
}

func byKey(rows []oauthRow, key string) map[string]oauthRow {
	out := map[string]oauthRow{}
	for _, r := range rows {
		out[r[key].(string)] = r
	}
	return out
}

// TestUp0005_KeepsTheOAuthDataUpDownAndUpAgain: a database at version 4
// holding Better Auth 1.6 OAuth rows migrates to 5 (applications become
// clients with their ids, client ids, redirect URIs and secrets in the 1.7
// stored form; tokens become SHA-256 hashes of the old plain tokens,
// refresh tokens move to their table and stay linked; consents given are
// kept, refused ones dropped and counted), down to 4 (the old shape with
// the data it can hold; tokens deleted and counted), and up again (the
// same as the first time, without tokens). Every other table keeps every
// row throughout, and 5 checks clean.
func TestUp0005_KeepsTheOAuthDataUpDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := newConnBeforeHardening(t)
	conn := newNoticeConn(t, url)
	f := seed(t, conn.Conn)
	m := migrate.Default()
	_, err := m.UpTo(ctx, conn.Conn, oauthVersion-1)
	require.NoError(t, err)
	seedOldOAuth(t, conn.Conn, f)
	at4 := snapshot(t, conn.Conn)
	apps4 := byKey(rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(a)) FROM iam_oauth_application a WHERE client_id IS NOT NULL`), "client_id")
	conn.take()

	steps, err := m.UpTo(ctx, conn.Conn, oauthVersion)
	require.NoError(t, err)
	require.Equal(t, []int{oauthVersion}, versions(steps))
	notices := conn.take()
	for _, want := range []string{
		"1 OAuth application(s) without client_id dropped",
		"2 plain OAuth client secret(s) hashed", // secret-a (seed) and native-secret; public ones have none
		"1 OAuth client secret(s) already in the hashed form kept",
		"1 user-agent-based OAuth application(s) became public web clients",
		"2 OAuth access token(s) dropped: 1.7 needs a token, an expiry and a client", // at-global (seed), at-no-expiry
		"1 OAuth refresh token(s) dropped",                                           // rt-a of the seed has no expiry
		"3 OAuth consent(s) with consent_given = false dropped",                      // two of the seed (the default is false) and c-native's
	} {
		require.Contains(t, notices, want)
	}
	if m.Latest() == oauthVersion {
		r, err := migrate.Check(ctx, conn.Conn, schema.IAM(), migrate.WithMigrations(m))
		require.NoError(t, err)
		require.True(t, r.OK(), "%v", r.Drifts)
	}

	// Every table 0005 does not touch keeps every row.
	at5 := snapshot(t, conn.Conn)
	for name, rows := range at4 {
		if strings.HasPrefix(name, "iam_oauth_") {
			continue
		}
		require.Equal(t, rows, at5[name], "table %s", name)
	}
	_, ok := at5["iam_oauth_application"]
	require.False(t, ok, "iam_oauth_application is gone")

	clients := byKey(rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(c)) FROM iam_oauth_client c`), "client_id")
	require.Len(t, clients, len(apps4))
	for clientID, a := range apps4 {
		c := clients[clientID]
		require.NotNil(t, c, clientID)
		require.Equal(t, strings.TrimPrefix(a["id"].(string), "iam_oauth_application__"), strings.TrimPrefix(c["id"].(string), "iam_oauth_client__"), "%s keeps its uuid", clientID)
		for _, col := range []string{"organization_id", "created_at", "updated_at", "version", "name", "icon", "disabled", "user_id"} {
			require.Equal(t, a[col], c[col], "%s.%s", clientID, col)
		}
		var urls []any
		if s, _ := a["redirect_urls"].(string); s != "" {
			for _, u := range strings.Split(s, ",") {
				urls = append(urls, strings.TrimSpace(u))
			}
		}
		if urls == nil {
			urls = []any{}
		}
		require.Equal(t, urls, c["redirect_uris"], "%s redirect URIs", clientID)
		switch secret, _ := a["client_secret"].(string); {
		case secret == "":
			require.Nil(t, c["client_secret"], clientID)
		case clientID == "c-hashed":
			require.Equal(t, secret, c["client_secret"], "an already hashed secret is kept")
		default:
			require.Equal(t, hashed(secret), c["client_secret"], "%s: the plain secret is stored hashed", clientID)
		}
	}
	require.Equal(t, "none", clients["c-public"]["token_endpoint_auth_method"])
	require.Equal(t, "none", clients["c-uab"]["token_endpoint_auth_method"])
	require.Equal(t, "web", clients["c-uab"]["application_type"])
	require.Equal(t, "native", clients["c-native"]["application_type"])
	require.Nil(t, clients["c-native"]["token_endpoint_auth_method"])
	require.Equal(t, map[string]any{"k": "v"}, clients["c-native"]["metadata"])
	require.Equal(t, f.orgA, clients["c-native"]["reference_id"], "an organization's client references it")

	access := byKey(rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(t)) FROM iam_oauth_access_token t`), "client_id")
	require.Len(t, access, 3, "at-a (seed), at-pub and at-native; at-global of the seed and at-no-expiry have no expiry")
	require.Equal(t, hashed("at-pub"), access["c-public"]["token"])
	require.Equal(t, hashed("at-native"), access["c-native"]["token"])
	require.Equal(t, []any{"openid", "offline_access"}, access["c-public"]["scopes"])
	require.Nil(t, access["c-native"]["refresh_id"])
	refresh := byKey(rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(t)) FROM iam_oauth_refresh_token t`), "client_id")
	require.Len(t, refresh, 1, "rt-a of the seed has no expiry; rt-pub moves")
	rt := refresh["c-public"]
	require.Equal(t, hashed("rt-pub"), rt["token"])
	require.Equal(t, rt["id"], access["c-public"]["refresh_id"], "the access token links its refresh token")
	require.Equal(t, f.orgA, rt["organization_id"])
	require.Equal(t, f.userA, rt["user_id"])

	consents := rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(c) ORDER BY c._row_id) FROM iam_oauth_consent c`)
	require.Len(t, consents, 2, "client-a's (seed) and c-public's: the refused ones are gone")
	got := byKey(consents, "client_id")
	require.Equal(t, []any{"openid", "profile"}, got["c-public"]["scopes"])
	_, refused := got["c-native"]
	require.False(t, refused)
	first := snapshot(t, conn.Conn)

	// Down: the old shape with the data it can hold.
	steps, err = m.DownTo(ctx, conn.Conn, oauthVersion-1)
	require.NoError(t, err)
	require.Equal(t, []int{oauthVersion}, versions(steps))
	notices = conn.take()
	require.Contains(t, notices, "3 OAuth access token(s) and 1 refresh token(s) deleted")
	require.Contains(t, notices, "3 OAuth client(s) keep a hashed secret")
	require.Equal(t, oauthVersion-1, currentVersion(t, conn.Conn))
	down := snapshot(t, conn.Conn)
	for name, rows := range at4 {
		switch name {
		case "iam_oauth_application", "iam_oauth_access_token", "iam_oauth_consent":
			continue
		}
		require.Equal(t, rows, down[name], "table %s", name)
	}
	for _, tb := range []string{"iam_oauth_client", "iam_oauth_refresh_token", "iam_scim_user"} {
		_, ok := down[tb]
		require.False(t, ok, "%s is gone", tb)
	}
	require.Equal(t, "[]", down["iam_oauth_access_token"])
	apps := byKey(rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(a)) FROM iam_oauth_application a`), "client_id")
	require.Len(t, apps, len(apps4))
	for clientID, a := range apps4 {
		b := apps[clientID]
		for _, col := range []string{"id", "organization_id", "created_at", "version", "name", "icon", "disabled", "user_id"} {
			require.Equal(t, a[col], b[col], "%s.%s", clientID, col)
		}
		if a["metadata"] == nil {
			require.Nil(t, b["metadata"], clientID)
		} else {
			require.JSONEq(t, a["metadata"].(string), b["metadata"].(string), "%s metadata (JSON text, as jsonb prints it)", clientID)
		}
		if old, _ := a["redirect_urls"].(string); old != "" {
			require.Equal(t, strings.ReplaceAll(old, ", ", ","), b["redirect_urls"], clientID)
		} else {
			require.Nil(t, b["redirect_urls"], clientID)
		}
		wantType := a["type"]
		if wantType == "user-agent-based" {
			wantType = "public"
		}
		require.Equal(t, wantType, b["type"], clientID)
		require.Equal(t, clients[clientID]["client_secret"], b["client_secret"], "%s keeps the stored (hashed) secret", clientID)
	}
	oldConsents := byKey(rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(c)) FROM iam_oauth_consent c`), "id")
	require.Len(t, oldConsents, 2)
	for _, c := range oldConsents {
		require.Equal(t, true, c["consent_given"])
	}
	require.Equal(t, "openid profile", byKey(rowsOf(t, conn.Conn, `SELECT json_agg(row_to_json(c)) FROM iam_oauth_consent c`), "client_id")["c-public"]["scopes"])

	// Up again: the same as the first time, without the deleted tokens.
	_, err = m.UpTo(ctx, conn.Conn, oauthVersion)
	require.NoError(t, err)
	again := snapshot(t, conn.Conn)
	for name, rows := range first {
		switch name {
		case "iam_oauth_access_token", "iam_oauth_refresh_token":
			require.Equal(t, "[]", again[name], name)
			continue
		}
		require.Equal(t, rows, again[name], "table %s", name)
	}
	require.Len(t, again, len(first))
	// The later migrations run on these rows too, and the result checks clean.
	_, err = m.Up(ctx, conn.Conn)
	require.NoError(t, err)
	r, err := migrate.Check(ctx, conn.Conn, schema.IAM(), migrate.WithMigrations(m))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
}

// TestUp0005_KeepsClientSecretsAsStoredWhenAsked: with the setting
// iam.migrate_client_secrets = 'keep' (a 1.6 server with a custom hash or
// encryption) no secret is rehashed, and the NOTICE says so.
func TestUp0005_KeepsClientSecretsAsStoredWhenAsked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := newConnBeforeHardening(t)
	conn := newNoticeConn(t, url)
	f := seed(t, conn.Conn)
	m := migrate.Default()
	_, err := m.UpTo(ctx, conn.Conn, oauthVersion-1)
	require.NoError(t, err)
	seedOldOAuth(t, conn.Conn, f)
	_, err = conn.Exec(ctx, `SELECT set_config('iam.migrate_client_secrets', 'keep', false)`)
	require.NoError(t, err)
	conn.take()
	_, err = m.UpTo(ctx, conn.Conn, oauthVersion)
	require.NoError(t, err)
	require.Contains(t, conn.take(), "3 OAuth client secret(s) kept as stored (iam.migrate_client_secrets = keep)")
	require.Equal(t, "native-secret", queryString(t, conn.Conn, `SELECT client_secret FROM iam_oauth_client WHERE client_id = 'c-native'`))
	require.Equal(t, "secret-a", queryString(t, conn.Conn, `SELECT client_secret FROM iam_oauth_client WHERE client_id = $1`, f.clientA))
}
