package baimport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/baimport"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// naming renders Better Auth names in one source layout.
type naming struct {
	ddl    string
	table  func(model string) string
	column func(field string) string
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 && (s[i-1] < 'A' || s[i-1] > 'Z') {
				b.WriteByte('_')
			}
			b.WriteRune(r + 32)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var (
	camelLayout = naming{ddl: "testdata/kysely-camelCase.sql", table: func(m string) string { return m }, column: func(f string) string { return f }}
	snakeLayout = naming{ddl: "testdata/drizzle-snake_case.sql", table: snake, column: snake}
)

func lit(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case time.Time:
		return "'" + v.UTC().Format("2006-01-02 15:04:05.000") + "'"
	default:
		return fmt.Sprint(v)
	}
}

// source is a Better Auth database made from Better Auth's own DDL.
type source struct {
	t    *testing.T
	url  string
	conn *pgx.Conn
	n    naming
}

func newSource(t *testing.T, n naming) *source {
	conn := newSourceConn(t, n.ddl)
	return &source{t: t, url: conn.Config().ConnString(), conn: conn, n: n}
}

func newSourceConn(t testing.TB, ddlFile string) *pgx.Conn {
	url := pgtest.NewDatabase(t, pgtest.Empty())
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	ddl, err := os.ReadFile(ddlFile)
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), string(ddl))
	require.NoError(t, err)
	return conn
}

// newSourceTB is a camelCase source for benchmarks.
func newSourceTB(t testing.TB) *pgx.Conn { return newSourceConn(t, camelLayout.ddl) }

func (s *source) insert(model string, row map[string]any) {
	s.t.Helper()
	var cols, vals []string
	for k, v := range row {
		cols = append(cols, `"`+s.n.column(k)+`"`)
		vals = append(vals, lit(v))
	}
	_, err := s.conn.Exec(context.Background(), fmt.Sprintf(`INSERT INTO "%s" (%s) VALUES (%s)`, s.n.table(model), strings.Join(cols, ", "), strings.Join(vals, ", ")))
	require.NoError(s.t, err, model)
}

func (s *source) exec(sql string) {
	s.t.Helper()
	_, err := s.conn.Exec(context.Background(), sql)
	require.NoError(s.t, err)
}

// Secrets of the fixture, compared byte for byte after the import.
const (
	passwordHash = "7a1c0e4b9d2f3a5c6e8b0d1f2a3c4e5f:0f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddccbbaa99887766554433221100aabbccddeeff00112233445566778899aabbccddeeff0011223344556677"
	sessionToken = "Zq8xYb2WcV5uT1sR4pO7nM0lK3jI6hG9"
	apiKeyHash   = "n4bQgYhMLmZ9b8w2J0sV9rX3kPq5tW7yZ1aC3eG5iK8"
	totpSecret   = "9f3b2c1d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
	backupCodes  = "0123456789abcdef0123456789abcdef0123456789abcdef"
	jwkPrivate   = `{"v":1,"ciphertext":"c2VjcmV0IGtleSBtYXRlcmlhbA"}`
	passkeyPub   = "pQECAyYgASFYIBy3mL2mZyE\\tab\nline"
)

