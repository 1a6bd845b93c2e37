package migrate_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
)

// hardeningVersion is migration 0003_security_hardening; the tests of this
// file start one version below it.
const hardeningVersion = 3

// beforeHardening makes pgtest build (once per server) and clone a database
// migrated to the version before 0003, keyed by the checksums of the
// migrations it applies.
func beforeHardening() pgtest.Option {
	h := sha256.New()
	for _, mig := range migrate.Default().Migrations()[:hardeningVersion-1] {
		fmt.Fprintf(h, "|%d:%s:%s", mig.Version, mig.Name, mig.Checksum)
	}
	return pgtest.WithMigrate("iam-before-0003:"+hex.EncodeToString(h.Sum(nil)), func(ctx context.Context, conn *pgx.Conn) error {
		_, err := migrate.Default().UpTo(ctx, conn, hardeningVersion-1)
		return err
	})
}

// newConnBeforeHardening returns a superuser connection on a database of
// its own at version 2, and the database's URL.
func newConnBeforeHardening(t *testing.T) (*pgx.Conn, string) {
	t.Helper()
	url := pgtest.NewDatabase(t, pgtest.Empty(), beforeHardening())
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	require.Equal(t, hardeningVersion-1, currentVersion(t, conn))
	return conn, url
}

func currentVersion(t *testing.T, conn *pgx.Conn) int {
	t.Helper()
	st, err := migrate.Default().Status(context.Background(), conn)
	require.NoError(t, err)
	return st.Current
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func execSQL(t *testing.T, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	_, err := conn.Exec(context.Background(), sql, args...)
	require.NoError(t, err, sql)
}

func queryString(t *testing.T, conn *pgx.Conn, sql string, args ...any) string {
	t.Helper()
	var s string
	require.NoError(t, conn.QueryRow(context.Background(), sql, args...).Scan(&s), sql)
	return s
}

// sqlState returns the SQLSTATE of err ("" when err is not a database
// error).
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// fixture holds the ids of the rows seed writes: two organizations A and B,
// each with its owner, and a row in every table of the IAM schema.
type fixture struct {
	userA, userB     string // owners (members) of A and B
	orgA, orgB       string
	teamA            string
	folderA, folderB string
	clientA, clientB string // OAuth client ids of A's and B's applications
	clientGlobal     string // an OAuth application of no organization
	orgKeyA          string // id of A's API key
	orgKeyAHash      string
	userKeyBHash     string // hash of B's owner's own (user) API key
	subA             string // id of A's subscription
	sessionB         string // token of B's owner's session, active organization B
	memberB          string // id of B's owner's membership
	applicationA     string // id of A's OAuth application
}

// seed writes representative rows into every table of the IAM schema as the
// superuser, each consistent with every rule of 0003 (so that migrating up
// keeps them): users, organizations, members, teams, team members, an
// invitation, an organization role, sessions with an active organization
// of which the user is a member, folders and files, API keys of an
// organization and of a user, subscriptions of an organization and of a
// user, OAuth applications, tokens and consents, SSO and SCIM providers, a
// passkey, two-factor, JWKS, a device code, a wallet, a rate limit, a
// verification and an account.
func seed(t *testing.T, conn *pgx.Conn) fixture {
	t.Helper()
	var f fixture
	q := func(sql string, args ...any) string { t.Helper(); return queryString(t, conn, sql, args...) }
	f.userA = q(`INSERT INTO shared_user (name, email, email_verified, username, phone_number, stripe_customer_id)
		VALUES ('Alice', 'alice@example.com', true, 'alice', '+15550001', 'cus_alice') RETURNING id`)
	f.userB = q(`INSERT INTO shared_user (name, email, role, two_factor_enabled) VALUES ('Bob', 'bob@example.com', 'admin', true) RETURNING id`)
	f.orgA = q(`INSERT INTO shared_organization (name, slug, type, owner_user_id, metadata, features, settings, subscription_tier)
		VALUES ('Acme', 'acme', 'team', $1, '{"m":1}', '{"sso":true}', '{"theme":"dark"}', 'pro') RETURNING id`, f.userA)
	f.orgB = q(`INSERT INTO shared_organization (name, slug, owner_user_id, is_personal) VALUES ('Bobs', 'bobs', $1, true) RETURNING id`, f.userB)
	q(`INSERT INTO iam_member (organization_id, user_id, role, joined_at, permissions) VALUES ($1, $2, 'owner', now(), '["*"]') RETURNING id`, f.orgA, f.userA)
	f.memberB = q(`INSERT INTO iam_member (organization_id, user_id, role) VALUES ($1, $2, 'owner') RETURNING id`, f.orgB, f.userB)
	q(`INSERT INTO iam_member (organization_id, user_id, role, status, invited_by) VALUES ($1, $2, 'auditor', 'invited', $3) RETURNING id`, f.orgA, f.userB, f.userA)
	f.teamA = q(`INSERT INTO shared_team (organization_id, name, slug, description) VALUES ($1, 'Core', 'core', 'the core team') RETURNING id`, f.orgA)
	q(`INSERT INTO shared_team (organization_id, name) VALUES ($1, 'Solo') RETURNING id`, f.orgB)
	q(`INSERT INTO iam_team_member (team_id, user_id, membership_key) VALUES ($1, $2, 'mk-1') RETURNING id`, f.teamA, f.userA)
	q(`INSERT INTO iam_invitation (organization_id, email, role, team_id, expires_at, inviter_id)
		VALUES ($1, 'carol@example.com', 'member', $2, now() + interval '7 days', $3) RETURNING id`, f.orgA, f.teamA, f.userA)
	q(`INSERT INTO iam_organization_role (organization_id, role, permission) VALUES ($1, 'auditor', '{"audit":["read"]}') RETURNING id`, f.orgA)
	q(`INSERT INTO shared_session (token, user_id, expires_at, ip_address, user_agent, active_organization_id, active_team_id)
		VALUES ('tok-alice', $1, now() + interval '1 day', '192.0.2.1', 'test', $2, $3) RETURNING id`, f.userA, f.orgA, f.teamA)
	f.sessionB = "tok-bob"
	q(`INSERT INTO shared_session (token, user_id, expires_at, active_organization_id, impersonated_by)
		VALUES ($1, $2, now() + interval '1 day', $3, $4) RETURNING id`, f.sessionB, f.userB, f.orgB, f.userA)
	q(`INSERT INTO shared_session (token, user_id, expires_at) VALUES ('tok-bob-2', $1, now() + interval '1 hour') RETURNING id`, f.userB)
	f.folderA = q(`INSERT INTO shared_folder (organization_id, user_id, name) VALUES ($1, $2, 'Docs') RETURNING id`, f.orgA, f.userA)
	f.folderB = q(`INSERT INTO shared_folder (organization_id, user_id, name) VALUES ($1, $2, 'Private') RETURNING id`, f.orgB, f.userB)
	q(`INSERT INTO shared_file (organization_id, key, url, name, size, mime_type, user_id, folder_id, uploaded_by_user_id, metadata)
		VALUES ($1, 'k/a.txt', 'https://files.example/a.txt', 'a.txt', 12, 'text/plain', $2, $3, $2, '{"pages":1}') RETURNING id`, f.orgA, f.userA, f.folderA)
	q(`INSERT INTO shared_file (organization_id, key, url, name, size, mime_type, user_id, folder_id, uploaded_by_user_id, metadata)
		VALUES ($1, 'k/b.pdf', 'https://files.example/b.pdf', 'b.pdf', 0, 'application/pdf', $2, $3, $2, '{}') RETURNING id`, f.orgB, f.userB, f.folderB)
	q(`INSERT INTO iam_account (account_id, provider_id, user_id, password, scope) VALUES ($1, 'credential', $1, 'scrypt$hash', 'openid') RETURNING id`, f.userA)
	q(`INSERT INTO iam_account (account_id, provider_id, user_id, access_token, access_token_expires_at)
		VALUES ('gh-42', 'github', $1, 'gho_x', now() + interval '1 hour') RETURNING id`, f.userB)
	q(`INSERT INTO iam_verification (identifier, value, expires_at) VALUES ('email-verification:bob@example.com', 'v-123', now() + interval '1 hour') RETURNING id`)
	q(`INSERT INTO iam_two_factor (secret, backup_codes, user_id, failed_verification_count) VALUES ('enc-secret', 'enc-codes', $1, 1) RETURNING id`, f.userB)
	q(`INSERT INTO iam_passkey (name, public_key, user_id, credential_id, counter, device_type, backed_up, transports, aaguid)
		VALUES ('yubikey', 'pk', $1, 'cred-1', 7, 'singleDevice', true, 'usb', 'aa-gu-id') RETURNING id`, f.userA)
	f.orgKeyAHash = "hash-org-key-a"
	f.orgKeyA = q(`INSERT INTO iam_apikey (organization_id, reference_id, user_id, name, start, prefix, key, remaining, refill_interval, refill_amount, permissions, metadata)
		VALUES ($1, $1, $2, 'ci', 'ak_1', 'ak_', $3, 100, 86400000, 100, '{"files":["read"]}', '{"env":"ci"}') RETURNING id`, f.orgA, f.userA, f.orgKeyAHash)
	f.userKeyBHash = "hash-user-key-b"
	q(`INSERT INTO iam_apikey (reference_id, name, key, rate_limit_enabled, expires_at) VALUES ($1, 'personal', $2, false, now() + interval '30 days') RETURNING id`, f.userB, f.userKeyBHash)
	q(`INSERT INTO iam_jwks (public_key, private_key, alg, crv, expires_at) VALUES ('{"kty":"OKP"}', 'enc-private', 'EdDSA', 'Ed25519', now() + interval '90 days') RETURNING id`)
	q(`INSERT INTO iam_device_code (device_code, user_code, user_id, expires_at, status, polling_interval, client_id, scope)
		VALUES ('dev-1', 'ABCD-EFGH', $1, now() + interval '10 minutes', 'approved', 5, 'cli', 'openid') RETURNING id`, f.userA)
	q(`INSERT INTO iam_sso_provider (organization_id, issuer, oidc_config, user_id, provider_id, domain, domain_verified)
		VALUES ($1, 'https://idp.acme.example', '{"clientId":"x"}', $2, 'acme-oidc', 'acme.example', true) RETURNING id`, f.orgA, f.userA)
	q(`INSERT INTO iam_sso_provider (issuer, saml_config, user_id, provider_id, domain) VALUES ('https://idp.bob.example', '<saml/>', $1, 'bob-saml', 'bob.example') RETURNING id`, f.userB)
	q(`INSERT INTO iam_scim_provider (organization_id, provider_id, scim_token, user_id) VALUES ($1, 'acme-scim', 'scim-token-a', $2) RETURNING id`, f.orgA, f.userA)
	f.subA = q(`INSERT INTO iam_subscription (organization_id, plan, reference_id, status, seats, period_start, period_end, billing_interval)
		VALUES ($1, 'team', $1, 'active', 5, now(), now() + interval '30 days', 'month') RETURNING id`, f.orgA)
	q(`INSERT INTO iam_subscription (plan, reference_id, status, stripe_customer_id, cancel_at_period_end) VALUES ('plus', $1, 'trialing', 'cus_bob', true) RETURNING id`, f.userB)
	q(`INSERT INTO iam_wallet_address (user_id, address, chain_id, is_primary) VALUES ($1, '0xabc', 1, true) RETURNING id`, f.userA)
	q(`INSERT INTO iam_rate_limit (key, count, last_request) VALUES ('/sign-in:192.0.2.1', 3, 1700000000000) RETURNING id`)
	f.clientA, f.clientB, f.clientGlobal = "client-a", "client-b", "client-global"
	f.applicationA = q(`INSERT INTO iam_oauth_application (organization_id, name, client_id, client_secret, redirect_urls, type, user_id)
		VALUES ($1, 'Acme app', $2, 'secret-a', 'https://acme.example/cb', 'web', $3) RETURNING id`, f.orgA, f.clientA, f.userA)
	q(`INSERT INTO iam_oauth_application (organization_id, name, client_id, type, user_id) VALUES ($1, 'Bobs app', $2, 'web', $3) RETURNING id`, f.orgB, f.clientB, f.userB)
	q(`INSERT INTO iam_oauth_application (name, client_id, type, disabled) VALUES ('Global app', $1, 'native', true) RETURNING id`, f.clientGlobal)
	q(`INSERT INTO iam_oauth_access_token (organization_id, access_token, refresh_token, access_token_expires_at, client_id, user_id, scopes)
		VALUES ($1, 'at-a', 'rt-a', now() + interval '1 hour', $2, $3, 'openid profile') RETURNING id`, f.orgA, f.clientA, f.userA)
	q(`INSERT INTO iam_oauth_access_token (organization_id, access_token, client_id, user_id) VALUES ($1, 'at-global', $2, $3) RETURNING id`, f.orgA, f.clientGlobal, f.userA)
	q(`INSERT INTO iam_oauth_consent (organization_id, client_id, user_id, scopes, consent_given) VALUES ($1, $2, $3, 'openid', true) RETURNING id`, f.orgA, f.clientA, f.userA)
	q(`INSERT INTO iam_oauth_consent (organization_id, client_id, user_id, scopes) VALUES ($1, $2, $3, 'openid') RETURNING id`, f.orgB, f.clientB, f.userB)
	q(`INSERT INTO iam_oauth_consent (client_id, user_id, scopes) VALUES ($1, $2, 'email') RETURNING id`, f.clientGlobal, f.userB)
	return f
}

// snapshot returns every row of every table the database holds at its
// version (the IAM tables present, not the declared ones: 0005 adds and
// drops tables), as JSON in _row_id order (all columns), by table.
func snapshot(t *testing.T, conn *pgx.Conn) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range tablesPresent(t, conn) {
		out[name] = queryString(t, conn, fmt.Sprintf(
			`SELECT coalesce(json_agg(row_to_json(t) ORDER BY t._row_id)::text, '[]') FROM %s t`, pgx.Identifier{name}.Sanitize()))
	}
	return out
}

