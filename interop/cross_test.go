package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// goFixtures are rows Go writes before the Node suite runs; the suite's
// "rows Go created" scenarios sign in with them and verify them.
type goFixtures struct {
	Users         []goUser         `json:"users"`
	APIKeys       []goAPIKey       `json:"apiKeys"`
	Organizations []goOrganization `json:"organizations"`
}

// goOrganization is an organization the store created with its owner (the
// first Go user) and one pending invitation.
type goOrganization struct {
	ID           string `json:"id"`
	Slug         string `json:"slug"`
	OwnerEmail   string `json:"ownerEmail"`
	InvitationID string `json:"invitationId"`
	InviteeEmail string `json:"inviteeEmail"`
}

type goUser struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

type goAPIKey struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

// newID returns "<table>__<uuidv7>", the iam id format.
func newID(t *testing.T, table string) string {
	t.Helper()
	u, err := uuid.NewV7()
	require.NoError(t, err)
	return table + domain.IDSeparator + u.String()
}

// writeGoFixtures creates a user with a password and an API key the way a Go
// service would (Better Auth's formats from package betterauth).
func writeGoFixtures(t *testing.T, conn *pgx.Conn) goFixtures {
	t.Helper()
	ctx := context.Background()
	u := goUser{ID: newID(t, domain.TableUser), Email: "go.user@example.com", Password: "go made this password"}
	hash, err := betterauth.HashPassword(u.Password)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO shared_user (id, name, email, email_verified) VALUES ($1, 'Go User', $2, true)`, u.ID, u.Email)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO iam_account (id, account_id, provider_id, user_id, password) VALUES ($1, $2, 'credential', $2, $3)`,
		newID(t, domain.TableAccount), u.ID, hash)
	require.NoError(t, err)
	key := betterauth.GenerateAPIKey("go_")
	k := goAPIKey{ID: newID(t, domain.TableAPIKey), Key: key}
	_, err = conn.Exec(ctx, `INSERT INTO iam_apikey (id, config_id, name, start, prefix, key, reference_id) VALUES ($1, 'default', 'made by go', $2, 'go_', $3, $4)`,
		k.ID, betterauth.APIKeyStart(key), betterauth.HashAPIKey(key), u.ID)
	require.NoError(t, err)
	return goFixtures{Users: []goUser{u}, APIKeys: []goAPIKey{k}}
}

// writeStoreFixtures creates, through the Go store, an organization owned by
// the Go user with one pending invitation.
func writeStoreFixtures(t *testing.T, url string, f *goFixtures) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{})
	require.NoError(t, err)
	defer st.Close()
	owner, err := domain.ParseID[domain.User](f.Users[0].ID)
	require.NoError(t, err)
	org, _, err := st.CreateOrganization(ctx, domain.OrganizationParams{Name: "Go Org", Slug: "go-org"}, owner)
	require.NoError(t, err)
	role := domain.Roles("member")
	inv, err := st.Org(org.ID).Invite(ctx, domain.InvitationParams{
		Email: "go.invitee@example.com", Role: &role, ExpiresAt: time.Now().Add(48 * time.Hour), InviterID: owner,
	})
	require.NoError(t, err)
	f.Organizations = append(f.Organizations, goOrganization{
		ID: org.ID.String(), Slug: org.Slug, OwnerEmail: f.Users[0].Email,
		InvitationID: inv.ID.String(), InviteeEmail: inv.Email,
	})
}

// artefact digs a string out of the suite's artefacts ("session.token").
func artefact(t *testing.T, a map[string]any, path string) string {
	t.Helper()
	var cur any = a
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		require.Truef(t, ok, "artefact %s: %s is not an object", path, p)
		cur = m[p]
	}
	switch v := cur.(type) {
	case string:
		return v
	case nil:
		t.Fatalf("the Node suite wrote no artefact %s", path)
	}
	b, err := json.Marshal(cur)
	require.NoError(t, err)
	return string(b)
}