// fill writes one of everything, with references across models.
func (s *source) fill() {
	now := time.Now().UTC().Truncate(time.Millisecond)
	later := now.Add(72 * time.Hour)
	s.insert("user", map[string]any{"id": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "name": "Ada", "email": "Ada@Example.com", "emailVerified": true, "createdAt": now.Add(-time.Hour), "updatedAt": now, "role": "admin", "banned": false, "twoFactorEnabled": true, "username": "ada"})
	s.insert("user", map[string]any{"id": "u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "name": "Bo", "email": "bo@example.com", "emailVerified": false, "createdAt": now, "updatedAt": now})
	s.insert("organization", map[string]any{"id": "o1", "name": "Acme", "slug": "acme", "createdAt": now, "metadata": `{"plan":"pro"}`})
	s.insert("team", map[string]any{"id": "t1", "name": "Core", "memberCount": 1, "organizationId": "o1", "createdAt": now})
	s.insert("team", map[string]any{"id": "t2", "name": "Ops", "memberCount": 0, "organizationId": "o1", "createdAt": now})
	s.insert("member", map[string]any{"id": "m1", "organizationId": "o1", "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "role": "owner", "createdAt": now})
	s.insert("member", map[string]any{"id": "m2", "organizationId": "o1", "userId": "u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "role": "auditor", "createdAt": now})
	s.insert("teamMember", map[string]any{"id": "tm1", "teamId": "t1", "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "createdAt": now})
	s.insert("invitation", map[string]any{"id": "i1", "organizationId": "o1", "email": "cy@example.com", "role": "member", "teamId": "t1,t2", "status": "pending", "expiresAt": later, "createdAt": now, "inviterId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
	s.insert("organizationRole", map[string]any{"id": "r1", "organizationId": "o1", "role": "auditor", "permission": `{"member":["read"]}`, "createdAt": now})
	s.insert("session", map[string]any{"id": "s1", "expiresAt": later, "token": sessionToken, "createdAt": now, "updatedAt": now, "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "activeOrganizationId": "o1", "activeTeamId": "t1", "impersonatedBy": "u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"})
	s.insert("session", map[string]any{"id": "s2", "expiresAt": later, "token": "other-token-2", "createdAt": now, "updatedAt": now, "userId": "u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "activeOrganizationId": "gone-org"})
	s.insert("session", map[string]any{"id": "s3", "expiresAt": now.Add(-time.Minute), "token": "expired-token", "createdAt": now.Add(-time.Hour), "updatedAt": now, "userId": "u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"})
	s.insert("account", map[string]any{"id": "a1", "accountId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "providerId": "credential", "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "password": passwordHash, "createdAt": now, "updatedAt": now})
	s.insert("account", map[string]any{"id": "a2", "accountId": "gh-4242", "providerId": "github", "userId": "u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "accessToken": "gho_secret", "createdAt": now, "updatedAt": now})
	s.insert("verification", map[string]any{"id": "v1", "identifier": "reset-password:tok", "value": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "expiresAt": later, "createdAt": now, "updatedAt": now})
	s.insert("verification", map[string]any{"id": "v2", "identifier": "change-email", "value": `{"email":"x@example.com","userId":"u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}`, "expiresAt": later, "createdAt": now, "updatedAt": now})
	// A second-factor OTP sent to Ada's signed-in session s1: named by both ids (two-factor plugin).
	s.insert("verification", map[string]any{"id": "v3", "identifier": "2fa-otp-u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!s1", "value": "123456:0", "expiresAt": later, "createdAt": now, "updatedAt": now})
	s.insert("twoFactor", map[string]any{"id": "f1", "secret": totpSecret, "backupCodes": backupCodes, "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "verified": true})
	s.insert("passkey", map[string]any{"id": "p1", "name": "yubi", "publicKey": passkeyPub, "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "credentialID": "cred-1", "counter": 3, "deviceType": "singleDevice", "backedUp": false, "createdAt": now})
	s.insert("apikey", map[string]any{"id": "k1", "configId": "default", "name": "ci", "start": "ba_x", "referenceId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "prefix": "ba_", "key": apiKeyHash, "enabled": true, "rateLimitEnabled": true, "rateLimitTimeWindow": 1000, "rateLimitMax": 5, "requestCount": 2, "remaining": 7, "createdAt": now, "updatedAt": now})
	s.insert("apikey", map[string]any{"id": "k2", "configId": "default", "referenceId": "o1", "key": "org-key-hash", "createdAt": now, "updatedAt": now})
	s.insert("jwks", map[string]any{"id": "j1", "publicKey": `{"kty":"OKP"}`, "privateKey": jwkPrivate, "createdAt": now})
	s.insert("deviceCode", map[string]any{"id": "d1", "deviceCode": "dc-1", "userCode": "ABCD-EFGH", "userId": "u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "expiresAt": later, "status": "approved", "clientId": "cli"})
	s.insert("ssoProvider", map[string]any{"id": "sp1", "issuer": "https://idp.example.com", "oidcConfig": `{"clientId":"x"}`, "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "providerId": "acme-oidc", "organizationId": "o1", "domain": "example.com"})
	s.insert("subscription", map[string]any{"id": "sub1", "plan": "pro", "referenceId": "o1", "stripeCustomerId": "cus_1", "status": "active", "cancelAtPeriodEnd": false, "seats": 5})
	s.insert("walletAddress", map[string]any{"id": "w1", "userId": "u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "address": "0x" + strings.Repeat("ab", 20), "chainId": 1, "isPrimary": true, "createdAt": now})
	s.insert("rateLimit", map[string]any{"id": "rl1", "key": "127.0.0.1|/sign-in/email", "count": 3, "lastRequest": now.UnixMilli()})
}

func target(t *testing.T) (string, *pgx.Conn) {
	url := pgtest.NewDatabase(t)
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return url, conn
}

func one[T any](t *testing.T, conn *pgx.Conn, sql string, args ...any) T {
	t.Helper()
	var v T
	require.NoError(t, conn.QueryRow(context.Background(), sql, args...).Scan(&v), sql)
	return v
}

func tableOf(rep *baimport.Report, model string) *baimport.TableReport {
	for _, tr := range rep.Tables {
		if tr.Model == model {
			return tr
		}
	}
	return nil
}

// checkImported verifies the fixture in the target.
func checkImported(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	ada := one[string](t, conn, `SELECT id FROM shared_user WHERE email = 'ada@example.com'`)
	bo := one[string](t, conn, `SELECT id FROM shared_user WHERE email = 'bo@example.com'`)
	require.Regexp(t, `^shared_user__[0-9a-f-]{36}$`, ada)
	org := one[string](t, conn, `SELECT id FROM shared_organization WHERE slug = 'acme'`)
	require.Equal(t, `{"plan":"pro"}`, one[string](t, conn, `SELECT metadata FROM shared_organization`))
	require.Equal(t, "admin", one[string](t, conn, `SELECT role FROM shared_user WHERE id = $1`, ada))
	require.Equal(t, "user", one[string](t, conn, `SELECT role FROM shared_user WHERE id = $1`, bo), "NULL role gets the default")
	require.True(t, one[bool](t, conn, `SELECT two_factor_enabled FROM shared_user WHERE id = $1`, ada))

	require.Equal(t, "owner", one[string](t, conn, `SELECT role FROM iam_member WHERE user_id = $1 AND organization_id = $2`, ada, org))
	require.Equal(t, "auditor", one[string](t, conn, `SELECT role FROM iam_member WHERE user_id = $1 AND organization_id = $2`, bo, org))
	require.Equal(t, `{"member":["read"]}`, one[string](t, conn, `SELECT permission FROM iam_organization_role WHERE organization_id = $1 AND role = 'auditor'`, org))
	core := one[string](t, conn, `SELECT id FROM shared_team WHERE name = 'Core' AND organization_id = $1`, org)
	ops := one[string](t, conn, `SELECT id FROM shared_team WHERE name = 'Ops'`)
	require.Equal(t, org, one[string](t, conn, `SELECT organization_id FROM iam_team_member WHERE team_id = $1 AND user_id = $2`, core, ada))
	require.Equal(t, core+","+ops, one[string](t, conn, `SELECT team_id FROM iam_invitation WHERE email = 'cy@example.com'`))
	require.Equal(t, ada, one[string](t, conn, `SELECT inviter_id FROM iam_invitation`))

	var sUser, sOrg, sTeam, sImp string
	require.NoError(t, conn.QueryRow(context.Background(), `SELECT user_id, active_organization_id, active_team_id, impersonated_by FROM shared_session WHERE token = $1`, sessionToken).Scan(&sUser, &sOrg, &sTeam, &sImp))
	require.Equal(t, []string{ada, org, core, bo}, []string{sUser, sOrg, sTeam, sImp})
	require.Nil(t, one[*string](t, conn, `SELECT active_organization_id FROM shared_session WHERE token = 'other-token-2'`), "dangling active organization cleared")
	require.Equal(t, 0, one[int](t, conn, `SELECT count(*) FROM shared_session WHERE token = 'expired-token'`))

	require.Equal(t, ada, one[string](t, conn, `SELECT account_id FROM iam_account WHERE provider_id = 'credential'`), "credential accountId is the user id")
	require.Equal(t, passwordHash, one[string](t, conn, `SELECT password FROM iam_account WHERE user_id = $1`, ada))
	require.Equal(t, "gh-4242", one[string](t, conn, `SELECT account_id FROM iam_account WHERE provider_id = 'github'`))
	require.Equal(t, ada, one[string](t, conn, `SELECT value FROM iam_verification WHERE identifier = 'reset-password:tok'`))
	require.Equal(t, `{"email":"x@example.com","userId":"`+bo+`"}`, one[string](t, conn, `SELECT value FROM iam_verification WHERE identifier = 'change-email'`))
	s1 := one[string](t, conn, `SELECT id FROM shared_session WHERE token = $1`, sessionToken)
	require.Equal(t, "123456:0", one[string](t, conn, `SELECT value FROM iam_verification WHERE identifier = $1`, "2fa-otp-"+ada+"!"+s1),
		"the OTP sent to Ada's session is found under her new user and session ids")

	require.Equal(t, totpSecret, one[string](t, conn, `SELECT secret FROM iam_two_factor WHERE user_id = $1`, ada))
	require.Equal(t, backupCodes, one[string](t, conn, `SELECT backup_codes FROM iam_two_factor`))
	require.Equal(t, passkeyPub, one[string](t, conn, `SELECT public_key FROM iam_passkey WHERE user_id = $1`, ada))
	require.Equal(t, jwkPrivate, one[string](t, conn, `SELECT private_key FROM iam_jwks`))

	var ref string
	var uid, oid *string
	var remaining, reqCount int
	require.NoError(t, conn.QueryRow(context.Background(), `SELECT reference_id, user_id, organization_id, remaining, request_count FROM iam_apikey WHERE key = $1`, apiKeyHash).Scan(&ref, &uid, &oid, &remaining, &reqCount))
	require.Equal(t, ada, ref)
	require.Equal(t, ada, *uid)
	require.Nil(t, oid)
	require.Equal(t, 7, remaining)
	require.Equal(t, 2, reqCount)
	require.Equal(t, org, one[string](t, conn, `SELECT organization_id FROM iam_apikey WHERE key = 'org-key-hash'`))
	require.True(t, one[bool](t, conn, `SELECT enabled FROM iam_apikey WHERE key = 'org-key-hash'`), "missing enabled gets the default")

	require.Equal(t, org, one[string](t, conn, `SELECT organization_id FROM iam_subscription WHERE plan = 'pro'`))
	require.Equal(t, org, one[string](t, conn, `SELECT organization_id FROM iam_sso_provider WHERE provider_id = 'acme-oidc'`))
	require.Equal(t, "approved", one[string](t, conn, `SELECT status::text FROM iam_device_code WHERE user_id = $1`, bo))
	require.Equal(t, ada, one[string](t, conn, `SELECT user_id FROM iam_wallet_address`))
	require.Equal(t, 3, one[int](t, conn, `SELECT count FROM iam_rate_limit`))
	require.Equal(t, 0, one[int](t, conn, `SELECT count(*) FROM shared_user WHERE source IS DISTINCT FROM $1`, baimport.SourceTag))

	r, err := migrate.Check(context.Background(), conn, schema.IAM(), migrate.WithMigrations(migrate.Default()))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
}

func TestImport_CamelCaseKyselyLayout(t *testing.T) {
	t.Parallel()
	src := newSource(t, camelLayout)
	src.fill()
	url, conn := target(t)
	var idmap bytes.Buffer
	var events []baimport.Event
	rep, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url, IDMap: &idmap,
		Progress: func(e baimport.Event) { events = append(events, e) }})
	require.NoError(t, err, "%v", rep.Problems)
	require.True(t, rep.Committed)
	require.Equal(t, baimport.NamingCamel, rep.Naming)
	require.Equal(t, 2, tableOf(rep, "user").Written)
	require.Equal(t, map[string]int{"expired": 1}, tableOf(rep, "session").Skipped)
	require.Equal(t, map[string]int{"activeOrganizationId: organization not in the source": 1}, tableOf(rep, "session").Cleared)
	require.Contains(t, tableOf(rep, "user").MissingFields, "lastLoginMethod")
	var notMoved []string
	for _, n := range rep.NotMoved {
		notMoved = append(notMoved, n.Table)
	}
	require.Contains(t, notMoved, "oauthClient")
	require.NotEmpty(t, events)
	checkImported(t, conn)
	require.Contains(t, idmap.String(), "user,u1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,shared_user__")

	// Nothing secret in the report.
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	for _, secret := range []string{passwordHash, sessionToken, apiKeyHash, totpSecret, backupCodes, jwkPrivate, "gho_secret"} {
		require.NotContains(t, string(b), secret)
		require.NotContains(t, text.String(), secret)
	}
}

func TestImport_SnakeCaseDrizzleLayout(t *testing.T) {
	t.Parallel()
	src := newSource(t, snakeLayout)
	src.fill()
	url, conn := target(t)
	rep, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url})
	require.NoError(t, err, "%v", rep.Problems)
	require.Equal(t, baimport.NamingSnake, rep.Naming)
	checkImported(t, conn)
	// Drizzle's timestamp without time zone holds UTC wall time.
	var srcAt, dstAt time.Time
	require.NoError(t, src.conn.QueryRow(context.Background(), `SELECT created_at AT TIME ZONE 'UTC' FROM "user" WHERE id = 'u2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'`).Scan(&srcAt))
	require.NoError(t, conn.QueryRow(context.Background(), `SELECT created_at FROM shared_user WHERE email = 'bo@example.com'`).Scan(&dstAt))
	require.True(t, srcAt.Equal(dstAt), "%v vs %v", srcAt, dstAt)
}

func TestImport_PluralNamesAndMapFile(t *testing.T) {
	t.Parallel()
	src := newSource(t, camelLayout)
	src.fill()
	// usePlural appends "s" to every model; one table has a custom
	// modelName and a renamed field, given by --map.
	for _, m := range baimport.Models {
		if m != "rateLimit" {
			src.exec(fmt.Sprintf(`ALTER TABLE "%s" RENAME TO "%ss"`, m, m))
		}
	}
	src.exec(`ALTER TABLE "rateLimit" RENAME TO "throttle"; ALTER TABLE "throttle" RENAME COLUMN "lastRequest" TO "last_hit"`)
	dir := t.TempDir()
	mapFile := dir + "/map.json"
	require.NoError(t, os.WriteFile(mapFile, []byte(`{"rateLimit": {"modelName": "throttle", "fields": {"lastRequest": "last_hit"}}}`), 0o600))
	m, err := baimport.ReadMap(mapFile)
	require.NoError(t, err)
	url, conn := target(t)
	rep, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url, Map: m})
	require.NoError(t, err, "%v", rep.Problems)
	require.Equal(t, baimport.NamingCamelPlural, rep.Naming)
	require.Equal(t, "throttle", tableOf(rep, "rateLimit").SourceTable)
	require.Equal(t, baimport.NamingMap, tableOf(rep, "rateLimit").Naming)
	checkImported(t, conn)

	require.NoError(t, os.WriteFile(mapFile, []byte(`{"usr": {"modelName": "x"}}`), 0o600))
	_, err = baimport.ReadMap(mapFile)
	require.ErrorContains(t, err, `unknown Better Auth model "usr"`)
}

func TestImport_AbsentPluginTablesAreSkippedAndReported(t *testing.T) {
	t.Parallel()
	src := newSource(t, camelLayout)
	src.fill()
	src.exec(`DROP TABLE "walletAddress", "subscription", "deviceCode"`)
	url, conn := target(t)
	rep, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url})
	require.NoError(t, err, "%v", rep.Problems)
	require.True(t, tableOf(rep, "walletAddress").Absent)
	require.True(t, tableOf(rep, "deviceCode").Absent)
	require.Equal(t, 2, one[int](t, conn, `SELECT count(*) FROM shared_user`))
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	require.Contains(t, text.String(), "walletAddress     (absent)")
}

func TestImport_BadRowsAreReportedAndNothingIsWritten(t *testing.T) {
	t.Parallel()
	src := newSource(t, camelLayout)
	src.fill()
	now := time.Now()
	src.insert("user", map[string]any{"id": "u3", "name": "Bad", "email": "not-an-email", "emailVerified": false, "createdAt": now, "updatedAt": now})
	src.exec(`ALTER TABLE member DROP CONSTRAINT "member_userId_fkey"`)
	src.insert("member", map[string]any{"id": "m9", "organizationId": "o1", "userId": "ghost", "role": "member", "createdAt": now})
	src.insert("apikey", map[string]any{"id": "k9", "configId": "default", "referenceId": "nobody", "key": "k9-hash-secret", "createdAt": now, "updatedAt": now})
	src.insert("team", map[string]any{"id": "t9", "name": "Core", "memberCount": 0, "organizationId": "o1", "createdAt": now})
	src.exec(`ALTER TABLE "user" ADD COLUMN "tenantId" text`)
	url, conn := target(t)
	rep, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url})
	require.ErrorIs(t, err, baimport.ErrProblems)
	require.False(t, rep.Committed)
	got := map[string]baimport.Problem{}
	for _, p := range rep.Problems {
		got[p.Table+" "+p.SourceID] = p
	}
	require.Equal(t, "email", got["user u3"].Field)
	require.Contains(t, got["user u3"].Rule, "not a valid e-mail address: has no @")
	require.Equal(t, "userId", got["member m9"].Field)
	require.Contains(t, got["member m9"].Rule, `references user "ghost", which is not in the source (dangling reference)`)
	require.Contains(t, got["apikey k9"].Rule, "no user or organization of the source")
	require.Contains(t, got["team t9"].Rule, `unique team_org_name_unique_idx: the same value as source row "t1"`)
	require.Contains(t, got["user "].Rule, "tenantId")
	require.Equal(t, 5, rep.ProblemCount)
	require.Equal(t, 0, one[int](t, conn, `SELECT count(*) FROM shared_user`))
	b, _ := json.Marshal(rep)
	require.NotContains(t, string(b), "k9-hash-secret")

	// A rule only the target knows (a check constraint) is reported by the
	// source row too, and the transaction leaves nothing behind.
	src.exec(`DELETE FROM "user" WHERE id = 'u3'; DELETE FROM member WHERE id = 'm9'; DELETE FROM apikey WHERE id = 'k9'; DELETE FROM team WHERE id = 't9'`)
	src.exec(`UPDATE passkey SET counter = -1`)
	rep, err = baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url, AllowUnknownColumns: true})
	require.ErrorIs(t, err, baimport.ErrProblems)
	require.Len(t, rep.Problems, 1)
	require.Equal(t, baimport.Problem{Table: "passkey", SourceID: "p1", Rule: `new row for relation "iam_passkey" violates check constraint "passkey_counter_non_negative_check" (SQLSTATE 23514)`}, rep.Problems[0])
	require.Equal(t, 0, one[int](t, conn, `SELECT count(*) FROM shared_user`))
	require.Equal(t, 0, one[int](t, conn, `SELECT count(*) FROM iam_member`))
}

func TestImport_DryRunWritesNothing(t *testing.T) {
	t.Parallel()
	src := newSource(t, camelLayout)
	src.fill()
	url, conn := target(t)
	rep, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url, DryRun: true})
	require.NoError(t, err)
	require.False(t, rep.Committed)
	require.Equal(t, 2, tableOf(rep, "session").Rows)
	require.Equal(t, 3, tableOf(rep, "session").Read)
	require.Equal(t, 0, tableOf(rep, "session").Written)
	require.Equal(t, 0, one[int](t, conn, `SELECT count(*) FROM shared_user`))
	require.Positive(t, rep.RowsWritten)
}

func TestImport_TwiceIsRefused(t *testing.T) {
	t.Parallel()
	src := newSource(t, camelLayout)
	src.fill()
	url, conn := target(t)
	_, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url})
	require.NoError(t, err)
	rep, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: url})
	require.True(t, errors.Is(err, baimport.ErrProblems), "%v", err)
	require.Contains(t, rep.Problems[0].Rule, "importing twice is refused")
	require.Equal(t, "user", rep.Problems[0].Table)
	require.Equal(t, "email", rep.Problems[0].Field)
	require.Equal(t, 2, one[int](t, conn, `SELECT count(*) FROM shared_user`))
	require.Equal(t, 2, one[int](t, conn, `SELECT count(*) FROM shared_session`))
	b, _ := json.Marshal(rep)
	require.NotContains(t, string(b), sessionToken)
	require.NotContains(t, string(b), apiKeyHash)
}

func TestImport_TargetMustBeMigrated(t *testing.T) {
	t.Parallel()
	src := newSource(t, camelLayout)
	empty := pgtest.NewDatabase(t, pgtest.Empty())
	_, err := baimport.Run(context.Background(), baimport.Options{Source: src.url, Target: empty})
	require.ErrorContains(t, err, "run `iam migrate up` on the target first")

	none := pgtest.NewDatabase(t, pgtest.Empty())
	_, err = baimport.Run(context.Background(), baimport.Options{Source: none, Target: empty})
	require.ErrorContains(t, err, "has no Better Auth user table")
}