// tablesPresent lists the IAM tables (iam_*, shared_*; not the version
// table) of the database's current schema.
func tablesPresent(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r' AND (c.relname LIKE 'iam\_%' OR c.relname LIKE 'shared\_%')
		AND c.relname <> $1 ORDER BY 1`, migrate.DefaultTable)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

// login is a role that logs in as a member of iam_app: the documented
// service login (CREATE ROLE svc LOGIN IN ROLE iam_app), not a superuser.
type login struct {
	name     string
	password string
}

// newLogin creates the login (cluster-wide, so with a random name) and
// drops it after the test's databases are gone: call it before creating
// the database.
func newLogin(t *testing.T) login {
	t.Helper()
	ctx := context.Background()
	l := login{name: "svc_migrate_" + randHex(6), password: randHex(16)}
	admin := pgtest.Server(t).AdminURL()
	conn, err := pgx.Connect(ctx, admin)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	// iam_app is created by migration 0001 of any database of this server
	// (the template built before this); create it here in case none exists yet.
	_, err = conn.Exec(ctx, `DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iam_app') THEN CREATE ROLE iam_app NOLOGIN NOBYPASSRLS; END IF;
	EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s' IN ROLE iam_app",
		pgx.Identifier{l.name}.Sanitize(), l.password))
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop role %s: %v", l.name, err)
			return
		}
		defer func() { _ = conn.Close(ctx) }()
		if _, err := conn.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{l.name}.Sanitize()); err != nil {
			t.Errorf("drop role %s: %v", l.name, err)
		}
	})
	return l
}