// TestBetterAuthRunsEveryScenarioAndSharesTheDatabaseWithGo runs the Node
// suite once on a freshly migrated database (plus the rows Go made), as the
// documented iam_auth login, then verifies in Go what Better Auth wrote.
// It runs on every supported Better Auth release (nodeProjects) with withIam
// (Drizzle), and on the pinned release also with withIamKysely (Better Auth's
// Kysely adapter on the pg.Pool), each on a database of its own.
func TestBetterAuthRunsEveryScenarioAndSharesTheDatabaseWithGo(t *testing.T) {
	t.Parallel()
	for _, project := range nodeProjects {
		t.Run(projectName(t, project), func(t *testing.T) {
			t.Parallel()
			testEveryScenario(t, project, adapterDrizzle)
		})
	}
	t.Run(projectName(t, nodeDir)+" "+adapterKysely, func(t *testing.T) {
		t.Parallel()
		testEveryScenario(t, nodeDir, adapterKysely)
	})
}

func testEveryScenario(t *testing.T, project, adapter string) {
	superURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, superURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	fixtures := writeGoFixtures(t, conn)
	writeStoreFixtures(t, superURL, &fixtures)

	// Node: signs in as Go's user, verifies Go's API key, and runs every scenario.
	run := runNode(t, nodeSuite{Project: project, File: "test/scenarios.test.ts", Adapter: adapter, URL: betterAuthURL(t, superURL), Fixtures: fixtures})
	a := run.Artefacts
	require.Equal(t, adapter, artefact(t, a, "adapter"), "Better Auth ran on another adapter than IAM_BETTER_AUTH_ADAPTER asked for")
	require.Equal(t, lockedVersion(t, project, "better-auth"), artefact(t, a, "versions.better-auth"), "the run loaded the release the lockfile pins")
	require.Equal(t, "iam_auth", artefact(t, a, "connection.role"), "Better Auth must work as iam_auth, not as a superuser")

	auth, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret(artefact(t, a, "secret"))})
	require.NoError(t, err)

	t.Run("Go verifies the session cookie Better Auth set", func(t *testing.T) {
		tok, err := auth.VerifySignedValue(artefact(t, a, "session.cookie"))
		require.NoError(t, err)
		require.Equal(t, artefact(t, a, "session.token"), tok.Reveal())
		var userID string
		require.NoError(t, conn.QueryRow(ctx, `SELECT user_id FROM shared_session WHERE token = $1 AND expires_at > now()`, tok.Reveal()).Scan(&userID))
		require.Equal(t, artefact(t, a, "session.userId"), userID)
		_, err = auth.VerifySignedValue(artefact(t, a, "session.token") + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
		require.Error(t, err, "a forged signature must be refused")
	})

	st, err := store.Open(ctx, superURL, store.Options{})
	require.NoError(t, err)
	t.Cleanup(st.Close)

	t.Run("Go authenticates a request carrying Better Auth's cookie or bearer token", func(t *testing.T) {
		for name, header := range map[string][2]string{
			"cookie": {"Cookie", artefact(t, a, "session.cookieHeader")},
			"bearer": {"Authorization", "Bearer " + artefact(t, a, "session.cookie")},
		} {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, artefact(t, a, "baseURL")+"/api/things", nil)
			require.NoError(t, err)
			req.Header.Set(header[0], header[1])
			info, err := auth.Authenticate(ctx, req, st)
			require.NoErrorf(t, err, "with the %s", name)
			require.Equal(t, artefact(t, a, "session.userId"), info.User.ID.String(), name)
			require.NotNil(t, info.Member, "the session has an active organization")
			require.Equal(t, artefact(t, a, "organization.id"), info.Member.OrganizationID.String())
			require.Equal(t, "owner", string(info.Member.Role))
		}
	})

	t.Run("Go verifies the API key Better Auth issued, with its semantics", func(t *testing.T) {
		k, err := betterauth.VerifyAPIKey(ctx, st, betterauth.APIKeyFormat{Prefix: "go_"}, artefact(t, a, "apiKey.key"), "default")
		require.NoError(t, err)
		require.Equal(t, artefact(t, a, "apiKey.id"), k.ID.String())
		_, err = betterauth.VerifyAPIKey(ctx, st, betterauth.APIKeyFormat{Prefix: "go_"}, "go_"+strings.Repeat("x", betterauth.DefaultAPIKeyLength), "default")
		require.ErrorIs(t, err, betterauth.ErrInvalidAPIKey)
	})

	t.Run("Go computes the same one-time codes from the TOTP secret Better Auth stored", func(t *testing.T) {
		var secretCol string
		require.NoError(t, conn.QueryRow(ctx, `SELECT secret FROM iam_two_factor WHERE user_id = $1`, artefact(t, a, "twoFactor.userId")).Scan(&secretCol))
		secret, err := auth.DecryptTOTPSecret(secretCol)
		require.NoError(t, err)
		var hotp map[string]string
		require.NoError(t, json.Unmarshal([]byte(artefact(t, a, "twoFactor.hotp")), &hotp))
		for counter, code := range hotp {
			n, err := strconv.ParseUint(counter, 10, 64)
			require.NoError(t, err)
			require.Equal(t, code, betterauth.TOTP{}.HOTP(secret.Reveal(), n), "HOTP counter %d", n)
		}
	})

	t.Run("Go verifies the password hash Better Auth wrote", func(t *testing.T) {
		var hash string
		require.NoError(t, conn.QueryRow(ctx, `SELECT password FROM iam_account WHERE user_id = $1 AND provider_id = 'credential'`, artefact(t, a, "password.userId")).Scan(&hash))
		ok, err := betterauth.VerifyPassword(hash, artefact(t, a, "password.password"))
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = betterauth.VerifyPassword(hash, "not the password")
		require.NoError(t, err)
		require.False(t, ok)
	})

	t.Run("Go hashes the API key Better Auth issued to the stored hash", func(t *testing.T) {
		var stored string
		require.NoError(t, conn.QueryRow(ctx, `SELECT key FROM iam_apikey WHERE id = $1`, artefact(t, a, "apiKey.id")).Scan(&stored))
		require.Equal(t, stored, betterauth.HashAPIKey(artefact(t, a, "apiKey.key")))
	})

	t.Run("Go decrypts the TOTP secret and backup codes Better Auth stored", func(t *testing.T) {
		var secretCol, codesCol string
		require.NoError(t, conn.QueryRow(ctx, `SELECT secret, backup_codes FROM iam_two_factor WHERE user_id = $1`, artefact(t, a, "twoFactor.userId")).Scan(&secretCol, &codesCol))
		plain, err := auth.Decrypt(secretCol)
		require.NoError(t, err)
		require.Equal(t, artefact(t, a, "twoFactor.totpSecret"), plain)
		codes, err := auth.Decrypt(codesCol)
		require.NoError(t, err)
		require.JSONEq(t, artefact(t, a, "twoFactor.backupCodes"), codes, "the used backup code is gone, the rest remain")
	})

	t.Run("Go verifies the JWT against the JWKS Better Auth served", func(t *testing.T) {
		ks, err := betterauth.ParseJWKS([]byte(artefact(t, a, "jwt.jwks")))
		require.NoError(t, err)
		claims, err := betterauth.VerifyJWT(artefact(t, a, "jwt.token"), ks, time.Now(), betterauth.JWTOptions{Issuer: artefact(t, a, "baseURL")})
		require.NoError(t, err)
		require.Equal(t, artefact(t, a, "session.userId"), claims.Subject)
	})

	t.Run("Better Auth accepted Go's user, API key, organization and invitation", func(t *testing.T) {
		require.Contains(t, run.Output, "Go's users sign in with their passwords")
		require.Contains(t, run.Output, "Go's API keys verify")
		require.Contains(t, run.Output, "Go's organization, owner and invitation")
		var status string
		require.NoError(t, conn.QueryRow(ctx, `SELECT status::text FROM iam_invitation WHERE id = $1`, fixtures.Organizations[0].InvitationID).Scan(&status))
		require.Equal(t, "accepted", status, "Better Auth accepted the invitation the store wrote")
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM shared_session WHERE user_id = $1`, fixtures.Users[0].ID).Scan(&n))
		require.GreaterOrEqual(t, n, 1, fmt.Sprintf("Better Auth sessions for Go's user %s", fixtures.Users[0].ID))
	})
}
